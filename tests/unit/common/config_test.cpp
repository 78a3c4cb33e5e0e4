// Unit tests for mc::config::env_reader: each typed accessor, its error line, and the
// exit path. The environment is injected as a map, so no test touches the real process env.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "common/config/env_reader.h"

namespace {

using mc::config::config_error;
using mc::config::env_reader;
using mc::config::map_env;
using namespace std::chrono_literals;

env_reader reader(std::map<std::string, std::string, std::less<>> values) {
  return env_reader(map_env(std::move(values)));
}

// Runs `f`, which must throw config_error, and returns "VARIABLE: reason".
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const config_error& e) {
    EXPECT_EQ(std::string(e.what()), e.variable() + ": " + e.reason());
    return e.what();
  }
  ADD_FAILURE() << "no config_error thrown";
  return {};
}

TEST(ConfigRequired, ReturnsValueOrNamesTheVariable) {
  const auto env = reader({{"JWT_ISSUER", "microcoin"}, {"EMPTY", ""}});
  EXPECT_EQ(env.required("JWT_ISSUER"), "microcoin");
  EXPECT_EQ(error_of([&] { env.required("MISSING"); }), "MISSING: is required but not set");
  EXPECT_EQ(error_of([&] { env.required("EMPTY"); }), "EMPTY: is required but not set");
}

TEST(ConfigGet, FallsBackWhenUnsetOrEmpty) {
  const auto env = reader({{"FEED", "coinbase"}, {"EMPTY", ""}});
  EXPECT_EQ(env.get("FEED", "sim"), "coinbase");
  EXPECT_EQ(env.get("UNSET", "sim"), "sim");
  EXPECT_EQ(env.get("EMPTY", "sim"), "sim");
  EXPECT_FALSE(env.raw("EMPTY"));
  EXPECT_EQ(env.raw("FEED"), "coinbase");
}

TEST(ConfigSecret, EnforcesLengthAndNeverEchoes) {
  const auto env = reader({{"JWT_SECRET", "short-secret"}, {"OK_SECRET", std::string(32, 'k')}});
  EXPECT_EQ(env.secret("OK_SECRET", 32), std::string(32, 'k'));
  const std::string msg = error_of([&] { env.secret("JWT_SECRET", 32); });
  EXPECT_EQ(msg, "JWT_SECRET: must be at least 32 bytes (got 12)");
  EXPECT_EQ(msg.find("short-secret"), std::string::npos);
  EXPECT_EQ(error_of([&] { env.secret("SERVICE_JWT_SECRET", 32); }),
            "SERVICE_JWT_SECRET: is required but not set");
}

TEST(ConfigPort, AcceptsOneTo65535) {
  const auto env = reader({{"P1", "1"}, {"P2", "65535"}, {"P3", "8080"}});
  EXPECT_EQ(env.port("P1", 9), 1);
  EXPECT_EQ(env.port("P2", 9), 65535);
  EXPECT_EQ(env.port("P3", 9), 8080);
  EXPECT_EQ(env.port("UNSET", 8081), 8081);
}

TEST(ConfigPort, RejectsAnythingElse) {
  for (const char* bad : {"0", "65536", "-1", "+80", "abc", "80a", " 80", "80 ", "8080.0", "1e3",
                          "99999999999999999999999"}) {
    const auto env = reader({{"GATEWAY_PORT", bad}});
    EXPECT_EQ(error_of([&] { env.port("GATEWAY_PORT", 8080); }),
              std::string("GATEWAY_PORT: must be an integer 1..65535 (got \"") + bad + "\")")
        << bad;
  }
}

TEST(ConfigInteger, RangeAndFormat) {
  const auto env = reader({{"N", "42"},
                           {"NEG", "-5"},
                           {"BIG", "9223372036854775807"},
                           {"BAD", "4 2"},
                           {"HIGH", "101"},
                           {"PLUS", "+1"},
                           {"OVER", "9223372036854775808"}});
  EXPECT_EQ(env.integer("N", 0, 0, 100), 42);
  EXPECT_EQ(env.integer("NEG", 0, -10, 10), -5);
  EXPECT_EQ(env.integer("BIG", 0, 0, INT64_MAX), INT64_MAX);
  EXPECT_EQ(env.integer("UNSET", 7, 0, 100), 7);
  EXPECT_EQ(error_of([&] { env.integer("HIGH", 0, 0, 100); }),
            "HIGH: must be an integer 0..100 (got \"101\")");
  EXPECT_EQ(error_of([&] { env.integer("NEG", 0, 0, 100); }),
            "NEG: must be an integer 0..100 (got \"-5\")");
  EXPECT_EQ(error_of([&] { env.integer("BAD", 0, 0, 100); }),
            "BAD: must be an integer 0..100 (got \"4 2\")");
  EXPECT_NE(error_of([&] { env.integer("PLUS", 0, 0, 100); }), "");
  EXPECT_NE(error_of([&] { env.integer("OVER", 0, 0, INT64_MAX); }), "");
}

TEST(ConfigBoolean, TrueFalseOneZero) {
  const auto env = reader({{"A", "true"},
                           {"B", "FALSE"},
                           {"C", "1"},
                           {"D", "0"},
                           {"E", "True"},
                           {"Y", "yes"},
                           {"T", "true "},
                           {"TWO", "2"}});
  EXPECT_TRUE(env.boolean("A", false));
  EXPECT_FALSE(env.boolean("B", true));
  EXPECT_TRUE(env.boolean("C", false));
  EXPECT_FALSE(env.boolean("D", true));
  EXPECT_TRUE(env.boolean("E", false));
  EXPECT_TRUE(env.boolean("UNSET", true));
  EXPECT_FALSE(env.boolean("UNSET", false));
  EXPECT_EQ(error_of([&] { env.boolean("Y", false); }),
            "Y: must be true, false, 1 or 0 (got \"yes\")");
  EXPECT_NE(error_of([&] { env.boolean("T", false); }), "");
  EXPECT_NE(error_of([&] { env.boolean("TWO", false); }), "");
}

TEST(ConfigDuration, NumbersAndUnits) {
  const auto env = reader(
      {{"PLAIN", "250"}, {"MS", "250ms"}, {"S", "5s"}, {"M", "2m"}, {"H", "1h"}, {"ZERO", "0"}});
  EXPECT_EQ(env.duration_ms("PLAIN", 1ms), 250ms);
  EXPECT_EQ(env.duration_ms("MS", 1ms), 250ms);
  EXPECT_EQ(env.duration_ms("S", 1ms), 5000ms);
  EXPECT_EQ(env.duration_ms("M", 1ms), 120000ms);
  EXPECT_EQ(env.duration_ms("H", 1ms), 3600000ms);
  EXPECT_EQ(env.duration_ms("ZERO", 1ms), 0ms);
  EXPECT_EQ(env.duration_ms("UNSET", 30s), 30000ms);
}

TEST(ConfigDuration, RejectsBadValues) {
  for (const char* bad :
       {"-5", "5 s", "5sec", "1.5s", "s", "ms", "5S", "abc", "9223372036854775807h"}) {
    const auto env = reader({{"REQUEST_TIMEOUT", bad}});
    const std::string msg = error_of([&] { env.duration_ms("REQUEST_TIMEOUT", 1ms); });
    EXPECT_EQ(msg.rfind("REQUEST_TIMEOUT: must be a duration", 0), 0u) << bad << " -> " << msg;
  }
}

TEST(ConfigUrl, AcceptsAllowedSchemes) {
  const auto env = reader({{"POSTGRES_URL", "postgresql://mc:pw@127.0.0.1:5432/microcoin"},
                           {"PG2", "postgres://localhost/db"},
                           {"PG3", "PostgreSQL://localhost/db"},
                           {"REDIS_URL", "redis://127.0.0.1:6379/0"},
                           {"TRADE_LEDGER_URL", "http://127.0.0.1:8082"}});
  EXPECT_EQ(env.url("POSTGRES_URL", "", {"postgresql", "postgres"}),
            "postgresql://mc:pw@127.0.0.1:5432/microcoin");
  EXPECT_EQ(env.url("PG2", "", {"postgresql", "postgres"}), "postgres://localhost/db");
  EXPECT_EQ(env.url("PG3", "", {"postgresql", "postgres"}), "PostgreSQL://localhost/db");
  EXPECT_EQ(env.url("REDIS_URL", "", {"redis"}), "redis://127.0.0.1:6379/0");
  EXPECT_EQ(env.url("TRADE_LEDGER_URL", "", {"http"}), "http://127.0.0.1:8082");
  EXPECT_EQ(env.url("UNSET", "redis://localhost:6379", {"redis"}), "redis://localhost:6379");
}

TEST(ConfigUrl, RejectsWrongSchemeMissingHostAndGarbage) {
  const auto env = reader({{"A", "redis://localhost:6379"},
                           {"B", "not a url"},
                           {"C", "http://"},
                           {"D", "localhost:8082"},
                           {"E", "http:/x"},
                           {"F", "http://host:port"},
                           {"G", "http://host:0"},
                           {"H", "http://host:65536"},
                           {"I", "http://host:"}});
  EXPECT_EQ(error_of([&] {
              env.url("A", "", {"postgresql", "postgres"});
            }),
            "A: must be a postgresql or postgres URL with a host (got \"redis://localhost:6379\")");
  for (const char* name : {"B", "C", "D", "E", "F", "G", "H", "I"}) {
    EXPECT_NE(error_of([&] { env.url(name, "", {"http"}); }), "") << name;
  }
  EXPECT_EQ(error_of([&] { env.url("UNSET", "", {"http"}); }), "UNSET: is required but not set");
}

TEST(ConfigUrl, MasksPasswordInErrors) {
  const auto env = reader({{"POSTGRES_URL", "mysql://mc:hunter2@db:5432/x"},
                           {"BROKEN", "postgresql://mc:hunter2@db:notaport/x y"}});
  const std::string a = error_of([&] { env.url("POSTGRES_URL", "", {"postgresql"}); });
  EXPECT_EQ(a.find("hunter2"), std::string::npos) << a;
  EXPECT_NE(a.find("mysql://mc:***@db:5432/x"), std::string::npos) << a;
  const std::string b = error_of([&] { env.url("BROKEN", "", {"postgresql"}); });
  EXPECT_EQ(b.find("hunter2"), std::string::npos) << b;
}

TEST(ConfigList, CommaSeparatedTrimmed) {
  const auto env = reader({{"SYMBOLS", "BTC-USD, ETH-USD"},
                           {"ONE", "BTC-USD"},
                           {"GAP", "a,,b"},
                           {"TRAIL", "a,"},
                           {"BLANK", " , "}});
  EXPECT_EQ(env.list("SYMBOLS", {}), (std::vector<std::string>{"BTC-USD", "ETH-USD"}));
  EXPECT_EQ(env.list("ONE", {}), (std::vector<std::string>{"BTC-USD"}));
  EXPECT_EQ(env.list("UNSET", {"BTC-USD"}), (std::vector<std::string>{"BTC-USD"}));
  EXPECT_EQ(error_of([&] { env.list("GAP", {}); }),
            "GAP: must be a comma-separated list without empty items (got \"a,,b\")");
  EXPECT_NE(error_of([&] { env.list("TRAIL", {}); }), "");
  EXPECT_NE(error_of([&] { env.list("BLANK", {}); }), "");
}

TEST(ConfigEcho, ControlCharactersStayOnOneLine) {
  const auto env = reader({{"GATEWAY_PORT", "80\n81\"x"}});
  const std::string msg = error_of([&] { env.port("GATEWAY_PORT", 1); });
  EXPECT_EQ(msg.find('\n'), std::string::npos);
  EXPECT_EQ(msg, "GATEWAY_PORT: must be an integer 1..65535 (got \"80\\x0a81\\\"x\")");
}

TEST(ConfigProcessEnv, ReadsTheRealEnvironment) {
  // PATH is set in any test environment; only reading, never mutating.
  const env_reader env;
  ASSERT_NE(std::getenv("PATH"), nullptr);
  EXPECT_EQ(env.required("PATH"), std::getenv("PATH"));
  EXPECT_FALSE(env.raw("MC_SURELY_NOT_SET_3f9a2c"));
}

struct settings {
  int port;
};

settings load_gateway(const env_reader& env) {
  return settings{env.port("GATEWAY_PORT", 8080)};
}

TEST(ConfigLoadOrExit, ReturnsTheLoadedValue) {
  const auto env = reader({{"GATEWAY_PORT", "9090"}});
  const settings s = mc::config::load_or_exit([&] { return load_gateway(env); });
  EXPECT_EQ(s.port, 9090);
}

TEST(ConfigLoadOrExitDeathTest, PrintsOneLineAndExitsWithTwo) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const auto env = reader({{"GATEWAY_PORT", "abc"}});
  EXPECT_EXIT(mc::config::load_or_exit([&] { return load_gateway(env); }),
              ::testing::ExitedWithCode(2),
              "^config error: GATEWAY_PORT: must be an integer 1\\.\\.65535 \\(got \"abc\"\\)\n$");
}

TEST(ConfigLoadOrExitDeathTest, MissingRequiredVariable) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const auto env = reader({});
  EXPECT_EXIT(mc::config::load_or_exit([&] { return env.required("POSTGRES_URL"); }),
              ::testing::ExitedWithCode(2), "config error: POSTGRES_URL: is required but not set");
}

}  // namespace
