/*
 * metrics.c -- GET /metrics: Prometheus text format. Requests (by route
 * and status, latency histograms) and import rows come from
 * server/metrics.c; the cache, the pools, the engine and the process are
 * read when scraped.
 */
#include <time.h>
#include "riskd/api.h"
#include "riskd/app.h"
#include "riskd/cache.h"
#include "riskd/engine.h"
#include "riskd/hotcache.h"
#include "riskd/metrics.h"
#include "riskd/pool.h"

/** One gauge or counter with its help line. */
static void
metric (struct text *t, const char *name, const char *type, const char *help, double value)
{
  text_printf (t, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n", name, help, name, type, name, value);
}

void
api_metrics_get (struct request *rq)
{
  struct app *app = rq_app (rq);
  struct text t = { 0 };
  struct cache_stats cs;
  struct engine_stats es;

  cache_stats (app->cache, &cs);
  engine_stats (app->engine, &es);
  metrics_render (&t);
  metric (&t, "riskd_cache_hits_total", "counter", "Risk answers served from Redis.",
          (double) cs.hits);
  metric (&t, "riskd_cache_misses_total", "counter", "Risk answers computed because Redis had none.",
          (double) cs.misses);
  metric (&t, "riskd_cache_errors_total", "counter", "Redis operations that failed.",
          (double) cs.errors);
  uint64_t hot_hits, hot_misses;
  hotcache_stats (app->hot, &hot_hits, &hot_misses);
  metric (&t, "riskd_hot_cache_hits_total", "counter",
          "Risk answers served from this process's own cache (before Redis).", (double) hot_hits);
  metric (&t, "riskd_hot_cache_misses_total", "counter",
          "Risk answers this process's own cache did not have.", (double) hot_misses);
  metric (&t, "riskd_redis_up", "gauge", "1 when the last Redis operation succeeded.", cs.up);
  metric (&t, "riskd_job_queue_depth", "gauge", "Request jobs waiting for a job thread.",
          (double) pool_queue_depth (app->jobs));
  metric (&t, "riskd_job_threads_busy", "gauge", "Job threads running a request.",
          (double) pool_busy (app->jobs));
  metric (&t, "riskd_engine_workers_busy", "gauge", "Engine worker threads replaying.",
          (double) pool_busy (app->workers));
  metric (&t, "riskd_engine_queue_depth", "gauge", "Engine tasks waiting for a worker.",
          (double) pool_queue_depth (app->workers));
  metric (&t, "riskd_graph_epoch", "gauge", "Epoch of the graph answering now.", (double) es.epoch);
  metric (&t, "riskd_graph_flows", "gauge", "Flows in the graph.", (double) es.flows);
  metric (&t, "riskd_graph_addresses", "gauge", "Addresses in the graph.", (double) es.addresses);
  metric (&t, "riskd_graph_labels", "gauge", "Labels in the graph.", (double) es.labels);
  metric (&t, "riskd_graph_bytes", "gauge", "Memory held by the graph.", (double) es.graph_bytes);
  metric (&t, "riskd_engine_builds_total", "counter", "Graphs built since start.", (double) es.builds);
  metric (&t, "riskd_engine_rebuild_seconds", "gauge",
          "Duration of the last rebuild (load and build).", es.last_build_ms / 1e3);
  metric (&t, "riskd_requests_in_flight", "gauge", "Requests begun and not completed.",
          (double) atomic_load (&app->in_flight));
  metric (&t, "riskd_start_time_seconds", "gauge", "When this process started (Unix time).",
          (double) app->started_at_us / 1e6);
  if (t.buf == NULL)
  {
    reply_problem (rq, PROBLEM_INTERNAL, "out of memory");
    return;
  }
  reply_owned (rq, 200, "text/plain; version=0.0.4; charset=utf-8", t.buf, t.len);
}

/* end of metrics.c */
