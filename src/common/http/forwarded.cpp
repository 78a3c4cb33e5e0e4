#include "common/http/forwarded.h"

#include <algorithm>

namespace mc::http {

namespace {

bool trusted(std::string_view ip, const std::vector<std::string>& proxies) {
  return std::find(proxies.begin(), proxies.end(), ip) != proxies.end();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string client_address(std::string_view peer, std::string_view x_forwarded_for,
                           const std::vector<std::string>& trusted_proxies) {
  if (x_forwarded_for.empty() || !trusted(peer, trusted_proxies)) return std::string(peer);
  // Walk from the right: each hop appended the address it received the request from, so the
  // first address a trusted proxy did not vouch for is the client.
  std::string_view rest = x_forwarded_for;
  while (!rest.empty()) {
    const auto comma = rest.rfind(',');
    const std::string_view entry =
        trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    if (entry.empty() || entry.size() > 45) break;  // 45: the longest textual IPv6 address
    if (!trusted(entry, trusted_proxies)) return std::string(entry);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(0, comma);
  }
  return std::string(peer);
}

}  // namespace mc::http
