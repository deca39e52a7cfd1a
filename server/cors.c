/*
 * cors.c -- which origins may call (see cors.h).
 */
#include <string.h>
#include "riskd/cors.h"

bool
cors_allowed (const char *configured, const char *origin)
{
  size_t len;

  if (configured == NULL || configured[0] == '\0' || origin == NULL)
    return false;
  len = strlen (origin);
  for (const char *p = configured; *p;)
  {
    size_t n = strcspn (p, ",");
    if ((n == 1 && *p == '*') || (n == len && strncmp (p, origin, n) == 0))
      return true;
    p += n + (p[n] == ',');
  }
  return false;
}

/* end of cors.c */
