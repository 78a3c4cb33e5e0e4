// Parsing of what a /ws/quotes client sends.
#include "gateway/market/client_request.h"

#include <gtest/gtest.h>

namespace mc::gateway::market {
namespace {

const std::vector<std::string> known{"BTC-USD", "ETH-USD"};

TEST(ClientRequest, SubscribeToKnownSymbols) {
  auto r = parse_client_request(R"({"op":"subscribe","symbols":["ETH-USD"]})", known);
  ASSERT_TRUE(std::holds_alternative<subscribe_request>(r));
  EXPECT_EQ(std::get<subscribe_request>(r).symbols, std::vector<std::string>{"ETH-USD"});
}

TEST(ClientRequest, UnknownSymbolIsInvalidSymbol) {
  auto r = parse_client_request(R"({"op":"subscribe","symbols":["DOGE-USD"]})", known);
  ASSERT_TRUE(std::holds_alternative<request_error>(r));
  EXPECT_EQ(std::get<request_error>(r).code, "INVALID_SYMBOL");
}

TEST(ClientRequest, MalformedIsBadRequest) {
  for (const char* text : {"not json", "[]", R"({"op":"unsubscribe","symbols":[]})",
                           R"({"op":"subscribe"})", R"({"op":"subscribe","symbols":[1]})"}) {
    auto r = parse_client_request(text, known);
    ASSERT_TRUE(std::holds_alternative<request_error>(r)) << text;
    EXPECT_EQ(std::get<request_error>(r).code, "BAD_REQUEST") << text;
  }
}

TEST(ClientRequest, ErrorFrameShape) {
  EXPECT_EQ(error_frame({"INVALID_SYMBOL", "unknown"}),
            R"({"error":{"code":"INVALID_SYMBOL","message":"unknown"}})");
}

}  // namespace
}  // namespace mc::gateway::market
