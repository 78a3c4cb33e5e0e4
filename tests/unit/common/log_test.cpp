// Structured logging: every line is one valid JSON object with ts, level, service, msg and
// the caller's fields, whatever characters the message holds.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "common/log/log.h"

namespace {

std::vector<boost::json::object> capture_lines(const std::function<void()>& body) {
  testing::internal::CaptureStdout();
  body();
  std::string out = testing::internal::GetCapturedStdout();
  std::vector<boost::json::object> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(boost::json::parse(line).as_object());  // throws when not valid JSON
  }
  return lines;
}

TEST(Log, LineIsJsonWithServiceLevelMessageAndFields) {
  auto lines = capture_lines([] {
    mc::log::init("tradeledger", mc::log::level::info);
    mc::log::info("order accepted", {{"request_id", "abc-123"}, {"status", "201"}});
  });
  ASSERT_EQ(lines.size(), 1u);
  const auto& line = lines[0];
  EXPECT_EQ(line.at("service").as_string(), "tradeledger");
  EXPECT_EQ(line.at("level").as_string(), "info");
  EXPECT_EQ(line.at("msg").as_string(), "order accepted");
  EXPECT_EQ(line.at("request_id").as_string(), "abc-123");
  EXPECT_EQ(line.at("status").as_string(), "201");
  std::string ts(line.at("ts").as_string());
  EXPECT_EQ(ts.size(), std::string("2026-11-24T02:58:46.123456Z").size()) << ts;
  EXPECT_EQ(ts.back(), 'Z');
}

TEST(Log, HostileCharactersStayValidJson) {
  const std::string nasty = "quote \" backslash \\ newline \n tab \t bell \x07 end";
  auto lines = capture_lines([&] {
    mc::log::init("svc\"name", mc::log::level::debug);
    mc::log::warn(nasty, {{"key\"x", nasty}});
  });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].at("msg").as_string(), nasty);
  EXPECT_EQ(lines[0].at("key\"x").as_string(), nasty);
  EXPECT_EQ(lines[0].at("service").as_string(), "svc\"name");
  EXPECT_EQ(lines[0].at("level").as_string(), "warning");
}

TEST(Log, LinesBelowTheMinimumLevelAreDropped) {
  auto lines = capture_lines([] {
    mc::log::init("gateway", mc::log::level::warn);
    mc::log::debug("d");
    mc::log::info("i");
    mc::log::warn("w");
    mc::log::error("e");
  });
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].at("msg").as_string(), "w");
  EXPECT_EQ(lines[1].at("msg").as_string(), "e");
}

TEST(Log, ParseLevel) {
  mc::log::level lvl = mc::log::level::info;
  EXPECT_TRUE(mc::log::parse_level("debug", lvl));
  EXPECT_EQ(lvl, mc::log::level::debug);
  EXPECT_TRUE(mc::log::parse_level("error", lvl));
  EXPECT_EQ(lvl, mc::log::level::error);
  EXPECT_FALSE(mc::log::parse_level("verbose", lvl));
  EXPECT_FALSE(mc::log::parse_level("INFO", lvl));
  EXPECT_EQ(lvl, mc::log::level::error);  // unchanged on failure
}

TEST(Log, AppendJsonStringEscapesControlCharacters) {
  std::string out;
  mc::log::append_json_string(out, std::string("a\x01"
                                               "b",
                                               3));
  EXPECT_EQ(out, "\"a\\u0001b\"");
}

}  // namespace
