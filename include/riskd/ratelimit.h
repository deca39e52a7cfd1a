/*
 * ratelimit.h -- per-key request rate limits, shared by every instance
 * through Redis.
 *
 * GCRA (the generic cell rate algorithm, a leaky bucket kept as one
 * timestamp per key): a key of L requests per minute may make L requests
 * at once, then one every 60/L seconds. The check runs in one Lua script,
 * on Redis's clock, so instances agree whatever their own clocks say.
 * A busy key takes its allowance in leases of a tenth of a second of its
 * rate (one request for keys of up to 600 a minute, so small limits are
 * exact): one Redis call per lease, not per request; at most one lease per
 * instance goes unspent. When Redis cannot be reached the same algorithm
 * runs in this process (the limit is then per instance) and that is logged
 * once per outage.
 */
#ifndef RISKD_RATELIMIT_H
#define RISKD_RATELIMIT_H

#include <stdbool.h>

struct cache;
struct ratelimit;

/** What the check decided, and what the RateLimit-* headers say. */
struct rate_decision {
  bool allowed;
  unsigned limit;           /**< requests per minute */
  unsigned remaining;       /**< requests that could be made now */
  unsigned reset_s;         /**< seconds until the full allowance is back */
  unsigned retry_after_s;   /**< when refused: seconds until one is allowed */
  bool local;               /**< decided without Redis */
};

struct ratelimit *ratelimit_new (struct cache *cache);
void ratelimit_free (struct ratelimit *rl);

/** Takes one request from the key's allowance. */
void ratelimit_take (struct ratelimit *rl, const char *key_id, unsigned per_minute,
                     struct rate_decision *out);

#endif
/* end of ratelimit.h */
