// The assets MicroCoin knows and the scale (decimal places) of each one's minor unit.
// USD is held in cents; BTC and ETH in 1e-8 units (satoshi-sized for both, by decision).
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace mc::money {

struct asset_info {
  std::string_view code;  // upper case, e.g. "BTC"
  int scale;              // minor units per whole unit = 10^scale
};

inline constexpr std::array<asset_info, 3> known_assets{{
    {"USD", 2},
    {"BTC", 8},
    {"ETH", 8},
}};

// Exact, case-sensitive lookup ("btc" is not an asset code); nullopt if unknown.
constexpr std::optional<asset_info> find_asset(std::string_view code) noexcept {
  for (const auto& a : known_assets) {
    if (a.code == code) return a;
  }
  return std::nullopt;
}

}  // namespace mc::money
