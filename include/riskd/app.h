/*
 * app.h -- the running service's parts, as handlers reach them.
 */
#ifndef RISKD_APP_H
#define RISKD_APP_H

#include <stdatomic.h>
#include <stdint.h>
#include "riskd/config.h"

struct auth;
struct cache;
struct engine;
struct hotcache;
struct ratelimit;
struct pool;
struct store;

struct app {
  struct riskd_config *cfg;
  struct store *store;          /**< PostgreSQL */
  struct cache *cache;          /**< Redis */
  struct hotcache *hot;         /**< answers kept in this process, before Redis */
  struct engine *engine;        /**< the current graph */
  struct auth *auth;            /**< API keys */
  struct ratelimit *ratelimit;  /**< per-key request rates */
  struct pool *workers;         /**< the engine's threads */
  struct pool *jobs;            /**< request work taken off the HTTP threads */
  atomic_bool stopping;         /**< SIGTERM received: refuse new requests */
  atomic_uint in_flight;        /**< requests begun and not yet completed */
  int64_t started_at_us;
};

#endif
/* end of app.h */
