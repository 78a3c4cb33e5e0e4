// The batch's outbox events: one seq per event (assigned here, inside every payload), the
// events of one command marked as one table row (begin_command), and on
// orders:<user> channels the user's own gap-free event number (user_seq). Payloads are
// rendered with json_out (docs/TRADELEDGER.md "Outbox" has their shapes). Engine thread only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tradeledger/core/batch.h"

namespace mc::tradeledger {

// The fields of a fill event; prices and amounts are already decimal text.
struct fill_event_fields {
  std::string_view order_id;  // public UUID
  std::string_view trade_id;  // trade UUID
  std::string_view symbol;
  std::string_view side;
  std::string_view price;
  std::string_view qty;
  std::string_view fee;
  std::string_view liquidity;
  std::string_view ts;
};

class outbox_writer {
 public:
  void restore_next_seq(std::int64_t next_seq);
  // Events already published on orders:<user> (the user's last user_seq).
  void restore_user_events(std::uint64_t user, std::int64_t count);

  void begin_batch(batch& out) { out_ = &out; }
  // The events appended from now on belong to command `n` (one outbox table row).
  void begin_command(std::uint64_t n) { command_ = n; }
  // trades:<symbol>
  void trade(std::string_view symbol, std::string_view trade_id, std::string_view price,
             std::string_view qty, bool taker_buys, std::string_view ts);
  // orders:<user uuid>
  void fill(std::uint64_t user, const std::string& user_uuid, const fill_event_fields& f);
  // orders:<user uuid>: the order's place answer as of `updated_at`.
  void order(std::uint64_t user, const std::string& user_uuid, std::string_view updated_at,
             std::string_view answer);

 private:
  std::string& row(std::string channel);  // appends a row, returns its open payload
  std::string& user_row(std::uint64_t user, const std::string& user_uuid);

  std::int64_t next_seq_ = 1;
  std::uint64_t command_ = 0;
  std::unordered_map<std::uint64_t, std::int64_t> user_events_;  // last user_seq per user
  batch* out_ = nullptr;
};

}  // namespace mc::tradeledger
