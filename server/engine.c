/*
 * engine.c -- the builder thread and the current graph (see engine.h).
 *
 * The thread keeps one connection of its own that LISTENs on riskd_graph
 * (imports NOTIFY it, from any instance) and waits on that socket and on
 * an eventfd (local nudges, shutdown) with a timeout, so a missed
 * notification delays a rebuild by at most CHECK_INTERVAL_MS. A check
 * first reads the epoch; only when it moved does it load the newer rows
 * and build. Notifications that arrive during a build are coalesced into
 * the next check.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include "riskd/clock.h"
#include "riskd/engine.h"
#include "riskd/log.h"
#include "riskd/pool.h"
#include "riskd/ranking.h"
#include "riskd/store.h"

/** Longest time between two checks of the epoch. */
#define CHECK_INTERVAL_MS 2000
/** Wait before reconnecting after the database failed. */
#define RETRY_MS 500

struct engine {
  char *url;
  const struct scoring_config *cfg;
  struct pool *workers;
  pthread_t thread;
  bool started;
  int wake_fd;                  /**< eventfd: nudge or stop */
  atomic_bool stopping;
  pthread_mutex_t lock;         /**< guards the fields below */
  pthread_cond_t published;     /**< a new graph was swapped in */
  struct graph *current;
  struct history *history;      /**< rankings and changes of published graphs */
  uint64_t builds;
  double last_build_ms;
  bool db_ok;
};

struct engine *
engine_new (const char *database_url, const struct scoring_config *cfg,
            struct pool *workers)
{
  struct engine *e = calloc (1, sizeof *e);

  if (e == NULL)
    return NULL;
  e->url = strdup (database_url);
  e->cfg = cfg;
  e->workers = workers;
  e->wake_fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
  e->history = history_new ();
  pthread_mutex_init (&e->lock, NULL);
  pthread_cond_init (&e->published, NULL);
  if (e->url == NULL || e->wake_fd < 0 || e->history == NULL)
  {
    engine_free (e);
    return NULL;
  }
  return e;
}

struct graph *
engine_graph (struct engine *e)
{
  pthread_mutex_lock (&e->lock);
  struct graph *g = e->current ? graph_retain (e->current) : NULL;
  pthread_mutex_unlock (&e->lock);
  return g;
}

void
engine_nudge (struct engine *e)
{
  uint64_t one = 1;
  ssize_t n = write (e->wake_fd, &one, sizeof one);
  (void) n;
}

/** Records the new graph's ranking and changes (against the graph it
 *  extends, if any), swaps it in and wakes the waiters. */
static void
publish (struct engine *e, struct graph *g, const struct graph *extended, double ms)
{
  if (history_record (e->history, extended, g) != 0)
    log_msg (LOG_WARN, "ranking not recorded: out of memory", NULL);
  pthread_mutex_lock (&e->lock);
  struct graph *old = e->current;
  e->current = g;
  e->builds++;
  e->last_build_ms = ms;
  pthread_cond_broadcast (&e->published);
  pthread_mutex_unlock (&e->lock);
  graph_release (old);
  log_msg (LOG_INFO, "graph built", "{s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:{s:f, s:f, s:f, s:f}}",
           "epoch", (json_int_t) g->epoch, "flows", (json_int_t) g->n_flows,
           "addresses", (json_int_t) graph_addresses (g),
           "labels", (json_int_t) g->n_labels, "keys", (json_int_t) g->n_keys,
           "build_ms", g->build_ms, "total_ms", ms,
           "phases_ms", "sort", g->phase_ms[0], "index", g->phase_ms[1],
                        "replay", g->phase_ms[2], "score", g->phase_ms[3]);
}

/** Reads the epoch and graph id; -1 when the database failed. */
static int
read_epoch (PGconn *conn, uint64_t *epoch, char *graph_id, size_t len)
{
  PGresult *res = store_exec (conn, STMT_EPOCH, 0, NULL);
  int rc = PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1 ? 0 : -1;

  if (rc == 0)
  {
    *epoch = strtoull (PQgetvalue (res, 0, 0), NULL, 10);
    snprintf (graph_id, len, "%s", PQgetvalue (res, 0, 1));
  }
  PQclear (res);
  return rc;
}

/** One check: if the epoch moved, load what is new and publish a graph.
 *  Returns -1 when the database failed. */
static int
check (struct engine *e, PGconn *conn)
{
  uint64_t epoch, until;
  char graph_id[64], err[300] = "";
  double t0;

  if (read_epoch (conn, &epoch, graph_id, sizeof graph_id) != 0)
    return -1;
  struct graph *base = engine_graph (e);
  /* Another database (recreated), or an epoch that went backwards: start
   * over rather than extend a graph that no longer matches. */
  if (base && (strcmp (graph_id, base->source_id) != 0 || epoch < base->epoch))
  {
    graph_release (base);
    base = NULL;
  }
  if (base && base->epoch == epoch)
  {
    graph_release (base);
    return 0;
  }
  t0 = clock_ms ();
  struct graph_builder *b = graph_builder_new (base);
  uint64_t since = base ? base->epoch : 0;
  if (b == NULL
      || store_load_graph (conn, since, b, e->cfg, &until, graph_id,
                           sizeof graph_id, err, sizeof err) != 0)
  {
    log_msg (LOG_WARN, "graph load failed", "{s:s}", "error", b ? err : "out of memory");
    graph_builder_free (b);
    graph_release (base);
    return store_conn_lost (conn) ? -1 : 0;
  }
  struct graph *g = graph_builder_finish (b, e->cfg, e->workers, until);
  if (g == NULL)
  {
    log_msg (LOG_ERROR, "graph build failed: out of memory", NULL);
    graph_release (base);
    return 0;
  }
  snprintf (g->source_id, sizeof g->source_id, "%s", graph_id);
  publish (e, g, base, clock_ms () - t0);
  graph_release (base);
  return 0;
}

/** Opens the builder's own connection and listens for epoch changes. */
static PGconn *
connect_listening (struct engine *e)
{
  char err[300] = "";
  PGconn *conn = store_connect (e->url, true, err, sizeof err);

  if (conn && !store_command (conn, "LISTEN riskd_graph"))
  {
    PQfinish (conn);
    conn = NULL;
  }
  if (conn == NULL)
    log_msg (LOG_WARN, "engine cannot reach postgres", "{s:s}", "error", err);
  return conn;
}

/** Sleeps until a notification, a nudge, stop, or the timeout. */
static void
wait_for_change (struct engine *e, PGconn *conn, int timeout_ms)
{
  struct pollfd fds[2] = {
    { .fd = e->wake_fd, .events = POLLIN },
    { .fd = conn ? PQsocket (conn) : -1, .events = POLLIN },
  };
  uint64_t count;

  if (poll (fds, conn ? 2 : 1, timeout_ms) < 0 && errno != EINTR)
    return;
  if (read (e->wake_fd, &count, sizeof count) < 0)
    count = 0;                  /* nothing pending: fine */
  if (conn && PQconsumeInput (conn))
  {
    PGnotify *n;
    while ((n = PQnotifies (conn)) != NULL)
      PQfreemem (n);
  }
}

static void *
builder_main (void *arg)
{
  struct engine *e = arg;
  PGconn *conn = NULL;

  while (!atomic_load (&e->stopping))
  {
    if (conn == NULL)
      conn = connect_listening (e);
    int rc = conn ? check (e, conn) : -1;
    pthread_mutex_lock (&e->lock);
    e->db_ok = rc == 0;
    pthread_mutex_unlock (&e->lock);
    if (rc != 0 && conn)
    {
      PQfinish (conn);
      conn = NULL;
    }
    if (!atomic_load (&e->stopping))
      wait_for_change (e, conn, conn ? CHECK_INTERVAL_MS : RETRY_MS);
  }
  PQfinish (conn);
  return NULL;
}

int
engine_start (struct engine *e)
{
  if (pthread_create (&e->thread, NULL, builder_main, e) != 0)
    return -1;
  e->started = true;
  return 0;
}

uint64_t
engine_wait_epoch (struct engine *e, uint64_t epoch, unsigned timeout_ms)
{
  struct timespec deadline = clock_deadline (timeout_ms);

  engine_nudge (e);
  pthread_mutex_lock (&e->lock);
  while ((e->current == NULL || e->current->epoch < epoch)
         && pthread_cond_timedwait (&e->published, &e->lock, &deadline) == 0)
    ;
  uint64_t reached = e->current ? e->current->epoch : 0;
  pthread_mutex_unlock (&e->lock);
  return reached;
}

struct history *
engine_history (struct engine *e)
{
  return e->history;
}

void
engine_stats (struct engine *e, struct engine_stats *out)
{
  memset (out, 0, sizeof *out);
  pthread_mutex_lock (&e->lock);
  struct graph *g = e->current;
  out->builds = e->builds;
  out->last_build_ms = e->last_build_ms;
  out->db_ok = e->db_ok;
  if (g)
  {
    out->loaded = true;
    out->epoch = g->epoch;
    out->flows = g->n_flows;
    out->addresses = graph_addresses (g);
    out->labels = g->n_labels;
    out->graph_bytes = graph_bytes (g);
  }
  pthread_mutex_unlock (&e->lock);
}

void
engine_free (struct engine *e)
{
  if (e == NULL)
    return;
  atomic_store (&e->stopping, true);
  if (e->started)
  {
    engine_nudge (e);
    pthread_join (e->thread, NULL);
  }
  graph_release (e->current);
  history_free (e->history);
  if (e->wake_fd >= 0)
    close (e->wake_fd);
  pthread_mutex_destroy (&e->lock);
  pthread_cond_destroy (&e->published);
  free (e->url);
  free (e);
}

/* end of engine.c */
