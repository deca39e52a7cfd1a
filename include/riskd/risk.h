/*
 * risk.h -- the score of one address under one model, from a graph.
 *
 * Pure arithmetic over the address's taint entries (SPEC 4 "Outputs" and
 * "Score"): no I/O, no allocation, the same numbers on every thread.
 */
#ifndef RISKD_RISK_H
#define RISKD_RISK_H

#include <stdbool.h>
#include <stdint.h>
#include "riskd/graph.h"
#include "riskd/scoring.h"

/** Most sources listed in an answer. */
#define RISK_MAX_SOURCES 10

/** Exposure of the address to one category (summed over its keys). */
struct risk_category {
  uint8_t category;     /**< index into the scoring configuration */
  double exposure;      /**< min(1, sum of rt/r): share of all it received */
  double tainted;       /**< sum of rt: tainted value received */
  double holding;       /**< min(1, sum of t/b): share of what it holds now */
  uint32_t hops;        /**< fewest hops from a source of the category */
  double weight;        /**< x_c of the model in use */
};

/** One taint key behind the score. */
struct risk_source {
  uint32_t key;         /**< key id in the graph */
  double share;         /**< rt/r */
  double tainted;       /**< rt */
  double holding;       /**< t/b */
  uint32_t hops;
};

/** Everything an answer about one address says. */
struct risk {
  bool known;           /**< the graph has seen the address */
  bool labelled;        /**< it carries labels of its own */
  double score;         /**< 0..100, rounded to two decimals */
  enum level level;
  double received;      /**< r(a) */
  double balance;       /**< b(a) */
  unsigned n_categories;
  struct risk_category categories[MAX_CATEGORIES]; /**< by category index */
  unsigned n_sources;   /**< listed, at most RISK_MAX_SOURCES */
  unsigned n_sources_total; /**< keys reaching the address */
  struct risk_source sources[RISK_MAX_SOURCES];    /**< most tainted value first */
};

/**
 * Scores address `a` (an id of `g`, or -1 for an address never seen) under
 * `model`.
 */
void risk_compute (const struct graph *g, int64_t a, enum model model,
                   const struct scoring_config *cfg, struct risk *out);

/**
 * The score alone (the same number risk_compute gives, bit for bit), the
 * level, and a mask of the categories the address is exposed to or
 * labelled with (bit = category index). Cheap enough for every address.
 */
double risk_score (const struct graph *g, uint32_t a, enum model model,
                   const struct scoring_config *cfg, uint32_t *categories);

/** Rounds to two decimals the way every score is shown. */
double risk_round2 (double x);

#endif
/* end of risk.h */
