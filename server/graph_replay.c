/*
 * graph_replay.c -- SPEC 4's replay, exactly, in two phases.
 *
 * Phase 1 (one pass, in flow order): balances. `avail = max(b(s), v)`,
 * `b(s) = avail - v`, `b(d) += v`, `r(d) += v`. Balances never depend on
 * taint, so once each flow's `avail` is known every taint key can be
 * replayed on its own.
 *
 * Phase 2 (one task per key, on the pool): the key's taint walks forward
 * from its sources. An address joins the walk when it is a source or first
 * receives taint; from then on its outflows carry the key. One pass over
 * the flows in order, from the sources' first outflow, reads only a compact
 * array of senders and skips every flow whose sender has not joined: a few
 * nanoseconds per flow, whether the key reaches a handful of addresses or
 * most of the graph. Taint moves only forward in time by construction: a
 * flow before its sender joined was passed over.
 *
 * Per key and flow s -> d of value v (SPEC 4, steps 2 to 5):
 *   share = t(s,k) / avail;  t(s,k) -= share * v
 *   if s is a barrier: share = 0;  if s is a source of k: share = 1, h = 0
 *   if share > 0: t(d,k) += share*v, rt(d,k) += share*v,
 *                 h(d,k) = min(h(d,k), h(s,k) + 1)
 *
 * Each key's result depends only on the flows in order, so the outcome is
 * the same for any number of threads; results are merged in key order.
 */
#include <stdlib.h>
#include <string.h>
#include "riskd/graph.h"
#include "riskd/pool.h"

/** Hop count of an address the key has not reached. */
#define HOPS_NONE UINT32_MAX

/** One address's taint of the key being replayed: kept together, so that
 *  touching an address costs one cache line, not three. */
struct cell {
  double tainted;       /**< t(a,k) */
  double received;      /**< rt(a,k) */
  uint32_t hops;        /**< h(a,k) */
};

/** One worker's scratch memory, sized for every address, reset per key by
 *  walking the `touched` list (so a key costs what it reaches, not N). */
struct walk {
  struct cell *cell;    /**< per address */
  uint64_t *joined;     /**< a bit per address: joined the walk (has an entry
                         *   in this key's result). The scan reads only these:
                         *   one bit an address stays in the CPU's cache for
                         *   millions of addresses (a byte did not: 10M flows
                         *   replayed in 29.8 s with a byte, 21.8 s with a bit) */
  uint64_t *source;     /**< a bit per address: labelled with this key */
  uint32_t *touched;    /**< addresses that joined, in first-touch order */
  uint32_t n_touched;
};

static inline bool
bit_get (const uint64_t *bits, uint32_t a)
{
  return bits[a >> 6] >> (a & 63) & 1;
}

static inline void
bit_set (uint64_t *bits, uint32_t a)
{
  bits[a >> 6] |= (uint64_t) 1 << (a & 63);
}

/** One key's result: the addresses it reached. */
struct key_result {
  uint32_t n;
  uint32_t *address;
  struct graph_taint *taint;
};

/** Everything phase 2 shares. */
struct replay {
  struct graph *g;
  uint32_t *from;               /**< sender of each flow; ignored flows: n_addr,
                                 *   which never joins a walk */
  struct walk *walks;           /**< one per worker */
  struct key_result *results;   /**< one per key */
  uint32_t *source_off;         /**< sources of key k: source_addr[source_off[k]..] */
  uint32_t *source_addr;
  int failed;                   /**< a task ran out of memory */
};

/* ---- phase 1 ---- */

static int
replay_balances (struct graph *g)
{
  uint32_t n = g->addrs.n;

  g->balance = calloc ((size_t) n + 1, sizeof *g->balance);
  g->received = calloc ((size_t) n + 1, sizeof *g->received);
  g->avail = calloc ((size_t) g->n_flows + 1, sizeof *g->avail);
  if (!g->balance || !g->received || !g->avail)
    return -1;
  for (uint32_t i = 0; i < g->n_flows; i++)
  {
    const struct graph_flow *f = &g->flows[i];
    if (f->from == f->to || !(f->value > 0))
      continue;
    /* Value sent without having been received is clean, of unknown origin. */
    double avail = g->balance[f->from] > f->value ? g->balance[f->from] : f->value;
    g->avail[i] = avail;
    g->balance[f->from] = avail - f->value;
    g->balance[f->to] += f->value;
    g->received[f->to] += f->value;
  }
  return 0;
}

/* ---- phase 2 ---- */

/** Gives address `a` an entry in this key's result. */
static inline void
touch (struct walk *w, uint32_t a)
{
  if (bit_get (w->joined, a))
    return;
  bit_set (w->joined, a);
  w->cell[a].tainted = 0;
  w->cell[a].received = 0;
  w->cell[a].hops = HOPS_NONE;
  w->touched[w->n_touched++] = a;
}

/** Replays key `k` (a pool task). */
static void
replay_key (void *arg, size_t k, unsigned worker)
{
  struct replay *rp = arg;
  struct graph *g = rp->g;
  struct walk *w = &rp->walks[worker];
  struct key_result *res = &rp->results[k];
  uint32_t start = g->n_flows;

  w->n_touched = 0;
  for (uint32_t i = rp->source_off[k]; i < rp->source_off[k + 1]; i++)
  {
    uint32_t s = rp->source_addr[i];
    touch (w, s);
    bit_set (w->source, s);
    w->cell[s].hops = 0;
    if (g->out_off[s] < g->out_off[s + 1] && g->out_flow[g->out_off[s]] < start)
      start = g->out_flow[g->out_off[s]];
  }
  for (uint32_t fi = start; fi < g->n_flows; fi++)
  {
    uint32_t s = rp->from[fi];
    if (!bit_get (w->joined, s))
      continue;                 /* not (yet) in the walk, or an ignored flow */
    const struct graph_flow *f = &g->flows[fi];
    uint32_t d = f->to;
    double v = f->value, avail = g->avail[fi], share = 0;

    if (w->cell[s].tainted > 0)
    {
      share = w->cell[s].tainted / avail;
      /* v == avail sends everything: exact zero, not a rounding residue. */
      w->cell[s].tainted = v >= avail ? 0 : w->cell[s].tainted - share * v;
      if (w->cell[s].tainted < 0)
        w->cell[s].tainted = 0;
    }
    if (g->addr_flags[s] & ADDR_BARRIER)
      share = 0;
    if (bit_get (w->source, s))
      share = 1;
    if (!(share > 0))
      continue;
    touch (w, d);
    w->cell[d].tainted += share * v;
    w->cell[d].received += share * v;
    if (w->cell[s].hops + 1 < w->cell[d].hops)
      w->cell[d].hops = w->cell[s].hops + 1;
  }
  res->n = w->n_touched;
  res->address = malloc (((size_t) res->n + 1) * sizeof *res->address);
  res->taint = malloc (((size_t) res->n + 1) * sizeof *res->taint);
  if (res->address == NULL || res->taint == NULL)
    rp->failed = 1;
  for (uint32_t i = 0; i < w->n_touched; i++)
  {
    uint32_t a = w->touched[i];
    if (res->address != NULL && res->taint != NULL)
    {
      res->address[i] = a;
      res->taint[i] = (struct graph_taint) {
        .key = (uint32_t) k, .hops = w->cell[a].hops,
        .tainted = w->cell[a].tainted, .received = w->cell[a].received,
      };
    }
    w->joined[a >> 6] = 0;    /* every bit of this word belongs to touched addresses or is 0 */
    w->source[a >> 6] = 0;
  }
}

/** Sources of each key, from the labels (sorted by address, then key). */
static int
index_sources (struct replay *rp)
{
  struct graph *g = rp->g;

  rp->source_off = calloc ((size_t) g->n_keys + 1, sizeof *rp->source_off);
  rp->source_addr = malloc (((size_t) g->n_labels + 1) * sizeof *rp->source_addr);
  if (rp->source_off == NULL || rp->source_addr == NULL)
    return -1;
  /* Labels that share (address, key) differ only by entity or source:
   * count each address once per key. */
  for (uint32_t i = 0; i < g->n_labels; i++)
    if (i == 0 || g->labels[i].address != g->labels[i - 1].address
        || g->labels[i].key != g->labels[i - 1].key)
      rp->source_off[g->labels[i].key]++;
  uint32_t sum = 0;
  for (uint32_t k = 0; k <= g->n_keys; k++)
  {
    uint32_t c = rp->source_off[k];
    rp->source_off[k] = sum;
    sum += c;
  }
  uint32_t *cursor = malloc (((size_t) g->n_keys + 1) * sizeof *cursor);
  if (cursor == NULL)
    return -1;
  memcpy (cursor, rp->source_off, ((size_t) g->n_keys + 1) * sizeof *cursor);
  for (uint32_t i = 0; i < g->n_labels; i++)
    if (i == 0 || g->labels[i].address != g->labels[i - 1].address
        || g->labels[i].key != g->labels[i - 1].key)
      rp->source_addr[cursor[g->labels[i].key]++] = g->labels[i].address;
  free (cursor);
  return 0;
}

/** Per-address CSR of all keys' results; entries of an address in key order. */
static int
merge_results (struct replay *rp)
{
  struct graph *g = rp->g;
  uint32_t n = g->addrs.n;
  size_t total = 0;

  g->taint_off = calloc ((size_t) n + 1, sizeof *g->taint_off);
  if (g->taint_off == NULL)
    return -1;
  for (uint32_t k = 0; k < g->n_keys; k++)
  {
    total += rp->results[k].n;
    for (uint32_t i = 0; i < rp->results[k].n; i++)
      g->taint_off[rp->results[k].address[i]]++;
  }
  if (total >= UINT32_MAX)
    return -1;
  g->taint = malloc ((total + 1) * sizeof *g->taint);
  if (g->taint == NULL)
    return -1;
  g->n_taint = total;
  uint32_t sum = 0;
  for (uint32_t a = 0; a <= n; a++)
  {
    uint32_t c = g->taint_off[a];
    g->taint_off[a] = sum;
    sum += c;
  }
  for (uint32_t k = 0; k < g->n_keys; k++)
    for (uint32_t i = 0; i < rp->results[k].n; i++)
      g->taint[g->taint_off[rp->results[k].address[i]]++] = rp->results[k].taint[i];
  memmove (g->taint_off + 1, g->taint_off, (size_t) n * sizeof *g->taint_off);
  g->taint_off[0] = 0;
  return 0;
}

static int
walk_init (struct walk *w, uint32_t n)
{
  size_t words = (size_t) n / 64 + 1;   /* n + 1 bits: ignored flows' sender n */

  w->cell = malloc (((size_t) n + 1) * sizeof *w->cell);
  w->joined = calloc (words, sizeof *w->joined);
  w->source = calloc (words, sizeof *w->source);
  w->touched = malloc (((size_t) n + 1) * sizeof *w->touched);
  return w->cell && w->joined && w->source && w->touched ? 0 : -1;
}

static void
walk_free (struct walk *w)
{
  free (w->cell);
  free (w->joined);
  free (w->source);
  free (w->touched);
}

/** Runs the key tasks on the pool, or here when there is none. */
static void
run_keys (struct replay *rp, struct pool *pool)
{
  if (pool == NULL)
  {
    for (uint32_t k = 0; k < rp->g->n_keys; k++)
      replay_key (rp, k, 0);
    return;
  }
  pool_parallel_for (pool, rp->g->n_keys, replay_key, rp);
}

int
graph_replay (struct graph *g, struct pool *pool)
{
  unsigned n_walks = pool ? pool_size (pool) : 1;
  struct replay rp = { .g = g };
  int rc = -1;

  if (replay_balances (g) != 0)
    return -1;
  rp.walks = calloc (n_walks, sizeof *rp.walks);
  rp.results = calloc ((size_t) g->n_keys + 1, sizeof *rp.results);
  rp.from = malloc (((size_t) g->n_flows + 1) * sizeof *rp.from);
  if (rp.walks == NULL || rp.results == NULL || rp.from == NULL || index_sources (&rp) != 0)
    goto done;
  for (uint32_t f = 0; f < g->n_flows; f++)
    rp.from[f] = g->avail[f] > 0 ? g->flows[f].from : g->addrs.n;
  /* A walk's scratch costs ~24 bytes per address: never more walks than keys. */
  if (n_walks > g->n_keys)
    n_walks = g->n_keys;
  for (unsigned i = 0; i < n_walks; i++)
    if (walk_init (&rp.walks[i], g->addrs.n) != 0)
      goto done;
  run_keys (&rp, pool);
  if (!rp.failed)
    rc = merge_results (&rp);
done:
  if (rp.walks)
    for (unsigned i = 0; i < n_walks; i++)
      walk_free (&rp.walks[i]);
  if (rp.results)
    for (uint32_t k = 0; k < g->n_keys; k++)
    {
      free (rp.results[k].address);
      free (rp.results[k].taint);
    }
  free (rp.walks);
  free (rp.results);
  free (rp.from);
  free (rp.source_off);
  free (rp.source_addr);
  return rc;
}

/* end of graph_replay.c */
