// Email addresses as account keys: one normal form (trimmed, ASCII lower-cased) so that
// " Ann@Example.COM" and "ann@example.com" are the same account, and a deliberately simple
// validity check — the address is never mailed, it only has to be plausible and bounded.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mc::gateway::auth {

// RFC 5321's limit on a forward path; longer input is refused before any other work.
inline constexpr std::size_t email_bytes_max = 254;

// The normal form of `raw`, or nullopt when it is not a plausible address: exactly one '@',
// a non-empty local part, a domain with a dot that neither starts nor ends with one, no
// whitespace or control characters, at most email_bytes_max bytes after trimming.
std::optional<std::string> normalize_email(std::string_view raw);

}  // namespace mc::gateway::auth
