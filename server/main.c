/*
 * main.c -- the riskd command: serve (default), migrate, seed, import.
 *
 * `serve` applies pending migrations, starts the engine's builder, the
 * thread pools and the HTTP daemon, then waits for SIGTERM/SIGINT and
 * stops gracefully: no new connections, requests in flight finish (up to
 * a grace period), the engine and pools stop, exit 0.
 */
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "riskd/clock.h"
#include "riskd/app.h"
#include "riskd/cache.h"
#include "riskd/config.h"
#include "riskd/engine.h"
#include "riskd/hotcache.h"
#include "riskd/http_server.h"
#include "riskd/import.h"
#include "riskd/keys.h"
#include "riskd/log.h"
#include "riskd/pool.h"
#include "riskd/ratelimit.h"
#include "riskd/setup.h"
#include "riskd/store.h"

/** How long requests in flight may take to finish on SIGTERM. */
#define SHUTDOWN_GRACE_MS 20000
/** Tries at migrating (one a second) before giving up at start-up. */
#define START_ATTEMPTS 30

static void
usage (FILE *out)
{
  fprintf (out,
    "usage: riskd [COMMAND] [OPTIONS]\n"
    "commands:\n"
    "  serve                    run the HTTP service (the default)\n"
    "  migrate                  apply pending database migrations\n"
    "  seed                     load the seed data (UN reports, incidents, their\n"
    "                           addresses and the OFAC SDN addresses)\n"
    "  import flows|labels FILE [--format csv|ndjson|json] [--atomic]\n"
    "                           import a file as POST /v1/flows or /v1/labels would;\n"
    "                           prints the report; exit 0, 1 on failure, 3 when\n"
    "                           rows were rejected\n"
    "  keys create --name NAME --scopes read,screen,ingest,admin [--rate-limit N]\n"
    "                           prints a new API key (shown once; N requests per\n"
    "                           minute, default 6000)\n"
    "  keys list                the keys (never their secrets), as JSON\n"
    "  keys revoke ID           revoke a key at once, on every instance\n");
  config_usage (out);
}

/** Applies the log level option. */
static void
setup_logging (const struct riskd_config *cfg)
{
  int level = log_level_from_name (cfg->log_level);
  log_set_level (level < 0 ? LOG_INFO : (enum log_level) level);
}

static int
cmd_migrate (struct riskd_config *cfg)
{
  char err[512];
  int n = store_migrate (cfg->database_url, err, sizeof err);

  if (n < 0)
  {
    log_msg (LOG_ERROR, "migration failed", "{s:s}", "error", err);
    return 1;
  }
  log_msg (LOG_INFO, "migrations up to date", "{s:i}", "applied", n);
  return 0;
}

static int
cmd_seed (struct riskd_config *cfg)
{
  char err[2048];

  import_set_categories (&cfg->scoring);
  if (store_seed (cfg->database_url, err, sizeof err) != 0)
  {
    log_msg (LOG_ERROR, "seeding failed", "{s:s}", "error", err);
    return 1;
  }
  log_msg (LOG_INFO, "seed data loaded", NULL);
  return 0;
}

/** Format for a file name's extension. */
static int
format_of_file (const char *path)
{
  const char *dot = strrchr (path, '.');

  if (dot && strcmp (dot, ".csv") == 0)
    return INGEST_CSV;
  if (dot && (strcmp (dot, ".ndjson") == 0 || strcmp (dot, ".jsonl") == 0))
    return INGEST_NDJSON;
  if (dot && strcmp (dot, ".json") == 0)
    return INGEST_JSON;
  return -1;
}

static int
cmd_import (struct riskd_config *cfg, const char *what, const char *path,
            int format, bool atomic)
{
  char err[512] = "", buf[1 << 16];
  enum ingest_kind kind;

  if (strcmp (what, "flows") == 0)
    kind = INGEST_FLOWS;
  else if (strcmp (what, "labels") == 0)
    kind = INGEST_LABELS;
  else
  {
    fprintf (stderr, "riskd: import flows|labels FILE\n");
    return 1;
  }
  if (format < 0)
    format = format_of_file (path);
  if (format < 0)
  {
    fprintf (stderr, "riskd: say --format csv|ndjson|json for %s\n", path);
    return 1;
  }
  FILE *in = strcmp (path, "-") == 0 ? stdin : fopen (path, "rb");
  if (in == NULL)
  {
    fprintf (stderr, "riskd: cannot read %s\n", path);
    return 1;
  }
  import_set_categories (&cfg->scoring);
  PGconn *conn = store_connect (cfg->database_url, true, err, sizeof err);
  struct import *im = conn ? import_begin (conn, kind, (enum ingest_format) format, atomic) : NULL;
  int rc = 1;
  size_t n;
  if (im == NULL)
    fprintf (stderr, "riskd: cannot start the import: %s\n", err[0] ? err : PQerrorMessage (conn));
  else
  {
    bool ok = true;
    while (ok && (n = fread (buf, 1, sizeof buf, in)) > 0)
      ok = import_feed (im, buf, n) == 0;
    ok = ok && !ferror (in) && import_finish (im) == 0;
    json_t *report = import_report (im);
    char *text = json_dumps (report, JSON_INDENT (2));
    printf ("%s\n", text ? text : "{}");
    free (text);
    if (!ok)
    {
      const char *detail;
      import_problem (im, &detail);
      fprintf (stderr, "riskd: import failed: %s\n", detail);
    }
    rc = !ok ? 1 : json_integer_value (json_object_get (report, "rejected")) > 0 ? 3 : 0;
    json_decref (report);
  }
  import_free (im);
  PQfinish (conn);
  if (in != stdin)
    fclose (in);
  return rc;
}

/** The value after a flag in argv[first..], or NULL. */
static const char *
flag_value (int argc, char **argv, int first, const char *flag)
{
  for (int i = first; i + 1 < argc; i++)
    if (strcmp (argv[i], flag) == 0)
      return argv[i + 1];
  return NULL;
}

/** riskd keys create|list|revoke */
static int
cmd_keys (struct riskd_config *cfg, int argc, char **argv, int first)
{
  char err[512] = "", key[KEY_LEN + 1], id[KEY_ID_LEN + 1];
  const char *what = first < argc ? argv[first] : "";
  int rc = 1;

  PGconn *conn = store_connect (cfg->database_url, true, err, sizeof err);
  if (conn == NULL)
  {
    fprintf (stderr, "riskd: %s\n", err);
    return 1;
  }
  if (strcmp (what, "create") == 0)
  {
    const char *name = flag_value (argc, argv, first, "--name");
    const char *scopes = flag_value (argc, argv, first, "--scopes");
    const char *rate = flag_value (argc, argv, first, "--rate-limit");
    unsigned mask;
    long per_minute = rate ? strtol (rate, NULL, 10) : 6000;
    if (name == NULL || scopes == NULL || scopes_parse (scopes, &mask) != 0
        || per_minute <= 0 || per_minute > 100000000)
      fprintf (stderr, "riskd: keys create --name NAME --scopes read,screen,ingest,admin"
                       " [--rate-limit N]\n");
    else if (keys_create (conn, name, mask, (unsigned) per_minute, key, id, err, sizeof err) != 0)
      fprintf (stderr, "riskd: %s\n", err);
    else
    {
      printf ("%s\n", key);
      fprintf (stderr, "riskd: key %s created; this is the only time it is shown\n", id);
      rc = 0;
    }
  }
  else if (strcmp (what, "list") == 0)
  {
    json_t *list = keys_list (conn);
    char *text = list ? json_dumps (list, JSON_INDENT (2)) : NULL;
    if (text)
    {
      printf ("%s\n", text);
      rc = 0;
    }
    free (text);
    json_decref (list);
  }
  else if (strcmp (what, "revoke") == 0 && first + 1 < argc)
  {
    int r = keys_revoke (conn, argv[first + 1]);
    if (r == 1)
      rc = 0;
    fprintf (stderr, "riskd: %s\n", r == 1 ? "revoked" : r == 0 ? "no such key" : "failed");
  }
  else
  {
    usage (stderr);
    rc = 2;
  }
  PQfinish (conn);
  return rc;
}

/** Starts everything, waits for a signal, stops everything. */
static int
cmd_serve (struct riskd_config *cfg)
{
  char err[512];
  struct app app = { .cfg = cfg };
  sigset_t stop_signals;
  int sig, rc = 1;

  /* Block the stop signals before any thread starts: every thread inherits
   * the mask, and this thread alone takes them with sigwait. */
  sigemptyset (&stop_signals);
  sigaddset (&stop_signals, SIGTERM);
  sigaddset (&stop_signals, SIGINT);
  pthread_sigmask (SIG_BLOCK, &stop_signals, NULL);
  signal (SIGPIPE, SIG_IGN);
  /* Requests allocate and free small blocks by the thousand a second: keep
   * freed memory instead of handing it back to the kernel and faulting it
   * in again (measured: a third of the time of an uncached answer). Large
   * blocks (graphs) stay mapped apart and go back to the kernel when freed. */
  mallopt (M_MMAP_THRESHOLD, 1 << 20);
  mallopt (M_TRIM_THRESHOLD, 256 << 20);
  /* PostgreSQL may still be starting (containers start together): wait
   * for it a while rather than exit at once. */
  for (int attempt = 1; cmd_migrate (cfg) != 0; attempt++)
  {
    struct timespec pause = { 1, 0 }, no_wait = { 0, 0 };
    if (attempt == START_ATTEMPTS || sigtimedwait (&stop_signals, NULL, &no_wait) > 0)
      return 1;
    nanosleep (&pause, NULL);
  }
  import_set_categories (&cfg->scoring);
  app.started_at_us = clock_wall_us ();
  app.store = store_new (cfg->database_url, cfg->db_pool);
  app.cache = cache_new (cfg->redis_url, cfg->http_threads + cfg->job_threads);
  app.hot = hotcache_new (cfg->hot_cache_entries);
  app.auth = app.store ? auth_new (app.store) : NULL;
  app.ratelimit = app.cache ? ratelimit_new (app.cache) : NULL;
  app.workers = pool_new (cfg->workers);
  app.jobs = pool_new (cfg->job_threads);
  if (app.cache == NULL)
    log_msg (LOG_ERROR, "bad REDIS_URL (redis://[:password@]host[:port][/db])", NULL);
  if (app.store && app.cache && app.auth && app.ratelimit && app.workers && app.jobs)
    app.engine = engine_new (cfg->database_url, &cfg->scoring, app.workers);
  if (app.engine && engine_start (app.engine) == 0)
  {
    struct http_server *srv = http_start (&app, err, sizeof err);
    if (srv == NULL)
      log_msg (LOG_ERROR, "cannot start HTTP", "{s:s}", "error", err);
    else
    {
      log_msg (LOG_INFO, "listening", "{s:s, s:i, s:i, s:s}", "listen", cfg->listen,
               "http_threads", cfg->http_threads, "workers", cfg->workers,
               "scoring_config", cfg->scoring.hash);
      sigwait (&stop_signals, &sig);
      log_msg (LOG_INFO, "stopping", "{s:i, s:i}", "signal", sig,
               "in_flight", (int) atomic_load (&app.in_flight));
      http_stop (srv, SHUTDOWN_GRACE_MS);
      rc = 0;
    }
  }
  else
    log_msg (LOG_ERROR, "cannot start", NULL);
  engine_free (app.engine);
  pool_free (app.jobs);
  pool_free (app.workers);
  ratelimit_free (app.ratelimit);
  hotcache_free (app.hot);
  auth_free (app.auth);
  cache_free (app.cache);
  store_free (app.store);
  log_msg (LOG_INFO, "stopped", NULL);
  return rc;
}

int
main (int argc, char **argv)
{
  struct riskd_config cfg;
  const char *cmd = argc > 1 && argv[1][0] != '-' ? argv[1] : "serve";
  int first = argc > 1 && argv[1][0] != '-' ? 2 : 1, rc, format = -1;
  bool atomic = false;

  bool help = strcmp (cmd, "help") == 0;
  for (int i = 1; i < argc; i++)
    help = help || strcmp (argv[i], "--help") == 0;
  if (help)
  {
    usage (stdout);
    return 0;
  }
  /* import's own flags, taken out before the common ones are read. */
  int w = 1;
  for (int r = 1; r < argc; r++)
  {
    if (strcmp (argv[r], "--atomic") == 0)
      atomic = true;
    else if (strcmp (argv[r], "--format") == 0 && r + 1 < argc)
    {
      format = strcmp (argv[r + 1], "csv") == 0 ? INGEST_CSV
             : strcmp (argv[r + 1], "ndjson") == 0 ? INGEST_NDJSON
             : strcmp (argv[r + 1], "json") == 0 ? INGEST_JSON : -2;
      r++;
    }
    else
      argv[w++] = argv[r];
  }
  argc = w;
  int rest = config_load (&cfg, argc, argv, first);
  if (rest < 0 || format == -2)
  {
    usage (stderr);
    config_free (&cfg);
    return 2;
  }
  setup_logging (&cfg);
  if (strcmp (cmd, "serve") == 0 && rest == argc)
    rc = cmd_serve (&cfg);
  else if (strcmp (cmd, "migrate") == 0 && rest == argc)
    rc = cmd_migrate (&cfg);
  else if (strcmp (cmd, "seed") == 0 && rest == argc)
    rc = cmd_seed (&cfg);
  else if (strcmp (cmd, "import") == 0 && rest + 2 == argc)
    rc = cmd_import (&cfg, argv[rest], argv[rest + 1], format, atomic);
  else if (strcmp (cmd, "keys") == 0)
    rc = cmd_keys (&cfg, argc, argv, rest);
  else
  {
    usage (stderr);
    rc = 2;
  }
  config_free (&cfg);
  return rc;
}

/* end of main.c */
