/*
 * graph_build.c -- turning flows and labels into a graph ready to replay.
 *
 * A builder copies the previous graph's tables (strings, sorted flows,
 * labels), appends the new rows, then at finish: ranks transaction hashes,
 * sorts the new flows and merges them into the sorted old ones, derives the
 * taint keys from the labels, builds the per-address indexes and replays.
 * Address ids follow insertion order and so differ between import orders;
 * nothing visible depends on them: every order that matters is by value.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "riskd/clock.h"
#include "riskd/array.h"
#include "riskd/graph.h"
#include "riskd/pool.h"

/** A label before its key is known. */
struct raw_label {
  uint32_t address, entity, incident, source;
  uint8_t category;
};

struct graph_builder {
  struct strtab addrs, txs, names;
  struct graph_flow *flows;   /**< [0, n_sorted) sorted (from the base) */
  uint32_t n_flows, n_sorted, cap_flows;
  struct raw_label *labels;
  uint32_t n_labels, cap_labels;
};

struct graph_builder *
graph_builder_new (const struct graph *base)
{
  struct graph_builder *b = calloc (1, sizeof *b);

  if (b == NULL || base == NULL)
    return b;
  if (strtab_copy (&b->addrs, &base->addrs) != 0
      || strtab_copy (&b->txs, &base->txs) != 0
      || strtab_copy (&b->names, &base->names) != 0
      || array_reserve ((void **) &b->flows, &b->cap_flows, base->n_flows + 1,
                  sizeof *b->flows) != 0
      || array_reserve ((void **) &b->labels, &b->cap_labels, base->n_labels + 1,
                  sizeof *b->labels) != 0)
  {
    graph_builder_free (b);
    return NULL;
  }
  memcpy (b->flows, base->flows, (size_t) base->n_flows * sizeof *b->flows);
  b->n_flows = b->n_sorted = base->n_flows;
  for (uint32_t i = 0; i < base->n_labels; i++)
  {
    const struct graph_label *l = &base->labels[i];
    b->labels[i] = (struct raw_label) {
      .address = l->address, .entity = l->entity, .incident = l->incident,
      .source = l->source, .category = l->category,
    };
  }
  b->n_labels = base->n_labels;
  return b;
}

void
graph_builder_free (struct graph_builder *b)
{
  if (b == NULL)
    return;
  strtab_free (&b->addrs);
  strtab_free (&b->txs);
  strtab_free (&b->names);
  free (b->flows);
  free (b->labels);
  free (b);
}

/** Stores "<chain letter><string>" (the chain is part of the identity):
 *  interned (one id per distinct string) when `shared`, else appended —
 *  tx hashes are rarely shared by two flows, so they are stored once per
 *  flow and never looked up. */
static uint32_t
store_on_chain (struct strtab *tab, enum chain chain, const char *s, bool shared)
{
  char key[256];
  size_t len = strlen (s);

  if (len + 1 >= sizeof key)
    return UINT32_MAX;
  key[0] = (char) ('a' + chain);
  memcpy (key + 1, s, len);
  return shared ? strtab_intern (tab, key, len + 1) : strtab_append (tab, key, len + 1);
}

int64_t
graph_find (const struct graph *g, enum chain chain, const char *address)
{
  char key[256];
  size_t len = strlen (address);

  if (len + 1 >= sizeof key)
    return -1;
  key[0] = (char) ('a' + chain);
  memcpy (key + 1, address, len);
  return strtab_find (&g->addrs, key, len + 1);
}

int
graph_builder_add_flow (struct graph_builder *b, enum chain chain,
                        const char *tx_hash, int32_t idx,
                        const char *from, const char *to, double value,
                        int64_t time_us, int64_t block, int32_t pos)
{
  uint32_t tx = store_on_chain (&b->txs, chain, tx_hash, false);
  uint32_t s = store_on_chain (&b->addrs, chain, from, true);
  uint32_t d = store_on_chain (&b->addrs, chain, to, true);

  if (tx == UINT32_MAX || s == UINT32_MAX || d == UINT32_MAX
      || array_reserve ((void **) &b->flows, &b->cap_flows, b->n_flows + 1,
                  sizeof *b->flows) != 0)
    return -1;
  b->flows[b->n_flows++] = (struct graph_flow) {
    .time_us = time_us, .block = block, .value = value, .tx = tx,
    .from = s, .to = d, .pos = pos, .idx = idx,
  };
  return 0;
}

int
graph_builder_add_label (struct graph_builder *b, enum chain chain,
                         const char *address, unsigned category,
                         const char *entity, const char *incident_id,
                         const char *source)
{
  uint32_t a = store_on_chain (&b->addrs, chain, address, true);
  uint32_t e = strtab_intern (&b->names, entity, strlen (entity));
  uint32_t i = strtab_intern (&b->names, incident_id, strlen (incident_id));
  uint32_t s = strtab_intern (&b->names, source, strlen (source));

  if (a == UINT32_MAX || e == UINT32_MAX || i == UINT32_MAX || s == UINT32_MAX
      || category >= MAX_CATEGORIES
      || array_reserve ((void **) &b->labels, &b->cap_labels, b->n_labels + 1,
                  sizeof *b->labels) != 0)
    return -1;
  b->labels[b->n_labels++] = (struct raw_label) {
    .address = a, .entity = e, .incident = i, .source = s,
    .category = (uint8_t) category,
  };
  return 0;
}

/* ---- ordering ---- */

/** Missing block/pos sort after known ones (SQL's NULLS LAST). */
static inline uint64_t
block_order (int64_t block)
{
  return block < 0 ? UINT64_MAX : (uint64_t) block;
}

/** Replay order (SPEC 4): time, block, pos, tx_hash, idx. Tx hashes are
 *  compared as strings only on a tie of time, block and pos (the chain
 *  letter first only separates chains, whose addresses never meet). */
static int
flow_cmp (const void *pa, const void *pb, void *ctx)
{
  const struct graph_flow *a = pa, *b = pb;
  const struct strtab *txs = ctx;
  int c;

  if (a->time_us != b->time_us)
    return a->time_us < b->time_us ? -1 : 1;
  if (a->block != b->block)
    return block_order (a->block) < block_order (b->block) ? -1 : 1;
  if (a->pos != b->pos)
    return (uint32_t) a->pos < (uint32_t) b->pos ? -1 : 1;
  if (a->tx != b->tx && (c = strcmp (strtab_get (txs, a->tx), strtab_get (txs, b->tx))))
    return c;
  if (a->idx != b->idx)
    return a->idx < b->idx ? -1 : 1;
  return 0;
}

/** Merges the sorted runs a[0, na) and b[0, nb) into out, stably; runs
 *  already in order (the common case: flows arrive in time order) are
 *  copied without comparing each flow. */
static void
merge_runs (const struct graph_flow *a, size_t na, const struct graph_flow *b, size_t nb,
            struct graph_flow *out, const struct strtab *txs)
{
  size_t i = 0, j = 0, k = 0;

  if (na > 0 && nb > 0 && flow_cmp (&a[na - 1], &b[0], (void *) txs) > 0)
    while (i < na && j < nb)
      out[k++] = flow_cmp (&a[i], &b[j], (void *) txs) <= 0 ? a[i++] : b[j++];
  if (i < na)
    memcpy (out + k, a + i, (na - i) * sizeof *out);
  k += na - i;
  if (j < nb)
    memcpy (out + k, b + j, (nb - j) * sizeof *out);
}

/** Sorts a[0, n) in replay order with tmp[0, n) as scratch: a merge sort
 *  that moves the 48-byte flows sequentially (glibc's qsort sorts pointers
 *  to elements this size, then chases them: 8 s for 10M flows), and is
 *  done after one pass when the flows came in order. */
static void
sort_in_replay_order (struct graph_flow *a, size_t n, struct graph_flow *tmp,
                      const struct strtab *txs)
{
  enum { RUN = 16 };
  size_t sorted = 1;

  while (sorted < n && flow_cmp (&a[sorted - 1], &a[sorted], (void *) txs) <= 0)
    sorted++;
  if (sorted >= n)
    return;
  for (size_t lo = 0; lo < n; lo += RUN)                /* insertion sort of each run */
    for (size_t i = lo + 1; i < lo + RUN && i < n; i++)
    {
      struct graph_flow f = a[i];
      size_t j = i;
      for (; j > lo && flow_cmp (&a[j - 1], &f, (void *) txs) > 0; j--)
        a[j] = a[j - 1];
      a[j] = f;
    }
  struct graph_flow *src = a, *dst = tmp;
  for (size_t width = RUN; width < n; width *= 2)
  {
    for (size_t lo = 0; lo < n; lo += 2 * width)
    {
      size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      merge_runs (src + lo, mid - lo, src + mid, hi - mid, dst + lo, txs);
    }
    struct graph_flow *t = src;
    src = dst;
    dst = t;
  }
  if (src != a)
    memcpy (a, src, n * sizeof *a);
}

/** Sorts the new flows and merges them into the sorted prefix. */
static int
sort_flows (struct graph_builder *b, struct graph *g)
{
  struct graph_flow *merged = malloc (((size_t) b->n_flows + 1) * sizeof *merged);

  if (merged == NULL)
    return -1;
  /* With no flows at all, b->flows is NULL: no arithmetic on it. */
  struct graph_flow *old = b->flows, *new = b->flows ? b->flows + b->n_sorted : NULL;
  uint32_t n_old = b->n_sorted, n_new = b->n_flows - b->n_sorted;
  if (n_new > 0)                /* merged is the scratch before it is the result */
    sort_in_replay_order (new, n_new, merged, &b->txs);
  merge_runs (old, n_old, new, n_new, merged, &b->txs);
  g->flows = merged;
  g->n_flows = b->n_flows;
  return 0;
}

/* ---- labels and keys ---- */

/** A key as derived from a label, before ids are given. */
struct key_draft {
  uint32_t name;
  uint8_t category, kind;
};

static int
key_draft_cmp (const void *pa, const void *pb, void *ctx)
{
  const struct key_draft *a = pa, *b = pb;
  const struct strtab *names = ctx;

  if (a->category != b->category)
    return a->category < b->category ? -1 : 1;
  if (a->kind != b->kind)
    return a->kind < b->kind ? -1 : 1;
  return strcmp (strtab_get (names, a->name), strtab_get (names, b->name));
}

/** SPEC 4 "Keys": incident_id if set, else entity, else category. */
static struct key_draft
key_of_label (struct strtab *names, const struct raw_label *l,
              const struct scoring_config *cfg, int *err)
{
  struct key_draft k = { .category = l->category };

  if (strtab_get (names, l->incident)[0] != '\0')
  {
    k.kind = KEY_INCIDENT;
    k.name = l->incident;
  }
  else if (strtab_get (names, l->entity)[0] != '\0')
  {
    k.kind = KEY_ENTITY;
    k.name = l->entity;
  }
  else
  {
    const char *cat = l->category < cfg->n_categories
                      ? cfg->category[l->category] : "unknown";
    k.kind = KEY_CATEGORY;
    k.name = strtab_intern (names, cat, strlen (cat));
    if (k.name == UINT32_MAX)
      *err = -1;
  }
  return k;
}

/** Label order within an address: by key, then entity, incident, source. */
static int
label_cmp (const void *pa, const void *pb, void *ctx)
{
  const struct graph_label *a = pa, *b = pb;
  const struct strtab *names = ctx;
  int c;

  if (a->address != b->address)
    return a->address < b->address ? -1 : 1;
  if (a->key != b->key)
    return a->key < b->key ? -1 : 1;
  if ((c = strcmp (strtab_get (names, a->entity), strtab_get (names, b->entity))))
    return c;
  if ((c = strcmp (strtab_get (names, a->incident), strtab_get (names, b->incident))))
    return c;
  return strcmp (strtab_get (names, a->source), strtab_get (names, b->source));
}

/** Finds the id of a draft in the sorted, unique keys. */
static uint32_t
key_id (const struct key_draft *keys, uint32_t n, const struct key_draft *k,
        const struct strtab *names)
{
  uint32_t lo = 0, hi = n;

  while (lo < hi)
  {
    uint32_t mid = lo + (hi - lo) / 2;
    int c = key_draft_cmp (&keys[mid], k, (void *) names);
    if (c == 0)
      return mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return UINT32_MAX;            /* unreachable: every draft is in the set */
}

/** Derives keys, sorts and dedups labels, sets address flags. */
static int
index_labels (struct graph_builder *b, struct graph *g,
              const struct scoring_config *cfg)
{
  uint32_t n = b->n_labels, n_keys = 0;
  int err = 0;
  struct key_draft *drafts = malloc (((size_t) n + 1) * sizeof *drafts);
  struct key_draft *keys = malloc (((size_t) n + 1) * sizeof *keys);

  g->labels = malloc (((size_t) n + 1) * sizeof *g->labels);
  if (drafts == NULL || keys == NULL || g->labels == NULL)
    goto fail;
  for (uint32_t i = 0; i < n; i++)
    drafts[i] = keys[i] = key_of_label (&b->names, &b->labels[i], cfg, &err);
  if (err)
    goto fail;
  qsort_r (keys, n, sizeof *keys, key_draft_cmp, &b->names);
  for (uint32_t i = 0; i < n; i++)
    if (n_keys == 0 || key_draft_cmp (&keys[n_keys - 1], &keys[i], &b->names))
      keys[n_keys++] = keys[i];
  g->keys = malloc (((size_t) n_keys + 1) * sizeof *g->keys);
  if (g->keys == NULL)
    goto fail;
  for (uint32_t i = 0; i < n_keys; i++)
    g->keys[i] = (struct graph_key) {
      .name = keys[i].name, .category = keys[i].category, .kind = keys[i].kind,
    };
  g->n_keys = n_keys;
  for (uint32_t i = 0; i < n; i++)
  {
    const struct raw_label *r = &b->labels[i];
    g->labels[i] = (struct graph_label) {
      .address = r->address, .entity = r->entity, .incident = r->incident,
      .source = r->source, .category = r->category,
      .key = key_id (keys, n_keys, &drafts[i], &b->names),
    };
  }
  qsort_r (g->labels, n, sizeof *g->labels, label_cmp, &b->names);
  g->n_labels = 0;
  for (uint32_t i = 0; i < n; i++)
    if (g->n_labels == 0 || label_cmp (&g->labels[g->n_labels - 1], &g->labels[i], &b->names))
      g->labels[g->n_labels++] = g->labels[i];
  free (drafts);
  free (keys);
  return 0;
fail:
  free (drafts);
  free (keys);
  return -1;
}

/** Builds off[] (size n+1) as a CSR offset array from per-item counts. */
static void
prefix_sums (uint32_t *off, uint32_t n)
{
  uint32_t sum = 0;

  for (uint32_t i = 0; i <= n; i++)
  {
    uint32_t c = off[i];
    off[i] = sum;
    sum += c;
  }
}

/** True if the replay ignores the flow (SPEC 4: self-transfers, zero). */
static inline bool
flow_ignored (const struct graph_flow *f)
{
  return f->from == f->to || !(f->value > 0);
}

/** Per-address indexes: flags, labels, outflows and inflows. */
static int
index_addresses (struct graph *g, const struct scoring_config *cfg)
{
  uint32_t n = g->addrs.n;

  g->addr_chain = calloc ((size_t) n + 1, 1);
  g->addr_flags = calloc ((size_t) n + 1, 1);
  g->label_off = calloc ((size_t) n + 1, sizeof *g->label_off);
  g->out_off = calloc ((size_t) n + 1, sizeof *g->out_off);
  g->in_off = calloc ((size_t) n + 1, sizeof *g->in_off);
  g->out_flow = malloc (((size_t) g->n_flows + 1) * sizeof *g->out_flow);
  g->in_flow = malloc (((size_t) g->n_flows + 1) * sizeof *g->in_flow);
  if (!g->addr_chain || !g->addr_flags || !g->label_off || !g->out_off
      || !g->in_off || !g->out_flow || !g->in_flow)
    return -1;
  for (uint32_t a = 0; a < n; a++)
    g->addr_chain[a] = (uint8_t) (strtab_get (&g->addrs, a)[0] - 'a');
  for (uint32_t i = 0; i < g->n_labels; i++)
  {
    const struct graph_label *l = &g->labels[i];
    g->label_off[l->address]++;
    g->addr_flags[l->address] |= ADDR_LABELLED;
    if (l->category < cfg->n_categories && cfg->barrier[l->category])
      g->addr_flags[l->address] |= ADDR_BARRIER;
  }
  prefix_sums (g->label_off, n);
  for (uint32_t f = 0; f < g->n_flows; f++)
    if (!flow_ignored (&g->flows[f]))
    {
      g->out_off[g->flows[f].from]++;
      g->in_off[g->flows[f].to]++;
    }
  prefix_sums (g->out_off, n);
  prefix_sums (g->in_off, n);
  /* Fill in flow order so each address's list is ascending; use the
   * offsets as cursors, then shift them back. */
  for (uint32_t f = 0; f < g->n_flows; f++)
    if (!flow_ignored (&g->flows[f]))
    {
      g->out_flow[g->out_off[g->flows[f].from]++] = f;
      g->in_flow[g->in_off[g->flows[f].to]++] = f;
    }
  memmove (g->out_off + 1, g->out_off, (size_t) n * sizeof *g->out_off);
  memmove (g->in_off + 1, g->in_off, (size_t) n * sizeof *g->in_off);
  g->out_off[0] = g->in_off[0] = 0;
  return 0;
}

struct graph *
graph_builder_finish (struct graph_builder *b, const struct scoring_config *cfg,
                      struct pool *pool, uint64_t epoch)
{
  double t0 = clock_ms ();
  struct graph *g = calloc (1, sizeof *g);

  if (g == NULL)
  {
    graph_builder_free (b);
    return NULL;
  }
  atomic_init (&g->refs, 1);
  g->epoch = epoch;
  for (unsigned c = 0; c < cfg->n_categories; c++)
    g->barrier[c] = cfg->barrier[c];
  int rc = sort_flows (b, g);
  g->phase_ms[0] = clock_ms () - t0;
  if (rc == 0)
    rc = index_labels (b, g, cfg);
  /* The builder's tables move into the graph as they are. */
  g->addrs = b->addrs;
  g->txs = b->txs;
  g->names = b->names;
  memset (&b->addrs, 0, sizeof b->addrs);
  memset (&b->txs, 0, sizeof b->txs);
  memset (&b->names, 0, sizeof b->names);
  graph_builder_free (b);
  if (rc == 0)
    rc = index_addresses (g, cfg);
  g->phase_ms[1] = clock_ms () - t0 - g->phase_ms[0];
  if (rc == 0)
    rc = graph_replay (g, pool);
  g->phase_ms[2] = clock_ms () - t0 - g->phase_ms[0] - g->phase_ms[1];
  if (rc == 0)
    rc = graph_score_all (g, cfg, pool);
  g->phase_ms[3] = clock_ms () - t0 - g->phase_ms[0] - g->phase_ms[1] - g->phase_ms[2];
  if (rc != 0)
  {
    graph_release (g);
    return NULL;
  }
  g->built_at_us = clock_wall_us ();
  g->build_ms = clock_ms () - t0;
  return g;
}

void
graph_release (struct graph *g)
{
  if (g == NULL || atomic_fetch_sub (&g->refs, 1) != 1)
    return;
  strtab_free (&g->addrs);
  strtab_free (&g->txs);
  strtab_free (&g->names);
  free (g->addr_chain);
  free (g->addr_flags);
  free (g->balance);
  free (g->received);
  free (g->flows);
  free (g->avail);
  free (g->out_off);
  free (g->out_flow);
  free (g->in_off);
  free (g->in_flow);
  free (g->keys);
  free (g->labels);
  free (g->label_off);
  free (g->taint_off);
  free (g->taint);
  free (g->score);
  free (g->level);
  free (g->category_mask);
  free (g);
}

size_t
graph_bytes (const struct graph *g)
{
  size_t n = g->addrs.n, f = g->n_flows;

  return sizeof *g + strtab_bytes (&g->addrs) + strtab_bytes (&g->txs)
         + strtab_bytes (&g->names)
         + n * (3 + 3 * sizeof (double) + 5 * sizeof (uint32_t))
         + f * (sizeof (struct graph_flow) + sizeof (double) + 2 * sizeof (uint32_t))
         + g->n_keys * sizeof (struct graph_key)
         + g->n_labels * sizeof (struct graph_label)
         + g->n_taint * sizeof (struct graph_taint);
}

/* end of graph_build.c */
