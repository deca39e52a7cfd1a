/*
 * unit.h -- the smallest test harness that does the job: TAP output
 * ("ok N - name" / "not ok N - name") so the suite runner can count, and
 * a failing check prints where and what.
 *
 * A test file defines `static void test_xxx (void)` functions and lists them
 * in main() with RUN(test_xxx); main ends with `return unit_done ();`.
 */
#ifndef RISKD_UNIT_H
#define RISKD_UNIT_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int unit_run_count, unit_fail_count, unit_current_failed;

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf (stdout, "#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, \
               #cond);                                                     \
      unit_current_failed = 1;                                             \
    }                                                                      \
  } while (0)

#define CHECK_STR(got, want)                                               \
  do {                                                                     \
    const char *g_ = (got), *w_ = (want);                                  \
    if (g_ == NULL || strcmp (g_, w_) != 0) {                              \
      fprintf (stdout, "#   %s:%d: got \"%s\", want \"%s\"\n", __FILE__,   \
               __LINE__, g_ ? g_ : "(null)", w_);                          \
      unit_current_failed = 1;                                             \
    }                                                                      \
  } while (0)

/* Doubles are compared to 1e-9 relative: hand-worked figures are exact
 * fractions, the engine's are IEEE doubles. */
#define CHECK_NEAR(got, want)                                              \
  do {                                                                     \
    double g_ = (got), w_ = (want);                                        \
    if (!(fabs (g_ - w_) <= 1e-9 * (fabs (w_) > 1 ? fabs (w_) : 1))) {     \
      fprintf (stdout, "#   %s:%d: got %.12g, want %.12g (%s)\n",         \
               __FILE__, __LINE__, g_, w_, #got);                          \
      unit_current_failed = 1;                                             \
    }                                                                      \
  } while (0)

#define RUN(fn)                                                            \
  do {                                                                     \
    unit_current_failed = 0;                                               \
    fn ();                                                                 \
    unit_run_count++;                                                      \
    if (unit_current_failed)                                               \
      unit_fail_count++;                                                   \
    printf ("%sok %d - %s\n", unit_current_failed ? "not " : "",           \
            unit_run_count, #fn);                                          \
  } while (0)

static inline int
unit_done (void)
{
  printf ("1..%d\n", unit_run_count);
  return unit_fail_count ? 1 : 0;
}

#endif
/* end of unit.h */
