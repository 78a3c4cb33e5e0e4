// Canonical forms are versioned ("order/v1"): changing one would make every stored key look
// like a mismatch, so a new form gets a new version and the old one stays readable.
#include "tradeledger/api/canonical.h"

#include <openssl/evp.h>

#include <array>

namespace mc::tradeledger {

std::string sha256_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &len, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 0xf]);
  }
  return out;
}

std::string request_hash(const place_order_request& r) {
  return sha256_hex("order/v1\n" + r.symbol + "\n" + to_string(r.side) + "\n" + to_string(r.type) +
                    "\n" + to_string(r.tif) + "\n" + (r.post_only ? "1" : "0") + "\n" +
                    std::to_string(r.price) + "\n" + std::to_string(r.qty) + "\n" +
                    r.client_order_id);
}

std::string request_hash(const topup_request& r) {
  return sha256_hex("topup/v1\n" + r.currency + "\n" + std::to_string(r.amount));
}

const char* to_string(order_side s) {
  return s == order_side::buy ? "BUY" : "SELL";
}
const char* to_string(order_type t) {
  return t == order_type::market ? "MARKET" : "LIMIT";
}
const char* to_string(time_in_force t) {
  switch (t) {
    case time_in_force::gtc:
      return "GTC";
    case time_in_force::ioc:
      return "IOC";
    case time_in_force::fok:
      return "FOK";
  }
  return "GTC";
}
const char* to_string(order_filter f) {
  switch (f) {
    case order_filter::all:
      return "all";
    case order_filter::open:
      return "open";
    case order_filter::closed:
      return "closed";
  }
  return "all";
}

}  // namespace mc::tradeledger
