// Reads one series with one pipeline (LRANGE + HGET) and renders it without re-parsing each
// candle: Quotes stores every candle already in its public JSON form, starting {"t":<unix s>.
#include "gateway/market/candles_route.h"

#include <algorithm>
#include <charconv>
#include <memory>

#include "common/http/message.h"
#include "common/redis/async_client.h"

namespace mc::gateway::market {
namespace {

namespace net = boost::asio;

// The start time of a stored candle, or -1 when it does not look like one.
int64_t start_of(const std::string& json) {
  constexpr std::string_view prefix = "{\"t\":";
  if (json.compare(0, prefix.size(), prefix) != 0) return -1;
  int64_t t = -1;
  const char* first = json.data() + prefix.size();
  auto [ptr, ec] = std::from_chars(first, json.data() + json.size(), t);
  return ec == std::errc{} ? t : -1;
}

std::optional<int> parse_limit(const std::string& text, int max) {
  int v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size() || v < 1 || v > max) {
    return std::nullopt;
  }
  return v;
}

class candles_handler {
 public:
  candles_handler(redis::async_client& redis, candles_options o)
      : redis_(redis), o_(std::move(o)) {}

  net::awaitable<http::response> handle(http::request& req) {
    const std::string symbol = req.query_param("symbol");
    if (symbol.empty()) {
      co_return http::error_response(400, http::code::bad_request, "symbol is required",
                                     req.request_id);
    }
    if (std::find(o_.symbols.begin(), o_.symbols.end(), symbol) == o_.symbols.end()) {
      co_return http::error_response(400, "INVALID_SYMBOL", "unknown symbol: " + symbol,
                                     req.request_id);
    }
    const std::string interval = req.find_query_param("interval").value_or("1m");
    if (interval != "1m" && interval != "5m" && interval != "1h") {
      co_return http::error_response(400, http::code::bad_request, "interval must be 1m, 5m or 1h",
                                     req.request_id);
    }
    int limit = o_.default_limit;
    if (auto text = req.find_query_param("limit")) {
      auto parsed = parse_limit(*text, o_.max_limit);
      if (!parsed) {
        co_return http::error_response(
            400, http::code::bad_request,
            "limit must be an integer from 1 to " + std::to_string(o_.max_limit), req.request_id);
      }
      limit = *parsed;
    }

    std::vector<std::vector<std::string>> cmds;
    cmds.push_back(
        {"LRANGE", o_.key_prefix + symbol + ":" + interval, std::to_string(-limit), "-1"});
    cmds.push_back({"HGET", o_.open_key, symbol + ":" + interval});
    auto call = redis_.pipeline(std::move(cmds));
    auto replies = co_await std::move(call);
    if (replies.size() != 2 || !replies[0].ok() || !replies[1].ok()) {
      co_return http::error_response(503, http::code::service_unavailable,
                                     "candle history unavailable", req.request_id);
    }

    // Oldest first, strictly increasing start times: a candle written twice (a retried write)
    // and an open candle that closed meanwhile appear once.
    std::vector<const std::string*> picked;
    int64_t last = -1;
    for (const auto& e : replies[0].elements) {
      const int64_t t = start_of(e.str);
      if (t <= last) continue;
      picked.push_back(&e.str);
      last = t;
    }
    if (!replies[1].is_nil() && start_of(replies[1].str) > last) picked.push_back(&replies[1].str);
    if (picked.size() > static_cast<std::size_t>(limit)) {
      picked.erase(picked.begin(), picked.end() - limit);
    }

    std::string body =
        "{\"symbol\":\"" + symbol + "\",\"interval\":\"" + interval + "\",\"candles\":[";
    for (std::size_t i = 0; i < picked.size(); ++i) {
      if (i) body += ',';
      body += *picked[i];
    }
    body += "]}";
    co_return http::json_response(200, std::move(body));
  }

 private:
  redis::async_client& redis_;
  candles_options o_;
};

}  // namespace

void add_candles_route(http::router& r, redis::async_client& redis, candles_options options,
                       const http::filter_list& filters) {
  auto h = std::make_shared<candles_handler>(redis, std::move(options));
  r.add(
      "GET", "/api/candles",
      [h](http::request& req) -> net::awaitable<http::response> { return h->handle(req); },
      filters);
}

}  // namespace mc::gateway::market
