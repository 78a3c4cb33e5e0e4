// Why a tick was not published as a good quote; each value is a label of the
// `quotes_dropped_total{reason}` counter.
#pragma once

#include <array>
#include <string_view>

namespace mc::quotes {

enum class drop_reason {
  malformed,           // not JSON, missing or mistyped fields, bad decimals or times
  unknown_symbol,      // a symbol we were not configured for
  non_positive,        // bid, ask or a size <= 0
  crossed,             // bid >= ask
  time_backwards,      // exchange time older than the last accepted one for the symbol
  sequence_backwards,  // venue sequence not above the last accepted one (duplicate/reordered)
};

inline constexpr std::array all_drop_reasons{
    drop_reason::malformed, drop_reason::unknown_symbol, drop_reason::non_positive,
    drop_reason::crossed,   drop_reason::time_backwards, drop_reason::sequence_backwards,
};

constexpr std::string_view to_string(drop_reason r) noexcept {
  switch (r) {
    case drop_reason::malformed:
      return "malformed";
    case drop_reason::unknown_symbol:
      return "unknown_symbol";
    case drop_reason::non_positive:
      return "non_positive";
    case drop_reason::crossed:
      return "crossed";
    case drop_reason::time_backwards:
      return "time_backwards";
    case drop_reason::sequence_backwards:
      return "sequence_backwards";
  }
  return "unknown";
}

}  // namespace mc::quotes
