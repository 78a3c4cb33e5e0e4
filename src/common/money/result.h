// mc::result<T, E>: a value or a business error, the project's stand-in for std::expected
// (GCC 12 has none). Errors are plain values, usually an enum class; nothing here throws
// except value() on an error or error() on a value, which are programming mistakes.
#pragma once

#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace mc {

// Wraps an error so result<E, E>-like ambiguities can still be constructed explicitly.
template <class E>
struct failure {
  E error;
};

template <class T, class E>
class result {
 public:
  static_assert(!std::is_same_v<T, E>, "value and error types must differ");

  result(T value)
      : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  result(E error)
      : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit by design
  result(failure<E> f) : state_(std::in_place_index<1>, std::move(f.error)) {}  // NOLINT

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  // Accessing the value of an error result is a bug, not a business outcome.
  T& value() & {
    check();
    return std::get<0>(state_);
  }
  const T& value() const& {
    check();
    return std::get<0>(state_);
  }
  T&& value() && {
    check();
    return std::get<0>(std::move(state_));
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // Accessing the error of a value result is equally a bug.
  const E& error() const {
    if (has_value()) throw std::logic_error("mc::result: error() called on a value");
    return std::get<1>(state_);
  }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? std::get<0>(state_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  void check() const {
    if (!has_value()) throw std::logic_error("mc::result: value() called on an error");
  }

  std::variant<T, E> state_;
};

}  // namespace mc
