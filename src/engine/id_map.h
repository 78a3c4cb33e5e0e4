// Open-addressing hash map from a non-zero 64-bit id to a 32-bit slot index: O(1) order and
// account lookup without a heap node per entry. Linear probing, backward-shift deletion.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mc::engine {

class id_map {
 public:
  static constexpr std::uint32_t npos = UINT32_MAX;

  explicit id_map(std::size_t capacity_hint = 1024) { resize(table_size_for(capacity_hint)); }

  std::uint32_t find(std::uint64_t key) const {
    if (key == 0) return npos;  // 0 marks an empty slot, never a key
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      const slot& s = slots_[i];
      if (s.key == key) return s.value;
      if (s.key == 0) return npos;
    }
  }

  // key must be non-zero and absent.
  void insert(std::uint64_t key, std::uint32_t value) {
    if ((size_ + 1) * 2 > slots_.size()) resize(slots_.size() * 2);
    place(key, value);
    ++size_;
  }

  bool erase(std::uint64_t key) {
    if (key == 0) return false;
    std::size_t i = home(key);
    for (;; i = (i + 1) & mask_) {
      if (slots_[i].key == key) break;
      if (slots_[i].key == 0) return false;
    }
    // Shift later members of the probe run back so no tombstones are needed.
    for (std::size_t j = (i + 1) & mask_; slots_[j].key != 0; j = (j + 1) & mask_) {
      const std::size_t h = home(slots_[j].key);
      const bool h_in_gap = (i <= j) ? (i < h && h <= j) : (i < h || h <= j);
      if (!h_in_gap) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i] = slot{};
    --size_;
    return true;
  }

  std::size_t size() const { return size_; }

 private:
  struct slot {
    std::uint64_t key = 0;
    std::uint32_t value = 0;
  };

  static std::size_t table_size_for(std::size_t n) {
    std::size_t s = 16;
    while (s < n * 2) s *= 2;
    return s;
  }

  std::size_t home(std::uint64_t k) const {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return static_cast<std::size_t>(k) & mask_;
  }

  void place(std::uint64_t key, std::uint32_t value) {
    std::size_t i = home(key);
    while (slots_[i].key != 0) i = (i + 1) & mask_;
    slots_[i] = slot{key, value};
  }

  void resize(std::size_t n) {
    std::vector<slot> old;
    old.swap(slots_);
    slots_.assign(n, slot{});
    mask_ = n - 1;
    for (const slot& s : old) {
      if (s.key != 0) place(s.key, s.value);
    }
  }

  std::vector<slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace mc::engine
