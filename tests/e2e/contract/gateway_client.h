// A client of the public API for the contract tests: the gateway (or monolith) under test is
// at 127.0.0.1:$GATEWAY_PORT. Synchronous, one request at a time, JSON parsed with boost::json.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <utility>

#include "common/http/client.h"

namespace mc::contract {

struct reply {
  int status = 0;
  std::string body;
  http::header_list headers;
  boost::json::value json;  // null when the body is not JSON

  std::string header(std::string_view name) const;
  // error.code of an error envelope, "" otherwise.
  std::string code() const;
  std::string str(std::string_view field) const;  // a top-level string field, "" if absent
};

std::uint16_t gateway_port();

reply call(const std::string& method, const std::string& target, const std::string& body = "",
           http::header_list headers = {});

// A signed-up user: its access token and id.
struct user {
  std::string email;
  std::string token;
  std::string refresh_token;
  std::string id;

  http::header_list auth(http::header_list extra = {}) const;
  reply get(const std::string& target) const;
  reply post(const std::string& target, const std::string& body,
             const std::string& idempotency_key = "") const;
  reply del(const std::string& target) const;
  reply patch(const std::string& target, const std::string& body) const;
};

std::string unique_email();
user signup();
// Tops up `amount` USD with a fresh key; asserts 200.
void fund(const user& u, const std::string& amount);

}  // namespace mc::contract
