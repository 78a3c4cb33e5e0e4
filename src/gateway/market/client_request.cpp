#include "gateway/market/client_request.h"

#include <boost/json.hpp>

#include <algorithm>

namespace mc::gateway::market {

namespace json = boost::json;

std::variant<subscribe_request, request_error> parse_client_request(
    std::string_view text, const std::vector<std::string>& known) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return request_error{"BAD_REQUEST", "expected a JSON object"};
  const auto& o = v.as_object();
  const auto* op = o.if_contains("op");
  if (!op || !op->is_string() || op->as_string() != "subscribe") {
    return request_error{"BAD_REQUEST", "op must be \"subscribe\""};
  }
  const auto* syms = o.if_contains("symbols");
  if (!syms || !syms->is_array()) {
    return request_error{"BAD_REQUEST", "symbols must be an array of strings"};
  }
  subscribe_request r;
  for (const auto& s : syms->as_array()) {
    if (!s.is_string()) return request_error{"BAD_REQUEST", "symbols must be an array of strings"};
    std::string sym(s.as_string());
    if (std::find(known.begin(), known.end(), sym) == known.end()) {
      return request_error{"INVALID_SYMBOL", "unknown symbol: " + sym};
    }
    r.symbols.push_back(std::move(sym));
  }
  return r;
}

std::string error_frame(const request_error& e) {
  json::object inner{{"code", e.code}, {"message", e.message}};
  return json::serialize(json::object{{"error", std::move(inner)}});
}

}  // namespace mc::gateway::market
