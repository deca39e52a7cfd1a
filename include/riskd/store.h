/*
 * store.h -- PostgreSQL: a small pool of connections, each with every
 * statement prepared once, and the operations riskd needs, one file each
 * (store_migrate.c, store_seed.c, store_import.c, store_graph.c,
 * store_incidents.c). No SQL is ever built from input: every statement is
 * a constant of the table in store.c, and values travel as parameters.
 */
#ifndef RISKD_STORE_H
#define RISKD_STORE_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

/** The prepared statements (their SQL is in store.c). */
enum stmt {
  STMT_EPOCH,              /**< current epoch and graph id */
  STMT_BUMP_EPOCH,         /**< epoch + 1, locking out other writers */
  STMT_NOTIFY,             /**< tell every instance the epoch changed */
  STMT_INSERT_FLOWS,       /**< staged flows into flows */
  STMT_FLOW_CONFLICTS,     /**< staged lines whose key holds other values */
  STMT_INSERT_LABELS,      /**< staged labels into labels */
  STMT_SET_LOAD_RANGE,     /**< epochs a graph load reads */
  STMT_INCIDENTS,          /**< all incidents as one JSON array */
  STMT_INCIDENT,           /**< one incident with addresses, as JSON */
  STMT_PING,               /**< SELECT 1 */
  STMT_KEY_GET,            /**< one API key by id */
  STMT_KEY_INSERT,         /**< a new API key */
  STMT_KEY_LIST,           /**< every API key, as JSON */
  STMT_KEY_REVOKE,         /**< revoke one */
  STMT_SCREENING_INSERT,   /**< record a screening (idempotent) */
  STMT_SCREENING_REPLAY,   /**< the screening recorded under an idempotency key */
  STMT_SCREENING_GET,      /**< one screening's answer */
  STMT_SCREENING_LIST,     /**< a filtered page of screenings */
  STMT_STATS,              /**< counts the database keeps, as JSON */
  STMT_COUNT
};

struct store;

/** A pool of at most `size` connections to `url`; connects lazily. */
struct store *store_new (const char *url, unsigned size);
void store_free (struct store *store);

/** A connection for the caller alone, or NULL when PostgreSQL cannot be
 *  reached (after a bounded wait when all are in use). */
PGconn *store_acquire (struct store *store);
/** Gives it back; a connection that broke is closed instead of kept. */
void store_release (struct store *store, PGconn *conn);

/** Opens a connection outside the pool (migrations, the engine's loader,
 *  LISTEN); NULL on failure with the reason in err. */
PGconn *store_connect (const char *url, bool prepare, char *err, size_t err_len);

/** Runs a prepared statement with text parameters. */
PGresult *store_exec (PGconn *conn, enum stmt s, int n_params,
                      const char *const *params);

/** Runs one constant command (BEGIN, COMMIT, ...); true if it succeeded. */
bool store_command (PGconn *conn, const char *sql);

/** True when a failure was the connection's (answer 503), not the query's. */
bool store_conn_lost (PGconn *conn);

/** SELECT 1 on a pooled connection. */
bool store_ping (struct store *store);

/** Runs a statement that returns one JSON text value and parses it; NULL
 *  when there is no row. `*failed` tells a failure from no row. */
json_t *store_json (PGconn *conn, enum stmt s, int n_params,
                    const char *const *params, bool *failed);

/* ---- screenings (store_screenings.c) ---- */

/** A screening as recorded: every value as text, NULL for SQL NULL. */
struct screening_row {
  const char *id, *created_at, *api_key_id, *idempotency_key, *request_hash;
  const char *chain, *address, *amount, *usd, *asset, *direction, *reference;
  const char *decision, *score, *level, *model, *config_hash, *epoch;
  const char *response;             /**< the answer, byte for byte */
};

enum record_result {
  RECORD_STORED,                    /**< committed */
  RECORD_REPLAY,                    /**< same key, same request: the first answer */
  RECORD_REUSED,                    /**< same key, another request */
  RECORD_FAILED
};

/** Records a screening; with an idempotency key already used, gives back
 *  the first answer (malloc'd) in *first. */
enum record_result store_screening_record (PGconn *conn, const struct screening_row *row,
                                           char **first);

/** A screening's answer (malloc'd), or NULL: *failed tells an error from
 *  "no such screening". */
char *store_screening_get (PGconn *conn, const char *id, bool *failed);

/** Filters of a screenings listing; NULL fields do not filter. */
struct screening_filter {
  const char *chain, *address, *reference, *decision, *since, *before_seq;
  unsigned limit;
};

/** A page, newest first: `{"items":[...],"next_cursor":...}` (malloc'd),
 *  or NULL on failure. */
char *store_screening_list (PGconn *conn, const struct screening_filter *f);

#endif
/* end of store.h */
