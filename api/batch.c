/*
 * batch.c -- POST /v1/risk/batch: up to 1000 addresses scored against one
 * graph (one epoch), answered in request order. An entry that is not a
 * valid address gets its own problem document and does not fail the rest.
 * Scores come straight from the engine: a batch is one pass over memory,
 * cheaper than a thousand cache lookups.
 */
#include <string.h>
#include "riskd/api.h"
#include "riskd/app.h"

/** Most addresses in one batch. */
#define BATCH_MAX 1000

static const struct body_field fields[] = {
  { "addresses", FIELD_ARRAY, true, 0 },
  { "model", FIELD_STRING, false, 16 },
};

/** A problem document for one entry (not an HTTP answer). */
static json_t *
entry_problem (enum problem p, size_t index, const char *detail)
{
  const struct problem_def *def = problem_def (p);
  char type[128];

  snprintf (type, sizeof type, PROBLEM_TYPE_PREFIX "%s", def->code);
  return json_pack ("{s:I, s:{s:s, s:s, s:i, s:s, s:s}}", "index", (json_int_t) index,
                    "error", "type", type, "title", def->title, "status", def->status,
                    "code", def->code, "detail", detail);
}

/** One entry's result: the risk document, or an error. */
static json_t *
entry_result (const struct graph *g, json_t *entry, size_t index, enum model model,
              const struct scoring_config *cfg)
{
  const char *chain_text = api_string (entry, "chain"), *address_text = api_string (entry, "address");
  char address[ADDRESS_MAX + 1], detail[160];

  if (!json_is_object (entry) || chain_text == NULL || address_text == NULL
      || json_object_size (entry) != 2)
    return entry_problem (PROBLEM_INVALID_BODY, index,
                          "each entry is an object with exactly a chain and an address");
  int c = chain_from_name (chain_text, strlen (chain_text));
  if (c < 0)
    return entry_problem (PROBLEM_UNKNOWN_CHAIN, index, "not a chain riskd knows");
  enum addr_error err = address_normalize ((enum chain) c, address_text, strlen (address_text),
                                           address);
  if (err != ADDR_OK)
  {
    snprintf (detail, sizeof detail, "not a valid %s address: %s",
              chain_name ((enum chain) c), addr_error_reason (err));
    return entry_problem (PROBLEM_INVALID_ADDRESS, index, detail);
  }
  return api_risk_document (g, graph_find (g, (enum chain) c, address), (enum chain) c,
                            address, model, cfg);
}

static void
batch_job (struct request *rq)
{
  json_t *body = rq_state (rq);
  json_t *list = json_object_get (body, "addresses"), *entry, *results = json_array ();
  const char *model_text = api_string (body, "model");
  const struct scoring_config *cfg = &rq_app (rq)->cfg->scoring;
  enum model model = model_text ? (enum model) model_from_name (model_text) : MODEL_HAIRCUT;
  size_t i;

  struct graph *g = api_graph (rq);
  if (g == NULL)
  {
    json_decref (results);
    return;
  }
  json_array_foreach (list, i, entry)
    json_array_append_new (results, entry_result (g, entry, i, model, cfg));
  reply_json (rq, 200, json_pack ("{s:I, s:{s:s, s:s, s:s}, s:I, s:o}",
    "epoch", (json_int_t) g->epoch,
    "model", "name", model_name (model), "version", model_version (model), "config", cfg->hash,
    "count", (json_int_t) json_array_size (results), "results", results));
  graph_release (g);
}

void
api_batch_post (struct request *rq)
{
  json_t *body = rq_json_body (rq);

  if (body == NULL)
    return;
  rq_set_state (rq, body, api_free_json);
  if (api_check_fields (rq, body, fields, sizeof fields / sizeof *fields) != 0)
    return;
  size_t n = json_array_size (json_object_get (body, "addresses"));
  const char *model = api_string (body, "model");
  if (n > BATCH_MAX)
    reply_problem (rq, PROBLEM_BATCH_TOO_LARGE, "a batch takes at most %d addresses, not %zu",
                   BATCH_MAX, n);
  else if (n == 0)
    reply_problem_with (rq, PROBLEM_INVALID_BODY, json_pack ("{s:s}", "field", "addresses"),
                        "'addresses' must hold at least one entry");
  else if (model && model_from_name (model) < 0)
    reply_problem_with (rq, PROBLEM_INVALID_BODY, json_pack ("{s:s}", "field", "model"),
                        "'model' must be haircut or poison");
  else
    rq_defer (rq, batch_job);
}

/* end of batch.c */
