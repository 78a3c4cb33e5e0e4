// Idempotency: (engine user, key) -> the request hash it answered and the exact answer.
// Loaded at start, plus every record this run stores (a refusal as an idempotency row; an
// accepted order's record rides on its order row, a top-up's on its transfer). Engine thread
// only.
//
// Memory can be bounded: with a window of N, only the newest N records stay in memory (their
// answers are a few hundred bytes each) and an older key is answered by the injected lookup
// (the database). Every key ever stored leaves an 8-byte fingerprint, so a new key, the usual
// case, is known to be new without asking the database; only a key that was used before and
// left the window (or, about once in 2^64, a fingerprint collision: then the lookup finds
// nothing and the key is new) costs a lookup. The window must exceed the records of batches
// applied but not yet committed (ledger_core checks it), which the database cannot answer yet.
// Window 0 (the default) keeps every record.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tradeledger/api/ledger.h"
#include "tradeledger/core/batch.h"

namespace mc::tradeledger {

// A stored idempotent outcome: the request hash it answered and the exact answer.
struct idempotent_outcome {
  std::string request_hash;
  command_result result;
};

// Answers a key older than the window (nullopt: never used). May throw (database unreachable):
// the exception reaches the caller of find()/replay(), and nothing is stored.
using idempotency_lookup =
    std::function<std::optional<idempotent_outcome>(std::uint64_t user, const std::string& key)>;

class idempotency_store {
 public:
  explicit idempotency_store(std::size_t window = 0, idempotency_lookup lookup = {});

  void restore(std::uint64_t user, const std::string& key, idempotent_outcome outcome);

  // The stored outcome: from memory, else (when a window is set) from the lookup.
  std::optional<idempotent_outcome> find(std::uint64_t user, const std::string& key) const;
  // A key this user already used: the same request gets the stored answer, a different one
  // IDEM_MISMATCH. nullopt when the key is new, so the command runs.
  std::optional<command_result> replay(std::uint64_t user, const std::string& key,
                                       const std::string& request_hash) const;
  // Stores the answer (and, for a refusal, its row in `out`) and returns it.
  command_result remember(std::uint64_t user, const std::string& key, const std::string& hash,
                          command_result result, std::vector<idempotency_row>& out);
  // Records held in memory, keys fingerprinted (with a window), lookups made.
  std::size_t size() const { return outcomes_.size(); }
  std::size_t fingerprints() const { return seen_.size(); }
  std::uint64_t lookups() const { return lookups_; }

 private:
  static std::string map_key(std::uint64_t user, const std::string& key);
  static std::uint64_t fingerprint(const std::string& map_key);
  void store(std::string k, idempotent_outcome outcome);

  std::size_t window_;
  idempotency_lookup lookup_;
  std::unordered_map<std::string, idempotent_outcome> outcomes_;  // "<user>/<key>"
  std::deque<std::string> order_;           // keys oldest first (only with a window)
  std::unordered_set<std::uint64_t> seen_;  // fingerprints of every key (only with a window)
  mutable std::uint64_t lookups_ = 0;
};

}  // namespace mc::tradeledger
