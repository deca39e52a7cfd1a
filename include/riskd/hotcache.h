/*
 * hotcache.h -- an in-process tier in front of Redis for risk answers.
 *
 * A Redis GET is a network round trip; the hottest addresses (a deposit
 * address screened again, a dashboard's watch list) are answered from
 * here instead. Entries belong to one epoch: a lookup at another epoch
 * misses, and a store at another epoch empties the shard, so an answer of
 * another graph is never served as current (keys also name the epoch). Sharded, each
 * shard a small direct-mapped table under its own mutex: a collision
 * simply replaces the older entry.
 */
#ifndef RISKD_HOTCACHE_H
#define RISKD_HOTCACHE_H

#include <stddef.h>
#include <stdint.h>

struct hotcache;

/** A cache of about `entries` answers (0: disabled). */
struct hotcache *hotcache_new (size_t entries);
void hotcache_free (struct hotcache *h);

/** A malloc'd copy of the answer stored under `key` at `epoch`, or NULL. */
char *hotcache_get (struct hotcache *h, uint64_t epoch, const char *key, size_t *len);

/** Stores an answer (copied). */
void hotcache_put (struct hotcache *h, uint64_t epoch, const char *key, const char *doc,
                   size_t len);

/** Hits and misses so far. */
void hotcache_stats (struct hotcache *h, uint64_t *hits, uint64_t *misses);

#endif
/* end of hotcache.h */
