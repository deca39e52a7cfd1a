/*
 * ranking.c -- rankings and transitions of published graphs (see ranking.h).
 *
 * Both rings are guarded by one mutex, held only to add, find or copy
 * entries; rankings are shared by reference, transitions are read under
 * the lock (they are small next to the graph, and the feed is cheap when
 * nothing changed).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "riskd/array.h"
#include "riskd/ranking.h"

/** Scores changes kept over all transitions, at most. */
#define CHANGES_KEPT 5000000

struct transition {
  uint64_t from, to;
  uint32_t n;
  struct score_change *items;
};

struct history {
  pthread_mutex_t lock;
  struct ranking *rankings[RANKINGS_KEPT];   /**< ring, newest at `next_ranking - 1` */
  unsigned next_ranking;
  struct transition transitions[TRANSITIONS_KEPT]; /**< ring, oldest at `first` */
  unsigned first, count;
  uint64_t changes;                           /**< entries over all transitions */
  uint64_t base_epoch;                        /**< the graph the history starts with */
};

struct history *
history_new (void)
{
  struct history *h = calloc (1, sizeof *h);

  if (h)
    pthread_mutex_init (&h->lock, NULL);
  return h;
}

void
ranking_release (struct ranking *r)
{
  if (r == NULL || atomic_fetch_sub (&r->refs, 1) != 1)
    return;
  free (r->items);
  free (r);
}

/** Drops every transition (under the lock). */
static void
clear_transitions (struct history *h)
{
  for (unsigned i = 0; i < h->count; i++)
    free (h->transitions[(h->first + i) % TRANSITIONS_KEPT].items);
  h->first = h->count = 0;
  h->changes = 0;
}

void
history_free (struct history *h)
{
  if (h == NULL)
    return;
  for (unsigned i = 0; i < RANKINGS_KEPT; i++)
    ranking_release (h->rankings[i]);
  clear_transitions (h);
  pthread_mutex_destroy (&h->lock);
  free (h);
}

/* ---- building ---- */

/** Riskiest first; ties by chain, then address (stable across epochs). */
static int
ranked_cmp (const void *pa, const void *pb, void *ctx)
{
  const struct ranked *a = pa, *b = pb;
  const struct graph *g = ctx;

  if (a->score != b->score)
    return a->score > b->score ? -1 : 1;
  if (a->chain != b->chain)
    return a->chain < b->chain ? -1 : 1;
  return strcmp (graph_address (g, a->address), graph_address (g, b->address));
}

static struct ranking *
rank (const struct graph *g)
{
  struct ranking *r = calloc (1, sizeof *r);
  uint32_t n = 0;

  if (r == NULL)
    return NULL;
  for (uint32_t a = 0; a < g->addrs.n; a++)
    n += g->score[a] > 0;
  r->items = malloc (((size_t) n + 1) * sizeof *r->items);
  if (r->items == NULL)
  {
    free (r);
    return NULL;
  }
  for (uint32_t a = 0; a < g->addrs.n; a++)
  {
    r->by_level[g->level[a]]++;
    if (g->score[a] > 0)
      r->items[r->n++] = (struct ranked) {
        .score = g->score[a], .address = a, .category_mask = g->category_mask[a],
        .level = g->level[a], .chain = g->addr_chain[a],
      };
  }
  if (r->n > 0)
    qsort_r (r->items, r->n, sizeof *r->items, ranked_cmp, (void *) g);
  atomic_init (&r->refs, 1);
  r->epoch = g->epoch;
  return r;
}

/** Addresses whose score or level differs between two graphs. */
static int
diff (const struct graph *prev, const struct graph *cur, struct transition *t)
{
  uint32_t cap = 1024;

  t->from = prev->epoch;
  t->to = cur->epoch;
  t->n = 0;
  t->items = malloc (cap * sizeof *t->items);
  for (uint32_t a = 0; t->items && a < cur->addrs.n; a++)
  {
    double old_score = a < prev->addrs.n ? prev->score[a] : 0;
    uint8_t old_level = a < prev->addrs.n ? prev->level[a] : LEVEL_LOW;
    if (old_score == cur->score[a] && old_level == cur->level[a])
      continue;
    if (t->n == cap)
    {
      struct score_change *more = realloc (t->items, (size_t) cap * 2 * sizeof *more);
      if (more == NULL)
        break;
      t->items = more;
      cap *= 2;
    }
    t->items[t->n++] = (struct score_change) {
      .old_score = old_score, .new_score = cur->score[a], .address = a,
      .old_level = old_level, .new_level = cur->level[a], .chain = cur->addr_chain[a],
    };
  }
  return t->items ? 0 : -1;
}

int
history_record (struct history *h, const struct graph *previous, const struct graph *current)
{
  struct ranking *r = rank (current);
  struct transition t = { 0 };

  if (r == NULL || (previous && diff (previous, current, &t) != 0))
  {
    ranking_release (r);
    free (t.items);
    return -1;
  }
  pthread_mutex_lock (&h->lock);
  if (previous == NULL)
  {
    clear_transitions (h);
    h->base_epoch = current->epoch;
    for (unsigned i = 0; i < RANKINGS_KEPT; i++)
    {
      ranking_release (h->rankings[i]);
      h->rankings[i] = NULL;
    }
  }
  unsigned slot = h->next_ranking++ % RANKINGS_KEPT;
  ranking_release (h->rankings[slot]);
  h->rankings[slot] = r;
  if (previous)
  {
    while (h->count > 0 && (h->count == TRANSITIONS_KEPT || h->changes + t.n > CHANGES_KEPT))
    {
      h->changes -= h->transitions[h->first].n;
      free (h->transitions[h->first].items);
      h->first = (h->first + 1) % TRANSITIONS_KEPT;
      h->count--;
    }
    h->transitions[(h->first + h->count++) % TRANSITIONS_KEPT] = t;
    h->changes += t.n;
  }
  pthread_mutex_unlock (&h->lock);
  return 0;
}

/* ---- reading ---- */

struct ranking *
history_ranking (struct history *h, uint64_t epoch)
{
  struct ranking *found = NULL;

  pthread_mutex_lock (&h->lock);
  for (unsigned i = 0; i < RANKINGS_KEPT; i++)
    if (h->rankings[i] && h->rankings[i]->epoch == epoch)
    {
      found = h->rankings[i];
      atomic_fetch_add (&found->refs, 1);
    }
  pthread_mutex_unlock (&h->lock);
  return found;
}

static int
change_cmp (const void *pa, const void *pb, void *ctx)
{
  const struct score_change *a = pa, *b = pb;

  if (a->new_score != b->new_score)
    return a->new_score > b->new_score ? -1 : 1;
  if (a->chain != b->chain)
    return a->chain < b->chain ? -1 : 1;
  return strcmp (graph_address (ctx, a->address), graph_address (ctx, b->address));
}

/** Merges transitions [start, end) into one change per address. */
static int64_t
merge (const struct history *h, unsigned start, unsigned end, struct score_change **out)
{
  uint64_t total = 0;

  for (unsigned i = start; i < end; i++)
    total += h->transitions[(h->first + i) % TRANSITIONS_KEPT].n;
  uint32_t slots = 16;
  while (slots < 2 * total + 1)
    slots *= 2;
  uint32_t *slot = calloc (slots, sizeof *slot);   /* change index + 1 */
  struct score_change *list = malloc ((total + 1) * sizeof *list);
  int64_t n = 0;
  if (slot == NULL || list == NULL)
  {
    free (slot);
    free (list);
    return -1;
  }
  for (unsigned i = start; i < end; i++)
  {
    const struct transition *t = &h->transitions[(h->first + i) % TRANSITIONS_KEPT];
    for (uint32_t j = 0; j < t->n; j++)
    {
      const struct score_change *c = &t->items[j];
      uint32_t k = hash_u32 (c->address) & (slots - 1);
      while (slot[k] && list[slot[k] - 1].address != c->address)
        k = (k + 1) & (slots - 1);
      if (slot[k] == 0)
      {
        list[n] = *c;                 /* first change: keeps the old values */
        slot[k] = (uint32_t) ++n;
      }
      else
      {
        list[slot[k] - 1].new_score = c->new_score;
        list[slot[k] - 1].new_level = c->new_level;
      }
    }
  }
  free (slot);
  int64_t kept = 0;                   /* drop round trips */
  for (int64_t i = 0; i < n; i++)
    if (list[i].old_score != list[i].new_score || list[i].old_level != list[i].new_level)
      list[kept++] = list[i];
  *out = list;
  return kept;
}

int64_t
history_changes (struct history *h, const struct graph *g, uint64_t since,
                 struct score_change **out, uint64_t *exact_since, uint64_t *until)
{
  int64_t n = 0;
  unsigned i = 0, end = 0;

  *out = NULL;
  *exact_since = since;
  *until = g->epoch;
  pthread_mutex_lock (&h->lock);
  /* Transitions are contiguous (each starts where the last ended), from
   * the graph the history started with; only those up to `g` count, so
   * every address id is one of g's. */
  while (end < h->count && h->transitions[(h->first + end) % TRANSITIONS_KEPT].to <= g->epoch)
    end++;
  while (i < end && h->transitions[(h->first + i) % TRANSITIONS_KEPT].to <= since)
    i++;
  uint64_t oldest = h->count ? h->transitions[h->first].from : h->base_epoch;
  if (since < oldest)
    n = -1;                        /* older than what is kept */
  else if (i < end)
  {
    uint64_t from = h->transitions[(h->first + i) % TRANSITIONS_KEPT].from;
    *exact_since = from < since ? from : since;
    n = merge (h, i, end, out);
  }
  pthread_mutex_unlock (&h->lock);
  if (n > 1)
    qsort_r (*out, (size_t) n, sizeof **out, change_cmp, (void *) g);
  return n;
}

/* end of ranking.c */
