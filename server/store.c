/*
 * store.c -- PostgreSQL connections: the statement table, connecting with
 * session settings, and a small pool guarded by one mutex.
 *
 * A connection that has failed is closed on release; the next acquire
 * reconnects. After a failed connect, further attempts wait 500 ms so that
 * a database outage costs each request one quick refusal, not a timeout.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "riskd/clock.h"
#include "riskd/log.h"
#include "riskd/store.h"

/** Statement names and SQL; parameters are $1.. as text. */
static const struct {
  const char *name;
  const char *sql;
} statements[STMT_COUNT] = {
  [STMT_EPOCH] = { "epoch",
    "SELECT s.epoch, m.value, s.changed_at FROM graph_state s, riskd_meta m"
    " WHERE m.key = 'graph_id'" },
  [STMT_BUMP_EPOCH] = { "bump_epoch",
    "UPDATE graph_state SET epoch = epoch + 1, changed_at = now() RETURNING epoch" },
  [STMT_NOTIFY] = { "notify", "SELECT pg_notify('riskd_graph', $1)" },
  [STMT_INSERT_FLOWS] = { "insert_flows",
    "INSERT INTO flows (chain, tx_hash, idx, from_addr, to_addr, asset, amount,"
    " usd, time, block, pos, epoch)"
    " SELECT chain, tx_hash, idx, from_addr, to_addr, asset, amount, usd, time,"
    " block, pos, $1 FROM import_flows"
    " ON CONFLICT (chain, tx_hash, idx) DO NOTHING" },
  [STMT_FLOW_CONFLICTS] = { "flow_conflicts",
    "SELECT s.line, f.epoch FROM import_flows s JOIN flows f USING (chain, tx_hash, idx)"
    " WHERE (s.from_addr, s.to_addr, s.asset, s.amount, s.usd, s.time, s.block, s.pos)"
    " IS DISTINCT FROM (f.from_addr, f.to_addr, f.asset, f.amount, f.usd, f.time,"
    " f.block, f.pos) ORDER BY s.line LIMIT $1" },
  [STMT_INSERT_LABELS] = { "insert_labels",
    "INSERT INTO labels (chain, address, category, entity, incident_id, source, epoch)"
    " SELECT chain, address, category, entity, incident_id, source, $1"
    " FROM import_labels ON CONFLICT DO NOTHING" },
  [STMT_SET_LOAD_RANGE] = { "set_load_range",
    "SELECT set_config('riskd.since', $1, true), set_config('riskd.until', $2, true)" },
  [STMT_INCIDENTS] = { "incidents",
    "SELECT coalesce(json_agg(i.doc ORDER BY i.date, i.incident_id), '[]')"
    " FROM incident_documents i" },
  [STMT_INCIDENT] = { "incident",
    "SELECT i.doc || jsonb_build_object('addresses', coalesce(("
    "   SELECT jsonb_agg(a.doc ORDER BY a.chain, a.address)"
    "   FROM incident_address_documents a WHERE a.incident_id = i.incident_id), '[]'))"
    " FROM incident_documents i WHERE i.incident_id = $1" },
  [STMT_PING] = { "ping", "SELECT 1" },
  [STMT_KEY_GET] = { "key_get",
    "SELECT encode (key_hash, 'hex'), array_to_string (scopes, ','), rate_limit,"
    " revoked_at IS NOT NULL, name FROM api_keys WHERE id = $1" },
  [STMT_KEY_INSERT] = { "key_insert",
    "INSERT INTO api_keys (id, name, key_hash, scopes, rate_limit)"
    " VALUES ($1, $2, decode ($3, 'hex'), string_to_array ($4, ','), $5::integer)" },
  [STMT_KEY_LIST] = { "key_list",
    "SELECT coalesce (json_agg (json_build_object ('id', id, 'name', name,"
    " 'scopes', scopes, 'rate_limit', rate_limit,"
    " 'created_at', to_char (created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
    " 'revoked_at', to_char (revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'))"
    " ORDER BY created_at, id), '[]') FROM api_keys" },
  [STMT_KEY_REVOKE] = { "key_revoke",
    "UPDATE api_keys SET revoked_at = coalesce (revoked_at, now ()) WHERE id = $1"
    " RETURNING id" },
  [STMT_SCREENING_INSERT] = { "screening_insert",
    "INSERT INTO screenings (id, created_at, api_key_id, idempotency_key, request_hash,"
    " chain, address, amount, usd, asset, direction, reference, decision, score, level,"
    " model, config_hash, epoch, response) VALUES ($1::uuid, $2::timestamptz, $3, $4,"
    " decode ($5, 'hex'), $6, $7, $8::numeric, $9::numeric, $10, $11, $12, $13,"
    " $14::numeric, $15, $16, $17, $18::bigint, $19::json)"
    " ON CONFLICT (api_key_id, idempotency_key) DO NOTHING RETURNING id" },
  [STMT_SCREENING_REPLAY] = { "screening_replay",
    "SELECT response, encode (request_hash, 'hex') FROM screenings"
    " WHERE api_key_id = $1 AND idempotency_key = $2" },
  [STMT_SCREENING_GET] = { "screening_get",
    "SELECT response FROM screenings WHERE id = $1::uuid" },
  [STMT_SCREENING_LIST] = { "screening_list",
    "SELECT seq, response FROM screenings"
    " WHERE ($1::text IS NULL OR (chain = $1 AND address = $2))"
    " AND ($3::text IS NULL OR reference = $3)"
    " AND ($4::text IS NULL OR decision = $4)"
    " AND ($5::timestamptz IS NULL OR created_at >= $5)"
    " AND ($6::bigint IS NULL OR seq < $6)"
    " ORDER BY seq DESC LIMIT $7::integer" },
  [STMT_STATS] = { "stats",
    "SELECT json_build_object ("
    " 'incidents', (SELECT count (*) FROM incidents),"
    " 'un_reports', (SELECT count (*) FROM un_reports),"
    " 'screenings', (SELECT json_build_object ('total', count (*),"
    "   'allow', count (*) FILTER (WHERE decision = 'allow'),"
    "   'review', count (*) FILTER (WHERE decision = 'review'),"
    "   'block', count (*) FILTER (WHERE decision = 'block')) FROM screenings),"
    " 'api_keys', (SELECT count (*) FROM api_keys WHERE revoked_at IS NULL),"
    " 'database_epoch', (SELECT epoch FROM graph_state),"
    " 'last_import_at', (SELECT to_char (changed_at AT TIME ZONE 'UTC',"
    "   'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM graph_state))" },
};

/** Per-session settings: UTC everywhere, and a bound on any statement. */
static const char session_setup[] =
  "SET TIME ZONE 'UTC';"
  /* staging tables live in these buffers: a large import should not spill
   * them to disk (set before any temporary table is touched) */
  "SET temp_buffers = '128MB';"
  "SET statement_timeout = '60s';"
  "SET idle_in_transaction_session_timeout = '10min';"
  "CREATE TEMP TABLE IF NOT EXISTS import_flows ("
  "  line bigint, chain text, tx_hash text, idx integer, from_addr text,"
  "  to_addr text, asset text, amount numeric, usd numeric, time timestamptz,"
  "  block bigint, pos integer) ON COMMIT DELETE ROWS;"
  "CREATE TEMP TABLE IF NOT EXISTS import_labels ("
  "  line bigint, chain text, address text, category text, entity text,"
  "  incident_id text, source text) ON COMMIT DELETE ROWS;";

struct store {
  char *url;
  unsigned size;            /**< most connections */
  unsigned open;            /**< connections that exist (idle or lent) */
  PGconn **idle;            /**< idle connections, a stack */
  unsigned n_idle;
  pthread_mutex_t lock;
  pthread_cond_t returned;  /**< a connection came back */
  double retry_at_ms;       /**< no connect attempt before this (clock_ms) */
};

/** Server notices ("relation already exists, skipping") are not errors:
 *  debug lines, not raw text on stderr. */
static void
on_notice (void *arg, const char *message)
{
  (void) arg;
  log_msg (LOG_DEBUG, "postgres notice", "{s:s}", "notice", message);
}

PGconn *
store_connect (const char *url, bool prepare, char *err, size_t err_len)
{
  const char *keys[] = { "dbname", "connect_timeout", "application_name", NULL };
  const char *values[] = { url, "3", "riskd", NULL };
  PGconn *conn = PQconnectdbParams (keys, values, 1);

  if (PQstatus (conn) != CONNECTION_OK)
  {
    snprintf (err, err_len, "%s", PQerrorMessage (conn));
    err[strcspn (err, "\n")] = '\0';
    PQfinish (conn);
    return NULL;
  }
  PQsetNoticeProcessor (conn, on_notice, NULL);
  if (!prepare)
    return conn;
  PGresult *res = PQexec (conn, session_setup);
  bool ok = PQresultStatus (res) == PGRES_COMMAND_OK;
  PQclear (res);
  for (int i = 0; ok && i < STMT_COUNT; i++)
  {
    res = PQprepare (conn, statements[i].name, statements[i].sql, 0, NULL);
    ok = PQresultStatus (res) == PGRES_COMMAND_OK;
    if (!ok)
      snprintf (err, err_len, "preparing %s: %s", statements[i].name,
                PQerrorMessage (conn));
    PQclear (res);
  }
  if (!ok)
  {
    if (err[0] == '\0')
      snprintf (err, err_len, "%s", PQerrorMessage (conn));
    PQfinish (conn);
    return NULL;
  }
  return conn;
}

struct store *
store_new (const char *url, unsigned size)
{
  struct store *store = calloc (1, sizeof *store);

  if (store == NULL)
    return NULL;
  store->url = strdup (url);
  store->size = size ? size : 1;
  store->idle = calloc (store->size, sizeof *store->idle);
  if (store->url == NULL || store->idle == NULL)
  {
    free (store->url);
    free (store->idle);
    free (store);
    return NULL;
  }
  pthread_mutex_init (&store->lock, NULL);
  pthread_cond_init (&store->returned, NULL);
  return store;
}

void
store_free (struct store *store)
{
  if (store == NULL)
    return;
  for (unsigned i = 0; i < store->n_idle; i++)
    PQfinish (store->idle[i]);
  pthread_mutex_destroy (&store->lock);
  pthread_cond_destroy (&store->returned);
  free (store->idle);
  free (store->url);
  free (store);
}

PGconn *
store_acquire (struct store *store)
{
  struct timespec deadline = clock_deadline (5000);
  char err[256] = "";

  pthread_mutex_lock (&store->lock);
  while (store->n_idle == 0 && store->open >= store->size)
    if (pthread_cond_timedwait (&store->returned, &store->lock, &deadline) != 0)
    {
      pthread_mutex_unlock (&store->lock);
      return NULL;              /* all busy for 5 s: treat as unavailable */
    }
  while (store->n_idle > 0)
  {
    PGconn *conn = store->idle[--store->n_idle];
    /* An idle connection whose server went away (a restart, a failover)
     * has its socket closed by now: reading it tells, without a round
     * trip. Drop it and try the next rather than fail a request. */
    if (PQconsumeInput (conn) && PQstatus (conn) == CONNECTION_OK)
    {
      pthread_mutex_unlock (&store->lock);
      return conn;
    }
    store->open--;
    PQfinish (conn);
  }
  if (clock_ms () < store->retry_at_ms)
  {
    pthread_mutex_unlock (&store->lock);
    return NULL;
  }
  store->open++;
  pthread_mutex_unlock (&store->lock);
  PGconn *conn = store_connect (store->url, true, err, sizeof err);
  if (conn == NULL)
  {
    log_msg (LOG_WARN, "postgres connect failed", "{s:s}", "error", err);
    pthread_mutex_lock (&store->lock);
    store->open--;
    store->retry_at_ms = clock_ms () + 500;
    pthread_cond_signal (&store->returned);
    pthread_mutex_unlock (&store->lock);
  }
  return conn;
}

void
store_release (struct store *store, PGconn *conn)
{
  if (conn == NULL)
    return;
  /* A connection left inside a transaction (an error path) is reset. */
  if (PQstatus (conn) == CONNECTION_OK && PQtransactionStatus (conn) != PQTRANS_IDLE)
    store_command (conn, "ROLLBACK");
  bool keep = PQstatus (conn) == CONNECTION_OK
              && PQtransactionStatus (conn) == PQTRANS_IDLE;
  pthread_mutex_lock (&store->lock);
  if (keep)
    store->idle[store->n_idle++] = conn;
  else
    store->open--;
  pthread_cond_signal (&store->returned);
  pthread_mutex_unlock (&store->lock);
  if (!keep)
    PQfinish (conn);
}

PGresult *
store_exec (PGconn *conn, enum stmt s, int n_params, const char *const *params)
{
  return PQexecPrepared (conn, statements[s].name, n_params, params, NULL, NULL, 0);
}

bool
store_command (PGconn *conn, const char *sql)
{
  PGresult *res = PQexec (conn, sql);
  bool ok = PQresultStatus (res) == PGRES_COMMAND_OK
            || PQresultStatus (res) == PGRES_TUPLES_OK;

  if (!ok)
    log_msg (LOG_WARN, "postgres command failed", "{s:s, s:s}", "command", sql,
             "error", PQresultErrorMessage (res));
  PQclear (res);
  return ok;
}

bool
store_conn_lost (PGconn *conn)
{
  return conn == NULL || PQstatus (conn) != CONNECTION_OK;
}

bool
store_ping (struct store *store)
{
  PGconn *conn = store_acquire (store);

  if (conn == NULL)
    return false;
  PGresult *res = store_exec (conn, STMT_PING, 0, NULL);
  bool ok = PQresultStatus (res) == PGRES_TUPLES_OK;
  PQclear (res);
  store_release (store, conn);
  return ok;
}

json_t *
store_json (PGconn *conn, enum stmt s, int n_params, const char *const *params,
            bool *failed)
{
  PGresult *res = store_exec (conn, s, n_params, params);
  json_t *doc = NULL;

  *failed = PQresultStatus (res) != PGRES_TUPLES_OK;
  if (*failed)
    log_msg (LOG_WARN, "postgres query failed", "{s:s, s:s}", "statement",
             statements[s].name, "error", PQresultErrorMessage (res));
  else if (PQntuples (res) > 0 && !PQgetisnull (res, 0, 0))
  {
    doc = json_loads (PQgetvalue (res, 0, 0), 0, NULL);
    *failed = doc == NULL;
  }
  PQclear (res);
  return doc;
}

/* end of store.c */
