/*
 * fuzz_router.c -- path matching and query parameter names
 * (server/route_match.c) over the real route table (server/routes.c).
 *
 * The handlers the table points at are stubs generated from routes.c by
 * fuzz.mk ($(FUZZ_BUILD)/router_stubs.c): they are never called, only
 * their addresses are taken, and the harness keeps building when a route
 * is added.
 *
 * Input, byte 0:
 *   bit 7 clear: bits 0-2 pick the method (GET HEAD POST PUT DELETE PATCH
 *       OPTIONS OTHER); the rest, up to a NUL, is "path[?query]" as it
 *       arrives (query "a=1&b&c=2").
 *   bit 7 set: byte 1 picks a route; the rest, split at '\n', gives the
 *       values of its captures; the path is built from them, so every route
 *       is reached whatever its arguments.
 *
 * Invariants:
 *   - a route found serves the method (GET also answers HEAD), its pattern
 *     with the captured arguments put back is exactly the path, and each
 *     argument is a non-empty segment;
 *   - `allow` is exactly the set of methods for which the same path finds a
 *     route, so 405 and its Allow header agree with what would be served;
 *   - a path built from a route and non-empty, slash-free arguments finds a
 *     route of that method (none is unreachable);
 *   - a query name is allowed iff it is one of the route's comma-separated
 *     parameters, and every listed parameter is allowed.
 */
#include <stdbool.h>
#include <string.h>
#include "fuzz.h"
#include "riskd/route_match.h"

static const enum http_method methods[8] = {
  HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_PUT, HTTP_DELETE, HTTP_PATCH, HTTP_OPTIONS, HTTP_OTHER
};

/** The pattern with its captures replaced by args; false when too long. */
static bool
render (const char *pattern, const char *const args[ROUTE_MAX_ARGS], char *out, size_t size)
{
  size_t n = 0, arg = 0;

  for (const char *p = pattern; *p;)
  {
    const char *text = p;
    size_t len = 1;
    if (*p == '{')
    {
      FUZZ_CHECK (arg < ROUTE_MAX_ARGS && args[arg] != NULL, "capture %zu of %s unset", arg,
                  pattern);
      text = args[arg++];
      len = strlen (text);
      p = strchr (p, '}');
      FUZZ_CHECK (p != NULL, "pattern %s", pattern);
    }
    if (n + len + 1 > size)
      return false;
    memcpy (out + n, text, len);
    n += len;
    p++;
  }
  out[n] = '\0';
  FUZZ_CHECK (arg == ROUTE_MAX_ARGS || args[arg] == NULL, "more arguments than captures in %s",
              pattern);
  return true;
}

/** route_find on a private copy of `path` (it splits it in place). */
static const struct route *
find (const char *path, enum http_method method, char **copy,
      const char *args[ROUTE_MAX_ARGS], unsigned *allow)
{
  *copy = strdup (path);
  if (*copy == NULL)
    abort ();
  return route_find (*copy, method, args, allow);
}

/** Every invariant about one path and method; returns the route found. */
static const struct route *
check_path (const char *path, enum http_method method)
{
  const char *args[ROUTE_MAX_ARGS];
  unsigned allow, allow_again;
  char *copy, *copy_again;

  const struct route *r = find (path, method, &copy, args, &allow);
  FUZZ_CHECK ((allow & ~(unsigned) (HTTP_GET | HTTP_HEAD | HTTP_POST | HTTP_PUT | HTTP_DELETE
                                    | HTTP_PATCH | HTTP_OPTIONS)) == 0,
              "allow %#x for '%s'", allow, path);
  FUZZ_CHECK (!(allow & HTTP_GET) || (allow & HTTP_HEAD), "GET without HEAD for '%s'", path);
  if (r != NULL)
  {
    FUZZ_CHECK (r->method == method || (r->method == HTTP_GET && method == HTTP_HEAD),
                "'%s' %#x routed to %s of method %#x", path, method, r->pattern, r->method);
    FUZZ_CHECK (allow & method, "'%s' is served for %#x, allow %#x", path, method, allow);
    for (unsigned i = 0; i < ROUTE_MAX_ARGS && args[i]; i++)
      FUZZ_CHECK (args[i][0] != '\0' && strchr (args[i], '/') == NULL,
                  "argument %u of '%s' is '%s'", i, path, args[i]);
    char back[1024];
    if (render (r->pattern, args, back, sizeof back))
      FUZZ_CHECK (strcmp (back, path) == 0, "'%s' matched %s, which gives back '%s'", path,
                  r->pattern, back);
  }
  else
    for (unsigned i = 0; i < ROUTE_MAX_ARGS; i++)
      FUZZ_CHECK (args[i] == NULL, "no route, yet argument %u is set", i);

  /* allow is the set of methods served on this path */
  for (unsigned m = 0; m < 8; m++)
  {
    const char *other[ROUTE_MAX_ARGS];
    const struct route *o = find (path, methods[m], &copy_again, other, &allow_again);
    FUZZ_CHECK (allow_again == allow, "'%s': allow %#x for %#x, %#x for %#x", path,
                allow_again, methods[m], allow, method);
    FUZZ_CHECK ((o != NULL) == ((allow & methods[m]) != 0),
                "'%s': allow %#x, but %#x %s", path, allow, methods[m],
                o ? "is served" : "is not");
    free (copy_again);
  }
  free (copy);
  return r;
}

/** route_param_allowed against the route's list, for one name. */
static void
check_param (const char *params, const char *key)
{
  bool allowed = route_param_allowed (params, key);
  bool listed = false;

  if (params != NULL && key[0] != '\0' && strchr (key, ',') == NULL)
  {
    size_t n = strlen (key);
    for (const char *p = params; (p = strstr (p, key)) != NULL; p++)
      listed |= (p == params || p[-1] == ',') && (p[n] == ',' || p[n] == '\0');
  }
  FUZZ_CHECK (allowed == listed, "'%s' is %s by \"%s\"", key,
              allowed ? "allowed" : "refused", params ? params : "(none)");
}

/** Checks each name of "a=1&b&c=2" against the route. */
static void
check_query (const struct route *r, char *query)
{
  for (char *item = query; item != NULL;)
  {
    char *next = strchr (item, '&');
    if (next)
      *next++ = '\0';
    item[strcspn (item, "=")] = '\0';
    check_param (r->params, item);
    item = next;
  }
  /* every parameter the route lists is allowed */
  if (r->params != NULL)
  {
    char *list = strdup (r->params);
    for (char *p = strtok (list, ","); p; p = strtok (NULL, ","))
      FUZZ_CHECK (route_param_allowed (r->params, p), "%s refuses its own '%s'", r->pattern, p);
    free (list);
  }
}

/** Builds a path from a route and fuzzer-given arguments. */
static void
check_route (unsigned pick, const char *text, size_t len)
{
  size_t n_routes = 0;
  while (routes[n_routes].pattern)
    n_routes++;
  const struct route *want = &routes[pick % n_routes];
  const char *args[ROUTE_MAX_ARGS] = { 0 };
  char *values = strndup (text, len), *p = values;
  bool plain = true;

  for (unsigned i = 0; i < ROUTE_MAX_ARGS && p; i++)
  {
    args[i] = p;
    p = strchr (p, '\n');
    if (p)
      *p++ = '\0';
  }
  size_t n_captures = 0;
  for (const char *c = want->pattern; (c = strchr (c, '{')) != NULL; c++)
    n_captures++;
  for (size_t i = n_captures; i < ROUTE_MAX_ARGS; i++)
    args[i] = NULL;
  for (size_t i = 0; i < n_captures; i++)
  {
    if (args[i] == NULL)
      args[i] = "x";   /* fewer values than captures */
    plain &= args[i][0] != '\0' && strchr (args[i], '/') == NULL;
  }
  char path[1024];
  if (render (want->pattern, args, path, sizeof path))
  {
    const struct route *r = check_path (path, want->method);
    FUZZ_CHECK (!plain || r != NULL, "'%s', built from %s, finds no route", path,
                want->pattern);
  }
  free (values);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  if (data[0] & 0x80)
  {
    if (size >= 2)
      check_route (data[1], (const char *) data + 2, size - 2);
    return 0;
  }
  /* a request line reaches the router as a C string */
  char *url = strndup ((const char *) data + 1, size - 1);
  char *query = strchr (url, '?');
  if (query)
    *query++ = '\0';
  const struct route *r = check_path (url, methods[data[0] & 7]);
  if (r != NULL && query != NULL)
    check_query (r, query);
  free (url);
  return 0;
}

/* end of fuzz_router.c */
