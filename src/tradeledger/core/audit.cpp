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
    // Double entry holds by construction (every transfer debits one account and credits
    // another by the same positive amount); what remains to check is that the balances agree.
    {"transfer asset differs from an account's asset (transfer, debit, credit)",
     "SELECT t.id, t.debit_account, t.credit_account FROM tradeledger.transfers t "
     "JOIN tradeledger.accounts d ON d.id = t.debit_account "
     "JOIN tradeledger.accounts c ON c.id = t.credit_account "
     "WHERE d.asset <> t.asset OR c.asset <> t.asset"},
    {"account balance differs from its credits minus debits (account, available+held, "
     "credits-debits)",
     "SELECT a.id, a.available + a.held, coalesce(m.total, 0) FROM tradeledger.accounts a "
     "LEFT JOIN (SELECT account, sum(amount) AS total FROM ("
     "SELECT credit_account AS account, amount FROM tradeledger.transfers UNION ALL "
     "SELECT debit_account, -amount FROM tradeledger.transfers) x GROUP BY account) m "
     "ON m.account = a.id WHERE a.available + a.held <> coalesce(m.total, 0)"},
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
    {"order fills disagree with its filled quantity (order, filled_qty, sum of its trades)",
     "SELECT o.public_id, o.filled_qty, coalesce(f.total, 0) FROM tradeledger.orders o "
     "LEFT JOIN (SELECT order_id, sum(qty) AS total FROM ("
     "SELECT maker_order_id AS order_id, qty FROM tradeledger.trades UNION ALL "
     "SELECT taker_order_id, qty FROM tradeledger.trades) x GROUP BY order_id) f "
     "ON f.order_id = o.id WHERE o.filled_qty <> coalesce(f.total, 0)"},
    // References the schema leaves to the audit (no per-row foreign-key triggers on the
    // write path).
    {"transfer of an unknown trade (transfer, trade)",
     "SELECT x.id, x.trade_id FROM tradeledger.transfers x WHERE x.trade_id IS NOT NULL AND "
     "NOT EXISTS (SELECT 1 FROM tradeledger.trades t WHERE t.id = x.trade_id)"},
    {"trade of an unknown order (trade, order)",
     "SELECT t.id, o FROM tradeledger.trades t, "
     "unnest(ARRAY[t.maker_order_id, t.taker_order_id]) AS o WHERE o IS NOT NULL AND "
     "NOT EXISTS (SELECT 1 FROM tradeledger.orders x WHERE x.id = o)"},
    {"top-up credited to an account that is not a user's (transfer, account)",
     "SELECT t.id, t.credit_account FROM tradeledger.transfers t "
     "JOIN tradeledger.accounts a ON a.id = t.credit_account "
     "WHERE t.topup_key IS NOT NULL AND a.kind <> 'user'"},
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
                    std::to_string(transfers) + " transfers, " + std::to_string(open_orders) +
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
      "(SELECT count(*) FROM tradeledger.transfers), "
      "(SELECT count(*) FROM tradeledger.orders WHERE status IN ('NEW', 'PARTIALLY_FILLED'))");
  report.accounts = counts[0].as<std::size_t>();
  report.transfers = counts[1].as<std::size_t>();
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
