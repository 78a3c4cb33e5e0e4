// One WebSocket client's pending quotes: at most one per symbol. A new quote replaces the
// pending one of its symbol (the client only needs the newest price), so a client that falls
// behind gets fresh prices rather than a backlog, and costs a fixed amount of memory. Symbols
// go out in the order they first became pending. Not thread-safe; the session locks it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace mc::gateway::market {

using payload_ptr = std::shared_ptr<const std::string>;

class send_queue {
 public:
  enum class push_result { queued, coalesced, dropped_oldest };

  explicit send_queue(std::size_t limit);

  // `symbol` is the index of the quote's symbol. `limit` caps the symbols pending at once:
  // beyond it (more symbols than slots) the oldest pending quote goes.
  push_result push(std::uint32_t symbol, payload_ptr payload);
  std::optional<payload_ptr> pop();

  std::size_t size() const noexcept { return items_.size(); }
  std::size_t limit() const noexcept { return limit_; }

 private:
  struct item {
    std::uint32_t symbol;
    payload_ptr payload;
  };
  std::size_t limit_;
  std::deque<item> items_;
};

}  // namespace mc::gateway::market
