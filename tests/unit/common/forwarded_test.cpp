// client_address(): X-Forwarded-For is believed only from a trusted proxy, and then only up to
// the first hop the trusted proxies did not add.
#include <gtest/gtest.h>

#include "common/http/forwarded.h"

namespace mc::http {
namespace {

const std::vector<std::string> proxies{"10.0.0.5", "10.0.0.6"};

TEST(ClientAddress, PeerWhenNoProxyIsTrusted) {
  EXPECT_EQ(client_address("203.0.113.9", "198.51.100.1", {}), "203.0.113.9");
}

TEST(ClientAddress, PeerWhenThePeerIsNotATrustedProxy) {
  // A client writing its own header cannot choose its bucket.
  EXPECT_EQ(client_address("203.0.113.9", "198.51.100.1", proxies), "203.0.113.9");
}

TEST(ClientAddress, ClientAddedByTheTrustedProxy) {
  EXPECT_EQ(client_address("10.0.0.5", "198.51.100.1", proxies), "198.51.100.1");
  EXPECT_EQ(client_address("10.0.0.5", " 198.51.100.1 ", proxies), "198.51.100.1");
}

TEST(ClientAddress, SpoofedLeftEntriesAreIgnored) {
  // The client sent "1.2.3.4" itself; the proxy appended the real peer it saw.
  EXPECT_EQ(client_address("10.0.0.5", "1.2.3.4, 198.51.100.1", proxies), "198.51.100.1");
}

TEST(ClientAddress, ChainsOfTrustedProxiesAreSkipped) {
  EXPECT_EQ(client_address("10.0.0.5", "198.51.100.1, 10.0.0.6", proxies), "198.51.100.1");
}

TEST(ClientAddress, EmptyOrMalformedHeaderLeavesThePeer) {
  EXPECT_EQ(client_address("10.0.0.5", "", proxies), "10.0.0.5");
  EXPECT_EQ(client_address("10.0.0.5", "198.51.100.1,", proxies), "10.0.0.5");
  EXPECT_EQ(client_address("10.0.0.5", std::string(60, 'a'), proxies), "10.0.0.5");
  EXPECT_EQ(client_address("10.0.0.5", "10.0.0.6", proxies), "10.0.0.5");
}

}  // namespace
}  // namespace mc::http
