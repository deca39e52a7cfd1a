/*
 * import.c -- parse, stage with COPY, commit (see import.h).
 *
 * Validated rows are written to the connection's temporary staging table
 * in COPY text format, 256 KiB at a time, so a body of any size needs a
 * bounded amount of memory. The commit transaction first bumps the epoch
 * (which also serializes concurrent imports), inserts with ON CONFLICT DO
 * NOTHING, looks for conflicts only when some rows were not inserted, and
 * rolls back when nothing changed so that the epoch moves only with data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "riskd/import.h"
#include "riskd/log.h"
#include "riskd/metrics.h"
#include "riskd/store.h"

/** COPY data is sent in pieces of about this size. */
#define COPY_CHUNK_BYTES (256 * 1024)

struct import {
  PGconn *conn;
  enum ingest_kind kind;
  enum ingest_format format;
  bool atomic;
  struct ingest *parser;
  char *buf;                 /**< COPY text not yet sent */
  size_t len, cap;
  uint64_t received;         /**< records seen */
  uint64_t valid;            /**< records that passed validation */
  uint64_t invalid;          /**< records that did not */
  uint64_t inserted, conflicts;
  json_t *errors;            /**< the first IMPORT_MAX_ERRORS row errors */
  uint64_t errors_listed_invalid;
  json_t *ignored;           /**< names of ignored columns / keys */
  enum problem problem;      /**< set when failed */
  char detail[300];
  bool failed;
  bool committed;
  uint64_t epoch;
  bool changed;
};

static const struct scoring_config *categories;

void
import_set_categories (const struct scoring_config *cfg)
{
  categories = cfg;
}

static bool
category_known (const char *category)
{
  return categories != NULL && scoring_category (categories, category) >= 0;
}

/** Records a failure of the whole import. */
static void
fail (struct import *im, enum problem p, const char *detail)
{
  if (im->failed)
    return;
  im->failed = true;
  im->problem = p;
  snprintf (im->detail, sizeof im->detail, "%s", detail);
}

/** A database failure: 503 if the connection is gone, else 500. */
static void
fail_db (struct import *im, const char *what)
{
  char detail[300];

  log_msg (LOG_WARN, "import failed", "{s:s, s:s}", "step", what,
           "error", PQerrorMessage (im->conn));
  snprintf (detail, sizeof detail, "the database failed while %s", what);
  fail (im, store_conn_lost (im->conn) ? PROBLEM_DATABASE_UNAVAILABLE
                                       : PROBLEM_INTERNAL, detail);
}

/** Sends buffered COPY data. */
static int
flush (struct import *im)
{
  if (im->len > 0 && PQputCopyData (im->conn, im->buf, (int) im->len) != 1)
  {
    fail_db (im, "staging rows");
    return -1;
  }
  im->len = 0;
  return 0;
}

/** Appends a field to the COPY buffer, escaped for COPY's text format;
 *  NULL is SQL NULL. */
static int
put_field (struct import *im, const char *s, bool last)
{
  size_t need = s ? 2 * strlen (s) + 2 : 4;

  if (im->len + need > im->cap)
  {
    size_t cap = im->cap ? im->cap : COPY_CHUNK_BYTES + 4096;
    while (cap < im->len + need)
      cap *= 2;
    char *buf = realloc (im->buf, cap);
    if (buf == NULL)
    {
      fail (im, PROBLEM_INTERNAL, "out of memory");
      return -1;
    }
    im->buf = buf;
    im->cap = cap;
  }
  if (s == NULL)
  {
    memcpy (im->buf + im->len, "\\N", 2);
    im->len += 2;
  }
  for (; s && *s; s++)
  {
    if (*s == '\\' || *s == '\t' || *s == '\n' || *s == '\r')
      im->buf[im->len++] = '\\';
    im->buf[im->len++] = *s == '\t' ? 't' : *s == '\n' ? 'n' : *s == '\r' ? 'r' : *s;
  }
  im->buf[im->len++] = last ? '\n' : '\t';
  return 0;
}

/** NULL (SQL NULL) for an absent value. */
static const char *
or_null (const char *s)
{
  return s[0] ? s : NULL;
}

/** Puts a row's fields, then sends when a chunk is full. */
static int
put_row (struct import *im, const char *const *fields, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (put_field (im, fields[i], i + 1 == n) != 0)
      return -1;
  im->valid++;
  return im->len >= COPY_CHUNK_BYTES ? flush (im) : 0;
}

static int
on_flow (void *ctx, struct ingest_pos pos, const struct flow_row *r)
{
  struct import *im = ctx;
  char line[24], idx[16], time[32], block[24], posn[16];

  im->received++;
  snprintf (line, sizeof line, "%llu", (unsigned long long) pos.line);
  snprintf (idx, sizeof idx, "%d", r->idx);
  rfc3339_format (r->time_us, time);
  snprintf (block, sizeof block, "%lld", (long long) r->block);
  snprintf (posn, sizeof posn, "%d", r->pos);
  const char *fields[] = {
    line, chain_name (r->chain), r->tx_hash, idx, r->from, r->to, r->asset,
    r->amount, or_null (r->usd), time, r->block < 0 ? NULL : block,
    r->pos < 0 ? NULL : posn,
  };
  return put_row (im, fields, sizeof fields / sizeof *fields);
}

static int
on_label (void *ctx, struct ingest_pos pos, const struct label_row *r)
{
  struct import *im = ctx;
  char line[24];

  im->received++;
  snprintf (line, sizeof line, "%llu", (unsigned long long) pos.line);
  const char *fields[] = {
    line, chain_name (r->chain), r->address, r->category, r->entity,
    r->incident_id, r->source,
  };
  return put_row (im, fields, sizeof fields / sizeof *fields);
}

/** Adds a row error to the report (the first IMPORT_MAX_ERRORS). */
static void
add_error (struct import *im, uint64_t line, uint64_t record, const char *code,
           const char *field, const char *reason)
{
  if (json_array_size (im->errors) >= IMPORT_MAX_ERRORS)
    return;
  json_t *e = json_pack ("{s:I, s:s, s:s}", "line", (json_int_t) line,
                         "code", code, "reason", reason);
  if (record)
    json_object_set_new (e, "record", json_integer ((json_int_t) record));
  json_object_set_new (e, "field", field ? json_string (field) : json_null ());
  json_array_append_new (im->errors, e);
}

static void
on_reject (void *ctx, struct ingest_pos pos, const char *code,
           const char *field, const char *reason)
{
  struct import *im = ctx;

  im->received++;
  im->invalid++;
  add_error (im, pos.line, pos.record, code, field, reason);
}

static void
on_ignored_field (void *ctx, const char *name)
{
  struct import *im = ctx;

  json_array_append_new (im->ignored, json_string (name));
}

struct import *
import_begin (PGconn *conn, enum ingest_kind kind, enum ingest_format format,
              bool atomic)
{
  struct import *im = calloc (1, sizeof *im);
  const struct ingest_sink sink = {
    .on_flow = on_flow, .on_label = on_label, .on_reject = on_reject,
    .on_ignored_field = on_ignored_field, .ctx = im,
  };

  if (im == NULL)
    return NULL;
  im->conn = conn;
  im->kind = kind;
  im->format = format;
  im->atomic = atomic;
  im->errors = json_array ();
  im->ignored = json_array ();
  im->parser = ingest_new (kind, format, category_known, &sink);
  if (im->parser == NULL || !store_command (conn, "BEGIN")
      || !store_command (conn, "SET LOCAL statement_timeout = 0"))
  {
    import_free (im);
    return NULL;
  }
  PGresult *res = PQexec (conn, kind == INGEST_FLOWS ? "COPY import_flows FROM STDIN"
                                                     : "COPY import_labels FROM STDIN");
  bool ok = PQresultStatus (res) == PGRES_COPY_IN;
  PQclear (res);
  if (!ok)
  {
    import_free (im);
    return NULL;
  }
  return im;
}

/** Maps a whole-body parse failure to its problem. */
static void
fail_parse (struct import *im)
{
  const char *code = ingest_error_code (im->parser);

  if (im->failed)
    return;                     /* a callback failed first: keep its reason */
  fail (im, strcmp (code, "missing_column") == 0 ? PROBLEM_MISSING_COLUMN
            : strcmp (code, "invalid_json") == 0 ? PROBLEM_INVALID_JSON
            : PROBLEM_INVALID_BODY,
        ingest_error (im->parser));
}

int
import_feed (struct import *im, const char *data, size_t len)
{
  if (im->failed)
    return -1;
  if (ingest_feed (im->parser, data, len) != 0)
  {
    fail_parse (im);
    return -1;
  }
  return im->failed ? -1 : 0;
}

/** Ends the COPY; 0 or -1. */
static int
end_copy (struct import *im)
{
  if (flush (im) != 0)
    return -1;
  if (PQputCopyEnd (im->conn, NULL) != 1)
  {
    fail_db (im, "ending the staging copy");
    return -1;
  }
  PGresult *res = PQgetResult (im->conn);
  bool ok = PQresultStatus (res) == PGRES_COMMAND_OK;
  PQclear (res);
  while ((res = PQgetResult (im->conn)) != NULL)
    PQclear (res);
  if (!ok)
  {
    fail_db (im, "staging rows");
    return -1;
  }
  return 0;
}

/** Runs a statement that returns one integer; -1 on failure. */
static int64_t
exec_count (struct import *im, enum stmt s, int n, const char *const *params,
            bool tuples, const char *what)
{
  PGresult *res = store_exec (im->conn, s, n, params);
  int64_t v = -1;

  if (PQresultStatus (res) == (tuples ? PGRES_TUPLES_OK : PGRES_COMMAND_OK))
    v = tuples ? (PQntuples (res) ? atoll (PQgetvalue (res, 0, 0)) : 0)
               : atoll (PQcmdTuples (res));
  else
    fail_db (im, what);
  PQclear (res);
  return v;
}

/** Lists staged flows that collide with stored ones holding other values. */
static int
find_conflicts (struct import *im)
{
  char limit[24];
  snprintf (limit, sizeof limit, "%llu", (unsigned long long) im->valid);
  const char *params[] = { limit };
  PGresult *res = store_exec (im->conn, STMT_FLOW_CONFLICTS, 1, params);

  if (PQresultStatus (res) != PGRES_TUPLES_OK)
  {
    PQclear (res);
    fail_db (im, "checking for conflicting flows");
    return -1;
  }
  im->conflicts = (uint64_t) PQntuples (res);
  for (int i = 0; i < PQntuples (res); i++)
  {
    char reason[160];
    snprintf (reason, sizeof reason,
              "a flow with this chain, tx_hash and idx is already stored with "
              "other values (imported in epoch %s)", PQgetvalue (res, i, 1));
    add_error (im, strtoull (PQgetvalue (res, i, 0), NULL, 10), 0,
               "conflicting_flow", NULL, reason);
  }
  PQclear (res);
  return 0;
}

/** Reads the current epoch (when the import changed nothing). */
static int
read_epoch (struct import *im)
{
  PGresult *res = store_exec (im->conn, STMT_EPOCH, 0, NULL);
  bool ok = PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1;

  if (ok)
    im->epoch = strtoull (PQgetvalue (res, 0, 0), NULL, 10);
  else
    fail_db (im, "reading the epoch");
  PQclear (res);
  return ok ? 0 : -1;
}

/** Sorts errors by line: conflicts are found after validation errors. */
static int
error_line_cmp (const void *a, const void *b)
{
  json_int_t la = json_integer_value (json_object_get (*(json_t *const *) a, "line"));
  json_int_t lb = json_integer_value (json_object_get (*(json_t *const *) b, "line"));
  return la < lb ? -1 : la > lb;
}

static void
sort_errors (struct import *im)
{
  size_t n = json_array_size (im->errors);
  json_t **items = malloc ((n + 1) * sizeof *items);

  if (items == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    items[i] = json_incref (json_array_get (im->errors, i));
  qsort (items, n, sizeof *items, error_line_cmp);
  json_array_clear (im->errors);
  for (size_t i = 0; i < n; i++)
    json_array_append_new (im->errors, items[i]);
  free (items);
}

/** Moves the staged rows into place; decides commit or rollback. */
static int
commit_rows (struct import *im)
{
  char epoch[24];
  int64_t v;

  if (im->valid == 0)
    return store_command (im->conn, "ROLLBACK") ? read_epoch (im) : -1;
  if ((v = exec_count (im, STMT_BUMP_EPOCH, 0, NULL, true, "bumping the epoch")) < 0)
    return -1;
  im->epoch = (uint64_t) v;
  snprintf (epoch, sizeof epoch, "%llu", (unsigned long long) im->epoch);
  const char *params[] = { epoch };
  v = exec_count (im, im->kind == INGEST_FLOWS ? STMT_INSERT_FLOWS : STMT_INSERT_LABELS,
                  1, params, false, "inserting rows");
  if (v < 0)
    return -1;
  im->inserted = (uint64_t) v;
  if (im->kind == INGEST_FLOWS && im->inserted < im->valid && find_conflicts (im) != 0)
    return -1;
  sort_errors (im);
  if (im->atomic && (im->invalid > 0 || im->conflicts > 0))
  {
    /* Nothing is stored: rows that were new are not counted as anything,
     * and the epoch is the one before the rolled-back bump. */
    im->valid -= im->inserted;
    im->inserted = 0;
    if (!store_command (im->conn, "ROLLBACK") || read_epoch (im) != 0)
      return -1;
    fail (im, PROBLEM_IMPORT_REJECTED,
          "atomic import: rows were rejected, nothing was stored");
    return -1;
  }
  if (im->inserted == 0)        /* only duplicates: leave the epoch alone */
    return store_command (im->conn, "ROLLBACK") ? read_epoch (im) : -1;
  if (exec_count (im, STMT_NOTIFY, 1, params, true, "notifying") < 0
      || !store_command (im->conn, "COMMIT"))
  {
    fail_db (im, "committing");
    return -1;
  }
  im->changed = true;
  return 0;
}

int
import_finish (struct import *im)
{
  if (im->failed)
    return -1;
  if (ingest_finish (im->parser) != 0)
  {
    fail_parse (im);
    return -1;
  }
  if (im->failed || end_copy (im) != 0 || commit_rows (im) != 0)
    return -1;
  im->committed = true;
  metrics_import (im->kind, im->inserted, im->valid - im->inserted - im->conflicts,
                  im->invalid + im->conflicts);
  return 0;
}

enum problem
import_problem (const struct import *im, const char **detail)
{
  *detail = im->detail;
  return im->problem;
}

json_t *
import_report (const struct import *im)
{
  uint64_t duplicates = im->committed || im->problem == PROBLEM_IMPORT_REJECTED
    ? im->valid - im->inserted - im->conflicts : 0;

  return json_pack ("{s:s, s:I, s:I, s:I, s:I, s:I, s:O, s:b, s:O, s:I, s:b}",
    "kind", im->kind == INGEST_FLOWS ? "flows" : "labels",
    "received", (json_int_t) im->received,
    "accepted", (json_int_t) (im->inserted + duplicates),
    "inserted", (json_int_t) im->inserted,
    "duplicates", (json_int_t) duplicates,
    "rejected", (json_int_t) (im->invalid + im->conflicts),
    "errors", im->errors,
    "errors_truncated", im->invalid + im->conflicts > json_array_size (im->errors),
    "ignored_fields", im->ignored,
    "epoch", (json_int_t) im->epoch,
    "changed", im->changed);
}

uint64_t
import_epoch (const struct import *im)
{
  return im->epoch;
}

bool
import_changed (const struct import *im)
{
  return im->changed;
}

void
import_free (struct import *im)
{
  if (im == NULL)
    return;
  if (PQtransactionStatus (im->conn) == PQTRANS_ACTIVE)
  {
    /* Still inside COPY: abort it, then drain its result. */
    PQputCopyEnd (im->conn, "import abandoned");
    PGresult *res;
    while ((res = PQgetResult (im->conn)) != NULL)
      PQclear (res);
  }
  if (PQstatus (im->conn) == CONNECTION_OK
      && PQtransactionStatus (im->conn) != PQTRANS_IDLE)
    store_command (im->conn, "ROLLBACK");
  ingest_free (im->parser);
  json_decref (im->errors);
  json_decref (im->ignored);
  free (im->buf);
  free (im);
}

int
import_format_from_media_type (const char *content_type)
{
  static const struct {
    const char *type;
    enum ingest_format format;
  } types[] = {
    { "application/json", INGEST_JSON },
    { "application/x-ndjson", INGEST_NDJSON },
    { "application/ndjson", INGEST_NDJSON },
    { "application/jsonl", INGEST_NDJSON },
    { "text/csv", INGEST_CSV },
  };

  if (content_type == NULL)
    return -1;
  size_t len = strcspn (content_type, ";");
  while (len > 0 && content_type[len - 1] == ' ')
    len--;
  for (size_t i = 0; i < sizeof types / sizeof *types; i++)
    if (strlen (types[i].type) == len && strncasecmp (types[i].type, content_type, len) == 0)
      return (int) types[i].format;
  return -1;
}

/* end of import.c */
