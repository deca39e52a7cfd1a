/*
 * fixture.h -- small graphs for the engine's unit tests, written as tables:
 * flows between short names ("H", "A") and labels on them. The builder
 * takes canonical strings without validating them (imports do), and every
 * flow is eth.
 */
#ifndef RISKD_TEST_FIXTURE_H
#define RISKD_TEST_FIXTURE_H

#include <stdio.h>
#include <string.h>
#include "riskd/graph.h"
#include "riskd/risk.h"

static struct scoring_config cfg;

/** A flow of a test case: from, to, value, time (seconds), block, pos. */
struct tflow {
  const char *from, *to;
  double value;
  int64_t time_s;
  int64_t block;
  int32_t pos;
  const char *tx;    /**< NULL: a hash made from the row number */
  int32_t idx;
};

/** Flows in test tables: value and time; then block and pos; then tx, idx. */
#define FL(f, t, v, ts) { .from = f, .to = t, .value = v, .time_s = ts }
#define FB(f, t, v, ts, b, p) \
  { .from = f, .to = t, .value = v, .time_s = ts, .block = b, .pos = p }
#define FT(f, t, v, ts, b, p, h, i) \
  { .from = f, .to = t, .value = v, .time_s = ts, .block = b, .pos = p, \
    .tx = h, .idx = i }

/** A label of a test case. */
struct tlabel {
  const char *address, *category, *entity, *incident;
};

static inline int
add_flows (struct graph_builder *b, const struct tflow *flows, size_t n,
           const size_t *order)
{
  for (size_t j = 0; j < n; j++)
  {
    size_t i = order ? order[j] : j;
    char tx[32];
    snprintf (tx, sizeof tx, "tx%03zu", i);
    const struct tflow *f = &flows[i];
    if (graph_builder_add_flow (b, CHAIN_ETH, f->tx ? f->tx : tx, f->idx,
                                f->from, f->to, f->value,
                                f->time_s * 1000000, f->block ? f->block : -1,
                                f->pos ? f->pos : -1) != 0)
      return -1;
  }
  return 0;
}

static inline int
add_labels (struct graph_builder *b, const struct tlabel *labels, size_t n)
{
  for (size_t i = 0; i < n; i++)
  {
    const struct tlabel *l = &labels[i];
    int cat = scoring_category (&cfg, l->category);
    if (cat < 0 || graph_builder_add_label (b, CHAIN_ETH, l->address, (unsigned) cat,
                                            l->entity ? l->entity : "",
                                            l->incident ? l->incident : "",
                                            "test") != 0)
      return -1;
  }
  return 0;
}

/** Builds a graph from a case; `order` permutes the flows (NULL: as given). */
static inline struct graph *
build (const struct tflow *flows, size_t n_flows, const struct tlabel *labels,
       size_t n_labels, const size_t *order, struct pool *pool)
{
  struct graph_builder *b = graph_builder_new (NULL);

  if (b == NULL || add_flows (b, flows, n_flows, order) != 0
      || add_labels (b, labels, n_labels) != 0)
  {
    graph_builder_free (b);
    return NULL;
  }
  return graph_builder_finish (b, &cfg, pool, 1);
}

#define BUILD(flows, labels) \
  build (flows, sizeof flows / sizeof *flows, labels, \
         sizeof labels / sizeof *labels, NULL, NULL)

/** Risk of an address by name. */
static inline struct risk
risk_of (const struct graph *g, const char *name, enum model model)
{
  struct risk r;
  risk_compute (g, graph_find (g, CHAIN_ETH, name), model, &cfg, &r);
  return r;
}

/** The category entry of a risk, or NULL. */
static inline const struct risk_category *
category_of (const struct risk *r, const char *name)
{
  for (unsigned i = 0; i < r->n_categories; i++)
    if (strcmp (cfg.category[r->categories[i].category], name) == 0)
      return &r->categories[i];
  return NULL;
}

#endif
/* end of fixture.h */
