// Gateway user UUID <-> engine user id. New users get ids from 1000 up (1 = house, 2 = fee)
// and a users row in the batch that registers them. Engine thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tradeledger/core/batch.h"

namespace mc::tradeledger {

class user_directory {
 public:
  void restore(std::uint64_t id, const std::string& uuid);
  void restore_next_id(std::uint64_t next_id);

  std::optional<std::uint64_t> find(const std::string& uuid) const;
  // The user's UUID; empty when unknown.
  const std::string& uuid(std::uint64_t id) const;
  // The engine id of `uuid` (canonical form), registered with a row in `out` when new.
  std::uint64_t ensure(const std::string& uuid, std::vector<user_row>& out);
  std::size_t size() const { return ids_.size(); }

 private:
  std::unordered_map<std::string, std::uint64_t> ids_;
  std::unordered_map<std::uint64_t, std::string> uuids_;
  std::uint64_t next_id_ = 1000;
};

}  // namespace mc::tradeledger
