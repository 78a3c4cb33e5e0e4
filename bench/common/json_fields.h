// Reading the load generators' answers: a string member at a path of object keys.
#pragma once

#include <boost/json/value.hpp>

#include <initializer_list>
#include <string>

namespace mc::bench {

// The string at v[path[0]][path[1]]…, or "" when a step is missing or not an object, or the
// value is not a string.
std::string string_at(const boost::json::value& v, std::initializer_list<const char*> path);

}  // namespace mc::bench
