/*
 * strtab.c -- string interning with an open-addressing hash index
 * (linear probing, FNV-1a hashes, table kept at most half full).
 */
#include <stdlib.h>
#include <string.h>
#include "riskd/strtab.h"

/** FNV-1a: simple, and good enough for addresses and hex hashes (the
 *  hash is kept beside the id, so probes compare bytes only on a match). */
static uint32_t
hash_bytes (const char *s, size_t len)
{
  uint32_t h = 2166136261u;

  for (size_t i = 0; i < len; i++)
  {
    h ^= (unsigned char) s[i];
    h *= 16777619u;
  }
  return h ^ (h >> 15);
}

/** The slot holding `s`, or the empty slot where it would go. */
static uint32_t
probe (const struct strtab *tab, uint32_t h, const char *s, size_t len)
{
  uint32_t i = h & tab->mask;

  for (;; i = (i + 1) & tab->mask)
  {
    uint64_t v = tab->slot[i];
    if (v == 0)
      return i;
    if ((uint32_t) (v >> 32) == h)
    {
      const char *have = strtab_get (tab, (uint32_t) v - 1);
      if (memcmp (have, s, len) == 0 && have[len] == '\0')
        return i;
    }
  }
}

int64_t
strtab_find (const struct strtab *tab, const char *s, size_t len)
{
  if (tab->slot == NULL)
    return -1;
  uint64_t v = tab->slot[probe (tab, hash_bytes (s, len), s, len)];
  return v ? (int64_t) (uint32_t) v - 1 : -1;
}

/** Doubles the hash index and re-inserts every id. */
static int
grow_index (struct strtab *tab)
{
  uint32_t slots = tab->slot ? (tab->mask + 1) * 2 : 1024;
  uint64_t *slot = calloc (slots, sizeof *slot);

  if (slot == NULL)
    return -1;
  for (uint32_t i = 0; tab->slot && i <= tab->mask; i++)
  {
    uint64_t v = tab->slot[i];
    if (v == 0)
      continue;
    uint32_t j = (uint32_t) (v >> 32) & (slots - 1);
    while (slot[j] != 0)
      j = (j + 1) & (slots - 1);
    slot[j] = v;
  }
  free (tab->slot);
  tab->slot = slot;
  tab->mask = slots - 1;
  return 0;
}

/** Stores the bytes of a new string; its id, or UINT32_MAX. */
static uint32_t
store (struct strtab *tab, const char *s, size_t len)
{
  if (tab->n == UINT32_MAX - 1)
    return UINT32_MAX;
  if (tab->n == tab->cap)
  {
    uint32_t cap = tab->cap ? tab->cap * 2 : 1024;
    uint64_t *offset = realloc (tab->offset, (size_t) cap * sizeof *offset);
    if (offset == NULL)
      return UINT32_MAX;
    tab->offset = offset;
    tab->cap = cap;
  }
  if (tab->arena_len + len + 1 > tab->arena_cap)
  {
    size_t cap = tab->arena_cap ? tab->arena_cap * 2 : 65536;
    while (cap < tab->arena_len + len + 1)
      cap *= 2;
    char *arena = realloc (tab->arena, cap);
    if (arena == NULL)
      return UINT32_MAX;
    tab->arena = arena;
    tab->arena_cap = cap;
  }
  uint32_t id = tab->n++;
  tab->offset[id] = tab->arena_len;
  memcpy (tab->arena + tab->arena_len, s, len);
  tab->arena[tab->arena_len + len] = '\0';
  tab->arena_len += len + 1;
  return id;
}

uint32_t
strtab_append (struct strtab *tab, const char *s, size_t len)
{
  return store (tab, s, len);
}

uint32_t
strtab_intern (struct strtab *tab, const char *s, size_t len)
{
  uint32_t h = hash_bytes (s, len);

  if (tab->slot == NULL || (uint64_t) (tab->n + 1) * 2 > (uint64_t) tab->mask + 1)
    if (grow_index (tab) != 0)
      return UINT32_MAX;
  uint32_t i = probe (tab, h, s, len);
  if (tab->slot[i] != 0)
    return (uint32_t) tab->slot[i] - 1;
  uint32_t id = store (tab, s, len);
  if (id != UINT32_MAX)
    tab->slot[i] = (uint64_t) h << 32 | (id + 1);
  return id;
}

/** malloc + memcpy that tolerates empty sources. */
static void *
dup_bytes (const void *src, size_t bytes)
{
  void *dst = malloc (bytes ? bytes : 1);

  if (dst != NULL && bytes)
    memcpy (dst, src, bytes);
  return dst;
}

int
strtab_copy (struct strtab *dst, const struct strtab *src)
{
  *dst = *src;
  dst->arena = dup_bytes (src->arena, src->arena_cap);
  dst->offset = dup_bytes (src->offset, (size_t) src->cap * sizeof *src->offset);
  dst->slot = src->slot
    ? dup_bytes (src->slot, ((size_t) src->mask + 1) * sizeof *src->slot)
    : NULL;
  if (dst->arena == NULL || dst->offset == NULL
      || (src->slot != NULL && dst->slot == NULL))
  {
    strtab_free (dst);
    return -1;
  }
  if (src->arena == NULL)
    dst->arena_cap = 1;
  return 0;
}

size_t
strtab_bytes (const struct strtab *tab)
{
  return tab->arena_cap + (size_t) tab->cap * sizeof *tab->offset
         + (tab->slot ? ((size_t) tab->mask + 1) * sizeof *tab->slot : 0);
}

void
strtab_free (struct strtab *tab)
{
  free (tab->arena);
  free (tab->offset);
  free (tab->slot);
  memset (tab, 0, sizeof *tab);
}

/* end of strtab.c */
