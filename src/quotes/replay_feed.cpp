// Replay loop. Times are shifted so the file's first frame is "now" (and scaled by the
// speed) and each pass continues where the previous one ended; sequences are shifted per symbol on
// every pass, so the checker sees a market that keeps moving forward rather than one that jumps
// back.
#include "quotes/replay_feed.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fstream>
#include <map>

#include "common/log/log.h"
#include "quotes/coinbase_message.h"
#include "quotes/trade_gap_tracker.h"

namespace mc::quotes {
namespace {

// With speed 0, give other work on the executor a turn after this many frames.
constexpr int frames_per_yield = 256;

struct seq_range {
  uint64_t min = UINT64_MAX;
  uint64_t max = 0;
  uint64_t offset = 0;
};

std::chrono::microseconds scale(std::chrono::microseconds d, double speed) {
  return std::chrono::microseconds{static_cast<int64_t>(static_cast<double>(d.count()) / speed)};
}

}  // namespace

replay_feed::replay_feed(net::any_io_executor executor, replay_config config)
    : executor_(executor), config_(std::move(config)), timer_(executor) {}

void replay_feed::start(feed_sink& sink) {
  net::co_spawn(executor_, run(sink), net::detached);
}

void replay_feed::stop() {
  net::post(executor_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

net::awaitable<void> replay_feed::run(feed_sink& sink) {
  using std::chrono::steady_clock;
  using namespace std::chrono_literals;
  sink.on_connected(false);
  trade_gap_tracker gaps;
  std::map<std::string, seq_range, std::less<>> ranges;
  const auto wall_start = steady_clock::now();
  const auto now_at_start = std::chrono::floor<std::chrono::microseconds>(clock::now());
  std::optional<timestamp> first_time;  // first ticker time in the file
  timestamp last_time{};                // latest ticker time seen in this pass (unshifted)
  std::chrono::microseconds pass_offset{0};
  int since_yield = 0;

  for (int pass = 0; !stopped_; ++pass) {
    std::ifstream in(config_.file);
    if (!in) {
      log::error("replay file cannot be opened", {{"file", config_.file}});
      sink.on_disconnected("replay file cannot be opened");
      co_return;
    }
    std::string line;
    while (!stopped_ && std::getline(in, line)) {
      if (line.empty() || line.find_first_not_of(" \t\r") == std::string::npos) continue;
      auto received = std::chrono::floor<std::chrono::microseconds>(clock::now());
      if (line.size() > line_bytes_max) {
        sink.on_malformed("replay line too long");
        continue;
      }
      auto msg = parse_coinbase_message(line, feed_source::replay, received);
      if (auto* bad = std::get_if<coinbase_malformed>(&msg)) {
        sink.on_malformed(bad->detail);
        continue;
      }
      auto* ticker = std::get_if<coinbase_ticker>(&msg);
      if (!ticker) continue;  // heartbeats, subscriptions: nothing to replay
      quote& q = ticker->q;

      if (!first_time) first_time = q.exchange_time;
      if (q.exchange_time > last_time) last_time = q.exchange_time;
      auto since_first = q.exchange_time - *first_time + pass_offset;
      if (config_.speed > 0) {
        auto wait =
            std::chrono::duration_cast<steady_clock::duration>(scale(since_first, config_.speed));
        if (wall_start + wait > steady_clock::now()) {
          timer_.expires_at(wall_start + wait);
          auto [ec] = co_await timer_.async_wait(net::as_tuple(net::use_awaitable));
          if (ec || stopped_) break;
          q.receive_time = std::chrono::floor<std::chrono::microseconds>(clock::now());
        }
      } else if (++since_yield >= frames_per_yield) {
        since_yield = 0;
        co_await net::post(executor_, net::use_awaitable);
        if (stopped_) break;
      }

      auto& range = ranges[q.symbol];
      range.min = std::min(range.min, q.sequence);
      range.max = std::max(range.max, q.sequence);
      q.sequence += range.offset;
      // At speed s the replayed market moves s times faster, so its clock does too: exchange
      // times then track the wall clock. At speed 0 the recording's own spacing is kept.
      q.exchange_time =
          now_at_start + (config_.speed > 0 ? scale(since_first, config_.speed) : since_first);
      if (ticker->trade_id) {
        if (auto missed = gaps.observe(q.symbol, *ticker->trade_id)) {
          sink.on_sequence_gap(q.symbol, missed);
        }
      }
      sink.on_quote(std::move(q));
    }
    if (stopped_ || !config_.loop || !first_time) break;
    // Next pass: continue 1 ms after this pass's last frame, sequences above this pass's.
    pass_offset += last_time - *first_time + 1ms;
    for (auto& [symbol, r] : ranges) r.offset += r.max - r.min + 1;
    gaps.reset();  // the wrap from the last trade id to the first is not a loss
    last_time = *first_time;
  }
  finished_ = !stopped_;
  if (finished_) log::info("replay finished", {{"file", config_.file}});
}

}  // namespace mc::quotes
