// Idempotency: (engine user, key) -> the request hash it answered and the exact answer.
// Loaded at start, plus every record this run stores (one idempotency row each). Engine
// thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tradeledger/api/ledger.h"
#include "tradeledger/core/batch.h"

namespace mc::tradeledger {

// A stored idempotent outcome: the request hash it answered and the exact answer.
struct idempotent_outcome {
  std::string request_hash;
  command_result result;
};

class idempotency_store {
 public:
  void restore(std::uint64_t user, const std::string& key, idempotent_outcome outcome);

  const idempotent_outcome* find(std::uint64_t user, const std::string& key) const;
  // A key this user already used: the same request gets the stored answer, a different one
  // IDEM_MISMATCH. nullopt when the key is new, so the command runs.
  std::optional<command_result> replay(std::uint64_t user, const std::string& key,
                                       const std::string& request_hash) const;
  // Stores the answer (and its row in `out`) and returns it.
  command_result remember(std::uint64_t user, const std::string& key, const std::string& hash,
                          command_result result, std::vector<idempotency_row>& out);
  std::size_t size() const { return outcomes_.size(); }

 private:
  static std::string map_key(std::uint64_t user, const std::string& key);

  std::unordered_map<std::string, idempotent_outcome> outcomes_;  // "<user>/<key>"
};

}  // namespace mc::tradeledger
