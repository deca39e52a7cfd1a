/*
 * risk.c -- GET /v1/addresses/{chain}/{address}/risk[?model=]
 *
 * The answer is the address's risk document at the graph's epoch. Scores
 * are cached in Redis under a key that holds the database id, the epoch,
 * the model and the scoring configuration's hash, so a cached score can
 * only ever be served for the very graph and configuration it was computed
 * from. The document is stored without its last member, "cached", which is
 * appended when it is served. In front of Redis, an in-process tier
 * (hotcache.c) answers the hottest addresses without a round trip.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "riskd/clock.h"
#include "riskd/api.h"
#include "riskd/app.h"
#include "riskd/cache.h"
#include "riskd/hotcache.h"
#include "riskd/ingest.h"
#include "riskd/risk.h"

/** Shares and exposures are shown to 6 decimals, values to 8 (satoshis). */
static json_t *
share_value (double x)
{
  return json_real (round (x * 1e6) / 1e6);
}

static json_t *
money_value (double x)
{
  return json_real (round (x * 1e8) / 1e8);
}

static const char *
key_kind_name (uint8_t kind)
{
  return kind == KEY_INCIDENT ? "incident" : kind == KEY_ENTITY ? "entity" : "category";
}

/** "" stands for absent: shown as null. */
static json_t *
optional_string (const char *s)
{
  return s[0] ? json_string (s) : json_null ();
}

static json_t *
labels_of (const struct graph *g, int64_t a, const struct scoring_config *cfg)
{
  json_t *labels = json_array ();

  for (uint32_t i = a < 0 ? 0 : g->label_off[a]; a >= 0 && i < g->label_off[a + 1]; i++)
  {
    const struct graph_label *l = &g->labels[i];
    json_array_append_new (labels, json_pack ("{s:s, s:o, s:o, s:s}",
      "category", cfg->category[l->category],
      "entity", optional_string (strtab_get (&g->names, l->entity)),
      "incident_id", optional_string (strtab_get (&g->names, l->incident)),
      "source", strtab_get (&g->names, l->source)));
  }
  return labels;
}

static json_t *
categories_of (const struct risk *r, const struct scoring_config *cfg)
{
  json_t *list = json_array ();

  for (unsigned i = 0; i < r->n_categories; i++)
  {
    const struct risk_category *c = &r->categories[i];
    json_array_append_new (list, json_pack ("{s:s, s:o, s:o, s:o, s:o, s:i}",
      "category", cfg->category[c->category],
      "severity", json_real (cfg->severity[c->category]),
      "exposure", share_value (c->exposure),
      "tainted_usd", money_value (c->tainted),
      "holding", share_value (c->holding),
      "hops", (int) c->hops));
  }
  return list;
}

static json_t *
sources_of (const struct graph *g, const struct risk *r, const struct scoring_config *cfg)
{
  json_t *list = json_array ();

  for (unsigned i = 0; i < r->n_sources; i++)
  {
    const struct risk_source *s = &r->sources[i];
    const struct graph_key *k = &g->keys[s->key];
    json_array_append_new (list, json_pack ("{s:s, s:s, s:s, s:o, s:o, s:o, s:i}",
      "key", strtab_get (&g->names, k->name),
      "kind", key_kind_name (k->kind),
      "category", cfg->category[k->category],
      "share", share_value (s->share),
      "tainted_usd", money_value (s->tainted),
      "holding", share_value (s->holding),
      "hops", (int) s->hops));
  }
  return list;
}

json_t *
api_risk_document (const struct graph *g, int64_t a, enum chain chain,
                   const char *address, enum model model,
                   const struct scoring_config *cfg)
{
  struct risk r;
  char computed_at[32];

  risk_compute (g, a, model, cfg, &r);
  /* Milliseconds are enough to tell computations apart. */
  rfc3339_format (clock_wall_us () / 1000 * 1000, computed_at);
  return json_pack ("{s:s, s:s, s:b, s:o, s:s, s:{s:s, s:s, s:s}, s:o, s:o, s:o,"
                    " s:i, s:o, s:o, s:I, s:s}",
    "chain", chain_name (chain),
    "address", address,
    "known", r.known,
    "score", json_real (r.score),
    "level", level_name (r.level),
    "model", "name", model_name (model), "version", model_version (model),
             "config", cfg->hash,
    "labels", labels_of (g, a, cfg),
    "categories", categories_of (&r, cfg),
    "sources", sources_of (g, &r, cfg),
    "sources_total", (int) r.n_sources_total,
    "received_usd", money_value (r.received),
    "balance_usd", money_value (r.balance),
    "epoch", (json_int_t) g->epoch,
    "computed_at", computed_at);
}

/** The answer: a stored document plus its "cached" member (malloc'd). */
static char *
with_cached (const char *doc, size_t len, bool cached, size_t *out_len)
{
  static const char hit[] = ",\"cached\":true}", miss[] = ",\"cached\":false}";
  const char *tail = cached ? hit : miss;
  size_t tail_len = strlen (tail);
  char *body = len > 0 && doc[len - 1] == '}' ? malloc (len - 1 + tail_len) : NULL;

  if (body)
  {
    memcpy (body, doc, len - 1);
    memcpy (body + len - 1, tail, tail_len);
    *out_len = len - 1 + tail_len;
  }
  return body;
}

void
api_risk_get (struct request *rq)
{
  struct app *app = rq_app (rq);
  struct riskd_config *cfg = app->cfg;
  char address[ADDRESS_MAX + 1], key[256], etag[96], extra[48];
  enum chain chain;
  enum model model;
  char *doc, *body = NULL;
  size_t len, body_len;

  if (api_address (rq, rq_arg (rq, 0), rq_arg (rq, 1), &chain, address) != 0
      || api_model (rq, &model) != 0)
    return;
  struct graph *g = api_graph (rq);
  if (g == NULL)
    return;
  /* The document is a function of the graph, model and configuration. */
  snprintf (extra, sizeof extra, "%s-%s", model_name (model), cfg->scoring.hash);
  api_epoch_etag (g, extra, etag);
  if (api_not_modified (rq, etag))
  {
    graph_release (g);
    return;
  }
  snprintf (key, sizeof key, "riskd:risk:%s:%llu:%s:%s:%s:%s", g->source_id,
            (unsigned long long) g->epoch, model_name (model), cfg->scoring.hash,
            chain_name (chain), address);
  uint64_t epoch = g->epoch;
  /* In this process first (no round trip), then Redis, then the engine. */
  if ((body = hotcache_get (app->hot, epoch, key, &body_len)) == NULL)
  {
    if (cache_get (app->cache, key, &doc, &len) == 1)
      body = with_cached (doc, len, true, &body_len);
    else
    {
      json_t *d = api_risk_document (g, graph_find (g, chain, address), chain, address,
                                     model, &cfg->scoring);
      doc = d ? json_dumps (d, JSON_COMPACT | JSON_REAL_PRECISION (15)) : NULL;
      json_decref (d);
      if (doc)
      {
        len = strlen (doc);
        cache_set (app->cache, key, doc, len, cfg->cache_ttl_s);
        body = with_cached (doc, len, false, &body_len);
      }
    }
    if (body)                 /* later answers from here say cached: true */
    {
      size_t hit_len;
      char *hit = with_cached (doc, len, true, &hit_len);
      if (hit)
        hotcache_put (app->hot, epoch, key, hit, hit_len);
      free (hit);
    }
    free (doc);
  }
  graph_release (g);
  if (body == NULL)
  {
    reply_problem (rq, PROBLEM_INTERNAL, "a risk document could not be built");
    return;
  }
  reply_owned (rq, 200, "application/json", body, body_len);
  api_set_etag (rq, etag);
}

/* end of risk.c */
