#include "tradeledger/core/user_directory.h"

#include <algorithm>

namespace mc::tradeledger {

void user_directory::restore(std::uint64_t id, const std::string& uuid) {
  ids_[uuid] = id;
  uuids_[id] = uuid;
  next_id_ = std::max(next_id_, id + 1);
}

void user_directory::restore_next_id(std::uint64_t next_id) {
  next_id_ = std::max(next_id_, next_id);
}

std::optional<std::uint64_t> user_directory::find(const std::string& uuid) const {
  auto it = ids_.find(uuid);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

const std::string& user_directory::uuid(std::uint64_t id) const {
  static const std::string none;
  auto it = uuids_.find(id);
  return it == uuids_.end() ? none : it->second;
}

std::uint64_t user_directory::ensure(const std::string& uuid, std::vector<user_row>& out) {
  if (auto u = find(uuid)) return *u;
  const std::uint64_t id = next_id_++;
  ids_[uuid] = id;
  uuids_[id] = uuid;
  out.push_back(user_row{static_cast<std::int64_t>(id), uuid});
  return id;
}

}  // namespace mc::tradeledger
