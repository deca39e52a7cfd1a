/*
 * keys.c -- GET /v1/keys, POST /v1/keys, DELETE /v1/keys/{id}: API key
 * management for admin keys, the same operations as `riskd keys`. A new
 * key's secret is in the creation answer only; listings never show it.
 */
#include <string.h>
#include "riskd/api.h"
#include "riskd/app.h"
#include "riskd/keys.h"
#include "riskd/store.h"

/** A pooled connection, or NULL after answering 503. */
static PGconn *
connection (struct request *rq)
{
  PGconn *conn = store_acquire (rq_app (rq)->store);

  if (conn == NULL)
    reply_problem (rq, PROBLEM_DATABASE_UNAVAILABLE, "PostgreSQL cannot be reached");
  return conn;
}

static void
list_job (struct request *rq)
{
  PGconn *conn = connection (rq);
  json_t *keys = conn ? keys_list (conn) : NULL;

  if (keys)
    reply_json (rq, 200, json_pack ("{s:o}", "keys", keys));
  else if (conn)
    reply_problem (rq, store_conn_lost (conn) ? PROBLEM_DATABASE_UNAVAILABLE : PROBLEM_INTERNAL,
                   "the keys could not be read");
  store_release (rq_app (rq)->store, conn);
}

void
api_keys_list (struct request *rq)
{
  rq_defer (rq, list_job);
}

/** What a creation asks for, checked. */
struct key_request {
  char name[201];
  unsigned scopes;
  unsigned rate_limit;
};

static void
create_job (struct request *rq)
{
  const struct key_request *kr = rq_state (rq);
  char key[KEY_LEN + 1], id[KEY_ID_LEN + 1], err[256], scopes[64];
  PGconn *conn = connection (rq);

  if (conn == NULL)
    return;
  if (keys_create (conn, kr->name, kr->scopes, kr->rate_limit, key, id, err, sizeof err) != 0)
    reply_problem (rq, store_conn_lost (conn) ? PROBLEM_DATABASE_UNAVAILABLE : PROBLEM_INTERNAL,
                   "the key could not be created");
  else
  {
    scopes_format (kr->scopes, scopes, sizeof scopes);
    json_t *list = json_array ();
    for (char *s = strtok (scopes, ","); s; s = strtok (NULL, ","))
      json_array_append_new (list, json_string (s));
    reply_json (rq, 201, json_pack ("{s:s, s:s, s:s, s:o, s:i}", "id", id, "key", key,
                                    "name", kr->name, "scopes", list,
                                    "rate_limit", (int) kr->rate_limit));
  }
  store_release (rq_app (rq)->store, conn);
}

void
api_key_post (struct request *rq)
{
  json_t *body = rq_json_body (rq), *scope;
  struct key_request *kr = calloc (1, sizeof *kr);
  size_t i;

  if (body == NULL || kr == NULL)
  {
    free (kr);
    json_decref (body);
    return;
  }
  rq_set_state (rq, kr, free);
  if (api_check_fields (rq, body, key_body, key_body_n) == 0)
  {
    json_t *rate = json_object_get (body, "rate_limit");
    kr->rate_limit = rate && !json_is_null (rate) ? (unsigned) json_integer_value (rate) : 6000;
    snprintf (kr->name, sizeof kr->name, "%s", api_string (body, "name"));
    bool bad = false;
    json_array_foreach (json_object_get (body, "scopes"), i, scope)
    {
      unsigned bit;
      bad = bad || !json_is_string (scope) || strchr (json_string_value (scope), ',')
            || scopes_parse (json_string_value (scope), &bit) != 0;
      if (!bad)
        kr->scopes |= bit;
    }
    if (bad)
      kr->scopes = 0;
    if (kr->name[0] == '\0')
      reply_problem_with (rq, PROBLEM_INVALID_BODY, json_pack ("{s:s}", "field", "name"),
                          "'name' must not be empty");
    else if (kr->scopes == 0)
      reply_problem_with (rq, PROBLEM_INVALID_BODY, json_pack ("{s:s}", "field", "scopes"),
                          "'scopes' must list read, screen, ingest or admin");
    else if (json_is_integer (rate) && (json_integer_value (rate) < 1
                                        || json_integer_value (rate) > 100000000))
      reply_problem_with (rq, PROBLEM_INVALID_BODY, json_pack ("{s:s}", "field", "rate_limit"),
                          "'rate_limit' must be from 1 to 100000000 requests per minute");
    else
      rq_defer (rq, create_job);
  }
  json_decref (body);
}

static void
revoke_job (struct request *rq)
{
  PGconn *conn = connection (rq);

  if (conn == NULL)
    return;
  int r = keys_revoke (conn, rq_arg (rq, 0));
  if (r == 1)
    reply_json (rq, 200, json_pack ("{s:s, s:b}", "id", rq_arg (rq, 0), "revoked", 1));
  else if (r == 0)
    reply_problem (rq, PROBLEM_KEY_NOT_FOUND, "no API key has this id");
  else
    reply_problem (rq, store_conn_lost (conn) ? PROBLEM_DATABASE_UNAVAILABLE : PROBLEM_INTERNAL,
                   "the key could not be revoked");
  store_release (rq_app (rq)->store, conn);
}

void
api_key_delete (struct request *rq)
{
  const char *id = rq_arg (rq, 0);

  if (strlen (id) != KEY_ID_LEN || strncmp (id, "rk_", 3) != 0
      || strspn (id + 3, "0123456789abcdef") != KEY_ID_LEN - 3)
    reply_problem (rq, PROBLEM_KEY_NOT_FOUND, "no API key has this id");
  else
    rq_defer (rq, revoke_job);
}

/* end of keys.c */
