/*
 * routes.c -- every route riskd serves, in one table: method, path
 * pattern, handler, the query parameters it takes, and whether its body
 * is streamed. http.c matches requests against it; openapi.yaml describes
 * the same list.
 */
#include <stddef.h>
#include "riskd/api.h"
#include "riskd/http.h"

const struct route routes[] = {
  { HTTP_GET, "/healthz", api_healthz, NULL, NULL },
  { HTTP_GET, "/readyz", api_readyz, NULL, NULL },
  { HTTP_GET, "/openapi.yaml", api_openapi, NULL, NULL },
  { HTTP_GET, "/v1/addresses/{chain}/{address}/risk", api_risk_get, "model", NULL },
  { HTTP_POST, "/v1/flows", api_import_end, "atomic,wait", &api_flows_stream },
  { HTTP_POST, "/v1/labels", api_import_end, "atomic,wait", &api_labels_stream },
  { HTTP_GET, "/v1/incidents", api_incidents_list, NULL, NULL },
  { HTTP_GET, "/v1/incidents/{id}", api_incident_get, NULL, NULL },
  { 0, NULL, NULL, NULL, NULL },
};

/* end of routes.c */
