/*
 * array.h -- growing arrays and hashing ids: the two small helpers the
 * engine's files share.
 */
#ifndef RISKD_ARRAY_H
#define RISKD_ARRAY_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/** Grows *items (of `size`-byte elements) to hold at least `need`,
 *  doubling; 0, or -1 when out of memory (*items unchanged). */
static inline int
array_reserve (void **items, uint32_t *cap, uint32_t need, size_t size)
{
  if (need <= *cap)
    return 0;
  uint32_t n = *cap ? *cap : 256;
  while (n < need)
    n *= 2;
  void *p = realloc (*items, (size_t) n * size);
  if (p == NULL)
    return -1;
  *items = p;
  *cap = n;
  return 0;
}

/** A well-mixed hash of an id, for open-addressing tables keyed by ids. */
static inline uint32_t
hash_u32 (uint32_t x)
{
  x ^= x >> 16;
  x *= 0x7feb352d;
  x ^= x >> 15;
  x *= 0x846ca68b;
  return x ^ (x >> 16);
}

#endif
/* end of array.h */
