/*
 * store_seed.c -- the seed data compiled into the binary, loaded into the
 * database (see data/NOTES.md for where every row comes from).
 *
 * PostgreSQL's own CSV parser reads the reference tables into temporary
 * tables, constant SQL upserts them; the addresses go through the same
 * label import as any user's labels, so they are validated the same way.
 */
#include <stdio.h>
#include <string.h>
#include "riskd/embedded.h"
#include "riskd/import.h"
#include "riskd/log.h"
#include "riskd/setup.h"
#include "riskd/store.h"

/** Temporary tables shaped like the seed files. */
static const char seed_tables[] =
  "CREATE TEMP TABLE seed_reports (report text, date text, finding text,"
  "  source_url text) ON COMMIT DROP;"
  "CREATE TEMP TABLE seed_incidents (incident_id text, name text, victim text,"
  "  date text, usd_stolen text, chains text, reported_in text, report_date text,"
  "  attribution text, source_url text, note text) ON COMMIT DROP;"
  "CREATE TEMP TABLE seed_doubts (ordinal serial, incident_id text, doubt text,"
  "  source text) ON COMMIT DROP;"
  "CREATE TEMP TABLE seed_notes (ordinal integer, kind text, text text) ON COMMIT DROP;";

/** From the temporary tables into place. An incident's report is the one
 *  its reported_in names, else the one published on its report_date (the
 *  data names the May 2024 submission in words). */
static const char seed_upsert[] =
  "INSERT INTO un_reports SELECT report, date, finding, source_url FROM seed_reports"
  " ON CONFLICT (report) DO UPDATE SET date = excluded.date,"
  "  finding = excluded.finding, source_url = excluded.source_url;"
  "INSERT INTO incidents SELECT s.incident_id, s.name, s.victim, s.date,"
  "  s.usd_stolen::numeric, coalesce (string_to_array (s.chains, ' '), '{}'),"
  "  s.reported_in,"
  "  (SELECT r.report FROM un_reports r WHERE s.reported_in IS NOT NULL"
  "     AND (r.report = s.reported_in OR r.date = s.report_date)"
  "   ORDER BY r.report = s.reported_in DESC LIMIT 1),"
  "  s.report_date, s.attribution,"
  "  CASE WHEN s.reported_in LIKE 'S/%' OR s.reported_in LIKE 'UN Panel%'"
  "       THEN 'un_panel_of_experts'"
  "       WHEN s.reported_in LIKE 'MSMT%' THEN 'msmt'"
  "       ELSE 'not_in_un_report' END,"
  "  s.source_url, s.note FROM seed_incidents s"
  " ON CONFLICT (incident_id) DO UPDATE SET name = excluded.name,"
  "  victim = excluded.victim, date = excluded.date, usd_stolen = excluded.usd_stolen,"
  "  chains = excluded.chains, reported_in = excluded.reported_in,"
  "  report = excluded.report, report_date = excluded.report_date,"
  "  attribution = excluded.attribution,"
  "  attribution_status = excluded.attribution_status,"
  "  source_url = excluded.source_url, note = excluded.note;"
  "DELETE FROM incident_doubts;"
  "INSERT INTO incident_doubts SELECT incident_id,"
  "  row_number () OVER (PARTITION BY incident_id ORDER BY ordinal), doubt, source"
  "  FROM seed_doubts;"
  "DELETE FROM source_notes;"
  "INSERT INTO source_notes SELECT * FROM seed_notes;";

/** COPYs `len` bytes into a table with a constant COPY command. */
static int
copy_in (PGconn *conn, const char *copy_sql, const char *data, size_t len,
         char *err, size_t err_len)
{
  PGresult *res = PQexec (conn, copy_sql);
  bool ok = PQresultStatus (res) == PGRES_COPY_IN;

  PQclear (res);
  ok = ok && PQputCopyData (conn, data, (int) len) == 1
       && PQputCopyEnd (conn, NULL) == 1;
  res = PQgetResult (conn);
  ok = ok && PQresultStatus (res) == PGRES_COMMAND_OK;
  PQclear (res);
  while ((res = PQgetResult (conn)) != NULL)
    PQclear (res);
  if (!ok)
    snprintf (err, err_len, "seeding (%s): %s", copy_sql, PQerrorMessage (conn));
  return ok ? 0 : -1;
}

/** COPYs an embedded CSV file (with its header). */
static int
copy_csv (PGconn *conn, const char *copy_sql, const char *file, char *err,
          size_t err_len)
{
  const struct embedded_file *f = embedded_find (file);

  if (f == NULL)
  {
    snprintf (err, err_len, "%s is not embedded", file);
    return -1;
  }
  return copy_in (conn, copy_sql, (const char *) f->data, f->len, err, err_len);
}

/** The bullets of data/incidents_sources.md as COPY text rows
 *  (ordinal, kind, text): each is one line starting with "- ". */
static int
copy_notes (PGconn *conn, char *err, size_t err_len)
{
  const struct embedded_file *f = embedded_find ("data/incidents_sources.md");
  size_t cap = f ? 2 * f->len + 4096 : 0, len = 0;
  char *out = cap ? malloc (cap) : NULL;
  int ordinal = 0, rc;

  if (out == NULL)
  {
    snprintf (err, err_len, "data/incidents_sources.md is not embedded");
    return -1;
  }
  for (const char *line = (const char *) f->data; *line;)
  {
    const char *end = strchr (line, '\n');
    size_t n = end ? (size_t) (end - line) : strlen (line);
    if (n > 2 && strncmp (line, "- ", 2) == 0)
    {
      const char *text = line + 2;
      const char *kind = strncmp (text, "(doubt", 6) == 0 ? "doubt"
                       : strncmp (text, "(supplement", 11) == 0 ? "supplement"
                       : strncmp (text, "note", 4) == 0 ? "note" : "quote";
      len += (size_t) snprintf (out + len, cap - len, "%d\t%s\t", ++ordinal, kind);
      for (size_t i = 0; i < n - 2; i++)
      {
        char c = text[i];
        if (c == '\\' || c == '\t' || c == '\r')
          out[len++] = '\\';
        out[len++] = c == '\t' ? 't' : c == '\r' ? 'r' : c;
      }
      out[len++] = '\n';
    }
    line += n + (end != NULL);
  }
  rc = copy_in (conn, "COPY seed_notes FROM STDIN", out, len, err, err_len);
  free (out);
  return rc;
}

/** Imports an embedded label file through the ordinary import. */
static int
import_labels (PGconn *conn, const char *file, char *err, size_t err_len)
{
  const struct embedded_file *f = embedded_find (file);
  struct import *im = f ? import_begin (conn, INGEST_LABELS, INGEST_CSV, true) : NULL;
  const char *detail;

  if (im == NULL)
  {
    snprintf (err, err_len, "%s: cannot start the import", file);
    return -1;
  }
  if (import_feed (im, (const char *) f->data, f->len) != 0 || import_finish (im) != 0)
  {
    import_problem (im, &detail);
    char *report = json_dumps (import_report (im), JSON_COMPACT);
    snprintf (err, err_len, "%s: %s %s", file, detail, report ? report : "");
    free (report);
    import_free (im);
    return -1;
  }
  json_t *report = import_report (im);
  log_msg (LOG_INFO, "seed labels", "{s:s, s:O, s:O, s:O}", "file", file,
           "inserted", json_object_get (report, "inserted"),
           "duplicates", json_object_get (report, "duplicates"),
           "epoch", json_object_get (report, "epoch"));
  json_decref (report);
  import_free (im);
  return 0;
}

int
store_seed (const char *url, char *err, size_t err_len)
{
  PGconn *conn = store_connect (url, true, err, err_len);
  int rc = -1;

  if (conn == NULL)
    return -1;
  if (!store_command (conn, "BEGIN") || !store_command (conn, seed_tables))
    snprintf (err, err_len, "seeding: %s", PQerrorMessage (conn));
  else if (copy_csv (conn, "COPY seed_reports FROM STDIN (FORMAT csv, HEADER true)",
                     "data/un_reports.csv", err, err_len) == 0
           && copy_csv (conn, "COPY seed_incidents FROM STDIN (FORMAT csv, HEADER true)",
                        "data/incidents.csv", err, err_len) == 0
           && copy_csv (conn, "COPY seed_doubts (incident_id, doubt, source)"
                        " FROM STDIN (FORMAT csv, HEADER true)",
                        "data/incident_doubts.csv", err, err_len) == 0
           && copy_notes (conn, err, err_len) == 0)
  {
    if (!store_command (conn, seed_upsert) || !store_command (conn, "COMMIT"))
      snprintf (err, err_len, "seeding: %s", PQerrorMessage (conn));
    else if (import_labels (conn, "data/incident_addresses.csv", err, err_len) == 0
             && import_labels (conn, "data/ofac_sdn_addresses.csv", err, err_len) == 0)
      rc = 0;
  }
  if (PQtransactionStatus (conn) != PQTRANS_IDLE)
    store_command (conn, "ROLLBACK");
  PQfinish (conn);
  return rc;
}

/* end of store_seed.c */
