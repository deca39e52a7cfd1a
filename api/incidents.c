/*
 * incidents.c -- GET /v1/incidents and GET /v1/incidents/{id}: the thefts
 * of the seed data with their sources, UN report, doubts and addresses.
 * The documents are assembled by the database (views of migration 002).
 */
#include <stdlib.h>
#include <string.h>
#include "riskd/api.h"
#include "riskd/app.h"
#include "riskd/store.h"

/** Runs a JSON-returning statement on a pooled connection; answers the
 *  errors; NULL with `*found` false when there was no row. */
static json_t *
fetch (struct request *rq, enum stmt s, int n, const char *const *params)
{
  struct store *store = rq_app (rq)->store;
  PGconn *conn = store_acquire (store);
  bool failed;

  if (conn == NULL)
  {
    reply_problem (rq, PROBLEM_DATABASE_UNAVAILABLE, "PostgreSQL cannot be reached");
    return NULL;
  }
  json_t *doc = store_json (conn, s, n, params, &failed);
  if (failed)
    reply_problem (rq, store_conn_lost (conn) ? PROBLEM_DATABASE_UNAVAILABLE
                                              : PROBLEM_INTERNAL,
                   "the incidents could not be read");
  store_release (store, conn);
  return doc;
}

static void
list_job (struct request *rq)
{
  json_t *list = fetch (rq, STMT_INCIDENTS, 0, NULL);

  if (list)
    api_reply_tagged (rq, json_pack ("{s:I, s:o}", "count", (json_int_t) json_array_size (list),
                                 "incidents", list));
}

void
api_incidents_list (struct request *rq)
{
  rq_defer (rq, list_job);
}

static void
get_job (struct request *rq)
{
  const char *params[] = { rq_arg (rq, 0) };
  json_t *doc = fetch (rq, STMT_INCIDENT, 1, params);

  if (doc)
    api_reply_tagged (rq, doc);
  else if (!rq_answered (rq))
    reply_problem (rq, PROBLEM_INCIDENT_NOT_FOUND, "no incident has this id; see /v1/incidents");
}

void
api_incident_get (struct request *rq)
{
  /* Ids are short slugs; anything else cannot match (and is not sent). */
  const char *id = rq_arg (rq, 0);
  if (strlen (id) > 100 || strspn (id, "abcdefghijklmnopqrstuvwxyz0123456789.-_") != strlen (id))
  {
    reply_problem (rq, PROBLEM_INCIDENT_NOT_FOUND, "no incident has this id; see /v1/incidents");
    return;
  }
  rq_defer (rq, get_job);
}

/* end of incidents.c */
