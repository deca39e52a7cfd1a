-- 001_core: flows, labels and the data version (epoch).
--
-- Amounts are NUMERIC: arbitrary precision, never floats, in storage.
-- Addresses and tx hashes are stored in canonical form (validated by riskd).

-- Facts about this database: graph_id names it in cache keys, so two
-- databases sharing one Redis never share cached scores.
CREATE TABLE riskd_meta (
  key   text PRIMARY KEY,
  value text NOT NULL
);
INSERT INTO riskd_meta VALUES ('graph_id', gen_random_uuid()::text);

-- One row: the epoch, bumped by every import that changes flows or labels,
-- in the import's own transaction. Updating this row also serializes
-- writers, so epochs commit in order and a reader that sees epoch E sees
-- every row of every epoch <= E.
CREATE TABLE graph_state (
  id         boolean PRIMARY KEY DEFAULT true CHECK (id),
  epoch      bigint NOT NULL DEFAULT 0,
  changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO graph_state DEFAULT VALUES;

CREATE TABLE flows (
  chain       text NOT NULL,
  tx_hash     text NOT NULL,
  idx         integer NOT NULL CHECK (idx >= 0),
  from_addr   text NOT NULL,
  to_addr     text NOT NULL,
  asset       text NOT NULL,
  amount      numeric NOT NULL CHECK (amount >= 0),
  usd         numeric CHECK (usd >= 0),
  time        timestamptz NOT NULL,
  block       bigint CHECK (block >= 0),
  pos         integer CHECK (pos >= 0),
  epoch       bigint NOT NULL,             -- the import that added it
  imported_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chain, tx_hash, idx)
);
CREATE INDEX flows_epoch ON flows (epoch);

-- A label is the whole row: the same address may carry several, from
-- different sources (the Ronin exploiter: a hack label and an OFAC one).
CREATE TABLE labels (
  id          bigserial PRIMARY KEY,
  chain       text NOT NULL,
  address     text NOT NULL,
  category    text NOT NULL,
  entity      text NOT NULL DEFAULT '',
  incident_id text NOT NULL DEFAULT '',
  source      text NOT NULL,
  epoch       bigint NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (chain, address, category, entity, incident_id, source)
);
CREATE INDEX labels_epoch ON labels (epoch);
CREATE INDEX labels_incident ON labels (incident_id) WHERE incident_id <> '';
