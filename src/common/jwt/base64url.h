// Base64url without padding (RFC 4648 §5), as JWT segments use it.
// Decoding is strict: no padding, no whitespace, and unused trailing bits must be zero, so
// every byte string has exactly one accepted spelling.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mc::jwt {

std::string base64url_encode(std::string_view bytes);

// nullopt for any character outside [A-Za-z0-9_-], a length of 1 mod 4, '=' padding,
// or non-zero unused bits in the last character.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace mc::jwt
