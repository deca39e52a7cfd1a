/*
 * ranking.h -- what dashboards poll: the riskiest addresses of an epoch,
 * and what changed between epochs.
 *
 * Every graph the engine publishes is recorded here: its ranking (the
 * addresses with a score above 0, riskiest first: score descending, then
 * chain, then address) and the transition from the previous graph (every
 * address whose score or level moved). The last RANKINGS_KEPT rankings are
 * kept so that a cursor walks the pages of one epoch whatever arrives
 * meanwhile; transitions are kept for TRANSITIONS_KEPT builds so that a
 * dashboard that saw epoch E gets exactly what changed since. Address ids
 * stay valid across graphs that extend one another; a graph built from
 * scratch (another database) starts the history over.
 */
#ifndef RISKD_RANKING_H
#define RISKD_RANKING_H

#include <stdatomic.h>
#include <stdint.h>
#include "riskd/graph.h"

#define RANKINGS_KEPT 8
#define TRANSITIONS_KEPT 256

/** One ranked address. */
struct ranked {
  double score;
  uint32_t address;           /**< id in the graphs of this history */
  uint32_t category_mask;
  uint8_t level, chain;
};

/** The ranking of one epoch (immutable, reference-counted). */
struct ranking {
  atomic_uint refs;
  uint64_t epoch;
  uint32_t n;
  struct ranked *items;       /**< riskiest first */
  uint64_t by_level[4];       /**< addresses per level (low counts all others) */
};

/** An address whose score or level moved. */
struct score_change {
  double old_score, new_score;
  uint32_t address;
  uint8_t old_level, new_level, chain;
};

struct history;

struct history *history_new (void);
void history_free (struct history *h);

/** Records a newly published graph. `previous` is the graph it extends
 *  (NULL when built from scratch: the history starts over). 0 or -1. */
int history_record (struct history *h, const struct graph *previous,
                    const struct graph *current);

/** The ranking of an epoch with a reference (ranking_release it), or NULL
 *  when it is no longer kept. */
struct ranking *history_ranking (struct history *h, uint64_t epoch);
void ranking_release (struct ranking *r);

/**
 * What changed after epoch `since`, up to the latest recorded epoch: one
 * entry per address, old values as of `since`, new ones as of now,
 * unchanged round trips left out, sorted riskiest (new score) first.
 * Returns the number of changes (the array is malloc'd in *out), or -1 when
 * `since` is older than the history kept. `*exact_since` is the epoch the
 * changes really start from: `since` itself, or the last build before it
 * when `since` was never built here (several imports in one build).
 */
int64_t history_changes (struct history *h, const struct graph *g, uint64_t since,
                         struct score_change **out, uint64_t *exact_since,
                         uint64_t *until);

#endif
/* end of ranking.h */
