/*
 * routes.c -- every route riskd serves, in one table: method, path
 * pattern, the scope an API key needs, handler, the query parameters it
 * takes, and whether its body is streamed. http.c matches requests
 * against it; openapi.yaml describes the same list. Routes named in
 * --open-routes need no key at all.
 */
#include <stddef.h>
#include "riskd/api.h"
#include "riskd/http.h"
#include "riskd/keys.h"

#define READ SCOPE_READ
#define SCREEN SCOPE_SCREEN
#define INGEST SCOPE_INGEST
#define ADMIN SCOPE_ADMIN

const struct route routes[] = {
  { HTTP_GET, "/healthz", 0, api_healthz, NULL, NULL },
  { HTTP_GET, "/readyz", READ, api_readyz, NULL, NULL },
  { HTTP_GET, "/openapi.yaml", READ, api_openapi, NULL, NULL },
  { HTTP_GET, "/metrics", READ, api_metrics_get, NULL, NULL },
  { HTTP_GET, "/dashboard", 0, api_dashboard_page, NULL, NULL },
  { HTTP_GET, "/dashboard/{file}", 0, api_dashboard_file, NULL, NULL },
  { HTTP_GET, "/v1/addresses/{chain}/{address}/risk", READ, api_risk_get, "model", NULL },
  { HTTP_GET, "/v1/addresses/{chain}/{address}/trace", READ, api_trace_get,
    "max_paths,max_depth", NULL },
  { HTTP_POST, "/v1/risk/batch", READ, api_batch_post, NULL, NULL },
  { HTTP_POST, "/v1/screenings", SCREEN, api_screening_post, NULL, NULL },
  { HTTP_GET, "/v1/screenings", READ, api_screenings_list,
    "chain,address,reference,decision,since,cursor,limit", NULL },
  { HTTP_GET, "/v1/screenings/{id}", READ, api_screening_get, NULL, NULL },
  { HTTP_POST, "/v1/flows", INGEST, api_import_end, "atomic,wait", &api_flows_stream },
  { HTTP_POST, "/v1/labels", INGEST, api_import_end, "atomic,wait", &api_labels_stream },
  { HTTP_GET, "/v1/scores", READ, api_scores_list,
    "level,category,chain,min_score,limit,cursor", NULL },
  { HTTP_GET, "/v1/scores/changes", READ, api_scores_changes, "since,limit", NULL },
  { HTTP_GET, "/v1/stats", READ, api_stats_get, NULL, NULL },
  { HTTP_GET, "/v1/incidents", READ, api_incidents_list, NULL, NULL },
  { HTTP_GET, "/v1/incidents/{id}", READ, api_incident_get, NULL, NULL },
  { HTTP_GET, "/v1/keys", ADMIN, api_keys_list, NULL, NULL },
  { HTTP_POST, "/v1/keys", ADMIN, api_key_post, NULL, NULL },
  { HTTP_DELETE, "/v1/keys/{id}", ADMIN, api_key_delete, NULL, NULL },
  { HTTP_GET, "/v1/config", ADMIN, api_config_get, NULL, NULL },
  { 0, NULL, 0, NULL, NULL, NULL },
};

/* end of routes.c */
