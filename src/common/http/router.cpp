// Router: an ordered map for parameterless patterns (the common case, one lookup), then a
// linear scan over parameterised patterns; both read-only once the server runs.
#include "common/http/router.h"

#include <boost/url/pct_string_view.hpp>

#include <map>
#include <stdexcept>
#include <vector>

namespace mc::http {
namespace {

struct segment {
  std::string text;  // literal text, or the parameter name
  bool is_param = false;
};

std::vector<segment> parse_pattern(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("router: pattern must start with '/': " + std::string(pattern));
  }
  std::vector<segment> out;
  std::size_t pos = 1;
  for (;;) {
    const std::size_t slash = pattern.find('/', pos);
    const std::string_view seg =
        pattern.substr(pos, slash == std::string_view::npos ? slash : slash - pos);
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      out.push_back({std::string(seg.substr(1, seg.size() - 2)), true});
    } else if (seg.find_first_of("{}") != std::string_view::npos) {
      throw std::invalid_argument("router: bad parameter in " + std::string(pattern));
    } else {
      out.push_back({std::string(seg), false});
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return out;
}

std::string decode_segment(std::string_view raw) {
  auto pct = boost::urls::make_pct_string_view(raw);
  if (!pct) return std::string(raw);  // invalid escapes: hand the raw text to the handler
  return pct->decode();
}

}  // namespace

struct router::impl {
  struct route {
    std::string pattern;
    std::vector<segment> segments;
    bool has_params = false;
    std::vector<std::pair<std::string, handler>> methods;
    ws_handler ws;
    ws_authorize ws_auth;
  };

  std::vector<std::unique_ptr<route>> routes;  // unique_ptr: match results point into them
  std::map<std::string, std::size_t, std::less<>> by_pattern;
  std::map<std::string, std::size_t, std::less<>> exact;  // parameterless patterns

  route& route_for(std::string_view pattern) {
    if (auto it = by_pattern.find(pattern); it != by_pattern.end()) return *routes[it->second];
    auto r = std::make_unique<route>();
    r->pattern = pattern;
    r->segments = parse_pattern(pattern);
    for (const auto& s : r->segments) r->has_params |= s.is_param;
    const std::size_t index = routes.size();
    by_pattern.emplace(r->pattern, index);
    if (!r->has_params) exact.emplace(r->pattern, index);
    routes.push_back(std::move(r));
    return *routes.back();
  }

  // Returns true and fills `params` when `path` fits `r`.
  static bool fits(const route& r, std::string_view path,
                   std::map<std::string, std::string>* params) {
    if (path.empty() || path.front() != '/') return false;
    std::size_t pos = 1;
    for (std::size_t i = 0; i < r.segments.size(); ++i) {
      if (pos > path.size()) return false;
      const std::size_t slash = path.find('/', pos);
      const bool last = i + 1 == r.segments.size();
      if (last != (slash == std::string_view::npos)) return false;
      const std::string_view seg = path.substr(pos, last ? std::string_view::npos : slash - pos);
      const auto& want = r.segments[i];
      if (want.is_param) {
        if (seg.empty()) return false;
        if (params) (*params)[want.text] = decode_segment(seg);
      } else if (seg != want.text) {
        return false;
      }
      pos = last ? path.size() + 1 : slash + 1;
    }
    return true;
  }

  // Literal segments beat parameters, earlier segments first: "/a/b/{x}" beats "/a/{y}/c".
  static bool more_specific(const route& a, const route& b) {
    for (std::size_t i = 0; i < a.segments.size(); ++i) {
      if (a.segments[i].is_param != b.segments[i].is_param) return !a.segments[i].is_param;
    }
    return false;
  }
};

router::router() : impl_(std::make_unique<impl>()) {}
router::~router() = default;

void router::add(std::string_view method, std::string_view pattern, handler h) {
  auto& r = impl_->route_for(pattern);
  for (const auto& [m, _] : r.methods) {
    if (m == method) {
      throw std::invalid_argument("router: duplicate " + std::string(method) + " " +
                                  std::string(pattern));
    }
  }
  r.methods.emplace_back(std::string(method), std::move(h));
}

void router::add(std::string_view method, std::string_view pattern, handler h,
                 const filter_list& filters) {
  add(method, pattern, chain(filters, std::move(h)));
}

handler chain(const filter_list& filters, handler h) {
  for (auto it = filters.rbegin(); it != filters.rend(); ++it) {
    h = [f = *it, next = std::move(h)](request& req) { return f(req, next); };
  }
  return h;
}

void router::add_websocket(std::string_view pattern, ws_handler h, ws_authorize authorize) {
  auto& r = impl_->route_for(pattern);
  if (r.ws) throw std::invalid_argument("router: duplicate websocket " + std::string(pattern));
  r.ws = std::move(h);
  r.ws_auth = std::move(authorize);
}

route_match router::match(std::string_view method, std::string_view path, bool websocket_upgrade,
                          std::map<std::string, std::string>& params) const {
  route_match m;
  const impl::route* found = nullptr;
  if (auto it = impl_->exact.find(path); it != impl_->exact.end()) {
    found = impl_->routes[it->second].get();
    m.route_index = it->second;
  } else {
    for (std::size_t i = 0; i < impl_->routes.size(); ++i) {
      const auto& r = *impl_->routes[i];
      if (!r.has_params || !impl::fits(r, path, nullptr)) continue;
      if (!found || impl::more_specific(r, *found)) {
        found = &r;
        m.route_index = i;
      }
    }
    if (found) impl::fits(*found, path, &params);
  }
  if (!found) return m;
  m.pattern = found->pattern;

  if (websocket_upgrade && found->ws && method == "GET") {
    m.result = route_match::kind::websocket;
    m.ws = &found->ws;
    m.ws_auth = &found->ws_auth;
    return m;
  }
  const handler* get = nullptr;
  for (const auto& [verb, h] : found->methods) {
    if (verb == method) {
      m.result = route_match::kind::handler;
      m.http = &h;
      return m;
    }
    if (verb == "GET") get = &h;
  }
  if (method == "HEAD" && get) {
    m.result = route_match::kind::handler;
    m.http = get;
    return m;
  }
  if (found->methods.empty() && method == "GET") {
    m.result = route_match::kind::upgrade_required;  // a WebSocket-only route
    return m;
  }
  m.result = route_match::kind::method_not_allowed;
  for (const auto& [verb, _] : found->methods) {
    if (!m.allow.empty()) m.allow += ", ";
    m.allow += verb;
  }
  if (found->ws && found->methods.empty()) m.allow = "GET";
  return m;
}

std::size_t router::route_count() const {
  return impl_->routes.size();
}

std::string_view router::pattern(std::size_t route_index) const {
  return impl_->routes.at(route_index)->pattern;
}

std::vector<route_info> router::routes() const {
  std::vector<route_info> out;
  for (const auto& r : impl_->routes) {
    for (const auto& [verb, _] : r->methods) out.push_back({verb, r->pattern, false});
    if (r->ws) out.push_back({"GET", r->pattern, true});
  }
  return out;
}

}  // namespace mc::http
