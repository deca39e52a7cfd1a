/*
 * graph_scores.c -- every address's score, computed once per graph so the
 * ranking and the changes feed read numbers instead of recomputing them.
 * Addresses are cut into ranges, one pool task each; every score is the
 * same function of the graph (risk_score), so threads change nothing.
 */
#include <stdlib.h>
#include "riskd/graph.h"
#include "riskd/pool.h"
#include "riskd/risk.h"

/** Addresses per task. */
#define RANGE 65536

struct scoring {
  struct graph *g;
  const struct scoring_config *cfg;
};

static void
score_range (void *arg, size_t task, unsigned worker)
{
  struct scoring *sc = arg;
  struct graph *g = sc->g;
  uint32_t end = (uint32_t) ((task + 1) * RANGE < g->addrs.n ? (task + 1) * RANGE : g->addrs.n);

  (void) worker;
  for (uint32_t a = (uint32_t) (task * RANGE); a < end; a++)
  {
    g->score[a] = risk_score (g, a, MODEL_HAIRCUT, sc->cfg, &g->category_mask[a]);
    g->level[a] = (uint8_t) scoring_level (sc->cfg, g->score[a]);
  }
}

int
graph_score_all (struct graph *g, const struct scoring_config *cfg, struct pool *pool)
{
  struct scoring sc = { .g = g, .cfg = cfg };
  size_t n = g->addrs.n, tasks = (n + RANGE - 1) / RANGE;

  g->score = malloc ((n + 1) * sizeof *g->score);
  g->level = malloc (n + 1);
  g->category_mask = malloc ((n + 1) * sizeof *g->category_mask);
  if (g->score == NULL || g->level == NULL || g->category_mask == NULL)
    return -1;
  if (pool)
    pool_parallel_for (pool, tasks, score_range, &sc);
  else
    for (size_t t = 0; t < tasks; t++)
      score_range (&sc, t, 0);
  return 0;
}

/* end of graph_scores.c */
