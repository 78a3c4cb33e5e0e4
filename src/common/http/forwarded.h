// The client's address behind reverse proxies. X-Forwarded-For is believed only when the TCP
// peer is a proxy the operator listed (TRUSTED_PROXIES): anyone else could write any address
// into it and pick their own rate-limit bucket.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mc::http {

// The right-most address of `x_forwarded_for` ("client, proxy1, proxy2") that is not itself a
// trusted proxy, when `peer` is trusted; otherwise `peer`. Entries are trimmed; an empty or
// malformed header leaves `peer`.
std::string client_address(std::string_view peer, std::string_view x_forwarded_for,
                           const std::vector<std::string>& trusted_proxies);

}  // namespace mc::http
