// SHA1 of a Lua script, the same digest Redis uses to name it in the script cache.
#include "common/redis/script.h"

#include <openssl/sha.h>

namespace mc::redis {

script::script(std::string lua) : source_(std::move(lua)) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(source_.data()), source_.size(), digest);
  static constexpr char hex[] = "0123456789abcdef";
  sha1_.reserve(2 * SHA_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    sha1_.push_back(hex[b >> 4]);
    sha1_.push_back(hex[b & 0xF]);
  }
}

}  // namespace mc::redis
