/*
 * trace.c -- widest time-respecting paths (see trace.h).
 *
 * One key at a time: the event-driven walk of graph_replay.c (a heap of
 * each reached address's next outflow), with its state in a hash map so a
 * trace costs what it reaches, not the graph's size. Each flow that
 * carries taint becomes a record; best[h] of an address is the widest
 * path of h hops that reached it so far, and a record remembers, for each
 * length, which record was its sender's best at that moment -- the
 * pointers that rebuild a path without ever going back in time.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "riskd/clock.h"
#include "riskd/array.h"
#include "riskd/trace.h"

/** Per-address state of a walk. */
struct node {
  uint32_t addr;
  uint32_t flags;                     /**< NODE_* */
  double tainted;                     /**< t(a,k) */
  double best[TRACE_MAX_DEPTH + 1];   /**< best[h]: widest h-hop path so far */
  int32_t best_rec[TRACE_MAX_DEPTH + 1];
};

enum { NODE_ACTIVE = 1, NODE_SOURCE = 2 };

/** A flow that carried the key's taint. */
struct record {
  uint32_t flow;
  double tainted;
  bool from_source;                   /**< sent by an address labelled with the key */
  int32_t pred[TRACE_MAX_DEPTH + 1];  /**< pred[h]: sender's best h-hop record then */
};

/** One key's walk. */
struct walk {
  const struct graph *g;
  struct node *nodes;
  uint32_t n_nodes, cap_nodes;
  uint32_t *slots;                    /**< address -> node index + 1 */
  uint32_t mask;
  uint32_t *heap;                     /**< positions in out_flow[] */
  uint32_t n_heap, cap_heap;
  struct record *recs;
  uint32_t n_recs, cap_recs;
  unsigned depth;
};

/** The node of an address, created if new; NULL when out of memory. */
static struct node *
node_of (struct walk *w, uint32_t addr)
{
  if ((uint64_t) (w->n_nodes + 1) * 2 > (uint64_t) w->mask + 1)
  {
    uint32_t slots = (w->mask + 1) * 2;
    uint32_t *s = calloc (slots, sizeof *s);
    if (s == NULL)
      return NULL;
    for (uint32_t i = 0; i < w->n_nodes; i++)
    {
      uint32_t j = hash_u32 (w->nodes[i].addr) & (slots - 1);
      while (s[j])
        j = (j + 1) & (slots - 1);
      s[j] = i + 1;
    }
    free (w->slots);
    w->slots = s;
    w->mask = slots - 1;
  }
  uint32_t j = hash_u32 (addr) & w->mask;
  while (w->slots[j])
  {
    if (w->nodes[w->slots[j] - 1].addr == addr)
      return &w->nodes[w->slots[j] - 1];
    j = (j + 1) & w->mask;
  }
  if (array_reserve ((void **) &w->nodes, &w->cap_nodes, w->n_nodes + 1, sizeof *w->nodes) != 0)
    return NULL;
  struct node *n = &w->nodes[w->n_nodes];
  memset (n, 0, sizeof *n);
  n->addr = addr;
  for (unsigned h = 0; h <= TRACE_MAX_DEPTH; h++)
    n->best_rec[h] = -1;
  w->slots[j] = ++w->n_nodes;
  return n;
}

static void
heap_push (struct walk *w, uint32_t pos)
{
  uint32_t i = w->n_heap++, flow = w->g->out_flow[pos];

  while (i > 0 && w->g->out_flow[w->heap[(i - 1) / 2]] > flow)
  {
    w->heap[i] = w->heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  w->heap[i] = pos;
}

static uint32_t
heap_pop (struct walk *w)
{
  const uint32_t *of = w->g->out_flow;
  uint32_t top = w->heap[0], last = w->heap[--w->n_heap], i = 0;

  for (;;)
  {
    uint32_t c = 2 * i + 1;
    if (c >= w->n_heap)
      break;
    if (c + 1 < w->n_heap && of[w->heap[c + 1]] < of[w->heap[c]])
      c++;
    if (of[w->heap[c]] >= of[last])
      break;
    w->heap[i] = w->heap[c];
    i = c;
  }
  if (w->n_heap)
    w->heap[i] = last;
  return top;
}

/** Starts visiting the outflows of `a` after flow `after` (all: UINT32_MAX). */
static int
activate (struct walk *w, struct node *n, uint32_t after)
{
  const struct graph *g = w->g;
  uint32_t lo = g->out_off[n->addr], hi = g->out_off[n->addr + 1];

  n->flags |= NODE_ACTIVE;
  if (after != UINT32_MAX)
    while (lo < hi)
    {
      uint32_t mid = lo + (hi - lo) / 2;
      if (g->out_flow[mid] <= after)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo >= g->out_off[n->addr + 1])
    return 0;
  if (array_reserve ((void **) &w->heap, &w->cap_heap, w->n_heap + 1, sizeof *w->heap) != 0)
    return -1;
  heap_push (w, lo);
  return 0;
}

/** Records a flow s -> d that carried `x` and extends the paths into d. */
static int
record (struct walk *w, uint32_t fi, double x, const struct node *s, struct node *d)
{
  if (array_reserve ((void **) &w->recs, &w->cap_recs, w->n_recs + 1, sizeof *w->recs) != 0)
    return -1;
  struct record *r = &w->recs[w->n_recs];
  int32_t id = (int32_t) w->n_recs++;

  r->flow = fi;
  r->tainted = x;
  r->from_source = (s->flags & NODE_SOURCE) != 0;
  for (unsigned h = 0; h <= w->depth; h++)
    r->pred[h] = s->best_rec[h];
  for (unsigned h = 1; h <= w->depth; h++)
  {
    /* h hops ending with this flow: straight from a source (h = 1), or
     * the sender's best (h - 1)-hop path so far, then this flow. */
    double width = h == 1 ? ((s->flags & NODE_SOURCE) ? x : 0)
                          : fmin (x, s->best[h - 1]);
    if (width > d->best[h])
    {
      d->best[h] = width;
      d->best_rec[h] = id;
    }
  }
  return 0;
}

/** Replays key k up to the last flow into `target`; -1 out of memory. */
static int
walk_key (struct walk *w, uint32_t last_flow,
          const uint32_t *sources, uint32_t n_sources, uint64_t *visits,
          uint64_t max_visits, double deadline, const char **cut)
{
  const struct graph *g = w->g;

  for (uint32_t i = 0; i < n_sources; i++)
  {
    struct node *n = node_of (w, sources[i]);
    if (n == NULL)
      return -1;
    n->flags |= NODE_SOURCE;
    if (activate (w, n, UINT32_MAX) != 0)
      return -1;
  }
  while (w->n_heap > 0)
  {
    uint32_t pos = heap_pop (w), fi = g->out_flow[pos];
    const struct graph_flow *f = &g->flows[fi];
    if (fi > last_flow)
      break;                    /* nothing later can reach the target */
    if (++*visits > max_visits || ((*visits & 1023) == 0 && clock_ms () > deadline))
    {
      *cut = *visits > max_visits ? "visits" : "time";
      break;
    }
    struct node *s = node_of (w, f->from);
    if (s == NULL)
      return -1;
    if (pos + 1 < g->out_off[f->from + 1])
      heap_push (w, pos + 1);   /* the slot just popped: no growth needed */
    double v = f->value, avail = g->avail[fi], share = 0;
    if (s->tainted > 0)
    {
      share = s->tainted / avail;
      s->tainted = v >= avail ? 0 : fmax (0, s->tainted - share * v);
    }
    if (g->addr_flags[f->from] & ADDR_BARRIER)
      share = 0;
    if (s->flags & NODE_SOURCE)
      share = 1;
    if (!(share > 0))
      continue;
    uint32_t s_index = (uint32_t) (s - w->nodes);
    struct node *d = node_of (w, f->to);
    if (d == NULL)
      return -1;
    s = &w->nodes[s_index];     /* node_of may have moved the nodes */
    d->tainted += share * v;
    if (record (w, fi, share * v, s, d) != 0)
      return -1;
    if (!(d->flags & NODE_ACTIVE) && activate (w, d, fi) != 0)
      return -1;
  }
  return 0;
}

/** Width of the path ending with record r after h hops (follows pred). */
static double
path_width (const struct walk *w, int32_t r, unsigned h)
{
  double width = INFINITY;

  for (; h > 1 && r >= 0; h--)
  {
    width = fmin (width, w->recs[r].tainted);
    r = w->recs[r].pred[h - 1];
  }
  /* the first hop must leave a source */
  return r >= 0 && w->recs[r].from_source ? fmin (width, w->recs[r].tainted) : 0;
}

/** Inserts a path into the result, kept widest first (ties: fewer hops,
 *  then earlier last flow), at most `max` of them. */
static void
keep_path (struct trace_result *out, const struct trace_path *p, unsigned max)
{
  unsigned i = out->n_paths;

  while (i > 0)
  {
    const struct trace_path *q = &out->paths[i - 1];
    bool before = q->value > p->value
      || (q->value == p->value && (q->n_hops < p->n_hops
          || (q->n_hops == p->n_hops
              && q->hops[q->n_hops - 1].flow <= p->hops[p->n_hops - 1].flow)));
    if (before)
      break;
    i--;
  }
  if (i >= max)
    return;
  unsigned n = out->n_paths < max ? out->n_paths : max - 1;
  memmove (&out->paths[i + 1], &out->paths[i], (n - i) * sizeof *p);
  out->paths[i] = *p;
  out->n_paths = n + 1;
}

/** The widest path through each flow into the target, kept in `out`. */
static void
collect_paths (const struct walk *w, uint32_t key, uint32_t target,
               const struct trace_limits *lim, struct trace_result *out)
{
  for (uint32_t r = 0; r < w->n_recs; r++)
  {
    if (w->g->flows[w->recs[r].flow].to != target)
      continue;
    unsigned best_h = 0;
    double best = 0;
    for (unsigned h = 1; h <= w->depth; h++)
    {
      double width = path_width (w, (int32_t) r, h);
      if (width > best)
      {
        best = width;
        best_h = h;
      }
    }
    if (best_h == 0)
      continue;
    struct trace_path p = { .key = key, .value = best, .n_hops = best_h };
    int32_t cur = (int32_t) r;
    for (unsigned h = best_h; h >= 1; h--)
    {
      p.hops[h - 1] = (struct trace_hop) { .flow = w->recs[cur].flow,
                                           .tainted = w->recs[cur].tainted };
      cur = h > 1 ? w->recs[cur].pred[h - 1] : -1;
    }
    keep_path (out, &p, lim->max_paths);
  }
}

static void
walk_free (struct walk *w)
{
  free (w->nodes);
  free (w->slots);
  free (w->heap);
  free (w->recs);
}

/** Keys reaching `a` (not its own), most tainted value first. */
static uint32_t
keys_reaching (const struct graph *g, uint32_t a, uint32_t *keys)
{
  uint32_t n = 0;

  for (uint32_t i = g->taint_off[a]; i < g->taint_off[a + 1]; i++)
    if (g->taint[i].hops > 0 && g->taint[i].received > 0)
    {
      uint32_t j = n++;
      while (j > 0 && g->taint[keys[j - 1]].received < g->taint[i].received)
      {
        keys[j] = keys[j - 1];
        j--;
      }
      keys[j] = i;              /* index of the taint entry, for now */
    }
  for (uint32_t i = 0; i < n; i++)
    keys[i] = g->taint[keys[i]].key;
  return n;
}

/** The addresses labelled with key k. */
static uint32_t
sources_of (const struct graph *g, uint32_t k, uint32_t *out)
{
  uint32_t n = 0;

  for (uint32_t i = 0; i < g->n_labels; i++)
    if (g->labels[i].key == k && (n == 0 || out[n - 1] != g->labels[i].address))
      out[n++] = g->labels[i].address;
  return n;
}

int
trace_compute (const struct graph *g, uint32_t a, const struct trace_limits *lim,
               struct trace_result *out)
{
  uint32_t n_in = g->in_off[a + 1] - g->in_off[a];
  uint32_t *keys = malloc (((size_t) (g->taint_off[a + 1] - g->taint_off[a]) + 1) * sizeof *keys);
  uint32_t *sources = malloc (((size_t) g->n_labels + 1) * sizeof *sources);
  double deadline = clock_ms () + lim->budget_ms;
  int rc = 0;

  memset (out, 0, sizeof *out);
  if (keys == NULL || sources == NULL)
  {
    free (keys);
    free (sources);
    return -1;
  }
  out->keys_reaching = keys_reaching (g, a, keys);
  uint32_t last_flow = n_in ? g->in_flow[g->in_off[a + 1] - 1] : 0;
  for (uint32_t i = 0; i < out->keys_reaching && n_in > 0 && rc == 0; i++)
  {
    const char *cut = NULL;
    if (i == lim->max_keys)
    {
      out->truncated = true;
      out->truncated_by = "keys";
      break;
    }
    struct walk w = { .g = g, .depth = lim->max_depth };
    w.mask = 255;
    w.slots = calloc (256, sizeof *w.slots);
    uint32_t n_sources = sources_of (g, keys[i], sources);
    rc = w.slots ? walk_key (&w, last_flow, sources, n_sources, &out->flows_visited,
                             lim->max_visits, deadline, &cut) : -1;
    if (rc == 0)
      collect_paths (&w, keys[i], a, lim, out);
    walk_free (&w);
    out->keys_traced++;
    if (cut)
    {
      out->truncated = true;
      out->truncated_by = cut;
      break;
    }
  }
  free (keys);
  free (sources);
  return rc;
}

/* end of trace.c */
