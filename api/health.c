/*
 * health.c -- GET /healthz (the process answers) and GET /readyz (it can
 * do its work).
 *
 * /readyz answers 503 only when riskd cannot answer scores at all (no
 * graph loaded yet, or stopping). With PostgreSQL or Redis unreachable it
 * still answers scores from the engine, so it says 200 "degraded" and
 * names what is down: a load balancer keeps sending reads, an operator
 * sees the fault.
 */
#include "riskd/api.h"
#include "riskd/app.h"
#include "riskd/cache.h"
#include "riskd/engine.h"
#include "riskd/store.h"

void
api_healthz (struct request *rq)
{
  reply_json (rq, 200, json_pack ("{s:s}", "status", "ok"));
}

static void
readyz_job (struct request *rq)
{
  struct app *app = rq_app (rq);
  struct engine_stats es;
  bool pg = store_ping (app->store), redis = cache_ping (app->cache);

  engine_stats (app->engine, &es);
  bool ready = es.loaded && !atomic_load (&app->stopping);
  const char *status = !ready ? "not_ready" : pg && redis ? "ready" : "degraded";
  reply_json (rq, ready ? 200 : 503, json_pack (
    "{s:s, s:{s:s, s:s, s:{s:b, s:I, s:I, s:I, s:I, s:f}}}",
    "status", status,
    "checks",
      "postgres", pg ? "ok" : "unreachable",
      "redis", redis ? "ok" : "unreachable",
      "engine", "loaded", es.loaded, "epoch", (json_int_t) es.epoch,
                "flows", (json_int_t) es.flows, "addresses", (json_int_t) es.addresses,
                "labels", (json_int_t) es.labels, "last_build_ms", es.last_build_ms));
  if (!ready)
    reply_header (rq, "Retry-After", "5");
}

void
api_readyz (struct request *rq)
{
  rq_defer (rq, readyz_job);
}

/* end of health.c */
