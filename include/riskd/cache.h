/*
 * cache.h -- Redis: cached score documents (and, later, shared counters).
 *
 * Redis is an accelerator, never a dependency: every call fails fast when
 * Redis is down (after one failed connect, no new attempt for a second),
 * callers then compute the answer themselves, and the pool reconnects by
 * itself when Redis is back. Up/down transitions are logged once each.
 */
#ifndef RISKD_CACHE_H
#define RISKD_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cache;

/** Statistics for /readyz and /metrics. */
struct cache_stats {
  uint64_t hits, misses, errors;
  bool up;                      /**< the last operation reached Redis */
};

/** A pool of up to `size` connections to `url`
 *  (redis://[:password@]host[:port][/db]); NULL if the URL is malformed. */
struct cache *cache_new (const char *url, unsigned size);
void cache_free (struct cache *c);

/** 1 and a malloc'd copy of the value on a hit, 0 on a miss, -1 when Redis
 *  is unreachable. */
int cache_get (struct cache *c, const char *key, char **value, size_t *len);

/** Queues a value to be stored for `ttl_s` seconds by the cache's writer
 *  thread (pipelined, never on the caller's time); failures are counted,
 *  not reported. */
void cache_set (struct cache *c, const char *key, const char *value, size_t len,
                unsigned ttl_s);

/** Runs a Lua script on one key with string arguments and reads back up to
 *  `n_out` integers of the array it returns; the count, or -1 when Redis
 *  is unreachable or the script failed. */
int cache_script (struct cache *c, const char *script, const char *key,
                  int n_args, const char *const *args, long long *out, int n_out);

/** PING; true when Redis answered. */
bool cache_ping (struct cache *c);

void cache_stats (struct cache *c, struct cache_stats *out);

#endif
/* end of cache.h */
