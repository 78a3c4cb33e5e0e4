#include "tradeledger/core/idempotency_store.h"

#include <functional>

#include "tradeledger/api/error_codes.h"
#include "tradeledger/core/render.h"

namespace mc::tradeledger {

idempotency_store::idempotency_store(std::size_t window, idempotency_lookup lookup)
    : window_(window), lookup_(std::move(lookup)) {}

std::string idempotency_store::map_key(std::uint64_t user, const std::string& key) {
  std::string k = std::to_string(user);
  k += '/';
  k += key;
  return k;
}

std::uint64_t idempotency_store::fingerprint(const std::string& map_key) {
  return std::hash<std::string>{}(map_key);
}

void idempotency_store::store(std::string k, idempotent_outcome outcome) {
  auto [it, inserted] = outcomes_.insert_or_assign(k, std::move(outcome));
  if (window_ == 0 || !inserted) return;
  seen_.insert(fingerprint(k));
  order_.push_back(std::move(k));
  while (order_.size() > window_) {
    outcomes_.erase(order_.front());
    order_.pop_front();
  }
}

void idempotency_store::restore(std::uint64_t user, const std::string& key,
                                idempotent_outcome outcome) {
  store(map_key(user, key), std::move(outcome));
}

std::optional<idempotent_outcome> idempotency_store::find(std::uint64_t user,
                                                          const std::string& key) const {
  const std::string k = map_key(user, key);
  auto it = outcomes_.find(k);
  if (it != outcomes_.end()) return it->second;
  if (window_ == 0 || !lookup_ || !seen_.contains(fingerprint(k))) return std::nullopt;
  ++lookups_;
  return lookup_(user, key);
}

std::optional<command_result> idempotency_store::replay(std::uint64_t user, const std::string& key,
                                                        const std::string& request_hash) const {
  auto outcome = find(user, key);
  if (!outcome) return std::nullopt;
  if (outcome->request_hash == request_hash) return std::move(outcome->result);
  return make_error(error_code::idem_mismatch, "idempotency key was used with a different request");
}

command_result idempotency_store::remember(std::uint64_t user, const std::string& key,
                                           const std::string& hash, command_result result,
                                           std::vector<idempotency_row>& out) {
  idempotency_row row;
  row.user_id = static_cast<std::int64_t>(user);
  row.key = key;
  row.request_hash = hash;
  row.status = result.status;
  row.error_code = result.error == error_code::none ? "" : api_code(result.error);
  row.message = result.message;
  row.response = result.body;
  // Only a refusal has a row of its own: an accepted order's record is its order row, a
  // top-up's its transfer (the sequencer attaches them).
  if (result.status >= 400) out.push_back(std::move(row));
  store(map_key(user, key), idempotent_outcome{hash, result});
  return result;
}

}  // namespace mc::tradeledger
