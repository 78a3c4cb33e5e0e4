// The web console's built files (web/dist) served by the gateway: GET / is index.html
// (Cache-Control: no-cache, so a new build is seen at once), GET /assets/{file} the
// content-hashed bundles (cached for a year: a new build has new names). Only GET (and HEAD);
// one path segment under assets/, so nothing outside the directory can be named.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/http/router.h"

namespace mc::gateway::web {

// True for a plain file name: [A-Za-z0-9._-], 1..128 characters, not starting with '.'.
bool safe_file_name(std::string_view name) noexcept;

// The Content-Type for a file name's extension (application/octet-stream when unknown).
std::string_view content_type_for(std::string_view name) noexcept;

// Registers GET / and GET /assets/{file} serving from `root` (read per request, so a rebuilt
// bundle needs no restart). A missing file is 404 NOT_FOUND.
void add_static_routes(http::router& r, std::string root);

}  // namespace mc::gateway::web
