// Applies SQL migration files under a session advisory lock; see migrate.h for the contract.
#include "common/pg/migrate.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <pqxx/pqxx>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "common/log/log.h"

namespace mc::pg {
namespace {

struct migration_file {
  int version = 0;
  std::string name;
  std::filesystem::path path;
};

std::vector<migration_file> list_migrations(const std::string& dir) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir)) throw std::runtime_error("migrations directory not found: " + dir);
  static const std::regex pattern(R"(^([0-9]+)_(.+)\.sql$)");
  std::vector<migration_file> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::string filename = entry.path().filename().string();
    std::smatch m;
    if (!std::regex_match(filename, m, pattern)) continue;
    int version = 0;
    try {
      version = std::stoi(m[1].str());
    } catch (const std::exception&) {
      throw std::runtime_error("migration version out of range: " + filename);
    }
    files.push_back({version, m[2].str(), entry.path()});
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < files.size(); ++i) {
    if (files[i].version == files[i - 1].version) {
      throw std::runtime_error("two migrations share version " + std::to_string(files[i].version) +
                               " in " + dir);
    }
  }
  return files;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read migration " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Holds pg_advisory_lock for the whole run; closing the connection would release it too,
// but unlocking explicitly keeps a reused connection clean.
class advisory_lock {
 public:
  advisory_lock(pqxx::connection& conn, const std::string& key) : conn_(conn), key_(key) {
    pqxx::nontransaction tx(conn_);
    tx.exec_params("SELECT pg_advisory_lock(hashtext($1))", key_);
  }
  ~advisory_lock() {
    try {
      pqxx::nontransaction tx(conn_);
      tx.exec_params("SELECT pg_advisory_unlock(hashtext($1))", key_);
    } catch (const std::exception&) {
      // The connection is gone, and the server released the lock with it.
    }
  }
  advisory_lock(const advisory_lock&) = delete;
  advisory_lock& operator=(const advisory_lock&) = delete;

 private:
  pqxx::connection& conn_;
  std::string key_;
};

}  // namespace

void migrate(const std::string& postgres_url, const std::string& schema,
             const std::string& migrations_dir) {
  static const std::regex schema_pattern(R"(^[a-z_][a-z0-9_]*$)");
  if (!std::regex_match(schema, schema_pattern)) {
    throw std::runtime_error("migrate: invalid schema name '" + schema + "'");
  }
  std::vector<migration_file> files = list_migrations(migrations_dir);

  pqxx::connection conn(postgres_url);
  advisory_lock lock(conn, "mc_migrate:" + schema);
  const std::string table = conn.quote_name(schema) + ".schema_migrations";
  {
    pqxx::work tx(conn);
    tx.exec("CREATE SCHEMA IF NOT EXISTS " + conn.quote_name(schema));
    tx.exec("CREATE TABLE IF NOT EXISTS " + table +
            " (version int PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())");
    tx.commit();
  }

  std::map<int, std::string> applied;  // version -> checksum
  {
    pqxx::read_transaction tx(conn);
    for (const auto& row : tx.exec("SELECT version, checksum FROM " + table)) {
      applied[row[0].as<int>()] = row[1].as<std::string>();
    }
  }

  int count = 0;
  for (const auto& file : files) {
    const std::string sql = read_file(file.path);
    const std::string label = file.path.filename().string();
    auto done = applied.find(file.version);
    if (done != applied.end()) {
      pqxx::nontransaction tx(conn);
      auto checksum = tx.exec_params1("SELECT md5($1)", sql)[0].as<std::string>();
      if (checksum != done->second) {
        throw std::runtime_error("migration " + label + " in schema " + schema +
                                 " was changed after it was applied (checksum differs); add a "
                                 "new migration instead");
      }
      continue;
    }
    try {
      pqxx::work tx(conn);
      tx.exec("SET LOCAL search_path TO " + conn.quote_name(schema) + ", public");
      tx.exec(sql);
      tx.exec_params("INSERT INTO " + table + " (version, name, checksum) VALUES ($1, $2, md5($3))",
                     file.version, file.name, sql);
      tx.commit();
    } catch (const std::exception& e) {
      throw std::runtime_error("migration " + label + " failed in schema " + schema + ": " +
                               e.what());
    }
    ++count;
    mc::log::info("migration applied", {{"schema", schema}, {"file", label}});
  }
  mc::log::info("migrations up to date", {{"schema", schema},
                                          {"applied_now", std::to_string(count)},
                                          {"total", std::to_string(files.size())}});
}

}  // namespace mc::pg
