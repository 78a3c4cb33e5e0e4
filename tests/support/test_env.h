// Access to the private PostgreSQL and Redis that the ctest fixture `infra` starts.
// Each test gets its own fresh database, so tests never see each other's rows.
#pragma once

#include <string>

namespace mc::test {

// postgresql:// URL of the test cluster's maintenance database.
std::string postgres_admin_url();

// Creates a new, empty database with a unique name and returns its URL.
std::string fresh_database();

// redis:// URL of the test Redis; host and port separately for clients that want them.
std::string redis_url();
std::string redis_host();
int redis_port();

// Runs scripts/infra.sh <action> against the test infrastructure (e.g. "stop-redis",
// "start-redis") for failure tests. Returns the exit status.
int infra(const std::string& action);

// Absolute path inside the source tree / build tree.
std::string source_path(const std::string& relative);
std::string binary_path(const std::string& relative);

// A TCP port on 127.0.0.1 that is free right now.
int free_port();

}  // namespace mc::test
