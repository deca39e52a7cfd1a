/*
 * config.h -- riskd's configuration: flags, each with an environment
 * variable of the same meaning (flag wins), and the scoring configuration.
 */
#ifndef RISKD_CONFIG_H
#define RISKD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "riskd/scoring.h"

struct riskd_config {
  char *database_url;        /**< libpq connection string or URL */
  char *redis_url;           /**< redis://[:password@]host[:port][/db] */
  char *listen;              /**< host:port to listen on */
  unsigned http_threads;     /**< libmicrohttpd polling threads */
  unsigned workers;          /**< engine worker threads */
  unsigned job_threads;      /**< threads for request work taken off MHD */
  char *severities_file;     /**< JSON file over the default severities */
  unsigned cache_ttl_s;      /**< lifetime of cached scores in Redis */
  unsigned hot_cache_entries; /**< answers kept in this process (0: none) */
  size_t max_body_bytes;     /**< largest JSON request body (not imports) */
  size_t max_import_bytes;   /**< largest import body; 0 = no limit */
  unsigned import_wait_ms;   /**< how long an import waits for the engine */
  unsigned connection_limit; /**< most simultaneous connections */
  unsigned connection_timeout_s; /**< idle or trickling connections are cut */
  unsigned db_pool;          /**< PostgreSQL connections kept open */
  bool access_log;           /**< one log line per request */
  char *log_level;           /**< debug, info, warn, error */
  char *open_routes;         /**< route patterns served without an API key */
  unsigned header_timeout_s; /**< request headers must be complete within this */
  char *cors_origins;        /**< origins allowed cross-site ("": CORS off) */
  char *tls_cert;            /**< PEM certificate file ("": plain HTTP) */
  char *tls_key;             /**< PEM private key file */
  struct scoring_config scoring;
};

/** Fills defaults, then environment, then argv flags (argv[first..]).
 *  Returns the index of the first non-flag argument, or -1 after printing
 *  an error to stderr. */
int config_load (struct riskd_config *cfg, int argc, char **argv, int first);

/** Prints the flags and their variables. */
void config_usage (FILE *out);

void config_free (struct riskd_config *cfg);

#endif
/* end of config.h */
