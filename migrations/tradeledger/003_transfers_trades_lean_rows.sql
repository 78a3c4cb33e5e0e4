-- Fewer, denser rows per order (docs/TRADELEDGER.md, "Schema"): ~11 rows per order become
-- at most 6 on the benchmark's mix. Converts what 001+002 stored, in this one transaction:
--   1. journal entries + postings -> transfers: one row per movement of one asset from a debit
--      account to a credit account, caused by a trade or by a top-up (TigerBeetle's model);
--      double entry holds by construction;
--   2. fills (one per side) -> trades (one per trade); `fills` becomes a view over trades;
--   3. outbox: one row per command holding its events (each keeps its own seq: the row's seq is
--      the first, event i has seq + i - 1); `outbox_events` is the per-event view;
--   4. idempotency: an accepted order's key, request hash and answer live in its order row, a
--      top-up's in its transfer; the idempotency table keeps only refusals.

-- ---- 1. transfers ----
CREATE TABLE tradeledger.transfers (
  id             bigint PRIMARY KEY,
  debit_account  bigint NOT NULL REFERENCES tradeledger.accounts(id),  -- the funds leave it
  credit_account bigint NOT NULL REFERENCES tradeledger.accounts(id),  -- the funds reach it
  asset          text NOT NULL,
  amount         bigint NOT NULL CHECK (amount > 0),
  trade_id       bigint,         -- cause: a trade ...
  topup_key      text,           -- ... or a top-up, with what a replay of it must answer:
  request_hash   text,           --     the request's hash and
  response       text,           --     the exact answer body (status 200)
  created_at     timestamptz NOT NULL,
  CHECK (debit_account <> credit_account),
  CHECK ((trade_id IS NULL) = (topup_key IS NOT NULL)),
  CHECK ((topup_key IS NULL) = (request_hash IS NULL) AND (topup_key IS NULL) = (response IS NULL))
);
-- A top-up key is used once per credited account (the engine checks (user, key) across orders,
-- top-ups and refusals before anything is written).
CREATE UNIQUE INDEX transfers_topup_key ON tradeledger.transfers (credit_account, topup_key)
  WHERE topup_key IS NOT NULL;

-- Each journal entry's postings, netted per account (a self-trade moves nothing between a
-- user's own buy and sell), become transfers: where one account pays, it pays each receiving
-- account; where one account receives, each paying account pays it. Both always hold for what
-- the v2 code wrote (one buyer, one seller, one fee account per trade; external -> user per
-- top-up); anything else stops the migration.
CREATE TEMP TABLE net_postings ON COMMIT DROP AS
  SELECT entry_id, asset, account_id, sum(amount) AS amount
  FROM tradeledger.postings GROUP BY entry_id, asset, account_id HAVING sum(amount) <> 0;
CREATE TEMP TABLE net_sides ON COMMIT DROP AS
  SELECT entry_id, asset, count(*) FILTER (WHERE amount < 0) AS payers,
         count(*) FILTER (WHERE amount > 0) AS payees, sum(amount) AS total
  FROM net_postings GROUP BY entry_id, asset;
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM net_sides WHERE total <> 0 OR (payers > 1 AND payees > 1)) THEN
    RAISE EXCEPTION 'journal entries that do not balance or have several payers and payees: %',
      (SELECT string_agg(entry_id::text, ', ') FROM net_sides
       WHERE total <> 0 OR (payers > 1 AND payees > 1));
  END IF;
  IF EXISTS (SELECT 1 FROM tradeledger.journal_entries WHERE kind = 'trade' AND ref !~ '^[0-9]+$') THEN
    RAISE EXCEPTION 'trade journal entry whose ref is not a trade id';
  END IF;
END $$;
INSERT INTO tradeledger.transfers (id, debit_account, credit_account, asset, amount, trade_id,
                                   topup_key, request_hash, response, created_at)
SELECT row_number() OVER (ORDER BY t.entry_id, t.asset, t.credit, t.debit), t.debit, t.credit,
       t.asset, t.amount, CASE WHEN j.kind = 'trade' THEN j.ref::bigint END,
       CASE WHEN j.kind = 'topup' THEN j.ref END, i.request_hash, i.response, j.created_at
FROM (
  SELECT p.entry_id, p.asset, p.account_id AS debit, r.account_id AS credit, r.amount
  FROM net_postings p
  JOIN net_sides s ON s.entry_id = p.entry_id AND s.asset = p.asset AND s.payers = 1
  JOIN net_postings r ON r.entry_id = p.entry_id AND r.asset = p.asset AND r.amount > 0
  WHERE p.amount < 0
  UNION ALL
  SELECT p.entry_id, p.asset, p.account_id, r.account_id, -p.amount
  FROM net_postings p
  JOIN net_sides s ON s.entry_id = p.entry_id AND s.asset = p.asset AND s.payers > 1
  JOIN net_postings r ON r.entry_id = p.entry_id AND r.asset = p.asset AND r.amount > 0
  WHERE p.amount < 0
) t
JOIN tradeledger.journal_entries j ON j.id = t.entry_id
LEFT JOIN tradeledger.accounts a ON a.id = t.credit
LEFT JOIN tradeledger.idempotency i
  ON j.kind = 'topup' AND i.user_id = a.user_id AND i.key = j.ref;
-- The top-ups' idempotency records now live in their transfers.
DELETE FROM tradeledger.idempotency i USING tradeledger.transfers t, tradeledger.accounts a
  WHERE t.topup_key IS NOT NULL AND a.id = t.credit_account AND i.user_id = a.user_id
    AND i.key = t.topup_key;
DROP TABLE tradeledger.postings;
DROP TABLE tradeledger.journal_entries;

-- ---- 2. trades ----
-- One row per trade. A side of the house (whose quotes are not ledger orders) has no order id
-- and pays no fee. The fills of an order are the trades it made, through the view below.
CREATE TABLE tradeledger.trades (
  id             bigint PRIMARY KEY,   -- engine trade id
  symbol         text NOT NULL,
  price          bigint NOT NULL CHECK (price > 0),
  qty            bigint NOT NULL CHECK (qty > 0),
  taker_side     text NOT NULL CHECK (taker_side IN ('BUY', 'SELL')),
  maker_order_id bigint,              -- NULL: the house
  taker_order_id bigint,              -- NULL: the house
  maker_fee      bigint NOT NULL CHECK (maker_fee >= 0),
  taker_fee      bigint NOT NULL CHECK (taker_fee >= 0),
  ts             timestamptz NOT NULL,
  CHECK (maker_order_id IS NOT NULL OR taker_order_id IS NOT NULL)
);
CREATE INDEX trades_maker_order ON tradeledger.trades (maker_order_id);
CREATE INDEX trades_taker_order ON tradeledger.trades (taker_order_id);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM tradeledger.fills GROUP BY trade_id
             HAVING count(DISTINCT (symbol, price, qty)) > 1
                 OR count(*) FILTER (WHERE liquidity = 'MAKER') > 1
                 OR count(*) FILTER (WHERE liquidity = 'TAKER') > 1) THEN
    RAISE EXCEPTION 'fills of one trade that disagree';
  END IF;
END $$;
INSERT INTO tradeledger.trades (id, symbol, price, qty, taker_side, maker_order_id,
                                taker_order_id, maker_fee, taker_fee, ts)
SELECT trade_id, min(symbol), min(price), min(qty),
       coalesce(min(side) FILTER (WHERE liquidity = 'TAKER'),
                CASE min(side) FILTER (WHERE liquidity = 'MAKER') WHEN 'BUY' THEN 'SELL'
                                                                  ELSE 'BUY' END),
       min(order_id) FILTER (WHERE liquidity = 'MAKER'),
       min(order_id) FILTER (WHERE liquidity = 'TAKER'),
       coalesce(min(fee) FILTER (WHERE liquidity = 'MAKER'), 0),
       coalesce(min(fee) FILTER (WHERE liquidity = 'TAKER'), 0), min(ts)
FROM tradeledger.fills GROUP BY trade_id;
DROP TABLE tradeledger.fills;

-- The per-order fill view: each trade is a fill of its maker order and of its taker order.
CREATE VIEW tradeledger.fills AS
  SELECT t.id AS trade_id, t.maker_order_id AS order_id, o.user_id, t.symbol,
         CASE t.taker_side WHEN 'BUY' THEN 'SELL' ELSE 'BUY' END AS side, t.price, t.qty,
         t.maker_fee AS fee, 'MAKER' AS liquidity, t.ts
  FROM tradeledger.trades t JOIN tradeledger.orders o ON o.id = t.maker_order_id
  UNION ALL
  SELECT t.id, t.taker_order_id, o.user_id, t.symbol, t.taker_side, t.price, t.qty,
         t.taker_fee, 'TAKER', t.ts
  FROM tradeledger.trades t JOIN tradeledger.orders o ON o.id = t.taker_order_id;

-- ---- 3. outbox: one row per command ----
CREATE TABLE tradeledger.outbox_commands (
  seq        bigint PRIMARY KEY,   -- the first event's seq; event i (from 1) has seq + i - 1
  channels   text[] NOT NULL,
  payloads   text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (cardinality(channels) >= 1 AND cardinality(channels) = cardinality(payloads))
);
INSERT INTO tradeledger.outbox_commands (seq, channels, payloads, created_at)
  SELECT seq, ARRAY[channel], ARRAY[payload], created_at FROM tradeledger.outbox;
DROP TABLE tradeledger.outbox;
ALTER TABLE tradeledger.outbox_commands RENAME TO outbox;
ALTER INDEX tradeledger.outbox_commands_pkey RENAME TO outbox_pkey;

-- One row per event, as the relay publishes them.
CREATE VIEW tradeledger.outbox_events AS
  SELECT o.seq + e.i - 1 AS seq, e.channel, e.payload
  FROM tradeledger.outbox o,
       unnest(o.channels, o.payloads) WITH ORDINALITY AS e(channel, payload, i);

-- ---- 4. idempotency in the order rows ----
ALTER TABLE tradeledger.orders ADD COLUMN idempotency_key text, ADD COLUMN request_hash text,
  ADD COLUMN response text;
UPDATE tradeledger.orders o
  SET idempotency_key = i.key, request_hash = i.request_hash, response = i.response
  FROM tradeledger.idempotency i
  WHERE i.status = 201 AND i.user_id = o.user_id
    AND (i.response::json ->> 'order_id')::uuid = o.public_id;
DELETE FROM tradeledger.idempotency i USING tradeledger.orders o
  WHERE i.user_id = o.user_id AND i.key = o.idempotency_key;
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM tradeledger.idempotency WHERE status < 400) THEN
    RAISE EXCEPTION 'an accepted command''s idempotency record matches no order or top-up';
  END IF;
END $$;
ALTER TABLE tradeledger.orders ALTER COLUMN idempotency_key SET NOT NULL,
  ALTER COLUMN request_hash SET NOT NULL, ALTER COLUMN response SET NOT NULL;
CREATE UNIQUE INDEX orders_idempotency_key ON tradeledger.orders (user_id, idempotency_key);
-- What is left are refusals (a 4xx answer a replay must repeat).
ALTER TABLE tradeledger.idempotency ADD CONSTRAINT idempotency_refusals_only CHECK (status >= 400);
