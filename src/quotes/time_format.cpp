// RFC 3339 parsing and printing without locale or time-zone database lookups (hot path).
#include "quotes/time_format.h"

#include <array>
#include <cstdint>

namespace mc::quotes {
namespace {

// Reads exactly `n` digits at `pos`; false if any is not a digit.
bool read_digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

void append_padded(std::string& out, int64_t v, int width) {
  std::array<char, 8> buf{};
  for (int i = width - 1; i >= 0; --i) {
    buf[static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf.data(), static_cast<size_t>(width));
}

}  // namespace

std::optional<timestamp> parse_rfc3339(std::string_view s) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!read_digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !read_digits(s, 5, 2, mo) ||
      s[7] != '-' || !read_digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') ||
      !read_digits(s, 11, 2, h) || s[13] != ':' || !read_digits(s, 14, 2, mi) || s[16] != ':' ||
      !read_digits(s, 17, 2, sec)) {
    return std::nullopt;
  }
  if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;

  size_t pos = 19;
  int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) micros = micros * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0 || digits > 9) return std::nullopt;
    for (size_t i = digits; i < 6; ++i) micros *= 10;
  }
  if (pos >= s.size()) return std::nullopt;
  int64_t offset_s = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh = 0, om = 0;
    if (!read_digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !read_digits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_s = (s[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;

  sys_seconds base = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} - seconds{offset_s};
  return timestamp{base} + microseconds{micros};
}

void append_rfc3339_ms(std::string& out, timestamp t) {
  using namespace std::chrono;
  auto ms = floor<milliseconds>(t);
  auto day = floor<days>(ms);
  year_month_day ymd{day};
  hh_mm_ss<milliseconds> tod{ms - day};
  append_padded(out, static_cast<int>(ymd.year()), 4);
  out.push_back('-');
  append_padded(out, static_cast<unsigned>(ymd.month()), 2);
  out.push_back('-');
  append_padded(out, static_cast<unsigned>(ymd.day()), 2);
  out.push_back('T');
  append_padded(out, tod.hours().count(), 2);
  out.push_back(':');
  append_padded(out, tod.minutes().count(), 2);
  out.push_back(':');
  append_padded(out, tod.seconds().count(), 2);
  out.push_back('.');
  append_padded(out, tod.subseconds().count(), 3);
  out.push_back('Z');
}

std::string format_rfc3339_ms(timestamp t) {
  std::string out;
  out.reserve(24);
  append_rfc3339_ms(out, t);
  return out;
}

}  // namespace mc::quotes
