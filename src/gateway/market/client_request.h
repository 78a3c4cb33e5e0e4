// What a /ws/quotes client may send: {"op":"subscribe","symbols":["BTC-USD",...]}.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mc::gateway::market {

struct subscribe_request {
  std::vector<std::string> symbols;
};

struct request_error {
  std::string code;  // BAD_REQUEST | INVALID_SYMBOL
  std::string message;
};

// Parses one client message; `known` are the configured symbols.
std::variant<subscribe_request, request_error> parse_client_request(
    std::string_view text, const std::vector<std::string>& known);

// {"error":{"code":...,"message":...}} as sent on the socket.
std::string error_frame(const request_error& e);

}  // namespace mc::gateway::market
