/*
 * fuzz.h -- what every libFuzzer harness in tests/fuzz shares: the entry
 * point's declaration and one way to report a broken invariant.
 *
 * A broken invariant aborts, so libFuzzer keeps the input as a crash just
 * as it does for a sanitizer report; the message says which rule broke.
 */
#ifndef RISKD_FUZZ_H
#define RISKD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/** Aborts with the condition, where it is and printf-like words about it. */
#define FUZZ_CHECK(cond, ...)                                               \
  do                                                                        \
  {                                                                         \
    if (!(cond))                                                            \
    {                                                                       \
      fprintf (stderr, "fuzz invariant broken at %s:%d: %s\n  ", __FILE__,  \
               __LINE__, #cond);                                            \
      fprintf (stderr, __VA_ARGS__);                                        \
      fputc ('\n', stderr);                                                 \
      abort ();                                                             \
    }                                                                       \
  } while (0)

/** A copy of `len` bytes in a heap block of exactly that size (no NUL
 *  after it), so AddressSanitizer reports any read past `len`. */
static inline char *
fuzz_exact_copy (const void *data, size_t len)
{
  char *copy = malloc (len ? len : 1);

  if (copy == NULL)
    abort ();
  for (size_t i = 0; i < len; i++)
    copy[i] = ((const char *) data)[i];
  return copy;
}

#endif
/* end of fuzz.h */
