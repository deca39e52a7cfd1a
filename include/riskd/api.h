/*
 * api.h -- the request handlers (api/, one file per resource) and the
 * JSON shapes they share.
 */
#ifndef RISKD_API_H
#define RISKD_API_H

#include <jansson.h>
#include "riskd/address.h"
#include "riskd/graph.h"
#include "riskd/http.h"
#include "riskd/scoring.h"

/* api/risk.c */
void api_risk_get (struct request *rq);
struct jsonw;

/** Writes the risk document of one address (without "cached"). `a` is the
 *  address id in `g`, or -1 when never seen. */
void api_risk_write (struct jsonw *w, const struct graph *g, int64_t a, enum chain chain,
                     const char *address, enum model model, const struct scoring_config *cfg);

/** The same document as a jansson value, for answers that embed it. */
json_t *api_risk_document (const struct graph *g, int64_t a, enum chain chain,
                           const char *address, enum model model,
                           const struct scoring_config *cfg);

/* api/trace.c */
void api_trace_get (struct request *rq);

/* api/batch.c */
void api_batch_post (struct request *rq);

/* api/screenings.c */
void api_screening_post (struct request *rq);
void api_screening_get (struct request *rq);
void api_screenings_list (struct request *rq);

/* api/keys.c */
void api_keys_list (struct request *rq);
void api_key_post (struct request *rq);
void api_key_delete (struct request *rq);

/* api/scores.c */
void api_scores_list (struct request *rq);
void api_scores_changes (struct request *rq);

/* api/stats.c */
void api_stats_get (struct request *rq);

/* api/metrics.c */
void api_metrics_get (struct request *rq);

/* api/dashboard.c */
void api_dashboard_page (struct request *rq);
void api_dashboard_file (struct request *rq);

/* api/config.c */
void api_config_get (struct request *rq);

/* api/imports.c */
extern const struct body_stream api_flows_stream, api_labels_stream;
void api_import_end (struct request *rq);

/* api/incidents.c */
void api_incidents_list (struct request *rq);
void api_incident_get (struct request *rq);

/* api/health.c */
void api_healthz (struct request *rq);
void api_readyz (struct request *rq);

/* api/openapi.c */
void api_openapi (struct request *rq);

/* api/params.c: checks shared by several handlers; each answers the
 * problem itself and returns -1 when the input is refused. */
int api_address (struct request *rq, const char *chain_text, const char *address_text,
                 enum chain *chain, char address[ADDRESS_MAX + 1]);
int api_model (struct request *rq, enum model *model);
/** The current graph, or NULL after answering 503 engine_loading. */
struct graph *api_graph (struct request *rq);
/** A whole-number query parameter within [min, max], `fallback` if absent;
 *  -1 after answering 400. */
int api_uint_param (struct request *rq, const char *name, unsigned fallback,
                    unsigned min, unsigned max, unsigned *out);

/* api/etag.c: conditional GETs for what dashboards poll. */

/** When If-None-Match names `etag`, answers 304 (with the tag) and returns
 *  true; the handler then stops. */
bool api_not_modified (struct request *rq, const char *etag);
/** Adds ETag and Cache-Control: private, no-cache to the answer given. */
void api_set_etag (struct request *rq, const char *etag);
/** A weak tag for answers that depend only on the graph's epoch:
 *  W/"<database>-<epoch>[-extra]". */
void api_epoch_etag (const struct graph *g, const char *extra, char out[96]);
/** Answers a JSON document (reference taken) under a strong tag made from
 *  its bytes: 304 when the caller holds it already. */
void api_reply_tagged (struct request *rq, json_t *doc);
/** A strong tag from a body's bytes. */
void api_body_etag (const char *body, size_t len, char out[96]);

/* api/body.c: a declarative check of a JSON object's members. */
enum field_kind { FIELD_STRING, FIELD_DECIMAL, FIELD_INTEGER, FIELD_ARRAY };

/** One member an object may have. */
struct body_field {
  const char *name;
  enum field_kind kind;
  bool required;
  size_t max_len;               /**< strings: most bytes (0: no limit) */
};

/** Checks `obj`: an object, no unknown members, required ones present
 *  (null counts as absent), types and lengths right. Answers 422
 *  invalid_body naming the member and returns -1 otherwise. */
int api_check_fields (struct request *rq, json_t *obj, const struct body_field *spec,
                      size_t n);
/* api/body_fields.c: the member tables of the JSON request bodies. */
/** Most bytes of a screening's own reference. */
#define SCREENING_REFERENCE_MAX 200
extern const struct body_field screening_body[], batch_body[], key_body[];
extern const size_t screening_body_n, batch_body_n, key_body_n;

/** json_decref for rq_set_state. */
void api_free_json (void *doc);
/** A member's string, or NULL when absent or null. */
const char *api_string (json_t *obj, const char *name);

#endif
/* end of api.h */
