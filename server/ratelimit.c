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
#include "riskd/cache.h"
#include "riskd/log.h"
#include "riskd/ratelimit.h"

/** The window a limit is expressed over. */
#define PERIOD_MS 60000
/** Slots of the local fallback (a collision shares a bucket: it errs on
 *  the strict side, and only while Redis is away). */
#define LOCAL_SLOTS 4096

/* KEYS[1]: the key's bucket; ARGV: period (ms), limit. Returns allowed,
 * remaining, retry_after_ms, reset_ms. TAT is the theoretical arrival
 * time: the bucket is full again at TAT. */
static const char gcra_script[] =
  "local t = redis.call('TIME')\n"
  "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
  "local period = tonumber(ARGV[1])\n"
  "local limit = tonumber(ARGV[2])\n"
  "local interval = period / limit\n"
  "local tat = tonumber(redis.call('GET', KEYS[1])) or now\n"
  "if tat < now then tat = now end\n"
  "local allow_at = tat + interval - period\n"
  "if allow_at > now then\n"
  "  return {0, 0, math.ceil(allow_at - now), math.ceil(tat - now)}\n"
  "end\n"
  "local new_tat = tat + interval\n"
  "redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.ceil(new_tat - now) + 1)\n"
  "return {1, math.floor((now + period - new_tat) / interval), 0, math.ceil(new_tat - now)}\n";

struct ratelimit {
  struct cache *cache;
  pthread_mutex_t lock;
  double tat[LOCAL_SLOTS];     /**< local buckets, ms on CLOCK_MONOTONIC */
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

/** The same GCRA on this process's clock. */
static void
take_local (struct ratelimit *rl, const char *key_id, double limit, long long out[4])
{
  struct timespec t;
  uint32_t slot = 0;
  double interval = PERIOD_MS / limit;

  for (const char *p = key_id; *p; p++)
    slot = slot * 31 + (unsigned char) *p;
  slot %= LOCAL_SLOTS;
  clock_gettime (CLOCK_MONOTONIC, &t);
  double now = (double) t.tv_sec * 1000 + (double) t.tv_nsec / 1e6;
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

void
ratelimit_take (struct ratelimit *rl, const char *key_id, unsigned per_minute,
                struct rate_decision *out)
{
  char key[64], period[16], limit[16];
  long long r[4];
  const char *args[] = { period, limit };

  if (per_minute == 0)
    per_minute = 1;
  snprintf (key, sizeof key, "riskd:rate:%s", key_id);
  snprintf (period, sizeof period, "%d", PERIOD_MS);
  snprintf (limit, sizeof limit, "%u", per_minute);
  bool local = cache_script (rl->cache, gcra_script, key, 2, args, r, 4) != 4;
  if (local)
    take_local (rl, key_id, per_minute, r);
  if (atomic_exchange (&rl->local, local) != local)
    log_msg (local ? LOG_WARN : LOG_INFO,
             local ? "rate limits are local to this instance: redis unreachable"
                   : "rate limits shared through redis again", NULL);
  out->allowed = r[0] == 1;
  out->limit = per_minute;
  out->remaining = r[1] < 0 ? 0 : (unsigned) r[1];
  out->retry_after_s = (unsigned) ((r[2] + 999) / 1000);
  out->reset_s = (unsigned) ((r[3] + 999) / 1000);
  out->local = local;
}

/* end of ratelimit.c */
