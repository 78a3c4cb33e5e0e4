-- A leaner write path for the group-commit persister (docs/TRADELEDGER.md, "Write path").
-- Each foreign key is a per-row trigger (~2.6 µs per row measured here) and each index an
-- extra insert; an order writes ~12 rows. The engine thread is the only writer and derives
-- every reference itself, so the database keeps the checks the ledger's safety rests on —
-- postings reference real accounts, user balances are non-negative, idempotency keys are
-- unique — and `tradeledger audit` checks the rest (orphans included) on demand.
ALTER TABLE tradeledger.postings DROP CONSTRAINT postings_entry_id_fkey;
DROP INDEX tradeledger.postings_entry;   -- the audit groups the whole table; nothing reads by entry
ALTER TABLE tradeledger.orders DROP CONSTRAINT orders_user_id_fkey;
ALTER TABLE tradeledger.fills DROP CONSTRAINT fills_order_id_fkey;
ALTER TABLE tradeledger.fills DROP CONSTRAINT fills_user_id_fkey;
ALTER TABLE tradeledger.idempotency DROP CONSTRAINT idempotency_user_id_fkey;
ALTER TABLE tradeledger.positions DROP CONSTRAINT positions_user_id_fkey;
-- One index serves both "fills of an order" and uniqueness.
ALTER TABLE tradeledger.fills DROP CONSTRAINT fills_pkey;
DROP INDEX tradeledger.fills_order;
ALTER TABLE tradeledger.fills ADD PRIMARY KEY (order_id, trade_id);

-- The relay's progress is one cursor row, not a stamp on every outbox row: stamping rewrote
-- each event row (and its index entries) a second time. Rows at or below the cursor are
-- published; the outbox itself stays insert-only.
CREATE TABLE tradeledger.outbox_cursor (
  id             boolean PRIMARY KEY DEFAULT true CHECK (id),
  published_seq  bigint NOT NULL CHECK (published_seq >= 0),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
-- Just before the oldest row not yet published (rows waiting since a Redis outage still go
-- out), else after the newest.
INSERT INTO tradeledger.outbox_cursor (published_seq)
  SELECT coalesce((SELECT min(seq) - 1 FROM tradeledger.outbox WHERE published_at IS NULL),
                  (SELECT max(seq) FROM tradeledger.outbox), 0);
DROP INDEX tradeledger.outbox_unpublished;
ALTER TABLE tradeledger.outbox DROP COLUMN published_at;

-- The number of the last committed batch and the token of the process that wrote it, written
-- by every batch in its own transaction. A batch whose connection broke mid-flight is in doubt;
-- reading these after reconnecting says whether it committed (answer its callers), did not
-- (write it again), or another writer has been here since (stop) — no guessing.
CREATE TABLE tradeledger.persist_state (
  id          boolean PRIMARY KEY DEFAULT true CHECK (id),
  last_batch  bigint NOT NULL CHECK (last_batch >= 0),
  writer      text NOT NULL DEFAULT ''
);
INSERT INTO tradeledger.persist_state (last_batch) VALUES (0);
