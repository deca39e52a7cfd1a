/*
 * store_graph.c -- reading flows and labels for the engine.
 *
 * Everything is read in one REPEATABLE READ transaction, so the epoch and
 * the rows agree; rows come through COPY in binary format (no text
 * parsing of numbers), each value straight into the graph builder. COPY
 * takes no parameters, so the epoch range travels as two session settings
 * set by a prepared statement.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "riskd/engine.h"
#include "riskd/log.h"
#include "riskd/store.h"

/** The columns read, in order. Amounts and times travel in PostgreSQL's
 *  own binary forms and are converted here: the conversions cost the
 *  server's single backend more than the whole send otherwise. */
static const char copy_flows[] =
  "COPY (SELECT chain, tx_hash, idx, from_addr, to_addr, amount, usd, time,"
  " block, pos FROM flows"
  " WHERE epoch > current_setting ('riskd.since')::bigint"
  " AND epoch <= current_setting ('riskd.until')::bigint)"
  " TO STDOUT (FORMAT binary)";

static const char copy_labels[] =
  "COPY (SELECT chain, address, category, entity, incident_id, source FROM labels"
  " WHERE epoch > current_setting ('riskd.since')::bigint"
  " AND epoch <= current_setting ('riskd.until')::bigint)"
  " TO STDOUT (FORMAT binary)";

/** Most columns of a row read here. */
#define MAX_FIELDS 10
/** Microseconds from 1970 to PostgreSQL's epoch, 2000-01-01 UTC. */
#define PG_EPOCH_US 946684800000000LL

/** One binary row: field pointers and lengths (-1: NULL). */
struct row {
  const char *field[MAX_FIELDS];
  int32_t len[MAX_FIELDS];
  int n;
};

static uint32_t
get_u32 (const char *p)
{
  uint32_t v;
  memcpy (&v, p, 4);
  return be32toh (v);
}

static uint64_t
get_u64 (const char *p)
{
  uint64_t v;
  memcpy (&v, p, 8);
  return be64toh (v);
}

/** Splits one COPY binary chunk into fields; -1 on a malformed row, 1 at
 *  the trailer. The first chunk starts with the 19-byte header. */
static int
parse_row (const char *p, int size, bool first, struct row *row)
{
  const char *end = p + size;

  if (first)
  {
    if (size < 19 || memcmp (p, "PGCOPY\n\377\r\n\0", 11) != 0)
      return -1;
    p += 19 + get_u32 (p + 15); /* flags, header extension */
  }
  if (end - p < 2)
    return -1;
  int16_t n = (int16_t) (((unsigned char) p[0] << 8) | (unsigned char) p[1]);
  p += 2;
  if (n == -1)
    return 1;
  if (n < 0 || n > MAX_FIELDS)
    return -1;
  row->n = n;
  for (int i = 0; i < n; i++)
  {
    if (end - p < 4)
      return -1;
    row->len[i] = (int32_t) get_u32 (p);
    p += 4;
    row->field[i] = p;
    if (row->len[i] > 0)
    {
      if (end - p < row->len[i])
        return -1;
      p += row->len[i];
    }
  }
  return 0;
}

/** A text field as a NUL-terminated string in `buf`. */
static const char *
text (const struct row *row, int i, char *buf, size_t size)
{
  size_t len = row->len[i] < 0 ? 0 : (size_t) row->len[i];

  if (len >= size)
    len = size - 1;
  memcpy (buf, row->field[i], len);
  buf[len] = '\0';
  return buf;
}

static int64_t
int_field (const struct row *row, int i, int64_t null_value)
{
  if (row->len[i] < 0)
    return null_value;
  return row->len[i] == 8 ? (int64_t) get_u64 (row->field[i])
                          : (int32_t) get_u32 (row->field[i]);
}

/** The chain of a row (its first field), or -1. */
static int
chain_id (const struct row *r)
{
  return r->len[0] > 0 ? chain_from_name (r->field[0], (size_t) r->len[0]) : -1;
}

static int16_t
get_i16 (const char *p)
{
  return (int16_t) (((unsigned char) p[0] << 8) | (unsigned char) p[1]);
}

/**
 * A NUMERIC in binary form (digit count, weight, sign, scale, then base
 * 10000 digits) as the nearest double: written out in decimal and read
 * with strtod, so the rounding is the correct one, the same PostgreSQL's
 * own ::float8 gives. -1 when malformed or NULL (amounts are >= 0).
 */
static double
numeric_value (const char *p, int32_t len)
{
  char text[160];
  size_t n = 0;

  if (len < 8)
    return -1;
  int nd = get_i16 (p), weight = get_i16 (p + 2);
  uint16_t sign = (uint16_t) get_i16 (p + 4);
  if (sign != 0 || nd < 0 || len != 8 + 2 * nd || weight > 30 || weight - nd < -40)
    return -1;
  if (weight < 0)
    text[n++] = '0';
  for (int e = weight; e >= 0 || e > weight - nd; e--)
  {
    int i = weight - e, d = i >= 0 && i < nd ? get_i16 (p + 8 + 2 * i) : 0;
    if (e == -1)
      text[n++] = '.';
    text[n++] = (char) ('0' + d / 1000);
    text[n++] = (char) ('0' + d / 100 % 10);
    text[n++] = (char) ('0' + d / 10 % 10);
    text[n++] = (char) ('0' + d % 10);
  }
  text[n] = '\0';
  return strtod (text, NULL);
}

/** Adds one flow row to the builder; 0, or -1 (out of memory). The
 *  value is usd when given, else amount. */
static int
add_flow (struct graph_builder *b, const struct row *r, uint64_t *skipped)
{
  char tx[128], from[128], to[128];
  int c = r->n == 10 ? chain_id (r) : -1;
  double value = r->len[6] >= 0 ? numeric_value (r->field[6], r->len[6])
                                : numeric_value (r->field[5], r->len[5]);

  if (c < 0 || value < 0 || r->len[7] != 8)
  {
    (*skipped)++;
    return 0;
  }
  return graph_builder_add_flow (b, (enum chain) c, text (r, 1, tx, sizeof tx),
                                 (int32_t) int_field (r, 2, 0),
                                 text (r, 3, from, sizeof from),
                                 text (r, 4, to, sizeof to), value,
                                 (int64_t) get_u64 (r->field[7]) + PG_EPOCH_US,
                                 int_field (r, 8, -1), (int32_t) int_field (r, 9, -1));
}

/** Adds one label row; labels of a category no longer configured are
 *  skipped (and counted). */
static int
add_label (struct graph_builder *b, const struct row *r,
           const struct scoring_config *cfg, uint64_t *skipped)
{
  char address[128], category[64], entity[256], incident[256], source[1100];
  int c = r->n == 6 ? chain_id (r) : -1;
  int cat = c >= 0 ? scoring_category (cfg, text (r, 2, category, sizeof category)) : -1;

  if (c < 0 || cat < 0)
  {
    (*skipped)++;
    return 0;
  }
  return graph_builder_add_label (b, (enum chain) c, text (r, 1, address, sizeof address),
                                  (unsigned) cat, text (r, 3, entity, sizeof entity),
                                  text (r, 4, incident, sizeof incident),
                                  text (r, 5, source, sizeof source));
}

/** Runs one COPY TO STDOUT and feeds its rows; 0 or -1. */
static int
copy_rows (PGconn *conn, const char *sql, struct graph_builder *b,
           const struct scoring_config *cfg, bool flows, uint64_t *rows,
           uint64_t *skipped, char *err, size_t err_len)
{
  PGresult *res = PQexec (conn, sql);
  bool first = true;
  int rc = 0;
  char *buf;
  int size;

  if (PQresultStatus (res) != PGRES_COPY_OUT)
  {
    snprintf (err, err_len, "%s", PQresultErrorMessage (res));
    PQclear (res);
    return -1;
  }
  PQclear (res);
  while ((size = PQgetCopyData (conn, &buf, 0)) > 0)
  {
    struct row row;
    int parsed = rc == 0 ? parse_row (buf, size, first, &row) : 1;
    first = false;
    if (parsed < 0)
    {
      snprintf (err, err_len, "malformed COPY row");
      rc = -1;
    }
    else if (parsed == 0)
    {
      (*rows)++;
      if ((flows ? add_flow (b, &row, skipped) : add_label (b, &row, cfg, skipped)) != 0)
      {
        snprintf (err, err_len, "out of memory");
        rc = -1;
      }
    }
    PQfreemem (buf);
  }
  res = PQgetResult (conn);
  if (size == -2 || PQresultStatus (res) != PGRES_COMMAND_OK)
  {
    snprintf (err, err_len, "%s", PQerrorMessage (conn));
    rc = -1;
  }
  PQclear (res);
  while ((res = PQgetResult (conn)) != NULL)
    PQclear (res);
  return rc;
}

int
store_load_graph (void *pgconn, uint64_t since, struct graph_builder *b,
                  const struct scoring_config *cfg, uint64_t *until,
                  char *graph_id, size_t graph_id_len, char *err, size_t err_len)
{
  PGconn *conn = pgconn;
  uint64_t flows = 0, labels = 0, skipped = 0;
  char since_s[24], until_s[24];
  int rc = -1;

  /* A large graph takes longer to send than any request may take. */
  if (!store_command (conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
      || !store_command (conn, "SET LOCAL statement_timeout = 0"))
  {
    snprintf (err, err_len, "%s", PQerrorMessage (conn));
    return -1;
  }
  PGresult *res = store_exec (conn, STMT_EPOCH, 0, NULL);
  if (PQresultStatus (res) != PGRES_TUPLES_OK || PQntuples (res) != 1)
  {
    snprintf (err, err_len, "reading the epoch: %s", PQresultErrorMessage (res));
    PQclear (res);
    goto done;
  }
  *until = strtoull (PQgetvalue (res, 0, 0), NULL, 10);
  snprintf (graph_id, graph_id_len, "%s", PQgetvalue (res, 0, 1));
  PQclear (res);
  snprintf (since_s, sizeof since_s, "%llu", (unsigned long long) since);
  snprintf (until_s, sizeof until_s, "%llu", (unsigned long long) *until);
  const char *params[] = { since_s, until_s };
  res = store_exec (conn, STMT_SET_LOAD_RANGE, 2, params);
  bool ok = PQresultStatus (res) == PGRES_TUPLES_OK;
  PQclear (res);
  if (ok && *until > since
      && copy_rows (conn, copy_flows, b, cfg, true, &flows, &skipped, err, err_len) == 0
      && copy_rows (conn, copy_labels, b, cfg, false, &labels, &skipped, err, err_len) == 0)
    rc = 0;
  else if (ok && *until <= since)
    rc = 0;
  if (skipped)
    log_msg (LOG_WARN, "rows skipped while loading (unknown chain or category)",
             "{s:I}", "rows", (json_int_t) skipped);
done:
  store_command (conn, rc == 0 ? "COMMIT" : "ROLLBACK");
  return rc;
}

/* end of store_graph.c */
