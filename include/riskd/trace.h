/*
 * trace.h -- how taint reached an address: the paths carrying the most
 * tainted value, from a labelled source to the address, hop by hop.
 *
 * For each of the keys that reach the address (most tainted value first),
 * the key's replay is run again from its sources -- exactly as the engine
 * does it -- recording what each flow carried, and a dynamic programme
 * over the flows in replay order keeps, for every address and path length,
 * the widest path (largest smallest hop) that reached it so far. Because
 * it only ever extends paths with later flows, every path respects time:
 * each hop comes after the previous one. The work is bounded by keys,
 * depth, flows visited and time; the result says when a bound cut it.
 */
#ifndef RISKD_TRACE_H
#define RISKD_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include "riskd/graph.h"

#define TRACE_MAX_DEPTH 10
#define TRACE_MAX_PATHS 20

/** Bounds of one trace. */
struct trace_limits {
  unsigned max_paths;       /**< paths returned (<= TRACE_MAX_PATHS) */
  unsigned max_depth;       /**< hops per path (<= TRACE_MAX_DEPTH) */
  unsigned max_keys;        /**< keys traced, most tainted value first */
  uint64_t max_visits;      /**< flows replayed, over all keys */
  unsigned budget_ms;       /**< wall time */
};

struct trace_hop {
  uint32_t flow;            /**< index in graph->flows */
  double tainted;           /**< what this flow carried of the key */
};

struct trace_path {
  uint32_t key;             /**< the taint key */
  double value;             /**< the smallest tainted value along the path */
  unsigned n_hops;
  struct trace_hop hops[TRACE_MAX_DEPTH]; /**< source first */
};

struct trace_result {
  unsigned n_paths;
  struct trace_path paths[TRACE_MAX_PATHS]; /**< widest first */
  unsigned keys_reaching;   /**< keys whose taint reached the address */
  unsigned keys_traced;
  uint64_t flows_visited;
  bool truncated;           /**< a bound stopped the search */
  const char *truncated_by; /**< "keys", "visits", "time" or NULL */
};

/** Traces address `a`; 0, or -1 when out of memory. */
int trace_compute (const struct graph *g, uint32_t a, const struct trace_limits *lim,
                   struct trace_result *out);

#endif
/* end of trace.h */
