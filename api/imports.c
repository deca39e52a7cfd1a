/*
 * imports.c -- POST /v1/flows and POST /v1/labels.
 *
 * The body is streamed: each piece goes through the parser into the
 * staging COPY as it arrives (import.c), so an upload of any size needs a
 * bounded amount of memory. The commit, and the wait for the engine to
 * include the new rows, run on the job pool. Query: atomic=true (any
 * rejected row rolls everything back, 422), wait=false (answer without
 * waiting for the engine).
 */
#include <string.h>
#include "riskd/api.h"
#include "riskd/app.h"
#include "riskd/engine.h"
#include "riskd/import.h"
#include "riskd/store.h"

/** Per-request state: the import and the connection it holds. */
struct upload {
  struct app *app;
  PGconn *conn;
  struct import *im;
  enum ingest_kind kind;
  bool wait;
};

static void
upload_free (void *arg)
{
  struct upload *up = arg;

  if (up == NULL)
    return;
  import_free (up->im);
  store_release (up->app->store, up->conn);
  free (up);
}

/** A boolean query parameter; answers 400 and returns -1 if malformed. */
static int
flag_param (struct request *rq, const char *name, bool fallback, bool *out)
{
  const char *v = rq_param (rq, name);

  *out = fallback;
  if (v == NULL)
    return 0;
  if (strcmp (v, "true") == 0 || strcmp (v, "false") == 0)
  {
    *out = v[0] == 't';
    return 0;
  }
  reply_problem (rq, PROBLEM_INVALID_PARAMETER, "%s must be true or false", name);
  return -1;
}

/** Answers the import's failure as a problem with the report attached. */
static void
reply_failure (struct request *rq, struct upload *up)
{
  const char *detail;
  enum problem p = import_problem (up->im, &detail);
  json_t *extra = p == PROBLEM_IMPORT_REJECTED ? import_report (up->im) : NULL;

  reply_problem_with (rq, p, extra, "%s", detail);
}

static void
begin (struct request *rq, enum ingest_kind kind)
{
  struct app *app = rq_app (rq);
  int format = import_format_from_media_type (rq_header (rq, "Content-Type"));
  bool atomic, wait;

  if (format < 0)
  {
    reply_problem (rq, PROBLEM_UNSUPPORTED_MEDIA_TYPE,
                   "send application/json (an array), application/x-ndjson or text/csv");
    return;
  }
  if (flag_param (rq, "atomic", false, &atomic) != 0
      || flag_param (rq, "wait", true, &wait) != 0)
    return;
  struct upload *up = calloc (1, sizeof *up);
  if (up == NULL)
  {
    reply_problem (rq, PROBLEM_INTERNAL, "out of memory");
    return;
  }
  up->app = app;
  up->kind = kind;
  up->wait = wait;
  rq_set_state (rq, up, upload_free);
  up->conn = store_acquire (app->store);
  if (up->conn == NULL)
  {
    reply_problem (rq, PROBLEM_DATABASE_UNAVAILABLE, "PostgreSQL cannot be reached");
    return;
  }
  up->im = import_begin (up->conn, kind, (enum ingest_format) format, atomic);
  if (up->im == NULL)
    reply_problem (rq, store_conn_lost (up->conn) ? PROBLEM_DATABASE_UNAVAILABLE
                                                  : PROBLEM_INTERNAL,
                   "the import could not start");
}

static void
begin_flows (struct request *rq)
{
  begin (rq, INGEST_FLOWS);
}

static void
begin_labels (struct request *rq)
{
  begin (rq, INGEST_LABELS);
}

static void
chunk (struct request *rq, const char *data, size_t len)
{
  struct upload *up = rq_state (rq);

  if (import_feed (up->im, data, len) != 0)
    reply_failure (rq, up);
}

const struct body_stream api_flows_stream = { begin_flows, chunk };
const struct body_stream api_labels_stream = { begin_labels, chunk };

/** On the job pool: commit, wait for the engine, report. */
static void
finish (struct request *rq)
{
  struct upload *up = rq_state (rq);

  if (import_finish (up->im) != 0)
  {
    reply_failure (rq, up);
    return;
  }
  json_t *report = import_report (up->im);
  uint64_t epoch = import_epoch (up->im);
  /* The connection goes back before the wait: the import is done with it. */
  import_free (up->im);
  up->im = NULL;
  store_release (up->app->store, up->conn);
  up->conn = NULL;
  uint64_t engine_epoch = engine_wait_epoch (up->app->engine, up->wait ? epoch : 0,
                                             up->app->cfg->import_wait_ms);
  json_object_set_new (report, "engine_epoch", json_integer ((json_int_t) engine_epoch));
  reply_json (rq, 200, report);
}

void
api_import_end (struct request *rq)
{
  rq_defer (rq, finish);
}

/* end of imports.c */
