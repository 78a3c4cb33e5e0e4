-- The ceiling PostgreSQL alone puts on durable orders/s: the rows 20,000 orders of the
-- tradeledger_bench flow write, generated INSIDE the server (no client, no network, no
-- parameter parsing, no engine) into the real tradeledger schema, in one transaction.
-- Rows per order as the benchmark writes them since migration 003 (5.5 in all): 1 order
-- carrying its idempotency record (answer ~270 bytes), 1 outbox row holding the command's
-- ~3.8 events (~290 bytes each), 0.7 trades, 2.8 transfers (4 per trade: notional, base, two
-- fees). Before 003 it was ~11.4: 1 order, 1 idempotency record, 3.8 outbox rows, 0.7
-- journal entries with 3.5 postings, 1.4 fills.
-- Run by scripts/bench.sh against a freshly migrated database; it times the whole script.
\set ON_ERROR_STOP on
\set n 20000
INSERT INTO tradeledger.users (id, external_id) VALUES (1000, gen_random_uuid());
INSERT INTO tradeledger.accounts (id, user_id, kind, asset, available, held)
  VALUES (8000, 1000, 'user', 'USD', 0, 0), (8001, 1000, 'user', 'BTC', 0, 0),
         (16, NULL, 'fee', 'USD', 0, 0);
BEGIN;
INSERT INTO tradeledger.orders (id, public_id, user_id, symbol, side, type, time_in_force,
    post_only, price, qty, filled_qty, filled_notional, fee_units, held, status, created_at,
    updated_at, idempotency_key, request_hash, response)
  SELECT g, gen_random_uuid(), 1000, 'BTC-USD', 'BUY', 'LIMIT', 'GTC', false, 5000000, 1000000,
         0, 0, 0, 5000000, 'NEW', now(), now(), 'b' || g, md5(g::text) || md5(g::text),
         repeat('x', 270)
  FROM generate_series(1, :n) g;
INSERT INTO tradeledger.outbox (seq, channels, payloads)
  SELECT g * 4, array_fill('orders:5d3a3c1e-1111-4222-8333-444455556666'::text, ARRAY[4]),
         array_fill(repeat('y', 276), ARRAY[4])  -- 4 x 276 bytes = 3.8 x 290
  FROM generate_series(1, :n) g;
INSERT INTO tradeledger.trades (id, symbol, price, qty, taker_side, maker_order_id,
    taker_order_id, maker_fee, taker_fee, ts)
  SELECT g, 'BTC-USD', 5000000, 1000, 'BUY', g % :n + 1, (g + 1) % :n + 1, 5, 10, now()
  FROM generate_series(1, :n * 7 / 10) g;
INSERT INTO tradeledger.transfers (id, debit_account, credit_account, asset, amount, trade_id,
    created_at)
  SELECT g, 8000, 16, 'USD', 7, g / 4 + 1, now()
  FROM generate_series(1, :n * 28 / 10) g;
COMMIT;
