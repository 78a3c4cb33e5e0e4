#include "tradeledger/core/idempotency_records.h"

#include <stdexcept>

#include "tradeledger/api/error_codes.h"

namespace mc::tradeledger {

namespace {

// Columns: user_id, key, request_hash, status, error_code, message, response. With `one_key`,
// each part is narrowed to one (user, key), given as $1 and $2.
std::string outcomes_query(bool one_key) {
  const std::string order_where = one_key ? " WHERE user_id = $1 AND idempotency_key = $2" : "";
  const std::string topup_where = one_key ? " AND a.user_id = $1 AND t.topup_key = $2" : "";
  const std::string refusal_where = one_key ? " WHERE user_id = $1 AND key = $2" : "";
  return "SELECT user_id, idempotency_key, request_hash, 201, '', '', response "
         "FROM tradeledger.orders" +
         order_where +
         " UNION ALL SELECT a.user_id, t.topup_key, t.request_hash, 200, '', '', t.response "
         "FROM tradeledger.transfers t JOIN tradeledger.accounts a ON a.id = t.credit_account "
         "WHERE t.topup_key IS NOT NULL" +
         topup_where +
         " UNION ALL SELECT user_id, key, request_hash, status, error_code, message, response "
         "FROM tradeledger.idempotency" +
         refusal_where;
}

idempotent_outcome decode(const pqxx::row& r) {
  idempotent_outcome o;
  o.request_hash = r[2].as<std::string>();
  o.result.status = r[3].as<int>();
  const std::string code = r[4].as<std::string>();
  if (!code.empty()) {
    const auto e = parse_api_code(code);
    if (!e) throw std::runtime_error("unknown error code in an idempotency record: " + code);
    o.result.error = *e;
  }
  o.result.message = r[5].as<std::string>();
  o.result.body = r[6].as<std::string>();
  return o;
}

}  // namespace

void for_each_idempotent_outcome(
    pqxx::transaction_base& tx,
    const std::function<void(std::uint64_t, std::string, idempotent_outcome)>& f) {
  // Through a cursor, a slice at a time: the rows hold every answer ever given, and loading
  // them into one result would make the start-up's memory grow with the whole history.
  constexpr std::size_t rows_per_fetch = 10'000;
  pqxx::icursorstream rows(tx, outcomes_query(false), "idempotent_outcomes", rows_per_fetch);
  pqxx::result slice;
  while (rows >> slice) {
    for (const auto& r : slice) f(r[0].as<std::uint64_t>(), r[1].as<std::string>(), decode(r));
  }
}

std::optional<idempotent_outcome> read_idempotent_outcome(pqxx::connection& conn,
                                                          std::uint64_t user,
                                                          const std::string& key) {
  pqxx::nontransaction tx(conn);
  const auto rows = tx.exec_params(outcomes_query(true), static_cast<std::int64_t>(user), key);
  if (rows.empty()) return std::nullopt;
  return decode(rows[0]);
}

}  // namespace mc::tradeledger
