// The resumable stream reader against a real Redis: a reader started late gets everything the
// stream holds, in order; one that lives through a Redis restart continues where it was; one
// that fell behind the trim is told about the gap. Conditions are awaited with deadlines.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "common/redis/client.h"
#include "common/redis/stream_reader.h"
#include "support/test_env.h"

namespace mc::redis {
namespace {

using namespace std::chrono_literals;

struct collected {
  std::mutex mutex;
  std::vector<std::int64_t> seqs;
  std::vector<std::pair<std::string, std::string>> gaps;

  stream_reader::batch_handler on_batch() {
    return [this](const std::vector<stream_entry>& b) {
      std::lock_guard lock(mutex);
      for (const auto& e : b) seqs.push_back(e.seq);
    };
  }
  stream_reader::gap_handler on_gap() {
    return [this](const std::string& last, const std::string& next) {
      std::lock_guard lock(mutex);
      gaps.emplace_back(last, next);
    };
  }
  std::vector<std::int64_t> wait_for(std::size_t n) {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(mutex);
        if (seqs.size() >= n) return seqs;
      }
      std::this_thread::sleep_for(20ms);
    }
    std::lock_guard lock(mutex);
    return seqs;
  }
};

std::string unique_stream() {
  static std::atomic<int> n{0};
  return "test:stream:" + std::to_string(::getpid()) + ":" + std::to_string(n++);
}

void add(client& c, const std::string& stream, std::int64_t seq) {
  const auto r = c.command({"XADD", stream, "*", "seq", std::to_string(seq), "channel", "orders:u",
                            "payload", "{\"seq\":" + std::to_string(seq) + "}"});
  ASSERT_TRUE(r.ok()) << r.str;
}

stream_reader_options quick() {
  stream_reader_options o;
  o.block_ms = 200ms;
  o.backoff_initial_ms = 20ms;
  o.backoff_max_ms = 200ms;
  return o;
}

TEST(RedisStream, ReaderStartedLateGetsEverythingInOrder) {
  client c(mc::test::redis_url());
  const auto stream = unique_stream();
  for (int i = 1; i <= 10; ++i) add(c, stream, i);
  collected got;
  stream_reader reader(mc::test::redis_url(), stream, "0", got.on_batch(), got.on_gap(), quick());
  EXPECT_EQ(got.wait_for(10), (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_TRUE(got.gaps.empty());
}

TEST(RedisStream, ContinuesWhereItWasAcrossARedisRestart) {
  client c(mc::test::redis_url());
  const auto stream = unique_stream();
  collected got;
  stream_reader reader(mc::test::redis_url(), stream, "$", got.on_batch(), got.on_gap(), quick());
  ASSERT_TRUE(reader.wait_reading(5s));
  for (int i = 1; i <= 3; ++i) add(c, stream, i);
  ASSERT_EQ(got.wait_for(3).size(), 3u);
  ASSERT_EQ(mc::test::infra("stop-redis"), 0);
  ASSERT_EQ(mc::test::infra("start-redis"), 0);  // the stream survives (append-only file)
  client again(mc::test::redis_url());
  for (int i = 4; i <= 6; ++i) add(again, stream, i);
  EXPECT_EQ(got.wait_for(6), (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_GE(reader.reconnects(), 1u);
  EXPECT_TRUE(got.gaps.empty());
}

TEST(RedisStream, ReaderBehindTheTrimIsToldAboutTheGap) {
  client c(mc::test::redis_url());
  const auto stream = unique_stream();
  for (int i = 1; i <= 3; ++i) add(c, stream, i);
  const auto first = c.command({"XRANGE", stream, "-", "+", "COUNT", "1"});
  ASSERT_TRUE(first.ok());
  const std::string position = first.elements.at(0).elements.at(0).str;  // seq 1 was read
  for (int i = 4; i <= 6; ++i) add(c, stream, i);
  ASSERT_TRUE(c.command({"XTRIM", stream, "MAXLEN", "2"}).ok());  // 1..4 gone, 5 and 6 left
  collected got;
  stream_reader reader(mc::test::redis_url(), stream, position, got.on_batch(), got.on_gap(),
                       quick());
  EXPECT_EQ(got.wait_for(2), (std::vector<std::int64_t>{5, 6}));
  std::lock_guard lock(got.mutex);
  ASSERT_EQ(got.gaps.size(), 1u);
  EXPECT_EQ(got.gaps[0].first, position);
  EXPECT_EQ(reader.gaps(), 1u);
}

TEST(RedisStream, IdsCompareNumerically) {
  EXPECT_LT(compare_stream_ids("9-0", "10-0"), 0);
  EXPECT_LT(compare_stream_ids("10-1", "10-2"), 0);
  EXPECT_EQ(compare_stream_ids("10-2", "10-2"), 0);
  EXPECT_GT(compare_stream_ids("11-0", "10-99"), 0);
  EXPECT_LT(compare_stream_ids("", "0-1"), 0);
}

}  // namespace
}  // namespace mc::redis
