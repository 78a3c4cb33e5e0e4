-- The ceiling PostgreSQL alone puts on durable orders/s: the rows 20,000 orders of the
-- tradeledger_bench flow write, generated INSIDE the server (no client, no network, no
-- parameter parsing, no engine) into the real tradeledger schema, in one transaction.
-- Row counts per order are the ones measured in the benchmark's database: 1 order, 1
-- idempotency record, 3.8 outbox events, 0.7 journal entries with 3.5 postings, 1.4 fills;
-- payload sizes as measured (outbox ~290 bytes, idempotency response ~270).
-- Run by scripts/bench.sh against a freshly migrated database; it times the whole script.
\set ON_ERROR_STOP on
\set n 20000
INSERT INTO tradeledger.users (id, external_id) VALUES (1000, gen_random_uuid());
INSERT INTO tradeledger.accounts (id, user_id, kind, asset, available, held)
  VALUES (8000, 1000, 'user', 'USD', 0, 0);
BEGIN;
INSERT INTO tradeledger.orders (id, public_id, user_id, symbol, side, type, time_in_force,
    post_only, price, qty, filled_qty, filled_notional, fee_units, held, status, created_at,
    updated_at)
  SELECT g, gen_random_uuid(), 1000, 'BTC-USD', 'BUY', 'LIMIT', 'GTC', false, 5000000, 1000000,
         0, 0, 0, 5000000, 'NEW', now(), now()
  FROM generate_series(1, :n) g;
INSERT INTO tradeledger.idempotency (user_id, key, request_hash, status, response)
  SELECT 1000, 'b' || g, md5(g::text) || md5(g::text), 201, repeat('x', 270)
  FROM generate_series(1, :n) g;
INSERT INTO tradeledger.outbox (seq, channel, payload)
  SELECT g, 'orders:5d3a3c1e-1111-4222-8333-444455556666', repeat('y', 290)
  FROM generate_series(1, :n * 38 / 10) g;
INSERT INTO tradeledger.journal_entries (id, kind, ref, created_at)
  SELECT g, 'trade', g::text, now() FROM generate_series(1, :n * 7 / 10) g;
INSERT INTO tradeledger.postings (entry_id, account_id, asset, amount)
  SELECT g / 5 + 1, 8000, 'USD', 7 FROM generate_series(1, :n * 35 / 10) g;
INSERT INTO tradeledger.fills (trade_id, order_id, user_id, symbol, side, price, qty, fee,
    liquidity, ts)
  SELECT g, g % :n + 1, 1000, 'BTC-USD', 'BUY', 5000000, 1000, 0, 'MAKER', now()
  FROM generate_series(1, :n * 14 / 10) g;
COMMIT;
