// libFuzzer entry point for the matching engine: any violated invariant aborts the run.
#include <cstdio>
#include <cstdlib>

#include "engine_fuzz_body.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string problem = mc::engine::fuzz::run_engine_fuzz(data, size);
  if (!problem.empty()) {
    std::fprintf(stderr, "engine invariant violated: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
