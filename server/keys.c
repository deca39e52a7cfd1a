/*
 * keys.c -- API keys in PostgreSQL and the cached check of each request
 * (see keys.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include "riskd/clock.h"
#include "riskd/digest.h"
#include "riskd/keys.h"
#include "riskd/log.h"
#include "riskd/store.h"

/** How long a checked key is trusted without asking PostgreSQL again. */
#define KEY_CACHE_MS 1000
/** Cache slots (a cache: a collision just evicts). */
#define KEY_CACHE_SLOTS 1024

static const char *const scope_names[] = { "read", "screen", "ingest", "admin" };

int
scopes_parse (const char *list, unsigned *mask)
{
  *mask = 0;
  for (const char *p = list; p && *p;)
  {
    size_t n = strcspn (p, ",");
    unsigned bit = 0;
    for (unsigned i = 0; i < 4; i++)
      if (strlen (scope_names[i]) == n && strncmp (scope_names[i], p, n) == 0)
        bit = 1u << i;
    if (bit == 0)
      return -1;
    *mask |= bit;
    p += n + (p[n] == ',');
  }
  return *mask ? 0 : -1;
}

void
scopes_format (unsigned mask, char *out, size_t len)
{
  out[0] = '\0';
  for (unsigned i = 0; i < 4; i++)
    if (mask & (1u << i))
      snprintf (out + strlen (out), len - strlen (out), "%s%s", out[0] ? "," : "",
                scope_names[i]);
}

static void
hex (const uint8_t *bytes, size_t n, char *out)
{
  for (size_t i = 0; i < n; i++)
    snprintf (out + 2 * i, 3, "%02x", bytes[i]);
}

int
keys_create (PGconn *conn, const char *name, unsigned scopes, unsigned rate_limit,
             char key[KEY_LEN + 1], char id[KEY_ID_LEN + 1], char *err, size_t err_len)
{
  uint8_t random[30], digest[32];
  char secret_hex[61], digest_hex[65], scope_list[64], rate[16];

  if (getrandom (random, sizeof random, 0) != (ssize_t) sizeof random)
  {
    snprintf (err, err_len, "no randomness available");
    return -1;
  }
  hex (random, sizeof random, secret_hex);
  snprintf (id, KEY_ID_LEN + 1, "rk_%.12s", secret_hex);
  snprintf (key, KEY_LEN + 1, "%s_%s", id, secret_hex + 12);
  sha256 (key, strlen (key), digest);
  hex (digest, sizeof digest, digest_hex);
  scopes_format (scopes, scope_list, sizeof scope_list);
  snprintf (rate, sizeof rate, "%u", rate_limit);
  const char *params[] = { id, name, digest_hex, scope_list, rate };
  PGresult *res = store_exec (conn, STMT_KEY_INSERT, 5, params);
  int rc = PQresultStatus (res) == PGRES_COMMAND_OK ? 0 : -1;
  if (rc)
    snprintf (err, err_len, "%s", PQresultErrorMessage (res));
  PQclear (res);
  return rc;
}

json_t *
keys_list (PGconn *conn)
{
  bool failed;
  return store_json (conn, STMT_KEY_LIST, 0, NULL, &failed);
}

int
keys_revoke (PGconn *conn, const char *id)
{
  const char *params[] = { id };
  PGresult *res = store_exec (conn, STMT_KEY_REVOKE, 1, params);
  int rc = PQresultStatus (res) != PGRES_TUPLES_OK ? -1 : PQntuples (res) > 0;

  PQclear (res);
  return rc;
}

/* ---- the per-request check ---- */

/** A key as last read from PostgreSQL (or known not to exist). */
struct cached_key {
  char id[KEY_ID_LEN + 1];
  bool exists, revoked;
  uint8_t hash[32];
  unsigned scopes, rate_limit;
  double fetched_ms;
};

struct auth {
  struct store *store;
  pthread_mutex_t lock;
  struct cached_key slots[KEY_CACHE_SLOTS];
};

struct auth *
auth_new (struct store *store)
{
  struct auth *a = calloc (1, sizeof *a);

  if (a == NULL)
    return NULL;
  a->store = store;
  pthread_mutex_init (&a->lock, NULL);
  return a;
}

void
auth_free (struct auth *a)
{
  if (a == NULL)
    return;
  pthread_mutex_destroy (&a->lock);
  free (a);
}

/** Equal in constant time: how long it takes does not say where they differ. */
static bool
same_hash (const uint8_t *a, const uint8_t *b)
{
  uint8_t diff = 0;

  for (int i = 0; i < 32; i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}

/** Reads a key from PostgreSQL into `k`; -1 when unreachable. */
static int
fetch_key (struct auth *a, const char *id, struct cached_key *k)
{
  PGconn *conn = store_acquire (a->store);
  const char *params[] = { id };

  if (conn == NULL)
    return -1;
  PGresult *res = store_exec (conn, STMT_KEY_GET, 1, params);
  int rc = PQresultStatus (res) == PGRES_TUPLES_OK ? 0 : -1;
  memset (k, 0, sizeof *k);
  snprintf (k->id, sizeof k->id, "%s", id);
  if (rc == 0 && PQntuples (res) == 1)
  {
    const char *h = PQgetvalue (res, 0, 0);
    for (int i = 0; i < 32; i++)
      sscanf (h + 2 * i, "%2hhx", &k->hash[i]);
    k->exists = true;
    if (scopes_parse (PQgetvalue (res, 0, 1), &k->scopes) != 0)
      k->scopes = 0;
    k->rate_limit = (unsigned) atoi (PQgetvalue (res, 0, 2));
    k->revoked = PQgetvalue (res, 0, 3)[0] == 't';
  }
  PQclear (res);
  store_release (a->store, conn);
  k->fetched_ms = clock_ms ();
  return rc;
}

enum auth_status
auth_verify (struct auth *a, const char *authorization, struct principal *out)
{
  const char *key;
  uint8_t digest[32];
  struct cached_key k;
  char id[KEY_ID_LEN + 1];

  if (authorization == NULL || strncasecmp (authorization, "Bearer ", 7) != 0)
    return AUTH_MISSING;
  key = authorization + 7;
  while (*key == ' ')
    key++;
  if (strlen (key) != KEY_LEN || strncmp (key, "rk_", 3) != 0 || key[KEY_ID_LEN] != '_')
    return AUTH_INVALID;
  memcpy (id, key, KEY_ID_LEN);
  id[KEY_ID_LEN] = '\0';
  sha256 (key, KEY_LEN, digest);

  uint32_t slot = 0;
  for (const char *p = id; *p; p++)
    slot = slot * 31 + (unsigned char) *p;
  slot %= KEY_CACHE_SLOTS;
  pthread_mutex_lock (&a->lock);
  k = a->slots[slot];
  pthread_mutex_unlock (&a->lock);
  bool cached = strcmp (k.id, id) == 0;
  if (!cached || clock_ms () - k.fetched_ms > KEY_CACHE_MS)
  {
    struct cached_key fresh;
    if (fetch_key (a, id, &fresh) == 0)
    {
      k = fresh;
      pthread_mutex_lock (&a->lock);
      a->slots[slot] = fresh;
      pthread_mutex_unlock (&a->lock);
    }
    else if (!cached)
      return AUTH_UNAVAILABLE;  /* else: PostgreSQL is away, trust the cache */
  }
  if (!k.exists || k.revoked || !same_hash (k.hash, digest))
    return AUTH_INVALID;
  snprintf (out->key_id, sizeof out->key_id, "%s", id);
  out->scopes = k.scopes;
  out->rate_limit = k.rate_limit;
  return AUTH_OK;
}

/* end of keys.c */
