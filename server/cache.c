/*
 * cache.c -- a pool of hiredis connections (a redisContext is not
 * thread-safe: each is lent to one caller at a time) with short timeouts.
 */
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "riskd/clock.h"
#include "riskd/cache.h"
#include "riskd/log.h"

/** Connect and command timeout: a slow Redis must not slow answers much. */
#define REDIS_TIMEOUT_MS 250
/** After a failure, no connect attempt for this long. */
#define REDIS_RETRY_MS 1000

struct cache {
  char host[256];
  int port;
  int db;
  char password[256];
  pthread_mutex_t lock;
  redisContext **idle;          /**< idle connections, a stack */
  unsigned n_idle, size;
  double retry_at_ms;           /**< no connect attempt before this */
  bool up;                      /**< last known state, for logging changes */
  atomic_uint_fast64_t hits, misses, errors;
  /* Stores are written by one thread, in pipelined batches: an answer
   * never waits for its own caching. */
  pthread_t writer;
  bool writer_started, stopping;
  pthread_cond_t queued;        /**< a store was queued, or stop */
  struct pending *head, *tail;  /**< stores waiting, under `lock` */
  unsigned n_pending;
};

/** A store waiting for the writer. */
struct pending {
  struct pending *next;
  unsigned ttl_s;
  size_t key_len, len;
  char data[];                  /**< key, then value */
};

/** Stores waiting beyond this are dropped: it is a cache. */
#define MAX_PENDING 10000
/** Stores sent in one round trip, at most. */
#define BATCH 64

static void *write_stores (void *arg);

/** Parses redis://[[user]:password@]host[:port][/db]; 0 or -1. */
static int
parse_url (struct cache *c, const char *url)
{
  const char *p = url, *at, *slash, *colon;

  if (strncmp (p, "redis://", 8) != 0)
    return -1;
  p += 8;
  slash = strchr (p, '/');
  at = strchr (p, '@');
  if (at && (!slash || at < slash))
  {
    const char *pw = memchr (p, ':', (size_t) (at - p));
    pw = pw ? pw + 1 : p;
    snprintf (c->password, sizeof c->password, "%.*s", (int) (at - pw), pw);
    p = at + 1;
  }
  size_t host_end = slash ? (size_t) (slash - p) : strlen (p);
  colon = memchr (p, ':', host_end);
  c->port = 6379;
  if (colon)
  {
    c->port = atoi (colon + 1);
    host_end = (size_t) (colon - p);
  }
  snprintf (c->host, sizeof c->host, "%.*s", (int) host_end, p);
  c->db = slash && slash[1] ? atoi (slash + 1) : 0;
  return c->host[0] && c->port > 0 && c->port < 65536 && c->db >= 0 ? 0 : -1;
}

struct cache *
cache_new (const char *url, unsigned size)
{
  struct cache *c = calloc (1, sizeof *c);

  if (c == NULL)
    return NULL;
  c->size = size ? size : 1;
  c->idle = calloc (c->size, sizeof *c->idle);
  if (c->idle == NULL || parse_url (c, url) != 0)
  {
    free (c->idle);
    free (c);
    return NULL;
  }
  c->up = true;
  pthread_mutex_init (&c->lock, NULL);
  pthread_cond_init (&c->queued, NULL);
  c->writer_started = pthread_create (&c->writer, NULL, write_stores, c) == 0;
  return c;
}

void
cache_free (struct cache *c)
{
  if (c == NULL)
    return;
  pthread_mutex_lock (&c->lock);
  c->stopping = true;
  pthread_cond_signal (&c->queued);
  pthread_mutex_unlock (&c->lock);
  if (c->writer_started)
    pthread_join (c->writer, NULL);
  while (c->head)
  {
    struct pending *next = c->head->next;
    free (c->head);
    c->head = next;
  }
  pthread_cond_destroy (&c->queued);
  for (unsigned i = 0; i < c->n_idle; i++)
    redisFree (c->idle[i]);
  pthread_mutex_destroy (&c->lock);
  free (c->idle);
  free (c);
}

/** Records up/down and logs transitions. */
static void
set_up (struct cache *c, bool up, const char *why)
{
  pthread_mutex_lock (&c->lock);
  bool changed = c->up != up;
  c->up = up;
  if (!up)
    c->retry_at_ms = clock_ms () + REDIS_RETRY_MS;
  pthread_mutex_unlock (&c->lock);
  if (changed)
    log_msg (up ? LOG_INFO : LOG_WARN, up ? "redis reachable" : "redis unreachable",
             "{s:s}", "detail", why ? why : "");
}

/** Runs a command on a fresh connection's setup; true if it answered OK. */
static bool
setup_command (redisContext *ctx, const char *fmt, const char *arg)
{
  redisReply *r = redisCommand (ctx, fmt, arg);
  bool ok = r && r->type != REDIS_REPLY_ERROR;

  freeReplyObject (r);
  return ok;
}

/** A connection, or NULL while Redis is considered down. */
static redisContext *
borrow (struct cache *c)
{
  struct timeval tv = { 0, REDIS_TIMEOUT_MS * 1000 };

  pthread_mutex_lock (&c->lock);
  if (c->n_idle > 0)
  {
    redisContext *ctx = c->idle[--c->n_idle];
    pthread_mutex_unlock (&c->lock);
    return ctx;
  }
  bool wait = !c->up && clock_ms () < c->retry_at_ms;
  pthread_mutex_unlock (&c->lock);
  if (wait)
    return NULL;
  redisContext *ctx = redisConnectWithTimeout (c->host, c->port, tv);
  char db[16];
  snprintf (db, sizeof db, "%d", c->db);
  if (ctx == NULL || ctx->err || redisSetTimeout (ctx, tv) != REDIS_OK
      || (c->password[0] && !setup_command (ctx, "AUTH %s", c->password))
      || (c->db && !setup_command (ctx, "SELECT %s", db)))
  {
    set_up (c, false, ctx && ctx->err ? ctx->errstr : "setup failed");
    if (ctx)
      redisFree (ctx);
    return NULL;
  }
  return ctx;
}

/** Returns a connection; a failed one is dropped. */
static void
give_back (struct cache *c, redisContext *ctx, bool ok)
{
  if (!ok)
  {
    set_up (c, false, ctx->errstr[0] ? ctx->errstr : "command failed");
    redisFree (ctx);
    return;
  }
  pthread_mutex_lock (&c->lock);
  bool was_down = !c->up;
  if (c->n_idle < c->size)
  {
    c->idle[c->n_idle++] = ctx;
    ctx = NULL;
  }
  pthread_mutex_unlock (&c->lock);
  if (ctx)
    redisFree (ctx);
  if (was_down)
    set_up (c, true, NULL);
}

int
cache_get (struct cache *c, const char *key, char **value, size_t *len)
{
  redisContext *ctx = borrow (c);
  int rc = -1;

  if (ctx == NULL)
  {
    atomic_fetch_add (&c->errors, 1);
    return -1;
  }
  redisReply *r = redisCommand (ctx, "GET %s", key);
  if (r && r->type == REDIS_REPLY_STRING)
  {
    *value = malloc (r->len + 1);
    if (*value)
    {
      memcpy (*value, r->str, r->len);
      (*value)[r->len] = '\0';
      *len = r->len;
      rc = 1;
    }
  }
  else if (r && r->type == REDIS_REPLY_NIL)
    rc = 0;
  atomic_fetch_add (rc == 1 ? &c->hits : rc == 0 ? &c->misses : &c->errors, 1);
  give_back (c, ctx, r != NULL);
  freeReplyObject (r);
  return rc;
}

void
cache_set (struct cache *c, const char *key, const char *value, size_t len,
           unsigned ttl_s)
{
  size_t key_len = strlen (key);
  struct pending *p = malloc (sizeof *p + key_len + len);

  if (p == NULL)
    return;
  *p = (struct pending) { .ttl_s = ttl_s ? ttl_s : 1, .key_len = key_len, .len = len };
  memcpy (p->data, key, key_len);
  memcpy (p->data + key_len, value, len);
  pthread_mutex_lock (&c->lock);
  if (c->n_pending >= MAX_PENDING || !c->writer_started)
  {
    pthread_mutex_unlock (&c->lock);
    free (p);
    atomic_fetch_add (&c->errors, 1);
    return;
  }
  if (c->tail)
    c->tail->next = p;
  else
    c->head = p;
  c->tail = p;
  c->n_pending++;
  pthread_cond_signal (&c->queued);
  pthread_mutex_unlock (&c->lock);
}

/** Takes up to BATCH queued stores (waits for one); NULL when stopping. */
static struct pending *
take_batch (struct cache *c, unsigned *n)
{
  pthread_mutex_lock (&c->lock);
  while (c->head == NULL && !c->stopping)
    pthread_cond_wait (&c->queued, &c->lock);
  struct pending *batch = c->head, *last = c->head;
  *n = batch ? 1 : 0;
  while (last && last->next && *n < BATCH)
  {
    last = last->next;
    (*n)++;
  }
  if (last)
  {
    c->head = last->next;
    if (c->head == NULL)
      c->tail = NULL;
    last->next = NULL;
  }
  c->n_pending -= *n;
  pthread_mutex_unlock (&c->lock);
  return batch;
}

/** The writer thread: SETs in pipelined batches, one round trip each. */
static void *
write_stores (void *arg)
{
  struct cache *c = arg;
  struct pending *batch;
  unsigned n;

  while ((batch = take_batch (c, &n)) != NULL)
  {
    redisContext *ctx = borrow (c);
    bool ok = ctx != NULL;
    for (struct pending *p = batch; ok && p; p = p->next)
    {
      char ttl[16];
      snprintf (ttl, sizeof ttl, "%u", p->ttl_s);
      ok = redisAppendCommand (ctx, "SET %b %b EX %s", p->data, p->key_len,
                               p->data + p->key_len, p->len, ttl) == REDIS_OK;
    }
    for (unsigned i = 0; ok && i < n; i++)
    {
      redisReply *r = NULL;
      ok = redisGetReply (ctx, (void **) &r) == REDIS_OK && r != NULL;
      if (r && r->type == REDIS_REPLY_ERROR)
        atomic_fetch_add (&c->errors, 1);
      freeReplyObject (r);
    }
    if (ctx)
      give_back (c, ctx, ok);
    if (!ok)
      atomic_fetch_add (&c->errors, 1);
    while (batch)
    {
      struct pending *next = batch->next;
      free (batch);
      batch = next;
    }
  }
  return NULL;
}

int
cache_script (struct cache *c, const char *script, const char *key,
              int n_args, const char *const *args, long long *out, int n_out)
{
  redisContext *ctx = borrow (c);
  const char *argv[16];
  size_t argl[16];
  int argc = 0, n = -1;

  if (ctx == NULL || n_args > 12)
  {
    if (ctx)
      give_back (c, ctx, true);
    return -1;
  }
  argv[argc++] = "EVAL";
  argv[argc++] = script;
  argv[argc++] = "1";
  argv[argc++] = key;
  for (int i = 0; i < n_args; i++)
    argv[argc++] = args[i];
  for (int i = 0; i < argc; i++)
    argl[i] = strlen (argv[i]);
  redisReply *r = redisCommandArgv (ctx, argc, argv, argl);
  if (r && r->type == REDIS_REPLY_ARRAY)
  {
    n = 0;
    for (size_t i = 0; i < r->elements && n < n_out; i++)
      out[n++] = r->element[i]->type == REDIS_REPLY_INTEGER ? r->element[i]->integer : 0;
  }
  else if (r && r->type == REDIS_REPLY_ERROR)
    log_msg (LOG_ERROR, "redis script failed", "{s:s}", "error", r->str);
  give_back (c, ctx, r != NULL);
  freeReplyObject (r);
  return n;
}

bool
cache_ping (struct cache *c)
{
  redisContext *ctx = borrow (c);

  if (ctx == NULL)
    return false;
  redisReply *r = redisCommand (ctx, "PING");
  bool ok = r && r->type == REDIS_REPLY_STATUS;
  give_back (c, ctx, r != NULL);
  freeReplyObject (r);
  return ok;
}

void
cache_stats (struct cache *c, struct cache_stats *out)
{
  out->hits = atomic_load (&c->hits);
  out->misses = atomic_load (&c->misses);
  out->errors = atomic_load (&c->errors);
  pthread_mutex_lock (&c->lock);
  out->up = c->up;
  pthread_mutex_unlock (&c->lock);
}

/* end of cache.c */
