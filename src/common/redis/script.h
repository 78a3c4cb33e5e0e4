// A Lua script for EVALSHA. The SHA1 is computed locally at construction, so one script object
// can be shared by every connection and thread, and a Redis restart needs no bookkeeping.
#pragma once

#include <string>

namespace mc::redis {

class script {
 public:
  explicit script(std::string lua);

  const std::string& source() const { return source_; }
  const std::string& sha1() const { return sha1_; }  // lowercase hex, as SCRIPT LOAD returns

 private:
  std::string source_;
  std::string sha1_;
};

}  // namespace mc::redis
