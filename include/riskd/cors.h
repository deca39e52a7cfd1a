/*
 * cors.h -- cross-origin requests from browsers: off unless configured.
 *
 * With --cors-origins set, a request whose Origin is listed (or any, for
 * "*") gets Access-Control-Allow-Origin on its answer, and a preflight
 * (OPTIONS with Access-Control-Request-Method) on a known path gets 204
 * with the methods and headers riskd accepts. Credentials are API keys in
 * the Authorization header, never cookies, so no Allow-Credentials.
 */
#ifndef RISKD_CORS_H
#define RISKD_CORS_H

#include <stdbool.h>

/** True when `origin` may call, given the configured list. */
bool cors_allowed (const char *configured, const char *origin);

/** Headers a browser may send, and may read, across origins. */
#define CORS_ALLOW_HEADERS "Authorization, Content-Type, If-None-Match, Idempotency-Key"
#define CORS_EXPOSE_HEADERS \
  "ETag, Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, " \
  "RateLimit-Policy, Idempotent-Replayed"

#endif
/* end of cors.h */
