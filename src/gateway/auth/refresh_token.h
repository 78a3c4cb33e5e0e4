// Refresh tokens: 32 random bytes (libsodium), base64url on the wire; only their SHA-256
// (hex) is stored, so a database leak does not hand out sessions.
#pragma once

#include <string>
#include <string_view>

namespace mc::gateway::auth {

std::string new_refresh_token();
std::string refresh_token_hash(std::string_view token);

}  // namespace mc::gateway::auth
