// Limits of the ledger's requests, shared by the validator (api/) and the core.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mc::tradeledger {

// Largest single top-up, in whole units of the currency (1,000,000,000.00 USD).
inline constexpr std::int64_t topup_whole_units_max = 1'000'000'000;
// Order-book levels kept per side in the published snapshot (the order_book read's maximum).
inline constexpr std::size_t book_levels_max = 100;
// list_orders page size bounds.
inline constexpr int list_limit_max = 500;

}  // namespace mc::tradeledger
