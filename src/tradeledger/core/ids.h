// Identifiers on the wire: UUID parsing/normalisation, random v4 order ids, and the UUID form
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

// Random version-4 UUIDs from a seeded 64-bit generator. Not thread-safe: one per thread.
class uuid_generator {
 public:
  uuid_generator();
  std::string next();

 private:
  std::mt19937_64 rng_;
};

// Trade ids are engine integers; on the wire they are the UUID 00000000-0000-0000-0000-<id hex>,
// which is unique, ordered like the integer and reversible.
std::string trade_uuid(std::uint64_t trade_id);

}  // namespace mc::tradeledger
