/*
 * engine.h -- owns the current graph and keeps it up to date.
 *
 * A builder thread loads the graph from PostgreSQL at start-up, then
 * whenever the epoch moves (a NOTIFY from any instance's import, a local
 * import's nudge, or a periodic check) loads only the rows of the newer
 * epochs, builds the next graph from the current one plus those rows, and
 * swaps it in. Readers take a reference and never wait for a build.
 */
#ifndef RISKD_ENGINE_H
#define RISKD_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include "riskd/graph.h"

struct engine;
struct history;
struct pool;
struct scoring_config;

/** Statistics for /readyz and /metrics. */
struct engine_stats {
  uint64_t epoch;            /**< of the current graph (0: none yet) */
  uint64_t builds;           /**< graphs built since start */
  double last_build_ms;      /**< load + build of the last one */
  uint64_t flows, addresses, labels;
  size_t graph_bytes;
  bool loaded;
  bool db_ok;                /**< the last check of the epoch succeeded */
};

struct engine *engine_new (const char *database_url,
                           const struct scoring_config *cfg, struct pool *workers);

/** Starts the builder thread. */
int engine_start (struct engine *e);

/** The current graph with a reference (graph_release it), or NULL before
 *  the first load. */
struct graph *engine_graph (struct engine *e);

/** Rankings and changes of the graphs published (ranking.h). */
struct history *engine_history (struct engine *e);

/** Asks for a check of the epoch now (after a local import). */
void engine_nudge (struct engine *e);

/** Waits until the graph's epoch is at least `epoch`; returns the epoch
 *  reached (smaller than asked after `timeout_ms`). */
uint64_t engine_wait_epoch (struct engine *e, uint64_t epoch, unsigned timeout_ms);

void engine_stats (struct engine *e, struct engine_stats *out);

/** Stops the builder and frees everything. */
void engine_free (struct engine *e);

/** Loads the flows and labels of epochs (since, until] into a builder, in
 *  one consistent snapshot; `until` is read from the database and returned.
 *  Returns 0, or -1 with the reason in err (store_graph.c). */
int store_load_graph (void *pgconn, uint64_t since, struct graph_builder *b,
                      const struct scoring_config *cfg, uint64_t *until,
                      char *graph_id, size_t graph_id_len, char *err, size_t err_len);

#endif
/* end of engine.h */
