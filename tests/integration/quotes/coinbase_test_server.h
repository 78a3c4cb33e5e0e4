// A local stand-in for Coinbase's WebSocket feed for the connector tests: TLS (the committed
// self-signed cert in certs/), records each client's subscribe message, then plays a script
// of frames per connection and optionally drops the connection abruptly.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mc::quotes::test {

struct connection_script {
  std::vector<std::string> frames;      // sent in order after the subscribe message arrives
  bool drop_after = false;              // then cut the TCP connection without a close frame
  std::chrono::milliseconds gap_ms{5};  // pause between frames
};

class coinbase_test_server {
 public:
  // Listens on 127.0.0.1 on a free port at once; serves on its own thread. Connection n
  // plays scripts[n] (the last script for any later connection).
  explicit coinbase_test_server(std::vector<connection_script> scripts);
  ~coinbase_test_server();

  uint16_t port() const;
  std::string url() const;  // wss://127.0.0.1:<port>/
  // Thread-safe copies.
  std::vector<std::string> subscribe_messages() const;
  int connections() const;

  static std::string cert_file();  // tests/integration/quotes/certs/server.crt

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace mc::quotes::test
