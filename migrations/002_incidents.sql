-- 002_incidents: the thefts attributed to North Korea, the UN reports that
-- cover them, what the sources say and what is doubtful about them.
-- Filled by `riskd seed` from data/ (see data/NOTES.md); every row keeps
-- its source.

CREATE TABLE un_reports (
  report     text PRIMARY KEY,   -- document symbol (S/2019/691) or name
  date       text NOT NULL,      -- YYYY-MM-DD, or YYYY-MM when the day is unknown
  finding    text NOT NULL,
  source_url text NOT NULL
);

CREATE TABLE incidents (
  incident_id        text PRIMARY KEY,
  name               text NOT NULL,
  victim             text NOT NULL,
  date               text NOT NULL,  -- YYYY-MM-DD, or YYYY-MM
  usd_stolen         numeric,        -- as reported at the time; NULL if unknown
  chains             text[] NOT NULL,
  reported_in        text,           -- verbatim from the data; NULL: no UN report
  report             text REFERENCES un_reports,  -- the report it resolves to
  report_date        text,
  attribution        text NOT NULL,
  attribution_status text NOT NULL,  -- un_panel_of_experts, msmt, not_in_un_report
  source_url         text NOT NULL,
  note               text
);

-- Every sentence of data/incidents_sources.md, verbatim, with the incidents
-- and reports it names.
CREATE TABLE source_notes (
  ordinal integer PRIMARY KEY,
  kind    text NOT NULL,             -- quote, supplement, note, doubt
  text    text NOT NULL
);

CREATE TABLE incident_doubts (
  incident_id text NOT NULL REFERENCES incidents,
  ordinal     integer NOT NULL,
  doubt       text NOT NULL,
  source      text NOT NULL,
  PRIMARY KEY (incident_id, ordinal)
);

CREATE VIEW incident_documents AS
SELECT i.incident_id, i.date, jsonb_build_object(
  'id', i.incident_id,
  'name', i.name,
  'victim', i.victim,
  'date', i.date,
  'usd_stolen', i.usd_stolen,
  'chains', to_jsonb (i.chains),
  'reported_in', i.reported_in,
  'report_date', i.report_date,
  'report', (SELECT jsonb_build_object ('report', r.report, 'date', r.date,
                                        'finding', r.finding, 'source_url', r.source_url)
             FROM un_reports r WHERE r.report = i.report),
  'attribution', i.attribution,
  'attribution_status', i.attribution_status,
  'source_url', i.source_url,
  'note', i.note,
  'doubts', coalesce ((SELECT jsonb_agg (jsonb_build_object ('doubt', d.doubt, 'source', d.source)
                                         ORDER BY d.ordinal)
                       FROM incident_doubts d WHERE d.incident_id = i.incident_id), '[]'),
  'evidence', coalesce ((SELECT jsonb_agg (jsonb_build_object ('kind', n.kind, 'text', n.text)
                                           ORDER BY n.ordinal)
                         FROM source_notes n WHERE position (i.incident_id IN n.text) > 0), '[]'),
  'address_count', (SELECT count (DISTINCT (l.chain, l.address)) FROM labels l
                    WHERE l.incident_id = i.incident_id)
) AS doc
FROM incidents i;

-- Each address tied to an incident, with every label it carries (an
-- address may also be on the OFAC list: two labels, two sources).
CREATE VIEW incident_address_documents AS
SELECT a.incident_id, a.chain, a.address, jsonb_build_object (
  'chain', a.chain,
  'address', a.address,
  'labels', (SELECT jsonb_agg (jsonb_build_object (
                 'category', o.category, 'entity', nullif (o.entity, ''),
                 'incident_id', nullif (o.incident_id, ''), 'source', o.source)
               ORDER BY o.category, o.entity, o.incident_id, o.source)
             FROM labels o WHERE o.chain = a.chain AND o.address = a.address)
) AS doc
FROM (SELECT DISTINCT incident_id, chain, address FROM labels WHERE incident_id <> '') a;
