-- 004_screenings: the audit record of every deposit and withdrawal
-- screened. The answer is stored exactly as it was sent, and a row is
-- never changed nor removed: triggers refuse UPDATE, DELETE and TRUNCATE.
CREATE TABLE screenings (
  id              uuid PRIMARY KEY,
  seq             bigserial UNIQUE,             -- order of record, for cursors
  created_at      timestamptz NOT NULL,
  api_key_id      text NOT NULL REFERENCES api_keys,
  idempotency_key text,
  request_hash    bytea NOT NULL,               -- to tell a retry from a reuse
  chain           text NOT NULL,
  address         text NOT NULL,
  amount          numeric NOT NULL,
  usd             numeric,
  asset           text NOT NULL,
  direction       text NOT NULL CHECK (direction IN ('deposit', 'withdrawal')),
  reference       text,
  decision        text NOT NULL CHECK (decision IN ('allow', 'review', 'block')),
  score           numeric NOT NULL,
  level           text NOT NULL,
  model           text NOT NULL,
  config_hash     text NOT NULL,
  epoch           bigint NOT NULL,
  response        json NOT NULL,                -- the answer, byte for byte
  UNIQUE (api_key_id, idempotency_key)
);
CREATE INDEX screenings_address ON screenings (chain, address, seq);
CREATE INDEX screenings_reference ON screenings (reference, seq) WHERE reference IS NOT NULL;
CREATE INDEX screenings_decision ON screenings (decision, seq);
CREATE INDEX screenings_created ON screenings (created_at);

CREATE FUNCTION screenings_are_immutable () RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'screenings are an audit record: never updated nor deleted';
END $$;
CREATE TRIGGER screenings_no_change BEFORE UPDATE OR DELETE ON screenings
  FOR EACH ROW EXECUTE FUNCTION screenings_are_immutable ();
CREATE TRIGGER screenings_no_truncate BEFORE TRUNCATE ON screenings
  FOR EACH STATEMENT EXECUTE FUNCTION screenings_are_immutable ();
