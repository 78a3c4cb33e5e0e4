// RFC 3339 timestamps: parsing Coinbase's "2024-05-01T12:00:00.123456Z" and printing the
// "2024-05-01T12:00:00.123Z" form used in every quote we publish.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "quotes/quote.h"

namespace mc::quotes {

// Accepts "YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|+HH:MM|-HH:MM)"; digits beyond microseconds are
// truncated. Returns nullopt for anything else, including impossible dates.
std::optional<timestamp> parse_rfc3339(std::string_view text);

// "YYYY-MM-DDTHH:MM:SS.mmmZ", always UTC, always milliseconds.
std::string format_rfc3339_ms(timestamp t);
void append_rfc3339_ms(std::string& out, timestamp t);

}  // namespace mc::quotes
