/*
 * metrics.c -- request and import counters (see metrics.h).
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "riskd/http.h"
#include "riskd/metrics.h"

/** Routes counted: the table's, plus one for requests that matched none. */
#define ROUTE_SLOTS 40
/** Statuses counted one by one; anything else is "other". */
static const unsigned statuses[] = {
  200, 201, 304, 400, 401, 403, 404, 405, 410, 413, 415, 422, 429, 500, 503,
};
#define N_STATUSES (sizeof statuses / sizeof *statuses)
/** Latency histogram bounds, seconds. */
static const double bounds[] = {
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};
#define N_BOUNDS (sizeof bounds / sizeof *bounds)

static atomic_uint_fast64_t requests[ROUTE_SLOTS][N_STATUSES + 1];
static atomic_uint_fast64_t buckets[ROUTE_SLOTS][N_BOUNDS + 1];
static atomic_uint_fast64_t micros[ROUTE_SLOTS];
static atomic_uint_fast64_t rows[2][3];   /* kind x inserted, duplicate, rejected */

void
text_printf (struct text *t, const char *fmt, ...)
{
  va_list ap;

  for (;;)
  {
    va_start (ap, fmt);
    int n = t->buf ? vsnprintf (t->buf + t->len, t->cap - t->len, fmt, ap) : -1;
    va_end (ap);
    if (n >= 0 && t->len + (size_t) n < t->cap)
    {
      t->len += (size_t) n;
      return;
    }
    size_t cap = t->cap ? t->cap * 2 : 16384;
    char *buf = realloc (t->buf, cap);
    if (buf == NULL)
      return;
    t->buf = buf;
    t->cap = cap;
  }
}

/** Slot of a route index. */
static unsigned
slot_of (int route)
{
  return route >= 0 && route < ROUTE_SLOTS - 1 ? (unsigned) route : ROUTE_SLOTS - 1;
}

void
metrics_request (int route, unsigned status, double seconds)
{
  unsigned slot = slot_of (route), s = 0, b = 0;

  while (s < N_STATUSES && statuses[s] != status)
    s++;
  while (b < N_BOUNDS && seconds > bounds[b])
    b++;
  atomic_fetch_add_explicit (&requests[slot][s], 1, memory_order_relaxed);
  atomic_fetch_add_explicit (&buckets[slot][b], 1, memory_order_relaxed);
  atomic_fetch_add_explicit (&micros[slot], (uint64_t) (seconds * 1e6), memory_order_relaxed);
}

void
metrics_import (enum ingest_kind kind, uint64_t inserted, uint64_t duplicates, uint64_t rejected)
{
  atomic_fetch_add (&rows[kind][0], inserted);
  atomic_fetch_add (&rows[kind][1], duplicates);
  atomic_fetch_add (&rows[kind][2], rejected);
}

/** The label of a route slot: "GET /v1/incidents/{id}", or "none". */
static void
route_label (unsigned slot, char *out, size_t len)
{
  static const char *names[] = { "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS" };
  unsigned n = 0;

  while (routes[n].pattern)
    n++;
  if (slot >= n)
  {
    snprintf (out, len, "none");
    return;
  }
  unsigned m = 0;
  while (m < 7 && !(routes[slot].method & (1u << m)))
    m++;
  snprintf (out, len, "%s %s", m < 7 ? names[m] : "OTHER", routes[slot].pattern);
}

void
metrics_render (struct text *out)
{
  char route[128];

  text_printf (out, "# HELP riskd_http_requests_total HTTP requests answered, by route and status.\n"
                    "# TYPE riskd_http_requests_total counter\n");
  for (unsigned r = 0; r < ROUTE_SLOTS; r++)
    for (unsigned s = 0; s <= N_STATUSES; s++)
    {
      uint64_t n = atomic_load (&requests[r][s]);
      if (n == 0)
        continue;
      route_label (r, route, sizeof route);
      if (s < N_STATUSES)
        text_printf (out, "riskd_http_requests_total{route=\"%s\",status=\"%u\"} %llu\n", route,
                     statuses[s], (unsigned long long) n);
      else
        text_printf (out, "riskd_http_requests_total{route=\"%s\",status=\"other\"} %llu\n",
                     route, (unsigned long long) n);
    }
  text_printf (out, "# HELP riskd_http_request_duration_seconds Time from the request's "
                    "first byte to its answer being queued.\n"
                    "# TYPE riskd_http_request_duration_seconds histogram\n");
  for (unsigned r = 0; r < ROUTE_SLOTS; r++)
  {
    uint64_t total = 0;
    for (unsigned b = 0; b <= N_BOUNDS; b++)
      total += atomic_load (&buckets[r][b]);
    if (total == 0)
      continue;
    route_label (r, route, sizeof route);
    uint64_t cumulative = 0;
    for (unsigned b = 0; b < N_BOUNDS; b++)
    {
      cumulative += atomic_load (&buckets[r][b]);
      text_printf (out, "riskd_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
                   route, bounds[b], (unsigned long long) cumulative);
    }
    text_printf (out, "riskd_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
                      "riskd_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
                      "riskd_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
                 route, (unsigned long long) total, route,
                 (double) atomic_load (&micros[r]) / 1e6, route, (unsigned long long) total);
  }
  text_printf (out, "# HELP riskd_import_rows_total Rows of imports, by kind and result.\n"
                    "# TYPE riskd_import_rows_total counter\n");
  static const char *kinds[] = { "flows", "labels" }, *results[] = { "inserted", "duplicate", "rejected" };
  for (int k = 0; k < 2; k++)
    for (int r = 0; r < 3; r++)
      text_printf (out, "riskd_import_rows_total{kind=\"%s\",result=\"%s\"} %llu\n", kinds[k],
                   results[r], (unsigned long long) atomic_load (&rows[k][r]));
}

/* end of metrics.c */
