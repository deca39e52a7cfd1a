/*
 * ratelimit.c -- GCRA in Redis, with a local fallback (see ratelimit.h).
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "riskd/clock.h"
#include "riskd/cache.h"
#include "riskd/log.h"
#include "riskd/ratelimit.h"

/** The window a limit is expressed over. */
#define PERIOD_MS 60000
/** Slots of the local fallback (a collision shares a bucket: it errs on
 *  the strict side, and only while Redis is away). */
#define LOCAL_SLOTS 4096

/* KEYS[1]: the key's bucket; ARGV: period (ms), limit, cost (requests
 * taken at once). Returns allowed, remaining, retry_after_ms, reset_ms.
 * TAT is the theoretical arrival time: the bucket is full again at TAT. */
static const char gcra_script[] =
  "local t = redis.call('TIME')\n"
  "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
  "local period = tonumber(ARGV[1])\n"
  "local limit = tonumber(ARGV[2])\n"
  "local cost = tonumber(ARGV[3])\n"
  "local interval = period / limit\n"
  "local tat = tonumber(redis.call('GET', KEYS[1])) or now\n"
  "if tat < now then tat = now end\n"
  "local allow_at = tat + cost * interval - period\n"
  "if allow_at > now then\n"
  "  return {0, math.max(0, math.floor((now + period - tat) / interval)),\n"
  "          math.ceil(allow_at - now), math.ceil(tat - now)}\n"
  "end\n"
  "local new_tat = tat + cost * interval\n"
  "redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.ceil(new_tat - now) + 1)\n"
  "return {1, math.floor((now + period - new_tat) / interval), 0, math.ceil(new_tat - now)}\n";

/** Requests one lease buys: a tenth of a second of the key's rate, so
 *  that a busy key asks Redis ten times a second per instance, not once
 *  per request; at most one lease per instance is ever unspent. A key of
 *  up to 600 a minute leases one at a time: its limit is exact. */
static unsigned
lease_size (unsigned per_minute)
{
  return per_minute / 600 > 1 ? per_minute / 600 : 1;
}

/** Requests paid for in Redis and not yet made, per key. */
struct lease {
  char key_id[24];
  unsigned left;
  unsigned remaining;           /**< what Redis said remained when leased */
  unsigned reset_s;
};

struct ratelimit {
  struct cache *cache;
  pthread_mutex_t lock;
  double tat[LOCAL_SLOTS];     /**< local buckets, ms on CLOCK_MONOTONIC */
  struct lease leases[LOCAL_SLOTS];
  atomic_bool local;           /**< last decision was local: for logging */
};

struct ratelimit *
ratelimit_new (struct cache *cache)
{
  struct ratelimit *rl = calloc (1, sizeof *rl);

  if (rl == NULL)
    return NULL;
  rl->cache = cache;
  pthread_mutex_init (&rl->lock, NULL);
  return rl;
}

void
ratelimit_free (struct ratelimit *rl)
{
  if (rl == NULL)
    return;
  pthread_mutex_destroy (&rl->lock);
  free (rl);
}

/** Slot of a key id in the local tables. */
static uint32_t
slot_of (const char *key_id)
{
  uint32_t slot = 0;

  for (const char *p = key_id; *p; p++)
    slot = slot * 31 + (unsigned char) *p;
  return slot % LOCAL_SLOTS;
}

/** The same GCRA on this process's clock (cost 1). */
static void
take_local (struct ratelimit *rl, uint32_t slot, double limit, long long out[4])
{
  double interval = PERIOD_MS / limit, now = clock_ms ();
  pthread_mutex_lock (&rl->lock);
  double tat = rl->tat[slot] > now ? rl->tat[slot] : now;
  double allow_at = tat + interval - PERIOD_MS;
  if (allow_at > now)
  {
    out[0] = 0;
    out[1] = 0;
    out[2] = (long long) ceil (allow_at - now);
    out[3] = (long long) ceil (tat - now);
  }
  else
  {
    rl->tat[slot] = tat + interval;
    out[0] = 1;
    out[1] = (long long) floor ((now + PERIOD_MS - rl->tat[slot]) / interval);
    out[2] = 0;
    out[3] = (long long) ceil (rl->tat[slot] - now);
  }
  pthread_mutex_unlock (&rl->lock);
}

/** Asks Redis for `cost` requests of the key's allowance; false if Redis
 *  cannot be reached. */
static bool
take_shared (struct ratelimit *rl, const char *key_id, unsigned per_minute, unsigned cost,
             long long out[4])
{
  char key[64], period[16], limit[16], n[16];
  const char *args[] = { period, limit, n };

  snprintf (key, sizeof key, "riskd:rate:%s", key_id);
  snprintf (period, sizeof period, "%d", PERIOD_MS);
  snprintf (limit, sizeof limit, "%u", per_minute);
  snprintf (n, sizeof n, "%u", cost);
  return cache_script (rl->cache, gcra_script, key, 3, args, out, 4) == 4;
}

/** Spends one leased request, if the key holds one. */
static bool
spend_lease (struct ratelimit *rl, uint32_t slot, const char *key_id, struct rate_decision *out)
{
  bool spent = false;

  pthread_mutex_lock (&rl->lock);
  struct lease *l = &rl->leases[slot];
  if (l->left > 0 && strcmp (l->key_id, key_id) == 0)
  {
    l->left--;
    out->remaining = l->remaining + l->left;
    out->reset_s = l->reset_s;
    spent = true;
  }
  pthread_mutex_unlock (&rl->lock);
  return spent;
}

void
ratelimit_take (struct ratelimit *rl, const char *key_id, unsigned per_minute,
                struct rate_decision *out)
{
  long long r[4];
  uint32_t slot = slot_of (key_id);
  unsigned lease = lease_size (per_minute ? per_minute : 1);

  if (per_minute == 0)
    per_minute = 1;
  memset (out, 0, sizeof *out);
  out->limit = per_minute;
  if (spend_lease (rl, slot, key_id, out))
  {
    out->allowed = true;
    return;
  }
  bool shared = take_shared (rl, key_id, per_minute, lease, r);
  if (shared && r[0] != 1 && lease > 1)
  {
    lease = 1;                    /* not a whole lease left: one request? */
    shared = take_shared (rl, key_id, per_minute, 1, r);
  }
  if (!shared)
  {
    lease = 1;
    take_local (rl, slot, per_minute, r);
  }
  if (atomic_exchange (&rl->local, !shared) == shared)
    log_msg (shared ? LOG_INFO : LOG_WARN,
             shared ? "rate limits shared through redis again"
                    : "rate limits are local to this instance: redis unreachable", NULL);
  out->allowed = r[0] == 1;
  out->remaining = r[1] < 0 ? 0 : (unsigned) r[1];
  out->retry_after_s = (unsigned) ((r[2] + 999) / 1000);
  out->reset_s = (unsigned) ((r[3] + 999) / 1000);
  out->local = !shared;
  if (out->allowed && lease > 1)
  {
    pthread_mutex_lock (&rl->lock);
    struct lease *l = &rl->leases[slot];
    snprintf (l->key_id, sizeof l->key_id, "%s", key_id);
    l->left = lease - 1;          /* this request spends one */
    l->remaining = out->remaining;
    l->reset_s = out->reset_s;
    pthread_mutex_unlock (&rl->lock);
    out->remaining += lease - 1;
  }
}

/* end of ratelimit.c */
