/*
 * strtab.h -- interned strings: each distinct string gets a dense id.
 *
 * The engine holds millions of addresses and transaction hashes; a string
 * table keeps each once in one arena and answers id <-> string both ways
 * with an open-addressing hash index. A table can be copied cheaply (a few
 * memcpy) so a new graph can extend the previous one without touching it.
 */
#ifndef RISKD_STRTAB_H
#define RISKD_STRTAB_H

#include <stddef.h>
#include <stdint.h>

/** An append-only set of strings with dense ids 0..n-1. */
struct strtab {
  char *arena;          /**< the strings, each NUL-terminated */
  size_t arena_len;     /**< bytes used */
  size_t arena_cap;     /**< bytes allocated */
  uint64_t *offset;     /**< offset[id]: where string `id` starts */
  uint32_t n;           /**< number of strings */
  uint32_t cap;         /**< room in `offset` */
  uint64_t *slot;       /**< hash index: hash << 32 | (id + 1); 0 for empty.
                         *   The hash beside the id spares a cache miss */
  uint32_t mask;        /**< slots - 1 (slots is a power of two) */
};

/** Id of the string, adding it if new; UINT32_MAX when out of memory. */
uint32_t strtab_intern (struct strtab *tab, const char *s, size_t len);

/** Adds a string without looking for it first (no index is kept for
 *  such a table: strtab_find does not work on it). For strings that are
 *  rarely equal, where deduplication costs more than it saves. */
uint32_t strtab_append (struct strtab *tab, const char *s, size_t len);

/** Id of the string, or -1 when it is not in the table. */
int64_t strtab_find (const struct strtab *tab, const char *s, size_t len);

/** The string with id `id`. */
static inline const char *
strtab_get (const struct strtab *tab, uint32_t id)
{
  return tab->arena + tab->offset[id];
}

/** Makes `dst` an independent copy of `src`; 0 on success. */
int strtab_copy (struct strtab *dst, const struct strtab *src);

/** Bytes held, for memory accounting. */
size_t strtab_bytes (const struct strtab *tab);

void strtab_free (struct strtab *tab);

#endif
/* end of strtab.h */
