-- Gateway schema: users and their credentials, refresh-token families, idempotency records.
CREATE TABLE gateway.users (
  id            uuid PRIMARY KEY,
  email         text NOT NULL UNIQUE,
  password_hash text NOT NULL,               -- argon2id, libsodium's encoded form
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Refresh tokens are stored hashed; a token reused after rotation revokes its whole family.
CREATE TABLE gateway.refresh_tokens (
  token_hash  text PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES gateway.users(id),
  family_id   uuid NOT NULL,
  expires_at  timestamptz NOT NULL,
  rotated_at  timestamptz,
  revoked_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family ON gateway.refresh_tokens (family_id);

CREATE TABLE gateway.idempotency (
  user_id      uuid NOT NULL REFERENCES gateway.users(id),
  key          text NOT NULL,
  request_hash text NOT NULL,
  status       integer NOT NULL,
  response     text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);
