// The per-client queue: one pending quote per symbol, always the newest.
#include "gateway/market/send_queue.h"

#include <gtest/gtest.h>

namespace mc::gateway::market {
namespace {

payload_ptr p(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

TEST(SendQueue, SymbolsInTheOrderTheyBecamePending) {
  send_queue q(4);
  EXPECT_EQ(q.push(1, p("b1")), send_queue::push_result::queued);
  EXPECT_EQ(q.push(0, p("a1")), send_queue::push_result::queued);
  EXPECT_EQ(**q.pop(), "b1");
  EXPECT_EQ(q.push(1, p("b2")), send_queue::push_result::queued);
  EXPECT_EQ(**q.pop(), "a1");
  EXPECT_EQ(**q.pop(), "b2");
  EXPECT_FALSE(q.pop());
}

TEST(SendQueue, ANewerQuoteReplacesThePendingOneOfItsSymbol) {
  send_queue q(4);
  q.push(0, p("a1"));
  q.push(1, p("b1"));
  EXPECT_EQ(q.push(0, p("a2")), send_queue::push_result::coalesced);
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(**q.pop(), "a2");
  EXPECT_EQ(**q.pop(), "b1");
  EXPECT_FALSE(q.pop());
}

TEST(SendQueue, KeepsOnlyNewestPerSymbolAndStaysBounded) {
  send_queue q(2);
  q.push(0, p("a1"));
  q.push(1, p("b1"));
  for (int i = 2; i < 100; ++i) {
    EXPECT_EQ(q.push(0, p("a" + std::to_string(i))), send_queue::push_result::coalesced);
    EXPECT_EQ(q.size(), 2u);
  }
  EXPECT_EQ(q.push(1, p("b2")), send_queue::push_result::coalesced);
  EXPECT_EQ(**q.pop(), "a99");
  EXPECT_EQ(**q.pop(), "b2");
  EXPECT_FALSE(q.pop());
}

TEST(SendQueue, MoreSymbolsThanSlotsDropsTheOldest) {
  send_queue q(1);
  q.push(0, p("a1"));
  EXPECT_EQ(q.push(1, p("b1")), send_queue::push_result::dropped_oldest);
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(**q.pop(), "b1");
}

TEST(SendQueue, SharesThePayload) {
  send_queue q(2);
  auto shared = p("x");
  q.push(0, shared);
  EXPECT_EQ(q.pop()->get(), shared.get());
}

}  // namespace
}  // namespace mc::gateway::market
