/*
 * pool.h -- a fixed pool of pthreads for two kinds of work:
 *
 *  - pool_parallel_for(): fork-join over N independent tasks (the engine's
 *    per-key replay). Tasks are handed out by an atomic counter, so uneven
 *    tasks balance themselves; results must not depend on which thread ran
 *    which task (the engine writes each task's result to its own slot).
 *  - pool_submit(): fire-and-forget jobs (HTTP work taken off the MHD
 *    threads while the connection is suspended).
 *
 * The caller of pool_parallel_for() must not be one of the pool's own
 * threads (it would wait for itself); the engine calls it from its builder.
 */
#ifndef RISKD_POOL_H
#define RISKD_POOL_H

#include <stddef.h>

struct pool;

/** Starts `threads` threads (at least 1). */
struct pool *pool_new (unsigned threads);

/** Number of threads. */
unsigned pool_size (const struct pool *pool);

/** Runs fn(arg, task, worker) for task in [0, n_tasks) on the pool's threads
 *  and returns when all are done. `worker` is in [0, pool_size()): the index
 *  of the thread running the task, for per-thread scratch memory. */
void pool_parallel_for (struct pool *pool, size_t n_tasks,
                        void (*fn) (void *arg, size_t task, unsigned worker),
                        void *arg);

/** Queues fn(arg) to run on one of the pool's threads. */
void pool_submit (struct pool *pool, void (*fn) (void *arg), void *arg);

/** Jobs queued and not yet started, and threads busy now (for /metrics). */
size_t pool_queue_depth (struct pool *pool);
unsigned pool_busy (struct pool *pool);

/** Lets queued jobs finish, then stops the threads and frees the pool. */
void pool_free (struct pool *pool);

#endif
/* end of pool.h */
