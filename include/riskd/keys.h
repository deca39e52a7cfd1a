/*
 * keys.h -- API keys: scopes, creation, listing, revocation, and the
 * per-request check with a short-lived cache.
 *
 * A key reads "rk_" + 12 hex (its id, public) + "_" + 48 hex (its secret).
 * Only SHA-256 of the whole key is stored; a presented key is hashed and
 * compared in constant time. Keys are cached for a second, so a revoked
 * key stops working within about a second on every instance, and keys
 * seen before an outage keep working while PostgreSQL is unreachable.
 */
#ifndef RISKD_KEYS_H
#define RISKD_KEYS_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

enum scope { SCOPE_READ = 1, SCOPE_SCREEN = 2, SCOPE_INGEST = 4, SCOPE_ADMIN = 8 };

#define KEY_ID_LEN 15         /**< "rk_" + 12 hex */
#define KEY_LEN 64            /**< id + "_" + 48 hex */

/** "read,screen" -> mask; -1 when a name is not a scope or the list is empty. */
int scopes_parse (const char *list, unsigned *mask);
/** mask -> "read,screen". */
void scopes_format (unsigned mask, char *out, size_t len);

/** Creates a key; writes the key (shown once) and its id. 0, or -1 with a
 *  reason in err. */
int keys_create (PGconn *conn, const char *name, unsigned scopes, unsigned rate_limit,
                 char key[KEY_LEN + 1], char id[KEY_ID_LEN + 1], char *err, size_t err_len);
/** Every key (never the secrets), as a JSON array; NULL on failure. */
json_t *keys_list (PGconn *conn);
/** 1 revoked (or already), 0 no such key, -1 failure. */
int keys_revoke (PGconn *conn, const char *id);

/** The caller behind a request. */
struct principal {
  char key_id[KEY_ID_LEN + 1];
  unsigned scopes;
  unsigned rate_limit;        /**< requests per minute */
};

enum auth_status {
  AUTH_OK,
  AUTH_MISSING,               /**< no Authorization: Bearer header */
  AUTH_INVALID,               /**< unknown, malformed or revoked key */
  AUTH_UNAVAILABLE            /**< key not cached and PostgreSQL unreachable */
};

struct store;
struct auth;

struct auth *auth_new (struct store *store);
void auth_free (struct auth *a);

/** Checks an Authorization header value (may be NULL). */
enum auth_status auth_verify (struct auth *a, const char *authorization,
                              struct principal *out);

#endif
/* end of keys.h */
