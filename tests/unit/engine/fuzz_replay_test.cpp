// Corpus replay of the libFuzzer body with the normal compiler, so `make test` exercises it:
// a few hundred seeded random byte strings, each must keep every invariant.
#include <gtest/gtest.h>

#include <random>

#include "../../fuzz/engine/engine_fuzz_body.h"

namespace mc::engine::fuzz {
namespace {

TEST(engine_fuzz_replay, random_byte_strings_keep_invariants) {
  std::mt19937_64 rng(2024);
  std::vector<std::uint8_t> bytes;
  std::size_t trades = 0;
  for (int i = 0; i < 400; ++i) {
    bytes.resize(rng() % 4'096);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
    const std::string problem = run_engine_fuzz(bytes.data(), bytes.size(), &trades);
    ASSERT_TRUE(problem.empty()) << "input " << i << ": " << problem;
  }
  EXPECT_GT(trades, 100u);  // random bytes do reach matching, not just rejections
}

TEST(engine_fuzz_replay, empty_and_tiny_inputs) {
  EXPECT_EQ(run_engine_fuzz(nullptr, 0), "");
  const std::uint8_t one[] = {0};
  EXPECT_EQ(run_engine_fuzz(one, 1), "");
}

}  // namespace
}  // namespace mc::engine::fuzz
