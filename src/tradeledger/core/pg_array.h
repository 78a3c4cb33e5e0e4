// Builds PostgreSQL array literals ("{1,2,NULL}", "{\"a\",\"b\"}") so a whole batch travels as
// a handful of array parameters to `unnest(...)` — one statement per table, not one per row.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mc::tradeledger {

class pg_array {
 public:
  pg_array() { text_.push_back('{'); }

  void add(std::int64_t v) {
    comma();
    text_ += std::to_string(v);
  }
  void add_null() {
    comma();
    text_ += "NULL";
  }
  void add_bool(bool v) {
    comma();
    text_ += v ? 't' : 'f';
  }
  // Quoted element: backslash and double quote are escaped, anything else is literal.
  void add_text(std::string_view v) {
    comma();
    text_ += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') text_ += '\\';
      text_ += c;
    }
    text_ += '"';
  }
  void add_text_or_null(std::string_view v) {
    if (v.empty()) {
      add_null();
    } else {
      add_text(v);
    }
  }

  // Built with append/push_back: GCC 12 -O3 reports a false -Wrestrict on `text_ + "}"`.
  std::string str() const {
    std::string out;
    out.reserve(text_.size() + 1);
    out.append(text_);
    out.push_back('}');
    return out;
  }
  bool empty() const { return count_ == 0; }

 private:
  void comma() {
    if (count_++ != 0) text_ += ',';
  }

  std::string text_;
  std::size_t count_ = 0;
};

}  // namespace mc::tradeledger
