// main_from_env: the tradeledger binary's commands (serve, audit, migrate) over the
// environment configuration. Exit codes: 0 ok, 1 failure (or audit violations), 2 bad config.
#include <iostream>
#include <string_view>

#include "common/config/env_reader.h"
#include "common/log/log.h"
#include "common/pg/migrate.h"
#include "tradeledger/core/audit.h"
#include "tradeledger/service/tradeledger_service.h"

namespace mc::tradeledger {

namespace {

constexpr int exit_usage = 2;

void print_usage(std::ostream& out) {
  out << "usage: tradeledger [audit|migrate]\n"
         "  (no command)  serve the internal API on TRADE_LEDGER_PORT until SIGTERM/SIGINT\n"
         "  audit         check the committed ledger; exit 0 when clean, 1 otherwise\n"
         "  migrate       apply the tradeledger schema migrations and exit\n";
}

log::level parse_log_level(const std::string& text) {
  log::level lvl = log::level::info;
  log::parse_level(text, lvl);
  return lvl;
}

int serve() {
  const service_config cfg =
      config::load_or_exit([] { return load_service_config(config::env_reader{}); });
  log::init("tradeledger", parse_log_level(cfg.log_level));
  io::event_loops loops(static_cast<unsigned>(cfg.http_threads));
  try {
    tradeledger_service service(cfg, loops);
    service.start();
    const int rc =
        http::run_until_signal(loops, service.server(), [&service]() -> net::awaitable<void> {
          service.stop();  // the server has drained: commit what is queued, flush the outbox
          co_return;
        });
    log::info("tradeledger stopped");
    return rc;
  } catch (const std::exception& e) {
    log::error("tradeledger failed", {{"error", e.what()}});
    return 1;
  }
}

int audit() {
  const std::string url = config::load_or_exit([] {
    return config::env_reader{}.url("POSTGRES_URL", "", {"postgresql", "postgres"});
  });
  try {
    const audit_report report = run_audit(url);
    std::cout << report.text();
    if (!report.text().empty() && report.text().back() != '\n') std::cout << '\n';
    std::cout << (report.ok() ? "audit: clean" : "audit: VIOLATIONS FOUND") << std::endl;
    return report.ok() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "audit could not run: " << e.what() << std::endl;
    return 1;
  }
}

int migrate() {
  struct settings {
    std::string url;
    std::string dir;
  };
  const settings s = config::load_or_exit([] {
    config::env_reader env;
    return settings{env.url("POSTGRES_URL", "", {"postgresql", "postgres"}),
                    env.get("MIGRATIONS_DIR", "./migrations")};
  });
  log::init("tradeledger");
  try {
    pg::migrate(s.url, "tradeledger", s.dir + "/tradeledger");
    log::info("tradeledger migrations applied");
    return 0;
  } catch (const std::exception& e) {
    log::error("tradeledger migrate failed", {{"error", e.what()}});
    return 1;
  }
}

}  // namespace

int main_from_env(int argc, char** argv) {
  const std::string_view command = argc > 1 ? std::string_view(argv[1]) : std::string_view{};
  if (argc > 2) {
    print_usage(std::cerr);
    return exit_usage;
  }
  if (command.empty()) return serve();
  if (command == "audit") return audit();
  if (command == "migrate") return migrate();
  if (command == "help" || command == "--help" || command == "-h") {
    print_usage(std::cout);
    return 0;
  }
  print_usage(std::cerr);
  return exit_usage;
}

}  // namespace mc::tradeledger
