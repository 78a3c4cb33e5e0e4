// The ledger audit over committed PostgreSQL state (`tradeledger audit`): each balance equals
// its credits minus its debits (transfers), no negative user balance, held funds equal to the
// holds of open orders, fills equal to filled quantities, no dangling references. Read-only; safe
// to run against a live service.
#pragma once

#include <string>
#include <vector>

namespace mc::tradeledger {

struct audit_report {
  std::vector<std::string> violations;  // one line each; empty = clean
  std::size_t accounts = 0;
  std::size_t transfers = 0;
  std::size_t open_orders = 0;

  bool ok() const { return violations.empty(); }
  // A human-readable report: the counts checked and every violation, one per line.
  std::string text() const;
};

// Throws on connection or SQL failure (the check could not run, which is not "clean").
audit_report run_audit(const std::string& postgres_url);

}  // namespace mc::tradeledger
