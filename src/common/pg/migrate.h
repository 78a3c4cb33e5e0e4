// Schema migrations: applies migrations_dir/NNN_name.sql files in version order, each in its
// own transaction, and records them in <schema>.schema_migrations. Runs at service start.
#pragma once

#include <string>

namespace mc::pg {

// Applies every not-yet-applied migration in `migrations_dir` to `schema` (created if missing).
// Files are named NNN_name.sql (NNN = decimal version, any width); other files are ignored.
// Each file runs in its own transaction with search_path = <schema>, public, and its row in
// <schema>.schema_migrations (version, name, checksum, applied_at) commits with it, so a
// failing file leaves nothing behind. A session advisory lock on hashtext(schema) serialises
// concurrent migrators (several replicas starting at once); the loser finds the work done.
// An applied file whose content changed (md5 differs) is an error, not silently ignored.
// Throws std::runtime_error naming the file on any failure (start-up only).
void migrate(const std::string& postgres_url, const std::string& schema,
             const std::string& migrations_dir);

}  // namespace mc::pg
