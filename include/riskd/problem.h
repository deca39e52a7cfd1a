/*
 * problem.h -- everything that can go wrong in a request, in one list.
 *
 * Each code has one HTTP status, one stable snake_case name (the problem
 * document's "code", and the end of its "type" URI) and one title. The
 * table in problem.c is the single source; openapi.yaml documents it and
 * the integration tests check the two agree.
 */
#ifndef RISKD_PROBLEM_H
#define RISKD_PROBLEM_H

enum problem {
  PROBLEM_ROUTE_NOT_FOUND,        /**< 404 no such route */
  PROBLEM_METHOD_NOT_ALLOWED,     /**< 405 route exists, method does not */
  PROBLEM_UNKNOWN_CHAIN,          /**< 404 chain not supported */
  PROBLEM_INVALID_ADDRESS,        /**< 422 address fails its chain's rules */
  PROBLEM_INVALID_PARAMETER,      /**< 400 a query parameter's value is wrong */
  PROBLEM_UNKNOWN_PARAMETER,      /**< 400 a query parameter this route does not take */
  PROBLEM_DUPLICATE_PARAMETER,    /**< 400 the same query parameter twice */
  PROBLEM_UNSUPPORTED_MEDIA_TYPE, /**< 415 body in a format the route does not take */
  PROBLEM_BODY_TOO_LARGE,         /**< 413 body over the configured limit */
  PROBLEM_INVALID_JSON,           /**< 400 body is not well-formed JSON */
  PROBLEM_INVALID_BODY,           /**< 422 body is JSON but not what the route takes */
  PROBLEM_MISSING_COLUMN,         /**< 422 CSV header lacks a required column */
  PROBLEM_IMPORT_REJECTED,        /**< 422 atomic import with rejected rows */
  PROBLEM_INCIDENT_NOT_FOUND,     /**< 404 no incident with that id */
  PROBLEM_SCREENING_NOT_FOUND,    /**< 404 no screening with that id */
  PROBLEM_KEY_NOT_FOUND,          /**< 404 no API key with that id */
  PROBLEM_UNAUTHORIZED,           /**< 401 no API key, or not a valid one */
  PROBLEM_FORBIDDEN,              /**< 403 the key lacks the route's scope */
  PROBLEM_RATE_LIMITED,           /**< 429 the key's request rate is used up */
  PROBLEM_BATCH_TOO_LARGE,        /**< 413 more addresses than a batch takes */
  PROBLEM_IDEMPOTENCY_KEY_REUSED, /**< 422 same Idempotency-Key, other request */
  PROBLEM_CURSOR_EXPIRED,         /**< 410 the cursor's epoch is no longer kept */
  PROBLEM_EPOCH_TOO_OLD,          /**< 410 changes since that epoch are no longer kept */
  PROBLEM_ENGINE_LOADING,         /**< 503 the engine has not loaded a graph yet */
  PROBLEM_DATABASE_UNAVAILABLE,   /**< 503 PostgreSQL cannot be reached */
  PROBLEM_SHUTTING_DOWN,          /**< 503 riskd is stopping */
  PROBLEM_INTERNAL,               /**< 500 a bug or an unexpected failure */
  PROBLEM_COUNT
};

/** Status, name and title of a problem. */
struct problem_def {
  unsigned status;
  const char *code;
  const char *title;
};

const struct problem_def *problem_def (enum problem p);

/** Prefix of every problem "type" URI; the code follows it. */
#define PROBLEM_TYPE_PREFIX "https://riskd.dev/problems/"

#endif
/* end of problem.h */
