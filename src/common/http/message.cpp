// request/response helpers: header lookup, query decoding (Boost.URL), error bodies.
#include "common/http/message.h"

#include <boost/url/encoding_opts.hpp>
#include <boost/url/params_encoded_view.hpp>
#include <boost/url/parse_query.hpp>

#include "common/log/log.h"

namespace mc::http {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

std::optional<std::string_view> request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string> request::find_query_param(std::string_view name) const {
  auto parsed = boost::urls::parse_query(query);
  if (!parsed) return std::nullopt;
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  for (auto param : *parsed) {
    if (param.key.decode(opts) == name)
      return param.has_value ? param.value.decode(opts) : std::string();
  }
  return std::nullopt;
}

std::string request::query_param(std::string_view name) const {
  return find_query_param(name).value_or(std::string());
}

std::string_view request::param(std::string_view name) const {
  auto it = params.find(std::string(name));
  return it == params.end() ? std::string_view() : std::string_view(it->second);
}

void response::set_header(std::string_view name, std::string value) {
  std::erase_if(headers, [&](const auto& h) { return iequals(h.first, name); });
  headers.emplace_back(std::string(name), std::move(value));
}

response json_response(int status, std::string body) {
  response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

response text_response(int status, std::string body, std::string content_type) {
  response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

response error_response(int status, std::string_view code, std::string_view message,
                        std::string_view request_id) {
  response r;
  r.status = status;
  r.body.reserve(64 + code.size() + message.size() + request_id.size());
  r.body = "{\"error\":{\"code\":";
  mc::log::append_json_string(r.body, code);
  r.body += ",\"message\":";
  mc::log::append_json_string(r.body, message);
  r.body += ",\"request_id\":";
  mc::log::append_json_string(r.body, request_id);
  r.body += "}}";
  if (status == 503) r.headers.emplace_back("Retry-After", std::to_string(default_retry_after_s));
  return r;
}

}  // namespace mc::http
