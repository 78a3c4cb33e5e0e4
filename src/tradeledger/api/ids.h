// Identifiers on the wire: UUID parsing/normalisation, time-ordered v7 order ids, and the UUID form
// of the engine's integer trade ids (API.md: ids are UUID strings).
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace mc::tradeledger {

// Canonical lower-case 8-4-4-4-12 form, or nullopt when `text` is not a UUID.
std::optional<std::string> normalize_uuid(std::string_view text);

// Version-7 UUIDs (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter that keeps one
// generator's ids strictly increasing (also within a millisecond, and if the clock steps back),
// then 62 random bits. Why not v4: a time-ordered key lands at the right edge of its B-tree
// index — a page already in cache — where a random one lands on a random leaf page, a cache
// miss and, after every checkpoint, a full-page image in the WAL. Not thread-safe: one per
// thread.
class uuid_generator {
 public:
  uuid_generator();
  std::string next();  // stamped with the system clock
  std::string next(std::uint64_t unix_ms);

 private:
  std::mt19937_64 rng_;
  std::uint64_t last_ms_ = 0;
  std::uint64_t counter_ = 0;
};

// Trade ids are engine integers; on the wire they are the UUID 00000000-0000-0000-0000-<id hex>,
// which is unique, ordered like the integer and reversible.
std::string trade_uuid(std::uint64_t trade_id);

}  // namespace mc::tradeledger
