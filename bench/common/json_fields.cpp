#include "json_fields.h"

namespace mc::bench {

std::string string_at(const boost::json::value& v, std::initializer_list<const char*> path) {
  const boost::json::value* at = &v;
  for (const char* key : path) {
    if (!at->is_object()) return {};
    at = at->as_object().if_contains(key);
    if (!at) return {};
  }
  return at->is_string() ? std::string(at->as_string()) : std::string();
}

}  // namespace mc::bench
