// The console's files over a real http::server from a temporary directory: index at /,
// hashed assets with long caching, no escape from the directory, GET only.
#include "gateway/web/static_files.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/http/client.h"
#include "common/http/server.h"

namespace mc::gateway::web {
namespace {

namespace fs = std::filesystem;

struct static_fixture : ::testing::Test {
  fs::path root;
  boost::asio::io_context ioc;
  http::router routes;
  std::unique_ptr<http::server> srv;
  std::thread thread;

  static_fixture() {
    root = fs::temp_directory_path() / ("mc-static-" + std::to_string(::getpid()));
    fs::create_directories(root / "dist" / "assets");
    write(root / "dist" / "index.html", "<!doctype html><title>console</title>");
    write(root / "dist" / "assets" / "index-abc123.js", "console.log(1)");
    write(root / "secret.txt", "do not serve");
    add_static_routes(routes, (root / "dist").string());
    http::server_options so;
    so.access_log = false;
    srv = std::make_unique<http::server>(ioc, so, routes);
    thread = std::thread([this] { ioc.run(); });
  }
  static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
  http::client_result req(const std::string& method, const std::string& target) {
    return http::request_blocking("127.0.0.1", srv->port(), method, target);
  }
  ~static_fixture() override {
    srv->stop();
    ioc.stop();
    thread.join();
    fs::remove_all(root);
  }
};

TEST_F(static_fixture, IndexIsNeverCachedAssetsAreImmutable) {
  auto index = req("GET", "/");
  ASSERT_TRUE(index.ok);
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<!doctype html><title>console</title>");
  EXPECT_EQ(index.header("Content-Type").value_or(""), "text/html; charset=utf-8");
  EXPECT_EQ(index.header("Cache-Control").value_or(""), "no-cache");

  auto js = req("GET", "/assets/index-abc123.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.header("Content-Type").value_or(""), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.header("Cache-Control").value_or(""), "public, max-age=31536000, immutable");
}

TEST_F(static_fixture, NothingOutsideTheDirectory) {
  for (const char* target :
       {"/assets/..%2Fsecret.txt", "/assets/..%2F..%2Fsecret.txt", "/assets/..", "/assets/.hidden",
        "/assets/missing.js", "/assets/%2Fetc%2Fpasswd", "/assets/..%5Csecret.txt",
        "/../secret.txt", "/secret.txt"}) {
    auto r = req("GET", target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.body.find("do not serve"), std::string::npos) << target;
  }
}

TEST_F(static_fixture, OnlyGetAndHead) {
  EXPECT_EQ(req("POST", "/").status, 405);
  EXPECT_EQ(req("DELETE", "/assets/index-abc123.js").status, 405);
  EXPECT_EQ(req("HEAD", "/").status, 200);
}

TEST(StaticFileNames, PlainNamesOnly) {
  EXPECT_TRUE(safe_file_name("index-Bx9_a.js"));
  EXPECT_FALSE(safe_file_name(""));
  EXPECT_FALSE(safe_file_name(".."));
  EXPECT_FALSE(safe_file_name("../x"));
  EXPECT_FALSE(safe_file_name("a/b"));
  EXPECT_FALSE(safe_file_name("a\\b"));
  EXPECT_FALSE(safe_file_name(std::string(129, 'a')));
  EXPECT_EQ(content_type_for("x.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("x.bin"), "application/octet-stream");
}

}  // namespace
}  // namespace mc::gateway::web
