-- TradeLedger schema: accounts with balances, a double-entry journal, orders, fills, outbox
-- and idempotency records. The engine is the first line of defence; these constraints are the
-- second. Money is bigint minor units (USD cents, BTC/ETH 1e-8); prices are quote minor units.

CREATE TABLE tradeledger.users (
  id          bigint PRIMARY KEY,              -- engine user number
  external_id uuid NOT NULL UNIQUE,            -- the gateway's user id
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- One account per (owner, asset). System accounts (house liquidity, fees, external funding)
-- have no user. Only user accounts are constrained to be non-negative. Ids are deterministic:
-- engine user number * 8 + asset index (the external funding account is user 0), so the
-- engine thread never needs a lookup to name an account.
CREATE TABLE tradeledger.accounts (
  id        bigint PRIMARY KEY,
  user_id   bigint REFERENCES tradeledger.users(id),
  kind      text NOT NULL CHECK (kind IN ('user', 'house', 'fee', 'external')),
  asset     text NOT NULL,
  available bigint NOT NULL DEFAULT 0,
  held      bigint NOT NULL DEFAULT 0,
  UNIQUE (user_id, asset),
  CHECK (kind <> 'user' OR (available >= 0 AND held >= 0)),
  CHECK ((kind = 'user') = (user_id IS NOT NULL))
);
CREATE UNIQUE INDEX accounts_system_asset ON tradeledger.accounts (kind, asset) WHERE user_id IS NULL;

-- Insert-only journal. Each entry's postings sum to zero per asset (checked by `tradeledger audit`).
CREATE TABLE tradeledger.journal_entries (
  id         bigint PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('topup', 'trade')),
  ref        text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE tradeledger.postings (
  entry_id   bigint NOT NULL REFERENCES tradeledger.journal_entries(id),
  account_id bigint NOT NULL REFERENCES tradeledger.accounts(id),
  asset      text NOT NULL,
  amount     bigint NOT NULL CHECK (amount <> 0)
);
CREATE INDEX postings_account ON tradeledger.postings (account_id);
CREATE INDEX postings_entry ON tradeledger.postings (entry_id);

-- Ledger orders are the users' orders; the house liquidity provider's quotes are replaced on
-- every tick and are not stored (its trades are, through fills of the user side and the journal).
CREATE TABLE tradeledger.orders (
  id              bigint PRIMARY KEY,          -- engine order id; also the time-priority sequence
  public_id       uuid NOT NULL UNIQUE,
  user_id         bigint NOT NULL REFERENCES tradeledger.users(id),
  symbol          text NOT NULL,
  side            text NOT NULL CHECK (side IN ('BUY', 'SELL')),
  type            text NOT NULL CHECK (type IN ('MARKET', 'LIMIT')),
  time_in_force   text NOT NULL CHECK (time_in_force IN ('GTC', 'IOC', 'FOK')),
  post_only       boolean NOT NULL DEFAULT false,
  price           bigint CHECK (price IS NULL OR price > 0),
  qty             bigint NOT NULL CHECK (qty > 0),
  filled_qty      bigint NOT NULL DEFAULT 0 CHECK (filled_qty >= 0 AND filled_qty <= qty),
  filled_notional bigint NOT NULL DEFAULT 0 CHECK (filled_notional >= 0),
  fee_units       bigint NOT NULL DEFAULT 0 CHECK (fee_units >= 0),   -- notional * bps so far (restores the hold)
  held            bigint NOT NULL DEFAULT 0 CHECK (held >= 0),  -- funds still held for this order
  status          text NOT NULL CHECK (status IN ('NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'REJECTED')),
  reject_reason   text,
  client_order_id text,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX orders_user_created ON tradeledger.orders (user_id, id DESC);
CREATE INDEX orders_open ON tradeledger.orders (id) WHERE status IN ('NEW', 'PARTIALLY_FILLED');
-- Only open orders may hold funds.
ALTER TABLE tradeledger.orders ADD CONSTRAINT orders_closed_hold_nothing
  CHECK (status IN ('NEW', 'PARTIALLY_FILLED') OR held = 0);

CREATE TABLE tradeledger.fills (
  trade_id   bigint NOT NULL,
  order_id   bigint NOT NULL REFERENCES tradeledger.orders(id),
  user_id    bigint NOT NULL REFERENCES tradeledger.users(id),
  symbol     text NOT NULL,
  side       text NOT NULL CHECK (side IN ('BUY', 'SELL')),
  price      bigint NOT NULL CHECK (price > 0),
  qty        bigint NOT NULL CHECK (qty > 0),
  fee        bigint NOT NULL CHECK (fee >= 0),
  liquidity  text NOT NULL CHECK (liquidity IN ('MAKER', 'TAKER')),
  ts         timestamptz NOT NULL,
  PRIMARY KEY (trade_id, order_id)
);
CREATE INDEX fills_order ON tradeledger.fills (order_id);

-- Events leave the service only through this table, written in the same transaction as
-- their cause; the relay publishes in seq order and stamps published_at. The engine thread
-- assigns seq (it is inside every payload), so it is a plain bigint, not a sequence.
CREATE TABLE tradeledger.outbox (
  seq          bigint PRIMARY KEY,
  channel      text NOT NULL,
  payload      text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX outbox_unpublished ON tradeledger.outbox (seq) WHERE published_at IS NULL;

-- Exactly-once for money operations: the caller's key, the request's hash and the answer.
CREATE TABLE tradeledger.idempotency (
  user_id      bigint NOT NULL REFERENCES tradeledger.users(id),
  key          text NOT NULL,
  request_hash text NOT NULL,
  status       integer NOT NULL,
  error_code   text NOT NULL DEFAULT '',        -- API.md code of a refusal, '' on success
  message      text NOT NULL DEFAULT '',
  response     text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);

-- Average-cost positions per user and symbol, updated from fills (docs/TRADELEDGER.md).
CREATE TABLE tradeledger.positions (
  user_id      bigint NOT NULL REFERENCES tradeledger.users(id),
  symbol       text NOT NULL,
  qty          bigint NOT NULL CHECK (qty >= 0),
  cost_basis   bigint NOT NULL,
  realized_pnl bigint NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, symbol)
);

-- The last reference price (quote mid) per symbol, so market orders and portfolio marks work
-- right after a restart, before the first new quote arrives.
CREATE TABLE tradeledger.markets (
  symbol          text PRIMARY KEY,
  reference_price bigint NOT NULL CHECK (reference_price >= 0),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
