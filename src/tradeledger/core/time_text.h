// Wall-clock time in the ledger: microseconds since the Unix epoch as integers everywhere, and
// RFC 3339 UTC text ("2024-05-01T12:00:00.123456Z") on the wire.
#pragma once

#include <cstdint>
#include <string>

namespace mc::tradeledger {

std::int64_t now_us();
std::string format_rfc3339(std::int64_t epoch_us);

}  // namespace mc::tradeledger
