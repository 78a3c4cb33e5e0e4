// tradeledger: orders, matching, ledger and outbox. `tradeledger audit` checks the ledger
// invariants in PostgreSQL; `tradeledger migrate` applies the schema and exits.
#include "tradeledger/service/tradeledger_service.h"

int main(int argc, char** argv) {
  return mc::tradeledger::main_from_env(argc, argv);
}
