/*
 * route_match.h -- finding the route of a request path in the route table
 * (routes.c), and checking its query parameter names.
 *
 * Pure functions over strings and the constant table: no libmicrohttpd, no
 * allocation, so the router can be tested and fuzzed on its own. http.c
 * calls them when a request arrives.
 */
#ifndef RISKD_ROUTE_MATCH_H
#define RISKD_ROUTE_MATCH_H

#include <stdbool.h>
#include "riskd/http.h"

/** Most path segments looked at; a longer path matches no route. */
#define ROUTE_MAX_SEGMENTS 16

/**
 * Finds the route of `method` whose pattern matches `path` ("/v1/incidents/7").
 * The path is split in place at its slashes (each '/' becomes a NUL), and
 * args[i] then points at the i-th `{capture}` inside it (NULL past the
 * last). `*allow` receives the methods served on the path (GET implies
 * HEAD), for a 405's Allow header. Returns NULL when no route of that
 * method matches: 405 when `*allow` is non-zero, else 404.
 */
const struct route *route_find (char *path, enum http_method method,
                                const char *args[ROUTE_MAX_ARGS], unsigned *allow);

/** True when `key` is one of `params` ("a,b", a route's list; NULL: none). */
bool route_param_allowed (const char *params, const char *key);

#endif
/* end of route_match.h */
