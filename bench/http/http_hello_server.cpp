// Minimal mc::http server for the HTTP benchmark (scripts/bench-http.sh): one I/O thread,
// no access log, GET /healthz. Usage: http_hello_server <port>. Prints "listening <port>".
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <cstdlib>

#include "common/http/health.h"
#include "common/http/server.h"
#include "common/log/log.h"

int main(int argc, char** argv) {
  namespace http = mc::http;
  mc::log::init("http_hello_server", mc::log::level::warn);
  http::server_options opts;
  opts.service = "http_hello_server";
  opts.port = static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 0);
  opts.access_log = false;
  http::router router;
  http::add_health_routes(router, {}, opts.service);
  boost::asio::io_context ioc(1);  // one thread: lets Asio skip its internal locking
  http::server srv(ioc, opts, router);
  std::printf("listening %u\n", static_cast<unsigned>(srv.port()));
  std::fflush(stdout);
  return http::run_until_signal(ioc, srv, 1);
}
