// Where the sequencer gets time and new ids from. Injected (sequencer's constructor) so tests
// and the model test are deterministic; empty members mean the production defaults: the
// system clock and a v7 uuid_generator.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace mc::tradeledger {

struct sequencer_sources {
  std::function<std::int64_t()> now_us;     // microseconds since the Unix epoch
  std::function<std::string()> order_uuid;  // the next order's public id (canonical UUID)
};

// `s` with its empty members set to the defaults.
sequencer_sources with_defaults(sequencer_sources s);

}  // namespace mc::tradeledger
