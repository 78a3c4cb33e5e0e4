// Ledger core order path against real PostgreSQL: lifecycle, partial fills, cancel, IOC/FOK,
// market orders with and without liquidity, funds checks, top-ups, idempotency, ownership.
#include "core_test_util.h"

#include "common/metrics/metrics.h"

namespace mc::tradeledger::test {
namespace {

using CoreOrders = core_fixture;

TEST_F(CoreOrders, LimitRestsThenPartiallyFillsThenFills) {
  start(/*house=*/false);
  const auto a = new_user(), b = new_user();
  ASSERT_EQ(topup(a, "100000.00").status, 200);
  ASSERT_EQ(topup(b, "1", "BTC").status, 200);

  auto r = limit(a, "BUY", "50000.00", "0.01");
  ASSERT_EQ(r.status, 201) << r.body;
  auto o = json_of(r);
  const std::string id = str(o.at("order_id"));
  EXPECT_EQ(str(o.at("status")), "NEW");
  EXPECT_EQ(str(o.at("filled_qty")), "0.00000000");
  EXPECT_FALSE(o.contains("avg_fill_price"));
  EXPECT_EQ(str(o.at("price")), "50000.00");
  EXPECT_EQ(str(o.at("time_in_force")), "GTC");
  // Held: 500.00 notional + 1.00, the fee at the highest rate the order may pay (taker 20 bps).
  EXPECT_EQ(balance(a, "USD"), (std::pair<std::string, std::string>{"99499.00", "501.00"}));

  auto s1 = json_of(limit(b, "SELL", "50000.00", "0.004"));
  EXPECT_EQ(str(s1.at("status")), "FILLED");
  EXPECT_EQ(str(s1.at("avg_fill_price")), "50000.00");
  auto g = json_of(get(a, id));
  EXPECT_EQ(str(g.at("status")), "PARTIALLY_FILLED");
  EXPECT_EQ(str(g.at("filled_qty")), "0.00400000");
  ASSERT_EQ(g.at("fills").as_array().size(), 1u);
  const auto& f = g.at("fills").as_array()[0].as_object();
  EXPECT_EQ(str(f.at("liquidity")), "MAKER");
  EXPECT_EQ(str(f.at("fee")), "0.20");  // 10 bps of 200.00
  EXPECT_EQ(str(f.at("qty")), "0.00400000");

  auto s2 = json_of(limit(b, "SELL", "49000.00", "0.006"));
  EXPECT_EQ(str(s2.at("status")), "FILLED");
  EXPECT_EQ(str(s2.at("avg_fill_price")), "50000.00");  // at the maker's price
  g = json_of(get(a, id));
  EXPECT_EQ(str(g.at("status")), "FILLED");
  EXPECT_EQ(g.at("fills").as_array().size(), 2u);
  EXPECT_EQ(str(g.at("avg_fill_price")), "50000.00");

  // A: 500.00 notional + 0.50 maker fee; B: 500.00 - 1.00 taker fee.
  EXPECT_EQ(balance(a, "USD"), (std::pair<std::string, std::string>{"99499.50", "0.00"}));
  EXPECT_EQ(balance(a, "BTC"), (std::pair<std::string, std::string>{"0.01000000", "0.00000000"}));
  EXPECT_EQ(balance(b, "USD"), (std::pair<std::string, std::string>{"499.00", "0.00"}));
  EXPECT_EQ(balance(b, "BTC"), (std::pair<std::string, std::string>{"0.99000000", "0.00000000"}));
}

TEST_F(CoreOrders, CancelReleasesHoldAndFinishedOrderIsNotCancelable) {
  start(false);
  const auto a = new_user();
  topup(a, "1000.00");
  const std::string id = str(json_of(limit(a, "BUY", "20000.00", "0.01")).at("order_id"));
  EXPECT_EQ(balance(a, "USD").second, "200.40");  // 200.00 + worst-case fee (20 bps)

  auto c = cancel(a, id);
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(str(json_of(c).at("status")), "CANCELED");
  EXPECT_EQ(str(json_of(c).at("id")), id);
  EXPECT_EQ(balance(a, "USD"), (std::pair<std::string, std::string>{"1000.00", "0.00"}));

  c = cancel(a, id);
  EXPECT_EQ(c.status, 409);
  EXPECT_EQ(c.error, error_code::order_not_cancelable);
  c = cancel(a, new_user());
  EXPECT_EQ(c.error, error_code::order_not_found);
}

TEST_F(CoreOrders, AnotherUsersOrderIsNotFound) {
  start(false);
  const auto a = new_user(), b = new_user();
  topup(a, "1000.00");
  topup(b, "1000.00");
  const std::string id = str(json_of(limit(a, "BUY", "20000.00", "0.01")).at("order_id"));
  EXPECT_EQ(get(b, id).error, error_code::order_not_found);
  EXPECT_EQ(get(b, id).status, 404);
  EXPECT_EQ(cancel(b, id).error, error_code::order_not_found);
  EXPECT_EQ(str(json_of(get(a, id)).at("status")), "NEW");
  auto list =
      json_of(sync(core_->list_orders(list_orders_query{b, order_filter::all, "", 50, ""}, {})));
  EXPECT_TRUE(list.at("orders").as_array().empty());
}

TEST_F(CoreOrders, InsufficientFundsHoldsNothing) {
  start(false);
  const auto a = new_user();
  topup(a, "100.00");
  auto r = limit(a, "BUY", "50000.00", "0.01");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.error, error_code::insufficient_funds);
  EXPECT_NE(r.body.find("INSUFFICIENT_FUNDS"), std::string::npos);
  EXPECT_EQ(balance(a, "USD"), (std::pair<std::string, std::string>{"100.00", "0.00"}));
  // Selling coins one does not have is the same refusal.
  EXPECT_EQ(limit(a, "SELL", "50000.00", "0.01").error, error_code::insufficient_funds);
  auto list =
      json_of(sync(core_->list_orders(list_orders_query{a, order_filter::all, "", 50, ""}, {})));
  EXPECT_TRUE(list.at("orders").as_array().empty());  // a refusal is not an order
}

// Wire-level checks belong to the one validator (unit tests ServiceParser.*); the core still
// refuses typed requests it cannot apply, and such a refusal changes nothing.
TEST_F(CoreOrders, ValidationErrors) {
  start(false);
  const auto a = new_user();
  topup(a, "1000.00");
  const auto base = order(a, "BUY", "LIMIT", "1.00", "1");
  auto with = [&](auto change) {
    auto r = base;
    r.idempotency_key = uuids_.next();
    change(r);
    return place(r).error;
  };
  EXPECT_EQ(with([](auto& r) { r.symbol = "DOGE-USD"; }), error_code::invalid_symbol);
  EXPECT_EQ(with([](auto& r) { r.price = 0; }), error_code::bad_request);
  EXPECT_EQ(with([](auto& r) { r.qty = 0; }), error_code::bad_request);
  EXPECT_EQ(with([](auto& r) { r.qty = -1; }), error_code::bad_request);
  EXPECT_EQ(with([](auto& r) { r.user_id = "not-a-uuid"; }), error_code::bad_request);
  EXPECT_EQ(with([](auto& r) { r.idempotency_key.clear(); }), error_code::bad_request);
  EXPECT_EQ(balance(a, "USD"), std::make_pair(std::string("1000.00"), std::string("0.00")));
}

// avg_fill_price is the fills' true volume-weighted price (a market buy that filled entirely at
// 64,979.08 used to report 64,979.00), in the answer and in the order read back.
TEST_F(CoreOrders, AverageFillPriceIsTheFillsVolumeWeightedPrice) {
  start(true);
  const auto a = new_user();
  topup(a, "1000.00");
  quote("64979.07", "64979.08", "1", "1");
  auto placed = place(order(a, "BUY", "MARKET", "", "0.001"));
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto j = json_of(placed);
  EXPECT_EQ(str(j.at("status")), "FILLED");
  EXPECT_EQ(str(j.at("avg_fill_price")), "64979.08");
  auto got = json_of(get(a, str(j.at("order_id"))));
  EXPECT_EQ(str(got.at("avg_fill_price")), "64979.08");
}

TEST_F(CoreOrders, IocAndFokAgainstHouseLiquidity) {
  start(true);
  const auto a = new_user();
  topup(a, "200000.00");
  quote("50000.00", "50001.00", "0.5", "0.7");

  auto ioc = json_of(limit(a, "BUY", "50001.00", "1", "IOC"));
  EXPECT_EQ(str(ioc.at("status")), "CANCELED");
  EXPECT_EQ(str(ioc.at("filled_qty")), "0.70000000");
  EXPECT_EQ(str(ioc.at("avg_fill_price")), "50001.00");

  quote("50000.00", "50001.00", "0.5", "0.7");
  const auto before = balance(a, "USD");
  auto fok = json_of(limit(a, "BUY", "50001.00", "1", "FOK"));
  EXPECT_EQ(str(fok.at("status")), "CANCELED");
  EXPECT_EQ(str(fok.at("filled_qty")), "0.00000000");
  EXPECT_EQ(balance(a, "USD"), before);
  // The killed FOK is an order (CANCELED), readable like any other.
  EXPECT_EQ(str(json_of(get(a, str(fok.at("order_id")))).at("status")), "CANCELED");

  auto fok_ok = json_of(limit(a, "BUY", "50001.00", "0.5", "FOK"));
  EXPECT_EQ(str(fok_ok.at("status")), "FILLED");
}

TEST_F(CoreOrders, MarketOrdersWithAndWithoutLiquidity) {
  start(true);
  const auto a = new_user();
  topup(a, "100000.00");
  // No quote yet: no reference price, so the market order is rejected (but recorded).
  auto r = place(order(a, "BUY", "MARKET", "", "0.1"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(str(json_of(r).at("status")), "REJECTED");
  EXPECT_TRUE(json_of(r).at("price").is_null());

  quote("50000.00", "50001.00", "0.5", "0.7");
  auto m = json_of(place(order(a, "BUY", "MARKET", "", "0.1")));
  EXPECT_EQ(str(m.at("status")), "FILLED");
  EXPECT_EQ(str(m.at("avg_fill_price")), "50001.00");
  EXPECT_EQ(str(m.at("time_in_force")), "IOC");
  // 5000.10 notional + 10.01 taker fee (20 bps, rounded up).
  EXPECT_EQ(balance(a, "USD").first, "94989.89");
  EXPECT_EQ(balance(a, "BTC").first, "0.10000000");
}

TEST_F(CoreOrders, MarketOrderWithHouseOffAndEmptyBookIsCanceled) {
  start(false);
  const auto a = new_user();
  topup(a, "100000.00");
  quote("50000.00", "50001.00", "0.5", "0.7");  // moves the reference price only
  auto m = json_of(place(order(a, "BUY", "MARKET", "", "0.1")));
  EXPECT_EQ(str(m.at("status")), "CANCELED");
  EXPECT_EQ(str(m.at("filled_qty")), "0.00000000");
  EXPECT_EQ(balance(a, "USD"), (std::pair<std::string, std::string>{"100000.00", "0.00"}));
  auto book = json_of(sync(core_->order_book("BTC-USD", 10, {})));
  EXPECT_TRUE(book.at("bids").as_array().empty());
  EXPECT_TRUE(book.at("asks").as_array().empty());
}

TEST_F(CoreOrders, HouseQuoteFillsRestingUserLimitAtItsOwnPrice) {
  start(true);
  const auto a = new_user();
  topup(a, "100000.00");
  quote("50000.00", "50010.00", "1", "1");
  const std::string id = str(json_of(limit(a, "BUY", "49000.00", "0.01")).at("order_id"));
  auto book = json_of(sync(core_->order_book("BTC-USD", 5, {})));
  ASSERT_EQ(book.at("bids").as_array().size(), 2u);
  // The market drops through the user's bid: the house sells to it at 49000.00.
  quote("48000.00", "48900.00", "1", "1");
  topup(a, "1.00");  // commits the tick's batch
  auto g = json_of(get(a, id));
  EXPECT_EQ(str(g.at("status")), "FILLED");
  EXPECT_EQ(str(g.at("avg_fill_price")), "49000.00");
  EXPECT_EQ(str(g.at("fills").as_array()[0].as_object().at("liquidity")), "MAKER");
}

TEST_F(CoreOrders, TopupValidationAndLimit) {
  start(false);
  const auto a = new_user();
  auto r = topup(a, "10000.00");
  ASSERT_EQ(r.status, 200);
  auto j = json_of(r);
  EXPECT_EQ(str(j.at("balance")), "10000.00");
  EXPECT_EQ(str(j.at("currency")), "USD");
  EXPECT_EQ(str(j.at("amount")), "10000.00");
  // Typed amounts the core refuses (wire spellings are the validator's: ServiceParser.Topups).
  for (std::int64_t bad : {std::int64_t{0}, std::int64_t{-500}, std::int64_t{100'000'000'001}}) {
    topup_request t = topup_from(default_markets(), a, uuids_.next(), "USD", "1");
    t.amount = bad;
    EXPECT_EQ(sync(core_->topup(t, {})).error, error_code::bad_request) << bad;
  }
  topup_request xyz = topup_from(default_markets(), a, uuids_.next(), "USD", "1");
  xyz.currency = "XYZ";
  EXPECT_EQ(sync(core_->topup(xyz, {})).error, error_code::bad_request);
  EXPECT_EQ(str(json_of(topup(a, "1000000000.00")).at("balance")), "1000010000.00");
}

TEST_F(CoreOrders, IdempotentReplayAndMismatch) {
  start(false);
  const auto a = new_user();
  auto first = topup(a, "50.00", "USD", "key-1");
  auto again = topup(a, "50.00", "USD", "key-1");
  EXPECT_EQ(first.body, again.body);
  EXPECT_EQ(balance(a, "USD").first, "50.00");
  auto mismatch = topup(a, "60.00", "USD", "key-1");
  EXPECT_EQ(mismatch.error, error_code::idem_mismatch);
  EXPECT_EQ(mismatch.status, 422);

  // A refused order replays its refusal even after the funds arrive.
  auto req = order(a, "BUY", "LIMIT", "50000.00", "0.01");
  auto refused = place(req);
  EXPECT_EQ(refused.status, 422);
  topup(a, "1000.00");
  auto replay = place(req);
  EXPECT_EQ(replay.status, 422);
  EXPECT_EQ(replay.body, refused.body);

  auto req2 = order(a, "BUY", "LIMIT", "40000.00", "0.01");
  auto placed = place(req2);
  ASSERT_EQ(placed.status, 201);
  auto replayed = place(req2);
  EXPECT_EQ(replayed.status, 201);
  EXPECT_EQ(replayed.body, placed.body);
  auto list =
      json_of(sync(core_->list_orders(list_orders_query{a, order_filter::all, "", 50, ""}, {})));
  EXPECT_EQ(list.at("orders").as_array().size(), 1u);
  req2.qty += 1;  // the same key with another request
  EXPECT_EQ(place(req2).error, error_code::idem_mismatch);
}

// A bounded memory window: every kind of record (top-up, accepted order, refusal) that left it
// is answered by PostgreSQL byte for byte, also after a restart; new keys never ask.
TEST_F(CoreOrders, KeysOlderThanTheMemoryWindowAreAnsweredByTheDatabase) {
  auto config = make_config(false);
  config.batch_max = 2;
  config.idempotency_window = 6;  // the least batch_max 2 allows: 3 batches
  auto& lookups = metrics::default_registry().counter("tradeledger_idempotency_lookups_total", "");
  start_with(config);
  const auto a = new_user();
  const auto funded = topup(a, "1000.00", "USD", "old-topup");
  ASSERT_EQ(funded.status, 200);
  const auto refused_req = order(a, "SELL", "LIMIT", "50000.00", "1");  // no BTC to sell
  const auto refused = place(refused_req);
  ASSERT_EQ(refused.status, 422);
  const auto placed_req = order(a, "BUY", "LIMIT", "40000.00", "0.01");
  const auto placed = place(placed_req);
  ASSERT_EQ(placed.status, 201);

  const auto before_new_keys = lookups.value();
  for (int i = 0; i < 12; ++i) ASSERT_EQ(topup(a, "1.00").status, 200);
  EXPECT_EQ(lookups.value(), before_new_keys);  // new keys: fingerprints, not the database
  const auto usd = balance(a, "USD");

  const auto check_replays = [&](std::uint64_t expected_lookups) {
    const auto from_db = lookups.value();
    EXPECT_EQ(topup(a, "1000.00", "USD", "old-topup").body, funded.body);
    EXPECT_EQ(place(refused_req).body, refused.body);
    EXPECT_EQ(place(placed_req).body, placed.body);
    EXPECT_EQ(topup(a, "999.00", "USD", "old-topup").error, error_code::idem_mismatch);
    EXPECT_EQ(lookups.value(), from_db + expected_lookups);
    EXPECT_EQ(balance(a, "USD"), usd);  // no replay moved money
  };
  check_replays(4);
  core_->stop();
  // Recovery fingerprints every key and leaves the last records it reads in the window:
  // refusals come last, so the refused order's replay is answered from memory.
  start_with(config);
  check_replays(3);
}

TEST_F(CoreOrders, ListOrdersFiltersAndPages) {
  start(false);
  const auto a = new_user();
  topup(a, "100000.00");
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(
        str(json_of(limit(a, "BUY", std::to_string(10000 + i) + ".00", "0.01")).at("order_id")));
  }
  cancel(a, ids[0]);
  auto page =
      json_of(sync(core_->list_orders(list_orders_query{a, order_filter::all, "", 2, ""}, {})));
  ASSERT_EQ(page.at("orders").as_array().size(), 2u);
  EXPECT_EQ(str(page.at("orders").as_array()[0].as_object().at("id")), ids[4]);
  const std::string cursor = str(page.at("next_cursor"));
  page =
      json_of(sync(core_->list_orders(list_orders_query{a, order_filter::all, "", 2, cursor}, {})));
  EXPECT_EQ(str(page.at("orders").as_array()[0].as_object().at("id")), ids[2]);
  page = json_of(sync(core_->list_orders(
      list_orders_query{a, order_filter::all, "", 2, str(page.at("next_cursor"))}, {})));
  EXPECT_EQ(page.at("orders").as_array().size(), 1u);
  EXPECT_TRUE(page.at("next_cursor").is_null());
  // Cursor "0" is no cursor: the first page.
  page = json_of(sync(core_->list_orders(list_orders_query{a, order_filter::all, "", 2, "0"}, {})));
  ASSERT_EQ(page.at("orders").as_array().size(), 2u);
  EXPECT_EQ(str(page.at("orders").as_array()[0].as_object().at("id")), ids[4]);

  auto open =
      json_of(sync(core_->list_orders(list_orders_query{a, order_filter::open, "", 50, ""}, {})));
  EXPECT_EQ(open.at("orders").as_array().size(), 4u);
  auto closed =
      json_of(sync(core_->list_orders(list_orders_query{a, order_filter::closed, "", 50, ""}, {})));
  ASSERT_EQ(closed.at("orders").as_array().size(), 1u);
  EXPECT_EQ(str(closed.at("orders").as_array()[0].as_object().at("status")), "CANCELED");
  EXPECT_EQ(
      sync(core_->list_orders(list_orders_query{a, order_filter::all, "", 501, ""}, {})).error,
      error_code::bad_request);
  EXPECT_EQ(sync(core_->list_orders(list_orders_query{a, order_filter::all, "", 0, ""}, {})).error,
            error_code::bad_request);
  auto eth = json_of(
      sync(core_->list_orders(list_orders_query{a, order_filter::all, "ETH-USD", 50, ""}, {})));
  EXPECT_TRUE(eth.at("orders").as_array().empty());

  auto book = json_of(sync(core_->order_book("BTC-USD", 2, {})));
  ASSERT_EQ(book.at("bids").as_array().size(), 2u);
  EXPECT_EQ(str(book.at("bids").as_array()[0].as_array()[0]), "10004.00");
  EXPECT_EQ(str(book.at("bids").as_array()[0].as_array()[1]), "0.01000000");
  EXPECT_EQ(sync(core_->order_book("NOPE", 2, {})).error, error_code::invalid_symbol);
}

// Each listed order carries its own fills, oldest first, exactly as GET shows them, and pages
// count orders (one statement returns a row per fill): orders with 2, 0 and 1 fills.
TEST_F(CoreOrders, ListedOrdersCarryTheirOwnFillsAndPagesCountOrders) {
  start(false);
  const auto a = new_user(), b = new_user();
  ASSERT_EQ(topup(a, "1", "BTC").status, 200);
  ASSERT_EQ(topup(b, "100000.00").status, 200);
  const std::string two_fills = str(json_of(limit(a, "SELL", "50000.00", "0.004")).at("order_id"));
  ASSERT_EQ(str(json_of(limit(b, "BUY", "50000.00", "0.001")).at("status")), "FILLED");
  ASSERT_EQ(str(json_of(limit(b, "BUY", "50000.00", "0.002")).at("status")), "FILLED");
  const std::string no_fill = str(json_of(limit(a, "SELL", "51000.00", "0.001")).at("order_id"));
  const std::string one_fill = str(json_of(limit(a, "SELL", "49000.00", "0.001")).at("order_id"));
  ASSERT_EQ(str(json_of(limit(b, "BUY", "49000.00", "0.001")).at("status")), "FILLED");

  const auto listed = [&](const std::string& cursor) {
    return json_of(
        sync(core_->list_orders(list_orders_query{a, order_filter::all, "", 2, cursor}, {})));
  };
  auto page = listed("");
  auto orders = page.at("orders").as_array();
  ASSERT_EQ(orders.size(), 2u);
  EXPECT_EQ(orders[0].as_object(), json_of(get(a, one_fill)));
  EXPECT_EQ(orders[1].as_object(), json_of(get(a, no_fill)));
  EXPECT_EQ(orders[0].at("fills").as_array().size(), 1u);
  EXPECT_TRUE(orders[1].at("fills").as_array().empty());

  page = listed(str(page.at("next_cursor")));
  orders = page.at("orders").as_array();
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_TRUE(page.at("next_cursor").is_null());
  const auto& fills = orders[0].at("fills").as_array();
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(str(fills[0].at("qty")), "0.00100000");  // oldest first
  EXPECT_EQ(str(fills[1].at("qty")), "0.00200000");
  EXPECT_EQ(orders[0].as_object(), json_of(get(a, two_fills)));
  EXPECT_EQ(str(orders[0].at("filled_qty")), "0.00300000");
}

}  // namespace
}  // namespace mc::tradeledger::test

namespace mc::tradeledger::test {
namespace {

// Replace through the engine: re-price moves the hold, a smaller quantity releases it, a price
// that crosses trades at once, and finished or foreign orders are refused.
TEST_F(CoreOrders, ReplaceRepricesResizesAndRefusesFinishedOrders) {
  start(false);
  const auto a = new_user(), b = new_user();
  topup(a, "1000.00");
  topup(b, "1", "BTC");
  const auto placed = json_of(limit(a, "BUY", "100.00", "2"));
  const std::string id = str(placed.at("order_id"));
  EXPECT_EQ(balance(a, "USD").second, "200.40");  // 200.00 + the 0.20% taker fee it may pay

  auto replace = [&](const std::string& user, std::optional<std::string> price,
                     std::optional<std::string> qty) {
    return sync(core_->replace_order(replace_order_request{user, id, price, qty}, {}));
  };
  auto r = replace(a, std::string("150.00"), std::nullopt);
  ASSERT_EQ(r.error, error_code::none) << r.body;
  EXPECT_EQ(str(json_of(r).at("price")), "150.00");
  EXPECT_EQ(balance(a, "USD").second, "300.60");
  r = replace(a, std::nullopt, std::string("1"));
  ASSERT_EQ(r.error, error_code::none) << r.body;
  EXPECT_EQ(str(json_of(r).at("qty")), "1.00000000");
  EXPECT_EQ(balance(a, "USD").second, "150.30");
  EXPECT_EQ(replace(b, std::string("1.00"), std::nullopt).error, error_code::order_not_found);
  EXPECT_EQ(replace(a, std::string("1.001"), std::nullopt).error, error_code::bad_request);

  // b sells at 160; a re-prices to 160 and crosses: filled at the resting price.
  ASSERT_EQ(limit(b, "SELL", "160.00", "1").status, 201);
  r = replace(a, std::string("160.00"), std::nullopt);
  ASSERT_EQ(r.error, error_code::none) << r.body;
  EXPECT_EQ(str(json_of(r).at("status")), "FILLED");
  EXPECT_EQ(replace(a, std::string("170.00"), std::nullopt).error,
            error_code::order_not_cancelable);
  EXPECT_EQ(balance(a, "USD").second, "0.00");
}

}  // namespace
}  // namespace mc::tradeledger::test
