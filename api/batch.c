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
#include "riskd/jsonw.h"

/** Most addresses in one batch. */
#define BATCH_MAX 1000

/** Writes a problem document for one entry (not an HTTP answer). */
static void
entry_problem (struct jsonw *w, enum problem p, size_t index, const char *detail)
{
  const struct problem_def *def = problem_def (p);
  char type[128];

  snprintf (type, sizeof type, PROBLEM_TYPE_PREFIX "%s", def->code);
  jsonw_begin_object (w);
  jsonw_key (w, "index");
  jsonw_int (w, (long long) index);
  jsonw_key (w, "error");
  jsonw_begin_object (w);
  jsonw_key (w, "type");
  jsonw_string (w, type);
  jsonw_key (w, "title");
  jsonw_string (w, def->title);
  jsonw_key (w, "status");
  jsonw_int (w, def->status);
  jsonw_key (w, "code");
  jsonw_string (w, def->code);
  jsonw_key (w, "detail");
  jsonw_string (w, detail);
  jsonw_end_object (w);
  jsonw_end_object (w);
}

/** Writes one entry's result: the risk document, or an error. */
static void
entry_result (struct jsonw *w, const struct graph *g, json_t *entry, size_t index,
              enum model model, const struct scoring_config *cfg)
{
  const char *chain_text = api_string (entry, "chain"), *address_text = api_string (entry, "address");
  char address[ADDRESS_MAX + 1], detail[160];

  if (!json_is_object (entry) || chain_text == NULL || address_text == NULL
      || json_object_size (entry) != 2)
  {
    entry_problem (w, PROBLEM_INVALID_BODY, index,
                   "each entry is an object with exactly a chain and an address");
    return;
  }
  int c = chain_from_name (chain_text, strlen (chain_text));
  if (c < 0)
  {
    entry_problem (w, PROBLEM_UNKNOWN_CHAIN, index, "not a chain riskd knows");
    return;
  }
  enum addr_error err = address_normalize ((enum chain) c, address_text, strlen (address_text),
                                           address);
  if (err != ADDR_OK)
  {
    snprintf (detail, sizeof detail, "not a valid %s address: %s",
              chain_name ((enum chain) c), addr_error_reason (err));
    entry_problem (w, PROBLEM_INVALID_ADDRESS, index, detail);
    return;
  }
  api_risk_write (w, g, graph_find (g, (enum chain) c, address), (enum chain) c, address,
                  model, cfg);
}

static void
batch_job (struct request *rq)
{
  json_t *body = rq_state (rq);
  json_t *list = json_object_get (body, "addresses"), *entry;
  const char *model_text = api_string (body, "model");
  const struct scoring_config *cfg = &rq_app (rq)->cfg->scoring;
  enum model model = model_text ? (enum model) model_from_name (model_text) : MODEL_HAIRCUT;
  struct jsonw w;
  size_t i, len;

  struct graph *g = api_graph (rq);
  if (g == NULL)
    return;
  jsonw_init (&w);
  jsonw_begin_object (&w);
  jsonw_key (&w, "epoch");
  jsonw_int (&w, (long long) g->epoch);
  jsonw_key (&w, "model");
  jsonw_begin_object (&w);
  jsonw_key (&w, "name");
  jsonw_string (&w, model_name (model));
  jsonw_key (&w, "version");
  jsonw_string (&w, model_version (model));
  jsonw_key (&w, "config");
  jsonw_string (&w, cfg->hash);
  jsonw_end_object (&w);
  jsonw_key (&w, "count");
  jsonw_int (&w, (long long) json_array_size (list));
  jsonw_key (&w, "results");
  jsonw_begin_array (&w);
  json_array_foreach (list, i, entry)
    entry_result (&w, g, entry, i, model, cfg);
  jsonw_end_array (&w);
  jsonw_end_object (&w);
  graph_release (g);
  char *text = jsonw_finish (&w, &len);
  if (text)
    reply_owned (rq, 200, "application/json", text, len);
  else
    reply_problem (rq, PROBLEM_INTERNAL, "the batch answer could not be built");
}

void
api_batch_post (struct request *rq)
{
  json_t *body = rq_json_body (rq);

  if (body == NULL)
    return;
  rq_set_state (rq, body, api_free_json);
  if (api_check_fields (rq, body, batch_body, batch_body_n) != 0)
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
