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
/** The risk document of one address (without "cached"). `a` is the
 *  address id in `g`, or -1 when never seen. */
json_t *api_risk_document (const struct graph *g, int64_t a, enum chain chain,
                           const char *address, enum model model,
                           const struct scoring_config *cfg);

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

#endif
/* end of api.h */
