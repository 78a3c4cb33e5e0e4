// The public auth endpoints (API.md "Auth"): POST /auth/signup, /auth/login, /auth/refresh,
// /auth/logout. JSON is read and written only here; the service works on values.
#pragma once

#include "common/http/router.h"
#include "gateway/auth/auth_service.h"

namespace mc::gateway::auth {

// Registers the four routes behind `filters` (the rate limiter). `svc` must outlive `r`.
void add_auth_routes(http::router& r, auth_service& svc, const http::filter_list& filters);

}  // namespace mc::gateway::auth
