/*
 * test_trace.c -- trace paths: widest first, time-respecting, bounded.
 *
 * The graph, in USD, H a hack source (incident X):
 *   t1 H -> A 100     A holds 100 tainted
 *   t2 H -> B 30      B holds 30 tainted
 *   t3 A -> T 60      share 1: carries 60
 *   t4 B -> T 30      carries 30
 *   t5 T -> Z 10      T's outflow: later than anything into T (ignored)
 *   t0 B -> Q 5       before B was tainted: carries nothing
 * Paths into T: H -A-> T (width min(100, 60) = 60) and H -B-> T (30).
 * Also t6 H -> T 20 straight (1 hop, width 20).
 */
#include "fixture.h"
#include "riskd/trace.h"
#include "unit.h"

static const struct tflow flows[] = {
  FL ("B", "Q", 5, 0), FL ("H", "A", 100, 1), FL ("H", "B", 30, 2), FL ("A", "T", 60, 3),
  FL ("B", "T", 30, 4), FL ("T", "Z", 10, 5), FL ("H", "T", 20, 6),
};
static const struct tlabel labels[] = { { "H", "hack", "Lazarus", "X" } };
static struct graph *g;
static const struct trace_limits defaults = {
  .max_paths = 5, .max_depth = 6, .max_keys = 3, .max_visits = 1000000, .budget_ms = 1000,
};

static const char *
hop_from (const struct trace_path *p, unsigned i)
{
  return graph_address (g, g->flows[p->hops[i].flow].from);
}

static const char *
hop_to (const struct trace_path *p, unsigned i)
{
  return graph_address (g, g->flows[p->hops[i].flow].to);
}

static void
test_paths_widest_first_hop_by_hop (void)
{
  struct trace_result r;

  CHECK (trace_compute (g, (uint32_t) graph_find (g, CHAIN_ETH, "T"), &defaults, &r) == 0);
  CHECK (r.n_paths == 3);
  CHECK (!r.truncated);
  /* H -> A -> T, width 60: hops carry 100 then 60 */
  CHECK_NEAR (r.paths[0].value, 60);
  CHECK (r.paths[0].n_hops == 2);
  CHECK_STR (hop_from (&r.paths[0], 0), "H");
  CHECK_STR (hop_to (&r.paths[0], 0), "A");
  CHECK_STR (hop_to (&r.paths[0], 1), "T");
  CHECK_NEAR (r.paths[0].hops[0].tainted, 100);
  CHECK_NEAR (r.paths[0].hops[1].tainted, 60);
  /* H -> B -> T, width 30; then H -> T straight, 20 */
  CHECK_NEAR (r.paths[1].value, 30);
  CHECK_STR (hop_to (&r.paths[1], 0), "B");
  CHECK_NEAR (r.paths[2].value, 20);
  CHECK (r.paths[2].n_hops == 1);
}

/* Along every path each hop comes after the previous one. */
static void
test_paths_respect_time (void)
{
  struct trace_result r;

  trace_compute (g, (uint32_t) graph_find (g, CHAIN_ETH, "T"), &defaults, &r);
  for (unsigned i = 0; i < r.n_paths; i++)
    for (unsigned h = 1; h < r.paths[i].n_hops; h++)
      CHECK (g->flows[r.paths[i].hops[h].flow].time_us
             > g->flows[r.paths[i].hops[h - 1].flow].time_us);
}

/* Q received from B before B held anything: no path, no key reaching it. */
static void
test_flow_before_taint_gives_no_path (void)
{
  struct trace_result r;

  trace_compute (g, (uint32_t) graph_find (g, CHAIN_ETH, "Q"), &defaults, &r);
  CHECK (r.n_paths == 0);
  CHECK (r.keys_reaching == 0);
}

/* Bounds: one path asked, one given; depth 1 leaves only the direct hop;
 * a visit budget of 2 flows cuts the search and says so. */
static void
test_bounds (void)
{
  struct trace_limits lim = defaults;
  struct trace_result r;
  uint32_t t = (uint32_t) graph_find (g, CHAIN_ETH, "T");

  lim.max_paths = 1;
  trace_compute (g, t, &lim, &r);
  CHECK (r.n_paths == 1 && r.paths[0].value == 60);
  lim = defaults;
  lim.max_depth = 1;
  trace_compute (g, t, &lim, &r);
  CHECK (r.n_paths == 1 && r.paths[0].n_hops == 1 && r.paths[0].value == 20);
  lim = defaults;
  lim.max_visits = 2;
  trace_compute (g, t, &lim, &r);
  CHECK (r.truncated);
  CHECK_STR (r.truncated_by, "visits");
}

int
main (void)
{
  scoring_config_default (&cfg);
  g = BUILD (flows, labels);
  RUN (test_paths_widest_first_hop_by_hop);
  RUN (test_paths_respect_time);
  RUN (test_flow_before_taint_gives_no_path);
  RUN (test_bounds);
  graph_release (g);
  return unit_done ();
}

/* end of test_trace.c */
