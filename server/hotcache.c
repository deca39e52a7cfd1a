/*
 * hotcache.c -- the in-process answer cache (see hotcache.h).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "riskd/hotcache.h"

#define SHARDS 64

struct entry {
  uint64_t hash;
  char *key;
  char *doc;
  size_t len;
};

struct shard {
  pthread_mutex_t lock;
  uint64_t epoch;
  struct entry *slots;
};

struct hotcache {
  size_t per_shard;              /**< slots per shard */
  struct shard shards[SHARDS];
  atomic_uint_fast64_t hits, misses;
};

static uint64_t
hash_key (const char *s)
{
  uint64_t h = 1469598103934665603ull;

  for (; *s; s++)
    h = (h ^ (unsigned char) *s) * 1099511628211ull;
  return h ^ (h >> 29);
}

struct hotcache *
hotcache_new (size_t entries)
{
  struct hotcache *h;

  if (entries == 0 || (h = calloc (1, sizeof *h)) == NULL)
    return NULL;
  h->per_shard = entries / SHARDS + 1;
  for (int i = 0; i < SHARDS; i++)
  {
    pthread_mutex_init (&h->shards[i].lock, NULL);
    h->shards[i].slots = calloc (h->per_shard, sizeof (struct entry));
    if (h->shards[i].slots == NULL)
    {
      hotcache_free (h);
      return NULL;
    }
  }
  return h;
}

static void
clear_entry (struct entry *e)
{
  free (e->key);
  free (e->doc);
  memset (e, 0, sizeof *e);
}

void
hotcache_free (struct hotcache *h)
{
  if (h == NULL)
    return;
  for (int i = 0; i < SHARDS; i++)
  {
    for (size_t j = 0; h->shards[i].slots && j < h->per_shard; j++)
      clear_entry (&h->shards[i].slots[j]);
    free (h->shards[i].slots);
    pthread_mutex_destroy (&h->shards[i].lock);
  }
  free (h);
}

char *
hotcache_get (struct hotcache *h, uint64_t epoch, const char *key, size_t *len)
{
  char *copy = NULL;

  if (h == NULL)
    return NULL;
  uint64_t hash = hash_key (key);
  struct shard *s = &h->shards[hash % SHARDS];
  pthread_mutex_lock (&s->lock);
  struct entry *e = &s->slots[(hash / SHARDS) % h->per_shard];
  if (s->epoch == epoch && e->key && e->hash == hash && strcmp (e->key, key) == 0
      && (copy = malloc (e->len)) != NULL)
  {
    memcpy (copy, e->doc, e->len);
    *len = e->len;
  }
  pthread_mutex_unlock (&s->lock);
  atomic_fetch_add_explicit (copy ? &h->hits : &h->misses, 1, memory_order_relaxed);
  return copy;
}

void
hotcache_put (struct hotcache *h, uint64_t epoch, const char *key, const char *doc, size_t len)
{
  if (h == NULL)
    return;
  uint64_t hash = hash_key (key);
  struct shard *s = &h->shards[hash % SHARDS];
  char *k = strdup (key), *d = malloc (len);
  if (k == NULL || d == NULL)
  {
    free (k);
    free (d);
    return;
  }
  memcpy (d, doc, len);
  pthread_mutex_lock (&s->lock);
  if (epoch != s->epoch)          /* another graph: what the shard holds is moot */
  {
    for (size_t j = 0; j < h->per_shard; j++)
      clear_entry (&s->slots[j]);
    s->epoch = epoch;
  }
  struct entry *e = &s->slots[(hash / SHARDS) % h->per_shard];
  clear_entry (e);
  *e = (struct entry) { .hash = hash, .key = k, .doc = d, .len = len };
  pthread_mutex_unlock (&s->lock);
}

void
hotcache_stats (struct hotcache *h, uint64_t *hits, uint64_t *misses)
{
  *hits = h ? atomic_load (&h->hits) : 0;
  *misses = h ? atomic_load (&h->misses) : 0;
}

/* end of hotcache.c */
