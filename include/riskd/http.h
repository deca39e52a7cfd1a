/*
 * http.h -- what a request handler sees: its route, path arguments, query
 * parameters, body, and the one way to answer.
 *
 * The daemon (http.c) routes a request on libmicrohttpd's first call,
 * collects or streams the body on the following calls and runs the
 * handler once the upload is complete -- never on the first call, which
 * would make MHD 0.9.75 close the connection after the answer. A handler
 * that must block (database work) hands itself to the job pool with
 * rq_defer(): the connection is suspended meanwhile, so the polling thread
 * keeps serving other connections.
 */
#ifndef RISKD_HTTP_H
#define RISKD_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "riskd/problem.h"

struct app;
struct principal;
struct request;

enum http_method {
  HTTP_GET = 1, HTTP_HEAD = 2, HTTP_POST = 4, HTTP_PUT = 8, HTTP_DELETE = 16,
  HTTP_PATCH = 32, HTTP_OPTIONS = 64, HTTP_OTHER = 128
};

/** Most `{captures}` in a route pattern. */
#define ROUTE_MAX_ARGS 4

/** A body consumed as it arrives instead of being buffered (imports). */
struct body_stream {
  /** Before the first byte; may answer (an error), then the body is discarded. */
  void (*begin) (struct request *rq);
  /** Each piece of the body; may answer (an error) likewise. */
  void (*chunk) (struct request *rq, const char *data, size_t len);
};

/** One entry of the route table (routes.c). */
struct route {
  enum http_method method;
  const char *pattern;          /**< "/v1/incidents/{id}" */
  unsigned scope;               /**< enum scope the key needs; 0: always open */
  void (*handler) (struct request *rq); /**< runs once the body is complete */
  const char *params;           /**< query parameters taken, "a,b"; NULL: none */
  const struct body_stream *stream;     /**< NULL: buffered, up to max_body */
};

/** The route table, ending with a NULL pattern. */
extern const struct route routes[];

/* ---- what a handler reads ---- */

struct app *rq_app (struct request *rq);
const struct route *rq_route (struct request *rq);
/** The i-th `{capture}` of the route pattern (percent-decoded). */
const char *rq_arg (struct request *rq, unsigned i);
/** A query parameter, or NULL. */
const char *rq_param (struct request *rq, const char *name);
/** A request header, or NULL. */
const char *rq_header (struct request *rq, const char *name);
/** The API key behind the request (NULL on open routes). */
const struct principal *rq_principal (struct request *rq);
/** The buffered body (NUL-terminated; empty for streamed routes). */
const char *rq_body (struct request *rq, size_t *len);
/** Per-request state of the handler, freed with `free_fn` at the end. */
void rq_set_state (struct request *rq, void *state, void (*free_fn) (void *));
void *rq_state (struct request *rq);

/* ---- answering (exactly once per request) ---- */

/** Answers with a JSON document (the reference is taken). */
void reply_json (struct request *rq, unsigned status, json_t *body);
/** Answers with bytes that the reply takes ownership of (malloc'd). */
void reply_owned (struct request *rq, unsigned status, const char *content_type,
                  char *body, size_t len);
/** Answers with bytes that live for the whole process. */
void reply_static (struct request *rq, unsigned status, const char *content_type,
                   const void *body, size_t len);
/** Answers with a problem document; `detail` is printf-like, may be NULL. */
void reply_problem (struct request *rq, enum problem p, const char *detail, ...)
  __attribute__ ((format (printf, 3, 4)));
/** Same, with extension members merged into the document (reference taken). */
void reply_problem_with (struct request *rq, enum problem p, json_t *extra,
                         const char *detail, ...)
  __attribute__ ((format (printf, 4, 5)));
/** Adds a header to the answer given (call after a reply_*). */
void reply_header (struct request *rq, const char *name, const char *value);
/** True once the request has been answered. */
bool rq_answered (struct request *rq);

/** Runs fn(rq) on the job pool while the connection waits suspended; fn
 *  must answer. */
void rq_defer (struct request *rq, void (*fn) (struct request *rq));

/** Parses a JSON body (buffered routes); on failure answers 400/422 and
 *  returns NULL. Depth is limited (JSON_MAX_DEPTH). */
json_t *rq_json_body (struct request *rq);

/** Deepest nesting of arrays and objects accepted in a request body. */
#define JSON_MAX_DEPTH 32

#endif
/* end of http.h */
