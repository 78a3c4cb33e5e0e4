// The idempotency store's memory window: the newest N records in memory, older keys answered
// by the injected lookup (the database in production).
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

#include "tradeledger/core/idempotency_store.h"

namespace mc::tradeledger {
namespace {

command_result answer(const std::string& body) {
  command_result r;
  r.status = 201;
  r.body = body;
  return r;
}

TEST(CoreIdempotencyStore, WithoutAWindowEverythingStays) {
  idempotency_store s;
  std::vector<idempotency_row> rows;
  for (int i = 0; i < 100; ++i) s.remember(1000, "k" + std::to_string(i), "h", answer("b"), rows);
  EXPECT_EQ(s.size(), 100u);
  // Accepted (201): the record rides on the order row, so no idempotency row of its own.
  EXPECT_TRUE(rows.empty());
  command_result refused;
  refused.status = 422;
  refused.error = error_code::insufficient_funds;
  s.remember(1000, "refused", "h", refused, rows);
  EXPECT_EQ(rows.size(), 1u);  // a refusal keeps its row
  EXPECT_EQ(s.replay(1000, "k0", "h")->body, "b");
  EXPECT_EQ(s.replay(1000, "k0", "other")->error, error_code::idem_mismatch);
  EXPECT_FALSE(s.replay(1000, "new", "h"));
}

TEST(CoreIdempotencyStore, OlderKeysAreAnsweredByTheLookup) {
  std::map<std::string, idempotent_outcome> database;
  int lookups = 0;
  idempotency_store s(
      3, [&](std::uint64_t user, const std::string& key) -> std::optional<idempotent_outcome> {
        ++lookups;
        auto it = database.find(std::to_string(user) + "/" + key);
        if (it == database.end()) return std::nullopt;
        return it->second;
      });
  std::vector<idempotency_row> rows;
  for (int i = 0; i < 5; ++i) {
    const std::string key = "k" + std::to_string(i);
    s.remember(1000, key, "h" + std::to_string(i), answer("b" + std::to_string(i)), rows);
    database["1000/" + key] =
        idempotent_outcome{"h" + std::to_string(i), answer("b" + std::to_string(i))};
  }
  EXPECT_EQ(s.size(), 3u);  // k2, k3, k4
  EXPECT_EQ(s.replay(1000, "k4", "h4")->body, "b4");
  EXPECT_EQ(lookups, 0);
  EXPECT_EQ(s.replay(1000, "k0", "h0")->body, "b0");  // evicted: the database answers
  EXPECT_EQ(s.replay(1000, "k1", "x")->error, error_code::idem_mismatch);
  EXPECT_EQ(lookups, 2);
  // A key never used is known to be new without asking the database.
  EXPECT_FALSE(s.replay(1000, "k9", "h"));
  EXPECT_FALSE(s.replay(1001, "k0", "h0"));  // another user's key of the same name
  EXPECT_EQ(lookups, 2);
  EXPECT_EQ(s.lookups(), 2u);
  EXPECT_EQ(s.fingerprints(), 5u);
}

TEST(CoreIdempotencyStore, RestoredKeysAreFingerprintedAndTheWindowHoldsOnlyTheNewest) {
  int lookups = 0;
  idempotency_store s(2,
                      [&](std::uint64_t, const std::string&) -> std::optional<idempotent_outcome> {
                        ++lookups;
                        return idempotent_outcome{"h", answer("from the database")};
                      });
  for (int i = 0; i < 1000; ++i) {
    s.restore(1000, "k" + std::to_string(i), idempotent_outcome{"h", answer("b")});
  }
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s.fingerprints(), 1000u);
  EXPECT_EQ(s.replay(1000, "k0", "h")->body, "from the database");
  EXPECT_EQ(s.replay(1000, "k999", "h")->body, "b");
  EXPECT_FALSE(s.replay(1000, "k1000", "h"));
  EXPECT_EQ(lookups, 1);
}

TEST(CoreIdempotencyStore, AFailedLookupReachesTheCallerAndStoresNothing) {
  bool database_up = false;
  idempotency_store s(
      1, [&](std::uint64_t, const std::string& key) -> std::optional<idempotent_outcome> {
        if (!database_up) throw std::runtime_error("database unreachable");
        return idempotent_outcome{"h", answer("stored answer of " + key)};
      });
  std::vector<idempotency_row> rows;
  s.remember(1000, "old", "h", answer("b"), rows);
  s.remember(1000, "new", "h", answer("b"), rows);  // "old" leaves the window
  EXPECT_THROW(s.replay(1000, "old", "h"), std::runtime_error);
  // Nothing was cached from the failure: once the database answers, its answer is used.
  database_up = true;
  EXPECT_EQ(s.replay(1000, "old", "h")->body, "stored answer of old");
  EXPECT_EQ(s.lookups(), 2u);
}

}  // namespace
}  // namespace mc::tradeledger
