/*
 * trace.c -- GET /v1/addresses/{chain}/{address}/trace: how taint reached
 * an address, path by path, hop by hop (see server/trace.c). Bounded:
 * at most max_paths paths (default 5) of max_depth hops (default 6), the
 * 5 keys carrying the most value, 2 million flows replayed and 2 seconds;
 * "truncated" says when a bound cut the search.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "riskd/api.h"
#include "riskd/app.h"
#include "riskd/ingest.h"
#include "riskd/trace.h"

static const struct trace_limits defaults = {
  .max_paths = 5, .max_depth = 6, .max_keys = 5, .max_visits = 2000000, .budget_ms = 2000,
};

/** What the handler checked, for the job. */
struct trace_request {
  enum chain chain;
  char address[ADDRESS_MAX + 1];
  struct trace_limits limits;
};

static json_t *
hop_document (const struct graph *g, const struct trace_hop *h)
{
  const struct graph_flow *f = &g->flows[h->flow];
  char time[32];

  rfc3339_format (f->time_us, time);
  return json_pack ("{s:s, s:s, s:s, s:i, s:s, s:f, s:f}",
    "from", graph_address (g, f->from), "to", graph_address (g, f->to),
    "tx_hash", graph_flow_tx (g, f), "idx", f->idx, "time", time,
    "value", round (f->value * 1e8) / 1e8, "tainted_usd", round (h->tainted * 1e8) / 1e8);
}

static json_t *
paths_document (const struct graph *g, const struct trace_result *r,
                const struct scoring_config *cfg)
{
  static const char *kinds[] = { "incident", "entity", "category" };
  json_t *paths = json_array ();

  for (unsigned i = 0; i < r->n_paths; i++)
  {
    const struct trace_path *p = &r->paths[i];
    const struct graph_key *k = &g->keys[p->key];
    json_t *hops = json_array ();
    for (unsigned h = 0; h < p->n_hops; h++)
      json_array_append_new (hops, hop_document (g, &p->hops[h]));
    json_array_append_new (paths, json_pack ("{s:s, s:s, s:s, s:s, s:f, s:i, s:o}",
      "key", strtab_get (&g->names, k->name), "kind", kinds[k->kind],
      "category", cfg->category[k->category],
      "source", graph_address (g, g->flows[p->hops[0].flow].from),
      "tainted_usd", round (p->value * 1e8) / 1e8, "hop_count", (int) p->n_hops,
      "hops", hops));
  }
  return paths;
}

static void
trace_job (struct request *rq)
{
  const struct trace_request *tr = rq_state (rq);
  struct trace_result r;

  struct graph *g = api_graph (rq);
  if (g == NULL)
    return;
  int64_t a = graph_find (g, tr->chain, tr->address);
  if (a >= 0 && trace_compute (g, (uint32_t) a, &tr->limits, &r) != 0)
  {
    reply_problem (rq, PROBLEM_INTERNAL, "out of memory while tracing");
    graph_release (g);
    return;
  }
  if (a < 0)
    memset (&r, 0, sizeof r);
  reply_json (rq, 200, json_pack (
    "{s:s, s:s, s:b, s:I, s:o, s:i, s:i, s:I, s:b, s:s?, s:{s:i, s:i, s:i, s:I, s:i}}",
    "chain", chain_name (tr->chain), "address", tr->address, "known", a >= 0,
    "epoch", (json_int_t) g->epoch, "paths", paths_document (g, &r, &rq_app (rq)->cfg->scoring),
    "keys_reaching", (int) r.keys_reaching, "keys_traced", (int) r.keys_traced,
    "flows_visited", (json_int_t) r.flows_visited, "truncated", r.truncated,
    "truncated_by", r.truncated_by,
    "limits", "max_paths", (int) tr->limits.max_paths, "max_depth", (int) tr->limits.max_depth,
              "max_keys", (int) tr->limits.max_keys, "max_visits", (json_int_t) tr->limits.max_visits,
              "budget_ms", (int) tr->limits.budget_ms));
  graph_release (g);
}

void
api_trace_get (struct request *rq)
{
  struct trace_request *tr = calloc (1, sizeof *tr);

  if (tr == NULL)
  {
    reply_problem (rq, PROBLEM_INTERNAL, "out of memory");
    return;
  }
  rq_set_state (rq, tr, free);
  tr->limits = defaults;
  if (api_address (rq, rq_arg (rq, 0), rq_arg (rq, 1), &tr->chain, tr->address) != 0
      || api_uint_param (rq, "max_paths", defaults.max_paths, 1, TRACE_MAX_PATHS,
                         &tr->limits.max_paths) != 0
      || api_uint_param (rq, "max_depth", defaults.max_depth, 1, TRACE_MAX_DEPTH,
                         &tr->limits.max_depth) != 0)
    return;
  rq_defer (rq, trace_job);
}

/* end of trace.c */
