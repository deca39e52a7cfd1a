/*
 * http.c -- the request lifecycle on libmicrohttpd.
 *
 * MHD calls the access handler several times per request:
 *   1st call            route the request (or note why it cannot be) and
 *                       return; answering here would make MHD 0.9.75 close
 *                       the connection, costing a TCP handshake per request;
 *   calls with data     buffer the body up to max_body, or stream it to the
 *                       route's consumer (imports);
 *   final call          run the handler, queue its answer -- or, when the
 *                       handler deferred itself to the job pool, return
 *                       with the connection suspended; the job resumes it
 *                       and the answer is queued on the call that follows.
 * A request known to fail (no route, body too large, ...) is answered on
 * its second call without reading the rest of its body.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "riskd/clock.h"
#include "riskd/app.h"
#include "riskd/http.h"
#include "riskd/cors.h"
#include "riskd/deadline.h"
#include "riskd/http_server.h"
#include "riskd/keys.h"
#include "riskd/log.h"
#include "riskd/metrics.h"
#include "riskd/pool.h"
#include "riskd/ratelimit.h"
#include "riskd/route_match.h"

struct request {
  struct app *app;
  struct MHD_Connection *conn;
  const struct route *route;
  enum http_method method;
  char *path;                   /**< as received, for logs and "instance" */
  char *segments;               /**< path split in place; args point into it */
  const char *args[ROUTE_MAX_ARGS];
  bool has_early;               /**< known to fail before its handler runs */
  enum problem early;
  char early_detail[200];
  unsigned allow;               /**< methods of the path, for 405 */
  bool authenticated;           /**< principal is set */
  struct principal principal;
  struct rate_decision rate;    /**< for the RateLimit-* headers (limit 0: none) */
  char *body;
  size_t body_len, body_cap;
  uint64_t body_seen;           /**< bytes of a streamed body so far */
  bool stream_begun;
  void *state;
  void (*state_free) (void *);
  struct MHD_Response *response;
  unsigned status;
  bool queued;
  void (*deferred) (struct request *rq);
  double start_ms;              /**< clock_ms() when it began */
  bool preflight;               /**< a CORS preflight to answer with 204 */
  const char *cors_origin;      /**< the Origin to allow on the answer, or NULL */
};

struct http_server {
  struct app *app;
  struct MHD_Daemon *daemon;
  struct deadlines *deadlines;  /**< request headers' deadline (slowloris) */
  char *tls_cert, *tls_key;     /**< PEM, when serving HTTPS */
};

/* ---- small helpers ---- */

static const struct {
  const char *name;
  enum http_method method;
} methods[] = {
  { "GET", HTTP_GET }, { "HEAD", HTTP_HEAD }, { "POST", HTTP_POST },
  { "PUT", HTTP_PUT }, { "DELETE", HTTP_DELETE }, { "PATCH", HTTP_PATCH },
  { "OPTIONS", HTTP_OPTIONS },
};

static enum http_method
method_of (const char *name)
{
  for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
    if (strcmp (methods[i].name, name) == 0)
      return methods[i].method;
  return HTTP_OTHER;
}

static const char *
method_name (enum http_method method)
{
  for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
    if (methods[i].method == method)
      return methods[i].name;
  return "OTHER";
}

/** "GET, HEAD, POST" for a mask of methods. */
static void
allow_header (unsigned mask, char *out, size_t size)
{
  out[0] = '\0';
  for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
    if (mask & methods[i].method)
      snprintf (out + strlen (out), size - strlen (out), "%s%s",
                out[0] ? ", " : "", methods[i].name);
}

/* ---- routing ---- */

/** Notes a problem to answer on the next call. */
static void
fail_early (struct request *rq, enum problem p, const char *detail)
{
  rq->has_early = true;
  rq->early = p;
  snprintf (rq->early_detail, sizeof rq->early_detail, "%s", detail);
}

/** Checks the query: only the route's parameters, each at most once. */
struct query_check {
  struct request *rq;
  const char *seen[16];
  unsigned n_seen;
};

static enum MHD_Result
check_param (void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
  struct query_check *qc = cls;
  struct request *rq = qc->rq;

  (void) kind;
  (void) value;
  if (!route_param_allowed (rq->route->params, key))
  {
    char detail[200];
    snprintf (detail, sizeof detail, "this route takes %s%s",
              rq->route->params ? "only: " : "no query parameters",
              rq->route->params ? rq->route->params : "");
    fail_early (rq, PROBLEM_UNKNOWN_PARAMETER, detail);
    return MHD_NO;
  }
  for (unsigned i = 0; i < qc->n_seen; i++)
    if (strcmp (qc->seen[i], key) == 0)
    {
      fail_early (rq, PROBLEM_DUPLICATE_PARAMETER, "a query parameter was given more than once");
      return MHD_NO;
    }
  if (qc->n_seen < 16)
    qc->seen[qc->n_seen++] = key;
  return MHD_YES;
}

/** True when the route's pattern is in --open-routes. Only read routes
 *  can be opened: writes are recorded against a key, and keys and
 *  configuration are never anyone's. */
static bool
route_open (const struct app *app, const struct route *r)
{
  size_t len = strlen (r->pattern);

  if (r->scope != 0 && r->scope != SCOPE_READ)
    return false;

  for (const char *p = app->cfg->open_routes; p && *p;)
  {
    size_t n = strcspn (p, ",");
    if (n == len && strncmp (p, r->pattern, n) == 0)
      return true;
    p += n + (p[n] == ',');
  }
  return r->scope == 0;
}

/** API key, scope and rate limit (SPEC 6); notes 401/403/429/503. */
static void
authorize (struct request *rq)
{
  struct app *app = rq->app;

  if (route_open (app, rq->route))
    return;
  switch (auth_verify (app->auth, rq_header (rq, MHD_HTTP_HEADER_AUTHORIZATION),
                       &rq->principal))
  {
  case AUTH_MISSING:
    fail_early (rq, PROBLEM_UNAUTHORIZED, "send Authorization: Bearer <API key>");
    return;
  case AUTH_INVALID:
    fail_early (rq, PROBLEM_UNAUTHORIZED, "this API key is not valid (unknown or revoked)");
    return;
  case AUTH_UNAVAILABLE:
    fail_early (rq, PROBLEM_DATABASE_UNAVAILABLE, "the API key cannot be checked now");
    return;
  case AUTH_OK:
    break;
  }
  rq->authenticated = true;
  if (!(rq->principal.scopes & rq->route->scope))
  {
    char detail[96], scope[32];
    scopes_format (rq->route->scope, scope, sizeof scope);
    snprintf (detail, sizeof detail, "this route needs the '%s' scope", scope);
    fail_early (rq, PROBLEM_FORBIDDEN, detail);
    return;
  }
  ratelimit_take (app->ratelimit, rq->principal.key_id, rq->principal.rate_limit, &rq->rate);
  if (!rq->rate.allowed)
    fail_early (rq, PROBLEM_RATE_LIMITED, "this API key's request rate is used up; see Retry-After");
}

/** Finds the route, or notes 404/405/400; notes a CORS preflight. */
static void
route_request (struct request *rq)
{
  const char *origin = rq_header (rq, "Origin");

  rq->route = route_find (rq->segments, rq->method, rq->args, &rq->allow);
  if (cors_allowed (rq->app->cfg->cors_origins, origin))
    rq->cors_origin = origin;
  if (rq->route == NULL && rq->method == HTTP_OPTIONS && rq->allow && rq->cors_origin
      && rq_header (rq, "Access-Control-Request-Method"))
  {
    rq->preflight = true;
    return;
  }
  if (rq->route == NULL)
  {
    rq->has_early = true;
    rq->early = rq->allow ? PROBLEM_METHOD_NOT_ALLOWED : PROBLEM_ROUTE_NOT_FOUND;
    return;
  }
  struct query_check qc = { .rq = rq };
  MHD_get_connection_values (rq->conn, MHD_GET_ARGUMENT_KIND, check_param, &qc);
  if (!rq->has_early)
    authorize (rq);
}

/* ---- replies ---- */

static void
set_response (struct request *rq, unsigned status, struct MHD_Response *resp,
              const char *content_type)
{
  if (rq->response)             /* answered twice: keep the first */
  {
    MHD_destroy_response (resp);
    return;
  }
  rq->response = resp;
  rq->status = status;
  if (resp && content_type)
    MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
}

void
reply_owned (struct request *rq, unsigned status, const char *content_type,
             char *body, size_t len)
{
  set_response (rq, status,
                MHD_create_response_from_buffer (len, body, MHD_RESPMEM_MUST_FREE),
                content_type);
}

void
reply_static (struct request *rq, unsigned status, const char *content_type,
              const void *body, size_t len)
{
  set_response (rq, status,
                MHD_create_response_from_buffer (len, (void *) body, MHD_RESPMEM_PERSISTENT),
                content_type);
}

void
reply_json (struct request *rq, unsigned status, json_t *body)
{
  char *text = body ? json_dumps (body, JSON_COMPACT | JSON_REAL_PRECISION (15)) : NULL;

  json_decref (body);
  if (text == NULL)
  {
    static const char failed[] =
      "{\"type\":\"" PROBLEM_TYPE_PREFIX "internal_error\",\"title\":\"Internal error\","
      "\"status\":500,\"code\":\"internal_error\"}";
    reply_static (rq, 500, "application/problem+json", failed, sizeof failed - 1);
    return;
  }
  reply_owned (rq, status, "application/json", text, strlen (text));
}

static void
vreply_problem (struct request *rq, enum problem p, json_t *extra,
                const char *fmt, va_list ap)
{
  const struct problem_def *def = problem_def (p);
  char type[128], detail[512];
  json_t *doc;

  snprintf (type, sizeof type, PROBLEM_TYPE_PREFIX "%s", def->code);
  doc = json_pack ("{s:s, s:s, s:i, s:s}", "type", type, "title", def->title,
                   "status", def->status, "code", def->code);
  if (fmt)
  {
    vsnprintf (detail, sizeof detail, fmt, ap);
    /* A detail quoting invalid UTF-8 input is dropped, not sent broken. */
    json_object_set_new (doc, "detail", json_string (detail));
  }
  json_object_set_new (doc, "instance", json_string (rq->path));
  if (extra)
    json_object_update (doc, extra);
  json_decref (extra);
  char *text = json_dumps (doc, JSON_COMPACT | JSON_REAL_PRECISION (15));
  json_decref (doc);
  if (text)
    reply_owned (rq, def->status, "application/problem+json", text, strlen (text));
  else
    reply_json (rq, 500, NULL);
  if (p == PROBLEM_METHOD_NOT_ALLOWED)
  {
    char allow[128];
    allow_header (rq->allow, allow, sizeof allow);
    reply_header (rq, MHD_HTTP_HEADER_ALLOW, allow);
  }
  if (def->status == 503)
    reply_header (rq, MHD_HTTP_HEADER_RETRY_AFTER, "5");
}

void
reply_problem (struct request *rq, enum problem p, const char *detail, ...)
{
  va_list ap;
  va_start (ap, detail);
  vreply_problem (rq, p, NULL, detail, ap);
  va_end (ap);
}

void
reply_problem_with (struct request *rq, enum problem p, json_t *extra,
                    const char *detail, ...)
{
  va_list ap;
  va_start (ap, detail);
  vreply_problem (rq, p, extra, detail, ap);
  va_end (ap);
}

void
reply_header (struct request *rq, const char *name, const char *value)
{
  if (rq->response)
    MHD_add_response_header (rq->response, name, value);
}

bool
rq_answered (struct request *rq)
{
  return rq->response != NULL;
}

/** Headers every answer carries. */
static void
add_common_headers (struct request *rq)
{
  struct MHD_Response *r = rq->response;

  if (MHD_get_response_header (r, MHD_HTTP_HEADER_CACHE_CONTROL) == NULL)
    MHD_add_response_header (r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  if (MHD_get_response_header (r, "Content-Security-Policy") == NULL)
    MHD_add_response_header (r, "Content-Security-Policy",
                             "default-src 'none'; frame-ancestors 'none'");
  MHD_add_response_header (r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header (r, "X-Frame-Options", "DENY");
  MHD_add_response_header (r, "Referrer-Policy", "no-referrer");
}

/** RateLimit-* (and Retry-After on 429, WWW-Authenticate on 401). */
static void
add_auth_headers (struct request *rq)
{
  char v[32];

  if (rq->rate.limit)
  {
    snprintf (v, sizeof v, "%u", rq->rate.limit);
    reply_header (rq, "RateLimit-Limit", v);
    snprintf (v, sizeof v, "%u", rq->rate.remaining);
    reply_header (rq, "RateLimit-Remaining", v);
    snprintf (v, sizeof v, "%u", rq->rate.reset_s);
    reply_header (rq, "RateLimit-Reset", v);
    snprintf (v, sizeof v, "%u;w=60", rq->rate.limit);
    reply_header (rq, "RateLimit-Policy", v);
    if (!rq->rate.allowed)
    {
      snprintf (v, sizeof v, "%u", rq->rate.retry_after_s ? rq->rate.retry_after_s : 1);
      reply_header (rq, MHD_HTTP_HEADER_RETRY_AFTER, v);
    }
  }
  if (rq->status == 401)
    reply_header (rq, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"riskd\"");
}

/** Access-Control-* on answers to an allowed origin. */
static void
add_cors_headers (struct request *rq)
{
  char allow[128];

  /* Answers differ by Origin as soon as CORS is on: say so to every cache. */
  if (rq->app->cfg->cors_origins[0])
    reply_header (rq, "Vary", "Origin");
  if (rq->cors_origin == NULL)
    return;
  reply_header (rq, "Access-Control-Allow-Origin", rq->cors_origin);
  reply_header (rq, "Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS);
  if (rq->preflight)
  {
    allow_header (rq->allow, allow, sizeof allow);
    reply_header (rq, "Access-Control-Allow-Methods", allow);
    reply_header (rq, "Access-Control-Allow-Headers", CORS_ALLOW_HEADERS);
    reply_header (rq, "Access-Control-Max-Age", "600");
  }
}

/** Queues the answer; MHD sends it after this call returns. */
static enum MHD_Result
queue (struct request *rq)
{
  if (rq->queued)
    return MHD_YES;
  if (rq->response == NULL)
    reply_problem (rq, PROBLEM_INTERNAL, "the handler gave no answer");
  if (rq->response == NULL)
    return MHD_NO;
  add_common_headers (rq);
  add_auth_headers (rq);
  add_cors_headers (rq);
  rq->queued = true;
  enum MHD_Result rc = MHD_queue_response (rq->conn, rq->status, rq->response);
  MHD_destroy_response (rq->response);
  rq->response = NULL;
  return rc;
}

/* ---- what handlers read ---- */

struct app *
rq_app (struct request *rq)
{
  return rq->app;
}

const struct route *
rq_route (struct request *rq)
{
  return rq->route;
}

const char *
rq_arg (struct request *rq, unsigned i)
{
  return i < ROUTE_MAX_ARGS && rq->args[i] ? rq->args[i] : "";
}

const char *
rq_param (struct request *rq, const char *name)
{
  return MHD_lookup_connection_value (rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
rq_header (struct request *rq, const char *name)
{
  return MHD_lookup_connection_value (rq->conn, MHD_HEADER_KIND, name);
}

const struct principal *
rq_principal (struct request *rq)
{
  return rq->authenticated ? &rq->principal : NULL;
}

const char *
rq_body (struct request *rq, size_t *len)
{
  *len = rq->body_len;
  return rq->body ? rq->body : "";
}

void
rq_set_state (struct request *rq, void *state, void (*free_fn) (void *))
{
  rq->state = state;
  rq->state_free = free_fn;
}

void *
rq_state (struct request *rq)
{
  return rq->state;
}

/** Depth of nesting in a JSON text, without parsing it. */
static int
json_depth (const char *s, size_t len)
{
  int depth = 0, max = 0;
  bool in_string = false;

  for (size_t i = 0; i < len; i++)
  {
    char c = s[i];
    if (in_string)
    {
      if (c == '\\')
        i++;
      else if (c == '"')
        in_string = false;
    }
    else if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{')
      max = ++depth > max ? depth : max;
    else if (c == ']' || c == '}')
      depth--;
  }
  return max;
}

json_t *
rq_json_body (struct request *rq)
{
  json_error_t err;
  const char *type = rq_header (rq, MHD_HTTP_HEADER_CONTENT_TYPE);
  size_t tlen = type ? strcspn (type, "; ") : 0;

  if (type == NULL || tlen != 16 || strncasecmp (type, "application/json", 16) != 0)
  {
    reply_problem (rq, PROBLEM_UNSUPPORTED_MEDIA_TYPE,
                   "send the body as application/json");
    return NULL;
  }
  if (json_depth (rq->body ? rq->body : "", rq->body_len) > JSON_MAX_DEPTH)
  {
    reply_problem (rq, PROBLEM_INVALID_JSON, "the body nests deeper than %d levels",
                   JSON_MAX_DEPTH);
    return NULL;
  }
  json_t *doc = json_loadb (rq->body ? rq->body : "", rq->body_len,
                            JSON_REJECT_DUPLICATES, &err);
  if (doc == NULL)
    reply_problem (rq, PROBLEM_INVALID_JSON, "line %d, column %d: %s", err.line,
                   err.column, err.text);
  return doc;
}

/* ---- deferral ---- */

static void
run_deferred (void *arg)
{
  struct request *rq = arg;

  rq->deferred (rq);
  if (rq->response == NULL)
    reply_problem (rq, PROBLEM_INTERNAL, "the handler gave no answer");
  MHD_resume_connection (rq->conn);
}

void
rq_defer (struct request *rq, void (*fn) (struct request *rq))
{
  rq->deferred = fn;
  MHD_suspend_connection (rq->conn);
  pool_submit (rq->app->jobs, run_deferred, rq);
}

/* ---- the access handler ---- */

static struct request *
request_new (struct app *app, struct MHD_Connection *conn, const char *url,
             const char *method)
{
  struct request *rq = calloc (1, sizeof *rq);

  if (rq == NULL)
    return NULL;
  rq->app = app;
  rq->conn = conn;
  rq->method = method_of (method);
  rq->path = strdup (url);
  rq->segments = strdup (url);
  rq->start_ms = clock_ms ();
  if (rq->path == NULL || rq->segments == NULL)
  {
    free (rq->path);
    free (rq->segments);
    free (rq);
    return NULL;
  }
  atomic_fetch_add (&app->in_flight, 1);
  return rq;
}

/** Answers the problem noted at routing time. */
static enum MHD_Result
answer_early (struct request *rq)
{
  reply_problem (rq, rq->early, rq->early_detail[0] ? "%s" : NULL, rq->early_detail);
  return queue (rq);
}

/** Takes one piece of the body: buffers it, or streams it to the route. */
static void
take_body (struct request *rq, const char *data, size_t len)
{
  struct riskd_config *cfg = rq->app->cfg;

  if (rq->route->stream)
  {
    rq->body_seen += len;
    if (cfg->max_import_bytes && rq->body_seen > cfg->max_import_bytes)
      reply_problem (rq, PROBLEM_BODY_TOO_LARGE, "imports are limited to %zu bytes",
                     cfg->max_import_bytes);
    else if (!rq->stream_begun)
    {
      rq->stream_begun = true;
      rq->route->stream->begin (rq);
    }
    if (!rq_answered (rq))
      rq->route->stream->chunk (rq, data, len);
    return;
  }
  if (rq->body_len + len > cfg->max_body_bytes)
  {
    reply_problem (rq, PROBLEM_BODY_TOO_LARGE, "request bodies are limited to %zu bytes",
                   cfg->max_body_bytes);
    return;
  }
  if (rq->body_len + len + 1 > rq->body_cap)
  {
    size_t cap = rq->body_cap ? rq->body_cap : 4096;
    while (cap < rq->body_len + len + 1)
      cap *= 2;
    char *body = realloc (rq->body, cap);
    if (body == NULL)
    {
      reply_problem (rq, PROBLEM_INTERNAL, "out of memory");
      return;
    }
    rq->body = body;
    rq->body_cap = cap;
  }
  memcpy (rq->body + rq->body_len, data, len);
  rq->body_len += len;
  rq->body[rq->body_len] = '\0';
}

/** True (and answered 413) when Content-Length already exceeds the limit. */
static bool
declared_too_large (struct request *rq)
{
  const char *cl = rq_header (rq, MHD_HTTP_HEADER_CONTENT_LENGTH);
  struct riskd_config *cfg = rq->app->cfg;
  size_t limit;

  if (cl == NULL || rq->route == NULL)
    return false;
  limit = rq->route->stream ? cfg->max_import_bytes : cfg->max_body_bytes;
  if (limit == 0 || strtoull (cl, NULL, 10) <= limit)
    return false;
  reply_problem (rq, PROBLEM_BODY_TOO_LARGE, "bodies of this route are limited to %zu bytes",
                 limit);
  return true;
}

/** The deadline record of a connection. */
static struct deadline *
deadline_of (struct MHD_Connection *conn)
{
  const union MHD_ConnectionInfo *info =
    MHD_get_connection_info (conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return info ? info->socket_context : NULL;
}

static enum MHD_Result
on_request (void *cls, struct MHD_Connection *conn, const char *url,
            const char *method, const char *version, const char *upload_data,
            size_t *upload_data_size, void **req_cls)
{
  struct http_server *srv = cls;
  struct app *app = srv->app;
  struct request *rq = *req_cls;

  (void) version;
  if (rq == NULL)
  {
    deadlines_request_began (srv->deadlines, deadline_of (conn));
    rq = request_new (app, conn, url, method);
    if (rq == NULL)
      return MHD_NO;
    *req_cls = rq;
    route_request (rq);
    if (declared_too_large (rq))
      return queue (rq);        /* the one answer given on the first call:
                                 * MHD then closes the connection instead of
                                 * reading a body we would only drop */
    return MHD_YES;             /* never answer on the first call otherwise */
  }
  if (*upload_data_size > 0)
  {
    /* MHD 0.9.75 takes no answer while a body is arriving: a request that
     * has failed (or been answered) reads the rest and drops it. */
    size_t len = *upload_data_size;
    *upload_data_size = 0;
    if (rq->route && !rq->has_early && !rq_answered (rq))
      take_body (rq, upload_data, len);
    return MHD_YES;
  }
  if (rq->response)             /* answered while the body arrived, or by a job */
    return queue (rq);
  if (rq->has_early)
    return answer_early (rq);
  if (rq->preflight)
  {
    reply_static (rq, 204, NULL, "", 0);
    return queue (rq);
  }
  if (atomic_load (&app->stopping))
  {
    reply_problem (rq, PROBLEM_SHUTTING_DOWN, "riskd is stopping; retry on another instance");
    reply_header (rq, MHD_HTTP_HEADER_CONNECTION, "close");
    return queue (rq);
  }
  if (rq->route->stream && !rq->stream_begun)
  {
    rq->stream_begun = true;
    rq->route->stream->begin (rq);
    if (rq_answered (rq))
      return queue (rq);
  }
  rq->route->handler (rq);
  if (rq->deferred && !rq->response)
    return MHD_YES;             /* suspended; the job resumes it */
  return queue (rq);
}

static void
on_completed (void *cls, struct MHD_Connection *conn, void **req_cls,
              enum MHD_RequestTerminationCode toe)
{
  struct http_server *srv = cls;
  struct app *app = srv->app;
  struct request *rq = *req_cls;
  deadlines_request_done (srv->deadlines, deadline_of (conn));
  if (rq == NULL)
    return;
  double ms = clock_ms () - rq->start_ms;
  metrics_request (rq->route ? (int) (rq->route - routes) : -1, rq->queued ? rq->status : 0,
                   ms / 1e3);
  if (app->cfg->access_log)
    log_msg (LOG_INFO, "request", "{s:s, s:s, s:i, s:f, s:b}", "method", method_name (rq->method),
             "path", rq->path, "status", rq->queued ? (int) rq->status : 0, "ms", ms,
             "completed", toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
  if (rq->state_free)
    rq->state_free (rq->state);
  if (rq->response)
    MHD_destroy_response (rq->response);
  free (rq->body);
  free (rq->path);
  free (rq->segments);
  free (rq);
  *req_cls = NULL;
  atomic_fetch_sub (&app->in_flight, 1);
}

/* ---- the daemon ---- */

/** Connections opening and closing: their header deadlines. */
static void
on_connection (void *cls, struct MHD_Connection *conn, void **socket_context,
               enum MHD_ConnectionNotificationCode code)
{
  struct http_server *srv = cls;

  if (code == MHD_CONNECTION_NOTIFY_STARTED)
  {
    const union MHD_ConnectionInfo *info =
      MHD_get_connection_info (conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    *socket_context = info ? deadlines_opened (srv->deadlines, info->connect_fd) : NULL;
  }
  else
  {
    deadlines_closed (srv->deadlines, *socket_context);
    *socket_context = NULL;
  }
}

/** A whole file, NUL-terminated, or NULL. */
static char *
read_file (const char *path)
{
  FILE *f = fopen (path, "rb");
  char *buf = NULL;
  long len;

  if (f && fseek (f, 0, SEEK_END) == 0 && (len = ftell (f)) > 0 && len < 1 << 20
      && fseek (f, 0, SEEK_SET) == 0 && (buf = malloc ((size_t) len + 1)) != NULL)
  {
    if (fread (buf, 1, (size_t) len, f) == (size_t) len)
      buf[len] = '\0';
    else
    {
      free (buf);
      buf = NULL;
    }
  }
  if (f)
    fclose (f);
  return buf;
}

static void
server_free (struct http_server *srv)
{
  deadlines_free (srv->deadlines);
  free (srv->tls_cert);
  free (srv->tls_key);
  free (srv);
}

static void
mhd_log (void *cls, const char *fmt, va_list ap)
{
  char text[512];

  (void) cls;
  vsnprintf (text, sizeof text, fmt, ap);
  text[strcspn (text, "\n")] = '\0';
  log_msg (LOG_WARN, "libmicrohttpd", "{s:s}", "detail", text);
}

/** Parses "host:port" or "[v6]:port" into a socket address. */
static int
parse_listen (const char *listen, struct sockaddr_storage *ss)
{
  char host[128];
  const char *colon = strrchr (listen, ':');
  int port;

  if (colon == NULL || (port = atoi (colon + 1)) < 0 || port > 65535)
    return -1;
  snprintf (host, sizeof host, "%.*s", (int) (colon - listen), listen);
  memset (ss, 0, sizeof *ss);
  if (host[0] == '[')
  {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) ss;
    host[strlen (host) - 1] = '\0';
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons ((uint16_t) port);
    return inet_pton (AF_INET6, host + 1, &in6->sin6_addr) == 1 ? 0 : -1;
  }
  struct sockaddr_in *in = (struct sockaddr_in *) ss;
  in->sin_family = AF_INET;
  in->sin_port = htons ((uint16_t) port);
  return inet_pton (AF_INET, host[0] ? host : "0.0.0.0", &in->sin_addr) == 1 ? 0 : -1;
}

struct http_server *
http_start (struct app *app, char *err, size_t err_len)
{
  struct sockaddr_storage addr;
  struct http_server *srv = calloc (1, sizeof *srv);

  if (srv == NULL)
    return NULL;
  if (parse_listen (app->cfg->listen, &addr) != 0)
  {
    snprintf (err, err_len, "cannot parse listen address '%s' (host:port)", app->cfg->listen);
    free (srv);
    return NULL;
  }
  srv->app = app;
  srv->deadlines = deadlines_new (app->cfg->header_timeout_s * 1000);
  bool tls = app->cfg->tls_cert[0] != '\0';
  if (tls)
  {
    srv->tls_cert = read_file (app->cfg->tls_cert);
    srv->tls_key = read_file (app->cfg->tls_key);
    if (srv->tls_cert == NULL || srv->tls_key == NULL
        || MHD_is_feature_supported (MHD_FEATURE_TLS) != MHD_YES)
    {
      snprintf (err, err_len, "cannot serve HTTPS: read --tls-cert and --tls-key (PEM files)");
      server_free (srv);
      return NULL;
    }
  }
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL
                   | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG
                   | (addr.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0) | (tls ? MHD_USE_TLS : 0);
  srv->daemon = srv->deadlines == NULL ? NULL : MHD_start_daemon (
    flags, 0, NULL, NULL, on_request, srv,
    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
    MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &addr,
    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int) app->cfg->http_threads,
    MHD_OPTION_CONNECTION_LIMIT, (unsigned int) app->cfg->connection_limit,
    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) app->cfg->connection_timeout_s,
    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
    MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
    MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int) 1,
    /* plain HTTP ends the list here; HTTPS goes on with its PEMs */
    tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, srv->tls_cert,
    MHD_OPTION_HTTPS_MEM_KEY, srv->tls_key,
    MHD_OPTION_END);
  if (srv->daemon == NULL)
  {
    snprintf (err, err_len, "cannot listen on %s%s", app->cfg->listen,
              tls ? " with this certificate and key" : "");
    server_free (srv);
    return NULL;
  }
  return srv;
}

void
http_stop (struct http_server *srv, unsigned grace_ms)
{
  if (srv == NULL)
    return;
  atomic_store (&srv->app->stopping, true);
  MHD_socket listener = MHD_quiesce_daemon (srv->daemon);
  if (listener != MHD_INVALID_SOCKET)
    close (listener);
  for (unsigned waited = 0; atomic_load (&srv->app->in_flight) > 0 && waited < grace_ms;
       waited += 10)
    usleep (10000);
  MHD_stop_daemon (srv->daemon);
  server_free (srv);
}

/* end of http.c */
