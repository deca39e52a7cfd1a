/*
 * pool.c -- fixed thread pool: one queue of jobs, guarded by one mutex.
 *
 * A parallel_for is queued as `threads` jobs that each pull task numbers
 * from a shared atomic counter until none are left; the caller waits on a
 * condition variable for the count of finished jobs. One mutex is enough:
 * jobs are coarse (a whole key's replay, a whole HTTP request).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include "riskd/pool.h"

/** A queued job. */
struct job {
  void (*fn) (void *arg);  /**< what to run */
  void *arg;               /**< its argument */
  struct job *next;        /**< next in FIFO order */
};

struct pool {
  pthread_t *threads;      /**< the workers */
  unsigned n_threads;      /**< how many */
  pthread_mutex_t lock;    /**< guards everything below */
  pthread_cond_t wake;     /**< signalled when a job is queued or on stop */
  struct job *head, *tail; /**< FIFO of queued jobs */
  size_t queued;           /**< length of the FIFO */
  unsigned busy;           /**< threads running a job */
  bool stopping;           /**< pool_free was called */
};

/** Shared state of one pool_parallel_for call. */
struct parallel {
  struct pool *pool;
  void (*fn) (void *arg, size_t task, unsigned worker);
  void *arg;
  size_t n_tasks;
  atomic_size_t next_task;     /**< next task number to hand out */
  atomic_uint next_worker;     /**< hands each job its worker index */
  unsigned done;               /**< jobs finished, under `lock` */
  pthread_mutex_t lock;
  pthread_cond_t finished;
};

static void *
worker_main (void *arg)
{
  struct pool *pool = arg;

  pthread_mutex_lock (&pool->lock);
  for (;;)
  {
    while (pool->head == NULL && !pool->stopping)
      pthread_cond_wait (&pool->wake, &pool->lock);
    if (pool->head == NULL)
      break;                    /* stopping and the queue is drained */
    struct job *job = pool->head;
    pool->head = job->next;
    if (pool->head == NULL)
      pool->tail = NULL;
    pool->queued--;
    pool->busy++;
    pthread_mutex_unlock (&pool->lock);
    job->fn (job->arg);
    free (job);
    pthread_mutex_lock (&pool->lock);
    pool->busy--;
  }
  pthread_mutex_unlock (&pool->lock);
  return NULL;
}

struct pool *
pool_new (unsigned threads)
{
  struct pool *pool = calloc (1, sizeof *pool);

  if (pool == NULL)
    return NULL;
  if (threads == 0)
    threads = 1;
  pool->threads = calloc (threads, sizeof *pool->threads);
  if (pool->threads == NULL)
  {
    free (pool);
    return NULL;
  }
  pthread_mutex_init (&pool->lock, NULL);
  pthread_cond_init (&pool->wake, NULL);
  for (unsigned i = 0; i < threads; i++)
  {
    if (pthread_create (&pool->threads[i], NULL, worker_main, pool) != 0)
      break;
    pool->n_threads++;
  }
  if (pool->n_threads == 0)
  {
    pool_free (pool);
    return NULL;
  }
  return pool;
}

unsigned
pool_size (const struct pool *pool)
{
  return pool->n_threads;
}

void
pool_submit (struct pool *pool, void (*fn) (void *arg), void *arg)
{
  struct job *job = malloc (sizeof *job);

  if (job == NULL)
  {
    fn (arg);                   /* out of memory: run it here rather than lose it */
    return;
  }
  job->fn = fn;
  job->arg = arg;
  job->next = NULL;
  pthread_mutex_lock (&pool->lock);
  if (pool->tail)
    pool->tail->next = job;
  else
    pool->head = job;
  pool->tail = job;
  pool->queued++;
  pthread_cond_signal (&pool->wake);
  pthread_mutex_unlock (&pool->lock);
}

/** One job of a parallel_for: takes tasks until none are left. */
static void
parallel_job (void *arg)
{
  struct parallel *par = arg;
  unsigned worker = atomic_fetch_add (&par->next_worker, 1);

  for (;;)
  {
    size_t task = atomic_fetch_add (&par->next_task, 1);
    if (task >= par->n_tasks)
      break;
    par->fn (par->arg, task, worker);
  }
  pthread_mutex_lock (&par->lock);
  par->done++;
  pthread_cond_signal (&par->finished);
  pthread_mutex_unlock (&par->lock);
}

void
pool_parallel_for (struct pool *pool, size_t n_tasks,
                   void (*fn) (void *arg, size_t task, unsigned worker),
                   void *arg)
{
  struct parallel par = {
    .pool = pool, .fn = fn, .arg = arg, .n_tasks = n_tasks,
  };
  unsigned jobs = pool->n_threads;

  if (n_tasks == 0)
    return;
  if (jobs > n_tasks)
    jobs = (unsigned) n_tasks;
  atomic_init (&par.next_task, 0);
  atomic_init (&par.next_worker, 0);
  pthread_mutex_init (&par.lock, NULL);
  pthread_cond_init (&par.finished, NULL);
  for (unsigned i = 0; i < jobs; i++)
    pool_submit (pool, parallel_job, &par);
  pthread_mutex_lock (&par.lock);
  while (par.done < jobs)
    pthread_cond_wait (&par.finished, &par.lock);
  pthread_mutex_unlock (&par.lock);
  pthread_mutex_destroy (&par.lock);
  pthread_cond_destroy (&par.finished);
}

size_t
pool_queue_depth (struct pool *pool)
{
  pthread_mutex_lock (&pool->lock);
  size_t queued = pool->queued;
  pthread_mutex_unlock (&pool->lock);
  return queued;
}

unsigned
pool_busy (struct pool *pool)
{
  pthread_mutex_lock (&pool->lock);
  unsigned busy = pool->busy;
  pthread_mutex_unlock (&pool->lock);
  return busy;
}

void
pool_free (struct pool *pool)
{
  if (pool == NULL)
    return;
  pthread_mutex_lock (&pool->lock);
  pool->stopping = true;
  pthread_cond_broadcast (&pool->wake);
  pthread_mutex_unlock (&pool->lock);
  for (unsigned i = 0; i < pool->n_threads; i++)
    pthread_join (pool->threads[i], NULL);
  pthread_mutex_destroy (&pool->lock);
  pthread_cond_destroy (&pool->wake);
  free (pool->threads);
  free (pool);
}

/* end of pool.c */
