// Each check is one SQL query returning the offending rows (capped, so a broken ledger still
// produces a readable report); the audit reads one consistent snapshot.
#include "tradeledger/core/audit.h"

#include <pqxx/pqxx>

namespace mc::tradeledger {

namespace {

// Offending rows reported per check; the count of all of them is reported too.
constexpr int violations_per_check_max = 20;

struct check {
  const char* name;
  const char* sql;  // rows = violations; every column is printed
};

constexpr check checks[] = {
    {"postings do not sum to zero for asset",
     "SELECT asset, sum(amount) FROM tradeledger.postings GROUP BY asset HAVING sum(amount) <> 0"},
    {"journal entry does not balance (entry, asset, sum)",
     "SELECT entry_id, asset, sum(amount) FROM tradeledger.postings GROUP BY entry_id, asset "
     "HAVING sum(amount) <> 0"},
    {"posting asset differs from its account's asset (entry, account)",
     "SELECT p.entry_id, p.account_id FROM tradeledger.postings p "
     "JOIN tradeledger.accounts a ON a.id = p.account_id WHERE a.asset <> p.asset"},
    {"account balance differs from its postings (account, available+held, postings)",
     "SELECT a.id, a.available + a.held, coalesce(p.total, 0) FROM tradeledger.accounts a "
     "LEFT JOIN (SELECT account_id, sum(amount) AS total FROM tradeledger.postings "
     "GROUP BY account_id) p ON p.account_id = a.id "
     "WHERE a.available + a.held <> coalesce(p.total, 0)"},
    {"negative user balance (account, available, held)",
     "SELECT id, available, held FROM tradeledger.accounts "
     "WHERE kind = 'user' AND (available < 0 OR held < 0)"},
    {"held differs from the holds of open orders (user, asset, held, open-order holds)",
     "WITH h AS (SELECT user_id, CASE WHEN side = 'BUY' THEN split_part(symbol, '-', 2) "
     "ELSE split_part(symbol, '-', 1) END AS asset, sum(held) AS total "
     "FROM tradeledger.orders WHERE status IN ('NEW', 'PARTIALLY_FILLED') GROUP BY 1, 2) "
     "SELECT coalesce(a.user_id, h.user_id), coalesce(a.asset, h.asset), coalesce(a.held, 0), "
     "coalesce(h.total, 0) FROM (SELECT * FROM tradeledger.accounts WHERE kind = 'user') a "
     "FULL JOIN h ON h.user_id = a.user_id AND h.asset = a.asset "
     "WHERE coalesce(a.held, 0) <> coalesce(h.total, 0)"},
    {"finished order still holds funds (order)",
     "SELECT public_id FROM tradeledger.orders "
     "WHERE status NOT IN ('NEW', 'PARTIALLY_FILLED') AND held <> 0"},
    {"order fills disagree with its filled quantity (order, filled_qty, sum of fills)",
     "SELECT o.public_id, o.filled_qty, coalesce(f.total, 0) FROM tradeledger.orders o "
     "LEFT JOIN (SELECT order_id, sum(qty) AS total FROM tradeledger.fills GROUP BY order_id) f "
     "ON f.order_id = o.id WHERE o.filled_qty <> coalesce(f.total, 0)"},
    // References the schema leaves to the audit (migration 002 dropped their per-row
    // foreign-key triggers from the write path).
    {"posting of an unknown journal entry (entry, account)",
     "SELECT p.entry_id, p.account_id FROM tradeledger.postings p "
     "WHERE NOT EXISTS (SELECT 1 FROM tradeledger.journal_entries j WHERE j.id = p.entry_id)"},
    {"fill of an unknown order (trade, order)",
     "SELECT f.trade_id, f.order_id FROM tradeledger.fills f "
     "WHERE NOT EXISTS (SELECT 1 FROM tradeledger.orders o WHERE o.id = f.order_id)"},
    {"fill's user differs from its order's (trade, order, fill user, order user)",
     "SELECT f.trade_id, f.order_id, f.user_id, o.user_id FROM tradeledger.fills f "
     "JOIN tradeledger.orders o ON o.id = f.order_id WHERE o.user_id <> f.user_id"},
    {"row of an unknown user (table, user)",
     "SELECT 'orders', user_id FROM tradeledger.orders UNION "
     "SELECT 'idempotency', user_id FROM tradeledger.idempotency UNION "
     "SELECT 'positions', user_id FROM tradeledger.positions "
     "EXCEPT SELECT t, id FROM tradeledger.users, (VALUES ('orders'), ('idempotency'), "
     "('positions')) AS v(t)"},
};

}  // namespace

std::string audit_report::text() const {
  std::string out = "tradeledger audit: " + std::to_string(accounts) + " accounts, " +
                    std::to_string(postings) + " postings, " + std::to_string(open_orders) +
                    " open orders: ";
  if (ok()) return out + "OK\n";
  out += std::to_string(violations.size()) + " violation(s)\n";
  for (const auto& v : violations) out += "  " + v + "\n";
  return out;
}

audit_report run_audit(const std::string& postgres_url) {
  pqxx::connection conn(postgres_url);
  pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::read_only> tx(conn);
  audit_report report;
  const auto counts = tx.exec1(
      "SELECT (SELECT count(*) FROM tradeledger.accounts), "
      "(SELECT count(*) FROM tradeledger.postings), "
      "(SELECT count(*) FROM tradeledger.orders WHERE status IN ('NEW', 'PARTIALLY_FILLED'))");
  report.accounts = counts[0].as<std::size_t>();
  report.postings = counts[1].as<std::size_t>();
  report.open_orders = counts[2].as<std::size_t>();
  for (const check& c : checks) {
    const auto rows =
        tx.exec(std::string(c.sql) + " LIMIT " + std::to_string(violations_per_check_max + 1));
    int shown = 0;
    for (const auto& r : rows) {
      if (shown++ == violations_per_check_max) {
        report.violations.push_back(std::string(c.name) + ": ... (more)");
        break;
      }
      std::string line = c.name;
      line += ":";
      for (const auto& f : r) {
        line += ' ';
        line += f.is_null() ? "NULL" : f.c_str();
      }
      report.violations.push_back(std::move(line));
    }
  }
  tx.commit();
  return report;
}

}  // namespace mc::tradeledger
