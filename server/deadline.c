/*
 * deadline.c -- the header deadline (see deadline.h).
 *
 * One mutex guards the list of connections (the deadlines themselves are
 * atomics, set on every request without it). libmicrohttpd reports a
 * connection closed before it closes the socket, and the removal waits for
 * the mutex, so a socket is never shut down after it was closed (and its
 * descriptor reused by another connection).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include "riskd/clock.h"
#include "riskd/deadline.h"
#include "riskd/log.h"

struct deadline {
  int fd;
  atomic_int_fast64_t due_ms; /**< when headers must be complete; 0: serving.
                                * Atomic: set on every request without the lock */
  bool cut;
  struct deadline *prev, *next;
};

struct deadlines {
  unsigned timeout_ms;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  struct deadline *head;
  unsigned long cut;
  bool stopping;
  pthread_t thread;
};

static void *
watch (void *arg)
{
  struct deadlines *d = arg;

  pthread_mutex_lock (&d->lock);
  while (!d->stopping)
  {
    struct timespec until = clock_deadline (500);
    pthread_cond_timedwait (&d->wake, &d->lock, &until);
    int64_t now = (int64_t) clock_ms ();
    for (struct deadline *c = d->head; c; c = c->next)
    {
      int64_t due = atomic_load (&c->due_ms);
      if (due && now > due && !c->cut)
      {
        c->cut = true;
        d->cut++;
        shutdown (c->fd, SHUT_RDWR);
        log_msg (LOG_WARN, "connection cut: request headers not complete in time",
                 "{s:i}", "timeout_ms", (int) d->timeout_ms);
      }
    }
  }
  pthread_mutex_unlock (&d->lock);
  return NULL;
}

struct deadlines *
deadlines_new (unsigned timeout_ms)
{
  struct deadlines *d = calloc (1, sizeof *d);

  if (d == NULL)
    return NULL;
  d->timeout_ms = timeout_ms;
  pthread_mutex_init (&d->lock, NULL);
  pthread_cond_init (&d->wake, NULL);
  if (pthread_create (&d->thread, NULL, watch, d) != 0)
  {
    free (d);
    return NULL;
  }
  return d;
}

void
deadlines_free (struct deadlines *d)
{
  if (d == NULL)
    return;
  pthread_mutex_lock (&d->lock);
  d->stopping = true;
  pthread_cond_signal (&d->wake);
  pthread_mutex_unlock (&d->lock);
  pthread_join (d->thread, NULL);
  while (d->head)
  {
    struct deadline *c = d->head;
    d->head = c->next;
    free (c);
  }
  pthread_mutex_destroy (&d->lock);
  pthread_cond_destroy (&d->wake);
  free (d);
}

struct deadline *
deadlines_opened (struct deadlines *d, int fd)
{
  struct deadline *c = calloc (1, sizeof *c);

  if (c == NULL)
    return NULL;
  c->fd = fd;
  atomic_init (&c->due_ms, (int64_t) clock_ms () + d->timeout_ms);
  pthread_mutex_lock (&d->lock);
  c->next = d->head;
  if (d->head)
    d->head->prev = c;
  d->head = c;
  pthread_mutex_unlock (&d->lock);
  return c;
}

void
deadlines_request_began (struct deadlines *d, struct deadline *c)
{
  (void) d;
  if (c)
    atomic_store (&c->due_ms, 0);
}

void
deadlines_request_done (struct deadlines *d, struct deadline *c)
{
  if (c)
    atomic_store (&c->due_ms, (int64_t) clock_ms () + d->timeout_ms);
}

void
deadlines_closed (struct deadlines *d, struct deadline *c)
{
  if (c == NULL)
    return;
  pthread_mutex_lock (&d->lock);
  if (c->prev)
    c->prev->next = c->next;
  else
    d->head = c->next;
  if (c->next)
    c->next->prev = c->prev;
  pthread_mutex_unlock (&d->lock);
  free (c);
}

unsigned long
deadlines_cut (struct deadlines *d)
{
  pthread_mutex_lock (&d->lock);
  unsigned long n = d->cut;
  pthread_mutex_unlock (&d->lock);
  return n;
}

/* end of deadline.c */
