#include "gateway_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <random>

namespace mc::contract {

std::string reply::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (http::iequals(k, name)) return v;
  }
  return "";
}

std::string reply::code() const {
  if (!json.is_object()) return "";
  const auto* e = json.as_object().if_contains("error");
  if (!e || !e->is_object()) return "";
  const auto* c = e->as_object().if_contains("code");
  return c && c->is_string() ? std::string(c->as_string()) : "";
}

std::string reply::str(std::string_view field) const {
  if (!json.is_object()) return "";
  const auto* v = json.as_object().if_contains(field);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

std::uint16_t gateway_port() {
  const char* p = std::getenv("GATEWAY_PORT");
  return static_cast<std::uint16_t>(p ? std::atoi(p) : 8080);
}

reply call(const std::string& method, const std::string& target, const std::string& body,
           http::header_list headers) {
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  auto res = http::request_blocking("127.0.0.1", gateway_port(), method, target, std::move(headers),
                                    body, std::chrono::seconds(10));
  reply r;
  EXPECT_TRUE(res.ok) << method << " " << target << ": " << res.error << " " << res.detail;
  r.status = res.status;
  r.body = res.body;
  r.headers = res.headers;
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (!ec) r.json = std::move(v);
  return r;
}

http::header_list user::auth(http::header_list extra) const {
  extra.emplace_back("Authorization", "Bearer " + token);
  return extra;
}

reply user::get(const std::string& target) const {
  return call("GET", target, "", auth());
}

reply user::post(const std::string& target, const std::string& body,
                 const std::string& idempotency_key) const {
  http::header_list h;
  if (!idempotency_key.empty()) h.emplace_back("Idempotency-Key", idempotency_key);
  return call("POST", target, body, auth(std::move(h)));
}

reply user::del(const std::string& target) const {
  return call("DELETE", target, "", auth());
}

reply user::patch(const std::string& target, const std::string& body) const {
  return call("PATCH", target, body, auth());
}

std::string unique_email() {
  static std::atomic<int> n{0};
  static const auto run = std::random_device{}();
  return "trader" + std::to_string(run) + "-" + std::to_string(n++) + "@example.com";
}

user signup() {
  user u;
  u.email = unique_email();
  const reply r = call("POST", "/auth/signup",
                       R"({"email":")" + u.email + R"(","password":"correct horse battery"})");
  EXPECT_EQ(r.status, 200) << r.body;
  u.token = r.str("token");
  u.refresh_token = r.str("refresh_token");
  if (r.json.is_object()) {
    if (const auto* usr = r.json.as_object().if_contains("user"); usr && usr->is_object()) {
      u.id = std::string(usr->as_object().at("id").as_string());
    }
  }
  return u;
}

void fund(const user& u, const std::string& amount) {
  static std::atomic<int> n{0};
  const reply r = u.post("/api/fund/topup", R"({"amount":")" + amount + R"("})",
                         "fund-" + std::to_string(n++) + "-" + u.email);
  EXPECT_EQ(r.status, 200) << r.body;
}

}  // namespace mc::contract
