/*
 * stats.c -- GET /v1/stats: what riskd holds, for a dashboard's header:
 * the graph (addresses, flows, labels, keys, addresses per level, epoch),
 * and what the database counts (incidents, screenings by decision, when
 * the last import changed the data). Tagged by its bytes.
 */
#include "riskd/api.h"
#include "riskd/app.h"
#include "riskd/engine.h"
#include "riskd/ingest.h"
#include "riskd/ranking.h"
#include "riskd/store.h"

static void
stats_job (struct request *rq)
{
  struct app *app = rq_app (rq);
  PGconn *conn = store_acquire (app->store);
  bool failed = true;
  json_t *db = conn ? store_json (conn, STMT_STATS, 0, NULL, &failed) : NULL;
  bool lost = store_conn_lost (conn);
  char built[32];

  store_release (app->store, conn);
  if (db == NULL)
  {
    reply_problem (rq, lost ? PROBLEM_DATABASE_UNAVAILABLE : PROBLEM_INTERNAL,
                   "the database's counts could not be read");
    return;
  }
  struct graph *g = api_graph (rq);
  if (g == NULL)
  {
    json_decref (db);
    return;
  }
  struct ranking *r = history_ranking (engine_history (app->engine), g->epoch);
  rfc3339_format (g->built_at_us, built);
  json_t *doc = json_pack ("{s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:f, s:{s:I, s:I, s:I, s:I}}",
    "epoch", (json_int_t) g->epoch, "addresses", (json_int_t) graph_addresses (g),
    "flows", (json_int_t) g->n_flows, "labels", (json_int_t) g->n_labels,
    "taint_keys", (json_int_t) g->n_keys, "ranked", (json_int_t) (r ? r->n : 0),
    "graph_built_at", built, "graph_build_ms", g->build_ms,
    "levels", "low", (json_int_t) (r ? r->by_level[LEVEL_LOW] : 0),
              "medium", (json_int_t) (r ? r->by_level[LEVEL_MEDIUM] : 0),
              "high", (json_int_t) (r ? r->by_level[LEVEL_HIGH] : 0),
              "severe", (json_int_t) (r ? r->by_level[LEVEL_SEVERE] : 0));
  ranking_release (r);
  graph_release (g);
  json_object_update (doc, db);
  json_decref (db);
  api_reply_tagged (rq, doc);
}

void
api_stats_get (struct request *rq)
{
  rq_defer (rq, stats_job);
}

/* end of stats.c */
