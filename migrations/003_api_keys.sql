-- 003_api_keys: who may call riskd. A key is shown once, when created;
-- only its SHA-256 is stored. The id is the key's public prefix, so a key
-- can be looked up without scanning and named in logs without leaking it.
CREATE TABLE api_keys (
  id          text PRIMARY KEY,                 -- "rk_" + 12 hex: the key's start
  name        text NOT NULL,
  key_hash    bytea NOT NULL CHECK (length (key_hash) = 32),
  scopes      text[] NOT NULL,                  -- read, screen, ingest, admin
  rate_limit  integer NOT NULL CHECK (rate_limit > 0),  -- requests per minute
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
