/*
 * route_match.c -- a request path against the route table (routes.c).
 *
 * The path is split into segments at its slashes; a pattern matches when it
 * has as many segments and every literal one is equal, a `{capture}` taking
 * any non-empty segment. Every route is tried: the methods of all matching
 * patterns make the Allow header of a 405, and when several routes of the
 * method match, the last one in the table wins.
 */
#include <string.h>
#include "riskd/route_match.h"

/** Matches a split path against a pattern; fills captures. */
static bool
match (const char *pattern, char **segs, size_t n_segs, const char **args)
{
  size_t i = 0, n_args = 0;
  const char *p = pattern;

  while (*p == '/')
  {
    const char *end = strchr (p + 1, '/');
    size_t len = end ? (size_t) (end - p - 1) : strlen (p + 1);
    if (i == n_segs)
      return false;
    if (p[1] == '{')
    {
      if (n_args == ROUTE_MAX_ARGS || segs[i][0] == '\0')
        return false;
      args[n_args++] = segs[i];
    }
    else if (strlen (segs[i]) != len || strncmp (segs[i], p + 1, len) != 0)
      return false;
    i++;
    p += len + 1;
  }
  return i == n_segs;
}

const struct route *
route_find (char *path, enum http_method method, const char *args[ROUTE_MAX_ARGS],
            unsigned *allow)
{
  const struct route *found = NULL;
  char *segs[ROUTE_MAX_SEGMENTS];
  size_t n = 0;

  for (char *p = path; *p == '/' && n < ROUTE_MAX_SEGMENTS;)
  {
    *p = '\0';
    segs[n++] = p + 1;
    p = strchr (p + 1, '/');
    if (p == NULL)
      break;
  }
  *allow = 0;
  memset (args, 0, ROUTE_MAX_ARGS * sizeof *args);
  for (const struct route *r = routes; r->pattern; r++)
  {
    const char *captured[ROUTE_MAX_ARGS] = { 0 };
    if (!match (r->pattern, segs, n, captured))
      continue;
    *allow |= r->method | (r->method == HTTP_GET ? HTTP_HEAD : 0);
    if (r->method == method || (r->method == HTTP_GET && method == HTTP_HEAD))
    {
      found = r;
      memcpy (args, captured, sizeof captured);
    }
  }
  return found;
}

bool
route_param_allowed (const char *params, const char *key)
{
  size_t len = strlen (key);

  for (const char *p = params; p && *p;)
  {
    const char *end = strchr (p, ',');
    size_t n = end ? (size_t) (end - p) : strlen (p);
    if (n == len && strncmp (p, key, n) == 0)
      return true;
    p += n + (end != NULL);
  }
  return false;
}

/* end of route_match.c */
