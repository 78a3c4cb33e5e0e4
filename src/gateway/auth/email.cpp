// Email normal form and plausibility check.
#include "gateway/auth/email.h"

namespace mc::gateway::auth {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> normalize_email(std::string_view raw) {
  const std::string_view s = trim(raw);
  if (s.empty() || s.size() > email_bytes_max) return std::nullopt;

  std::string out;
  out.reserve(s.size());
  std::size_t at = std::string_view::npos;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    // Spaces, controls and DEL inside an address are typos or injection attempts.
    if (c <= 0x20 || c == 0x7f) return std::nullopt;
    if (c == '@') {
      if (at != std::string_view::npos) return std::nullopt;
      at = i;
    }
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c));
  }
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  const std::string_view domain = std::string_view(out).substr(at + 1);
  if (domain.empty() || domain.find('.') == std::string_view::npos) return std::nullopt;
  if (domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return std::nullopt;
  }
  return out;
}

}  // namespace mc::gateway::auth
