// libFuzzer entry point for money parsing/printing; the properties live in money_fuzz_body.h.
// Run: build/fuzz/tests/fuzz/money/money_fuzz -max_total_time=30 [corpus_dir]
#include <cstdio>
#include <cstdlib>

#include "money_fuzz_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string failure = mc::money::fuzz::check_one(data, size);
  if (!failure.empty()) {
    std::fprintf(stderr, "money_fuzz: %s\n", failure.c_str());
    std::abort();
  }
  return 0;
}
