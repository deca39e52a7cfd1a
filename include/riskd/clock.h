/*
 * clock.h -- the three readings of time riskd needs, in one place.
 */
#ifndef RISKD_CLOCK_H
#define RISKD_CLOCK_H

#include <stdint.h>
#include <time.h>

/** Milliseconds on the monotonic clock, with fractions: for durations and
 *  timeouts (never jumps with the wall clock). */
static inline double
clock_ms (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec * 1e3 + (double) t.tv_nsec / 1e6;
}

/** Microseconds since 1970, UTC: for the timestamps riskd shows. */
static inline int64_t
clock_wall_us (void)
{
  struct timespec t;
  clock_gettime (CLOCK_REALTIME, &t);
  return (int64_t) t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/** The wall-clock instant `ms` from now, for pthread_cond_timedwait. */
static inline struct timespec
clock_deadline (unsigned ms)
{
  struct timespec t;
  clock_gettime (CLOCK_REALTIME, &t);
  t.tv_sec += ms / 1000;
  t.tv_nsec += (long) (ms % 1000) * 1000000;
  if (t.tv_nsec >= 1000000000)
  {
    t.tv_sec++;
    t.tv_nsec -= 1000000000;
  }
  return t;
}

#endif
/* end of clock.h */
