// A minimal append-only JSON writer for the ledger's answers and outbox payloads. The hot path
// renders thousands of small objects per batch, so it appends to one std::string, no DOM.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/log/log.h"

namespace mc::tradeledger {

class json_out {
 public:
  // `continuing`: `out` already holds an open object with members, so the next member needs a
  // leading comma (outbox payloads start with their "seq").
  explicit json_out(std::string& out, bool continuing = false) : out_(out), first_(!continuing) {}

  json_out& begin_object() {
    separate();
    out_ += '{';
    first_ = true;
    return *this;
  }
  json_out& end_object() {
    out_ += '}';
    first_ = false;
    return *this;
  }
  json_out& begin_array() {
    separate();
    out_ += '[';
    first_ = true;
    return *this;
  }
  json_out& end_array() {
    out_ += ']';
    first_ = false;
    return *this;
  }

  json_out& key(std::string_view k) {
    separate();
    log::append_json_string(out_, k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  json_out& str(std::string_view v) {
    separate();
    log::append_json_string(out_, v);
    return *this;
  }
  json_out& num(std::int64_t v) {
    separate();
    out_ += std::to_string(v);
    return *this;
  }
  json_out& boolean(bool v) {
    separate();
    out_ += v ? "true" : "false";
    return *this;
  }
  // An already rendered JSON value (e.g. a nested answer), appended as is.
  json_out& raw(std::string_view json) {
    separate();
    out_ += json;
    return *this;
  }
  json_out& null() {
    separate();
    out_ += "null";
    return *this;
  }

  json_out& field(std::string_view k, std::string_view v) { return key(k).str(v); }
  json_out& field_num(std::string_view k, std::int64_t v) { return key(k).num(v); }

 private:
  // Emits the comma between siblings; a value right after its key needs none.
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_) out_ += ',';
    first_ = false;
  }

  std::string& out_;
  bool first_ = true;
  bool after_key_ = false;
};

}  // namespace mc::tradeledger
