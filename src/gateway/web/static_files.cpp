// Files are read per request: they are small, and the console is not on the trading path.
#include "gateway/web/static_files.h"

#include <fstream>
#include <memory>
#include <sstream>

#include "common/http/message.h"

namespace mc::gateway::web {
namespace {

namespace net = boost::asio;

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(out).str();
}

http::response file_response(const std::string& path, std::string_view name,
                             std::string_view cache_control, const std::string& request_id) {
  auto body = read_file(path);
  if (!body) {
    return http::error_response(404, http::code::not_found,
                                "not found (is the console built? scripts/build-web.sh)",
                                request_id);
  }
  http::response res;
  res.status = 200;
  res.body = std::move(*body);
  res.content_type = std::string(content_type_for(name));
  res.set_header("Cache-Control", std::string(cache_control));
  res.set_header("X-Content-Type-Options", "nosniff");
  return res;
}

class static_handler {
 public:
  explicit static_handler(std::string root) : root_(std::move(root)) {}

  net::awaitable<http::response> index(http::request& req) {
    co_return file_response(root_ + "/index.html", "index.html", "no-cache", req.request_id);
  }

  net::awaitable<http::response> asset(http::request& req) {
    const std::string_view name = req.param("file");
    if (!safe_file_name(name)) {
      co_return http::error_response(404, http::code::not_found, "not found", req.request_id);
    }
    co_return file_response(root_ + "/assets/" + std::string(name), name,
                            "public, max-age=31536000, immutable", req.request_id);
  }

 private:
  std::string root_;
};

}  // namespace

bool safe_file_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 128 || name.front() == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string_view content_type_for(std::string_view name) noexcept {
  struct entry {
    std::string_view ext, type;
  };
  static constexpr entry types[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".woff2", "font/woff2"},
  };
  for (const auto& t : types) {
    if (name.size() > t.ext.size() && name.substr(name.size() - t.ext.size()) == t.ext) {
      return t.type;
    }
  }
  return "application/octet-stream";
}

void add_static_routes(http::router& r, std::string root) {
  auto h = std::make_shared<static_handler>(std::move(root));
  r.add("GET", "/",
        [h](http::request& req) -> net::awaitable<http::response> { return h->index(req); });
  r.add("GET", "/assets/{file}",
        [h](http::request& req) -> net::awaitable<http::response> { return h->asset(req); });
}

}  // namespace mc::gateway::web
