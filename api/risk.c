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
#include "riskd/jsonw.h"
#include "riskd/risk.h"

/** Shares and exposures are shown to 6 decimals, values to 8 (satoshis). */
static void
share_value (struct jsonw *w, const char *key, double x)
{
  jsonw_key (w, key);
  jsonw_real (w, round (x * 1e6) / 1e6);
}

static void
money_value (struct jsonw *w, const char *key, double x)
{
  jsonw_key (w, key);
  jsonw_real (w, round (x * 1e8) / 1e8);
}

/** The members a category and a source share: how much of the address's
 *  flow is tainted (`share_key`: exposure or share), how much USD, how much
 *  of what it holds, and the fewest hops from a source. */
static void
taint_members (struct jsonw *w, const char *share_key, double share, double tainted,
               double holding, unsigned hops)
{
  share_value (w, share_key, share);
  money_value (w, "tainted_usd", tainted);
  share_value (w, "holding", holding);
  jsonw_key (w, "hops");
  jsonw_int (w, hops);
}

static void
string_member (struct jsonw *w, const char *key, const char *value)
{
  jsonw_key (w, key);
  jsonw_string (w, value);
}

static const char *
key_kind_name (uint8_t kind)
{
  return kind == KEY_INCIDENT ? "incident" : kind == KEY_ENTITY ? "entity" : "category";
}

static void
labels_of (struct jsonw *w, const struct graph *g, int64_t a, const struct scoring_config *cfg)
{
  jsonw_begin_array (w);
  for (uint32_t i = a < 0 ? 0 : g->label_off[a]; a >= 0 && i < g->label_off[a + 1]; i++)
  {
    const struct graph_label *l = &g->labels[i];
    jsonw_begin_object (w);
    string_member (w, "category", cfg->category[l->category]);
    jsonw_key (w, "entity");
    jsonw_string_or_null (w, strtab_get (&g->names, l->entity));
    jsonw_key (w, "incident_id");
    jsonw_string_or_null (w, strtab_get (&g->names, l->incident));
    string_member (w, "source", strtab_get (&g->names, l->source));
    jsonw_end_object (w);
  }
  jsonw_end_array (w);
}

static void
categories_of (struct jsonw *w, const struct risk *r, const struct scoring_config *cfg)
{
  jsonw_begin_array (w);
  for (unsigned i = 0; i < r->n_categories; i++)
  {
    const struct risk_category *c = &r->categories[i];
    jsonw_begin_object (w);
    string_member (w, "category", cfg->category[c->category]);
    jsonw_key (w, "severity");
    jsonw_real (w, cfg->severity[c->category]);
    taint_members (w, "exposure", c->exposure, c->tainted, c->holding, c->hops);
    jsonw_end_object (w);
  }
  jsonw_end_array (w);
}

static void
sources_of (struct jsonw *w, const struct graph *g, const struct risk *r,
            const struct scoring_config *cfg)
{
  jsonw_begin_array (w);
  for (unsigned i = 0; i < r->n_sources; i++)
  {
    const struct risk_source *s = &r->sources[i];
    const struct graph_key *k = &g->keys[s->key];
    jsonw_begin_object (w);
    string_member (w, "key", strtab_get (&g->names, k->name));
    string_member (w, "kind", key_kind_name (k->kind));
    string_member (w, "category", cfg->category[k->category]);
    taint_members (w, "share", s->share, s->tainted, s->holding, s->hops);
    jsonw_end_object (w);
  }
  jsonw_end_array (w);
}

/* Written, not built as a jansson tree: this is the hot path of an
 * uncached answer (a tree cost a third of it, most in malloc). */
void
api_risk_write (struct jsonw *w, const struct graph *g, int64_t a, enum chain chain,
                const char *address, enum model model, const struct scoring_config *cfg)
{
  struct risk r;
  char computed_at[32];

  risk_compute (g, a, model, cfg, &r);
  /* Milliseconds are enough to tell computations apart. */
  rfc3339_format (clock_wall_us () / 1000 * 1000, computed_at);
  jsonw_begin_object (w);
  string_member (w, "chain", chain_name (chain));
  string_member (w, "address", address);
  jsonw_key (w, "known");
  jsonw_bool (w, r.known);
  jsonw_key (w, "score");
  jsonw_real (w, r.score);
  string_member (w, "level", level_name (r.level));
  jsonw_key (w, "model");
  jsonw_begin_object (w);
  string_member (w, "name", model_name (model));
  string_member (w, "version", model_version (model));
  string_member (w, "config", cfg->hash);
  jsonw_end_object (w);
  jsonw_key (w, "labels");
  labels_of (w, g, a, cfg);
  jsonw_key (w, "categories");
  categories_of (w, &r, cfg);
  jsonw_key (w, "sources");
  sources_of (w, g, &r, cfg);
  jsonw_key (w, "sources_total");
  jsonw_int (w, r.n_sources_total);
  money_value (w, "received_usd", r.received);
  money_value (w, "balance_usd", r.balance);
  jsonw_key (w, "epoch");
  jsonw_int (w, (long long) g->epoch);
  string_member (w, "computed_at", computed_at);
  jsonw_end_object (w);
}

json_t *
api_risk_document (const struct graph *g, int64_t a, enum chain chain,
                   const char *address, enum model model,
                   const struct scoring_config *cfg)
{
  struct jsonw w;
  size_t len;

  jsonw_init (&w);
  api_risk_write (&w, g, a, chain, address, model, cfg);
  char *text = jsonw_finish (&w, &len);
  json_t *doc = text ? json_loadb (text, len, 0, NULL) : NULL;
  free (text);
  return doc;
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
      struct jsonw w;
      jsonw_init (&w);
      api_risk_write (&w, g, graph_find (g, chain, address), chain, address, model,
                      &cfg->scoring);
      if ((doc = jsonw_finish (&w, &len)) != NULL)
      {
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
