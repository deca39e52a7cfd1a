/*
 * metrics.h -- counters for GET /metrics (Prometheus text format 0.0.4).
 *
 * Requests are counted by route and status and timed in a histogram per
 * route, with atomics only: recording costs a few relaxed increments on
 * the request path. The rest of /metrics (cache, pools, engine) is read
 * from its owners when scraped (api/metrics.c).
 */
#ifndef RISKD_METRICS_H
#define RISKD_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include "riskd/ingest.h"

/** A growing text buffer for the exposition. */
struct text {
  char *buf;
  size_t len, cap;
};

/** printf into a text buffer (grows it). */
void text_printf (struct text *t, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/** Records one request: route index (-1: no route), status, duration. */
void metrics_request (int route, unsigned status, double seconds);

/** Records an import's rows. */
void metrics_import (enum ingest_kind kind, uint64_t inserted, uint64_t duplicates,
                     uint64_t rejected);

/** Appends the request and import metrics. */
void metrics_render (struct text *out);

#endif
/* end of metrics.h */
