// Authentication for protected routes: a filter for plain HTTP routes and an authorizer for
// WebSocket upgrades. Both set request::principal to the user id of a valid access token.
#pragma once

#include <optional>
#include <string_view>

#include "common/http/router.h"
#include "gateway/auth/access_token.h"

namespace mc::gateway::auth {

// The token of an "Authorization: Bearer <token>" header (scheme case-insensitive).
std::optional<std::string_view> bearer_token(const http::request& req);

// 401 UNAUTHORIZED with WWW-Authenticate: Bearer unless a valid bearer token is present.
// `verifier` must outlive the router.
http::filter require_user(const access_verifier& verifier);

// For router::add_websocket: the Authorization header, or else `?token=` (browsers cannot
// set headers on a WebSocket handshake).
http::ws_authorize require_user_ws(const access_verifier& verifier);

}  // namespace mc::gateway::auth
