#include "tradeledger/core/sequencer_sources.h"

#include <memory>

#include "tradeledger/api/ids.h"
#include "tradeledger/core/time_text.h"

namespace mc::tradeledger {

sequencer_sources with_defaults(sequencer_sources s) {
  if (!s.now_us) s.now_us = [] { return mc::tradeledger::now_us(); };
  if (!s.order_uuid) {
    s.order_uuid = [g = std::make_shared<uuid_generator>()] { return g->next(); };
  }
  return s;
}

}  // namespace mc::tradeledger
