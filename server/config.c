/*
 * config.c -- one table lists every option: its flag, its environment
 * variable, its type, its default and what it is for. Parsing, defaults
 * and the usage text all come from that table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "riskd/config.h"

enum opt_type { OPT_STRING, OPT_UINT, OPT_SIZE, OPT_BOOL };

/** One option. */
struct option_def {
  const char *flag;          /**< without the leading "--" */
  const char *env;           /**< environment variable */
  enum opt_type type;
  size_t offset;             /**< where in struct riskd_config */
  const char *fallback;      /**< default, as text ("" = none) */
  const char *help;
};

#define O(field) offsetof (struct riskd_config, field)

static const struct option_def options[] = {
  { "database-url", "DATABASE_URL", OPT_STRING, O (database_url),
    "postgresql:///riskd", "PostgreSQL connection URL" },
  { "redis-url", "REDIS_URL", OPT_STRING, O (redis_url),
    "redis://127.0.0.1:6379/0", "Redis URL (redis://[:password@]host[:port][/db])" },
  { "listen", "RISKD_LISTEN", OPT_STRING, O (listen), "127.0.0.1:8080",
    "address and port to listen on" },
  { "http-threads", "RISKD_HTTP_THREADS", OPT_UINT, O (http_threads), "0",
    "HTTP polling threads (0: one per CPU)" },
  { "workers", "RISKD_WORKERS", OPT_UINT, O (workers), "0",
    "engine worker threads (0: one per CPU)" },
  { "job-threads", "RISKD_JOB_THREADS", OPT_UINT, O (job_threads), "8",
    "threads for database work taken off the HTTP threads" },
  { "severities", "RISKD_SEVERITIES", OPT_STRING, O (severities_file), "",
    "JSON file of category severities, barriers and level thresholds" },
  { "cache-ttl", "RISKD_CACHE_TTL", OPT_UINT, O (cache_ttl_s), "3600",
    "seconds a score stays cached in Redis" },
  { "hot-cache", "RISKD_HOT_CACHE", OPT_UINT, O (hot_cache_entries), "50000",
    "risk answers kept in this process in front of Redis (0: none)" },
  { "max-body", "RISKD_MAX_BODY", OPT_SIZE, O (max_body_bytes), "1048576",
    "largest JSON request body in bytes (imports excepted)" },
  { "max-import", "RISKD_MAX_IMPORT", OPT_SIZE, O (max_import_bytes), "0",
    "largest import body in bytes (0: no limit; bodies are streamed)" },
  { "import-wait-ms", "RISKD_IMPORT_WAIT_MS", OPT_UINT, O (import_wait_ms), "30000",
    "how long an import waits for the engine to include its rows" },
  { "connection-limit", "RISKD_CONNECTION_LIMIT", OPT_UINT, O (connection_limit),
    "1024", "most simultaneous connections" },
  { "connection-timeout", "RISKD_CONNECTION_TIMEOUT", OPT_UINT,
    O (connection_timeout_s), "30", "seconds of silence before a connection is closed" },
  { "header-timeout", "RISKD_HEADER_TIMEOUT", OPT_UINT, O (header_timeout_s), "10",
    "seconds a client has to send a request's headers (slow clients are cut off)" },
  { "cors-origins", "RISKD_CORS_ORIGINS", OPT_STRING, O (cors_origins), "",
    "origins allowed to call from a browser, comma-separated, or * (none: CORS off)" },
  { "tls-cert", "RISKD_TLS_CERT", OPT_STRING, O (tls_cert), "",
    "PEM certificate (chain) file: serve HTTPS" },
  { "tls-key", "RISKD_TLS_KEY", OPT_STRING, O (tls_key), "", "PEM private key file for --tls-cert" },
  { "db-pool", "RISKD_DB_POOL", OPT_UINT, O (db_pool), "16",
    "PostgreSQL connections kept open" },
  { "access-log", "RISKD_ACCESS_LOG", OPT_BOOL, O (access_log), "true",
    "log one line per request" },
  { "log-level", "RISKD_LOG_LEVEL", OPT_STRING, O (log_level), "info",
    "debug, info, warn or error" },
  { "open-routes", "RISKD_OPEN_ROUTES", OPT_STRING, O (open_routes),
    "/readyz,/metrics,/openapi.yaml",
    "routes served without an API key (patterns as in openapi.yaml; /healthz always is)" },
};

#define N_OPTIONS (sizeof options / sizeof *options)

/** Stores text `value` into the option's field; 0 or -1. */
static int
set_option (struct riskd_config *cfg, const struct option_def *o, const char *value)
{
  void *field = (char *) cfg + o->offset;
  char *end;
  unsigned long long n;

  switch (o->type)
  {
  case OPT_STRING:
    free (*(char **) field);
    *(char **) field = strdup (value);
    return *(char **) field ? 0 : -1;
  case OPT_BOOL:
    if (strcmp (value, "true") == 0 || strcmp (value, "1") == 0)
      *(bool *) field = true;
    else if (strcmp (value, "false") == 0 || strcmp (value, "0") == 0)
      *(bool *) field = false;
    else
      return -1;
    return 0;
  case OPT_UINT:
  case OPT_SIZE:
    errno = 0;
    n = strtoull (value, &end, 10);
    if (errno || end == value || *end != '\0' || value[0] == '-'
        || (o->type == OPT_UINT && n > 1000000000ULL))
      return -1;
    if (o->type == OPT_UINT)
      *(unsigned *) field = (unsigned) n;
    else
      *(size_t *) field = (size_t) n;
    return 0;
  }
  return -1;
}

void
config_usage (FILE *out)
{
  fprintf (out, "options (each also read from its environment variable):\n");
  for (size_t i = 0; i < N_OPTIONS; i++)
    fprintf (out, "  --%-20s %-26s %s (default: %s)\n", options[i].flag,
             options[i].env, options[i].help,
             options[i].fallback[0] ? options[i].fallback : "none");
}

int
config_load (struct riskd_config *cfg, int argc, char **argv, int first)
{
  char err[256];
  int i;

  memset (cfg, 0, sizeof *cfg);
  for (size_t o = 0; o < N_OPTIONS; o++)
  {
    const char *env = getenv (options[o].env);
    if (set_option (cfg, &options[o], options[o].fallback) != 0
        || (env && env[0] && set_option (cfg, &options[o], env) != 0))
    {
      fprintf (stderr, "riskd: bad value for %s\n", options[o].env);
      return -1;
    }
  }
  for (i = first; i < argc && strncmp (argv[i], "--", 2) == 0; i++)
  {
    const char *name = argv[i] + 2, *value = strchr (name, '=');
    size_t len = value ? (size_t) (value - name) : strlen (name);
    size_t o;

    if (len == 0)
    {
      i++;                      /* "--" ends the flags */
      break;
    }
    for (o = 0; o < N_OPTIONS; o++)
      if (strlen (options[o].flag) == len && strncmp (options[o].flag, name, len) == 0)
        break;
    if (o == N_OPTIONS)
    {
      fprintf (stderr, "riskd: unknown option --%.*s (see --help)\n", (int) len, name);
      return -1;
    }
    if (value)
      value++;
    else if (options[o].type == OPT_BOOL)
      value = "true";
    else if (i + 1 < argc)
      value = argv[++i];
    else
    {
      fprintf (stderr, "riskd: --%s needs a value\n", options[o].flag);
      return -1;
    }
    if (set_option (cfg, &options[o], value) != 0)
    {
      fprintf (stderr, "riskd: bad value for --%s: %s\n", options[o].flag, value);
      return -1;
    }
  }
  long cpus = sysconf (_SC_NPROCESSORS_ONLN);
  if (cfg->http_threads == 0)
    cfg->http_threads = cpus > 0 ? (unsigned) cpus : 2;
  if (cfg->workers == 0)
    cfg->workers = cpus > 0 ? (unsigned) cpus : 2;
  if (cfg->job_threads == 0)
    cfg->job_threads = 1;
  if (cfg->db_pool < 2)
    cfg->db_pool = 2;
  scoring_config_default (&cfg->scoring);
  if (cfg->severities_file[0]
      && scoring_config_load (&cfg->scoring, cfg->severities_file, err, sizeof err) != 0)
  {
    fprintf (stderr, "riskd: %s\n", err);
    return -1;
  }
  return i;
}

void
config_free (struct riskd_config *cfg)
{
  for (size_t o = 0; o < N_OPTIONS; o++)
    if (options[o].type == OPT_STRING)
    {
      char **field = (char **) ((char *) cfg + options[o].offset);
      free (*field);
      *field = NULL;
    }
}

/* end of config.c */
