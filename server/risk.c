/*
 * risk.c -- SPEC 4's outputs and score for one address.
 *
 * Per key: exposure = rt/r, holding = t/b, hops. Per category (keys in
 * key order, which is by category first): haircut x_c = min(1, sum of
 * exposures), poison x_c = min(1, max 0.5^(hops-1)). A labelled address
 * scores 100 * max severity of its own labels; any other address
 * 100 * (1 - prod_c (1 - severity_c * x_c)), products in category order.
 */
#include <math.h>
#include <string.h>
#include "riskd/risk.h"

double
risk_round2 (double x)
{
  return round (x * 100.0) / 100.0;
}

/** Model weight of one key at the address. */
static double
key_weight (enum model model, const struct graph_taint *t, double received)
{
  if (model == MODEL_POISON)
  {
    if (t->hops == 0)
      return 1;                 /* its own key */
    return ldexp (1.0, -(int) (t->hops > 1000 ? 1000 : t->hops - 1));
  }
  return received > 0 ? t->received / received : 0;
}

/** Inserts a source into the top list, kept sorted by tainted value
 *  descending, then key ascending (deterministic under ties). */
static void
add_source (struct risk *out, const struct risk_source *src)
{
  unsigned n = out->n_sources, i = n;

  while (i > 0 && (out->sources[i - 1].tainted < src->tainted
                   || (out->sources[i - 1].tainted == src->tainted
                       && out->sources[i - 1].key > src->key)))
    i--;
  if (i >= RISK_MAX_SOURCES)
    return;
  if (n == RISK_MAX_SOURCES)
    n--;
  memmove (&out->sources[i + 1], &out->sources[i], (n - i) * sizeof *src);
  out->sources[i] = *src;
  out->n_sources = n + 1;
}

/** Category entry for `category`, appended if new (keys come in category
 *  order, so a new one always goes last). */
static struct risk_category *
category_entry (struct risk *out, uint8_t category)
{
  if (out->n_categories > 0
      && out->categories[out->n_categories - 1].category == category)
    return &out->categories[out->n_categories - 1];
  struct risk_category *c = &out->categories[out->n_categories++];
  *c = (struct risk_category) { .category = category, .hops = UINT32_MAX };
  return c;
}

/** Adds one key's weight to its category: a sum for haircut, a maximum
 *  for poison (keys arrive in category order). */
static double
combine (enum model model, double acc, double w)
{
  return model == MODEL_POISON ? fmax (acc, w) : acc + w;
}

/** SPEC 4 "Score", from per-category weights (index order) and labels. */
static double
score_of (const struct graph *g, uint32_t a, const double *weight,
          const bool *present, const struct scoring_config *cfg)
{
  double clean = 1, label_severity = 0;

  if (g->addr_flags[a] & ADDR_LABELLED)
  {
    for (uint32_t i = g->label_off[a]; i < g->label_off[a + 1]; i++)
    {
      uint8_t cat = g->labels[i].category;
      if (cat < cfg->n_categories && cfg->severity[cat] > label_severity)
        label_severity = cfg->severity[cat];
    }
    return risk_round2 (100 * label_severity);
  }
  for (unsigned c = 0; c < cfg->n_categories; c++)
    if (present[c])
      clean *= 1 - cfg->severity[c] * fmin (1, weight[c]);
  return risk_round2 (100 * (1 - clean));
}

double
risk_score (const struct graph *g, uint32_t a, enum model model,
            const struct scoring_config *cfg, uint32_t *categories)
{
  double weight[MAX_CATEGORIES] = { 0 };
  bool present[MAX_CATEGORIES] = { false };
  uint32_t mask = 0;

  for (uint32_t i = g->taint_off[a]; i < g->taint_off[a + 1]; i++)
  {
    const struct graph_taint *t = &g->taint[i];
    uint8_t cat = g->keys[t->key].category;
    weight[cat] = combine (model, weight[cat], key_weight (model, t, g->received[a]));
    present[cat] = true;
    if (t->received > 0 || t->hops == 0)
      mask |= 1u << cat;
  }
  for (uint32_t i = g->label_off[a]; i < g->label_off[a + 1]; i++)
    mask |= 1u << g->labels[i].category;
  if (categories)
    *categories = mask;
  return score_of (g, a, weight, present, cfg);
}

void
risk_compute (const struct graph *g, int64_t a, enum model model,
              const struct scoring_config *cfg, struct risk *out)
{
  double weight[MAX_CATEGORIES] = { 0 };
  bool present[MAX_CATEGORIES] = { false };

  memset (out, 0, sizeof *out);
  out->level = scoring_level (cfg, 0);
  if (a < 0)
    return;
  out->known = true;
  out->received = g->received[a];
  out->balance = g->balance[a];
  out->labelled = (g->addr_flags[a] & ADDR_LABELLED) != 0;
  for (uint32_t i = g->taint_off[a]; i < g->taint_off[a + 1]; i++)
  {
    const struct graph_taint *t = &g->taint[i];
    const struct graph_key *key = &g->keys[t->key];
    struct risk_category *c = category_entry (out, key->category);
    double share = out->received > 0 ? t->received / out->received : 0;
    double holding = out->balance > 0 ? t->tainted / out->balance : 0;

    c->exposure += share;
    c->tainted += t->received;
    c->holding += holding;
    if (t->hops < c->hops)
      c->hops = t->hops;
    weight[key->category] = combine (model, weight[key->category],
                                     key_weight (model, t, out->received));
    present[key->category] = true;
    out->n_sources_total++;
    add_source (out, &(struct risk_source) {
      .key = t->key, .share = share, .tainted = t->received,
      .holding = holding, .hops = t->hops,
    });
  }
  for (unsigned i = 0; i < out->n_categories; i++)
  {
    struct risk_category *c = &out->categories[i];
    c->exposure = fmin (1, c->exposure);
    c->holding = fmin (1, c->holding);
    c->weight = fmin (1, weight[c->category]);
  }
  out->score = score_of (g, (uint32_t) a, weight, present, cfg);
  out->level = scoring_level (cfg, out->score);
}

/* end of risk.c */
