/*
 * params.c -- input checks several handlers share: an address in the
 * path, the model parameter, and the graph to answer from.
 */
#include <stdlib.h>
#include <string.h>
#include "riskd/api.h"
#include "riskd/app.h"
#include "riskd/engine.h"

int
api_address (struct request *rq, const char *chain_text, const char *address_text,
             enum chain *chain, char address[ADDRESS_MAX + 1])
{
  int c = chain_from_name (chain_text, strlen (chain_text));

  if (c < 0)
  {
    reply_problem (rq, PROBLEM_UNKNOWN_CHAIN,
                   "supported chains: btc, eth, trx, bsc, arb, polygon, ltc, xrp, xlm");
    return -1;
  }
  enum addr_error err = address_normalize ((enum chain) c, address_text,
                                           strlen (address_text), address);
  if (err != ADDR_OK)
  {
    reply_problem (rq, PROBLEM_INVALID_ADDRESS, "not a valid %s address: %s",
                   chain_name ((enum chain) c), addr_error_reason (err));
    return -1;
  }
  *chain = (enum chain) c;
  return 0;
}

int
api_model (struct request *rq, enum model *model)
{
  const char *name = rq_param (rq, "model");

  *model = MODEL_HAIRCUT;
  if (name == NULL)
    return 0;
  int m = model_from_name (name);
  if (m < 0)
  {
    reply_problem (rq, PROBLEM_INVALID_PARAMETER, "model must be haircut or poison");
    return -1;
  }
  *model = (enum model) m;
  return 0;
}

struct graph *
api_graph (struct request *rq)
{
  struct graph *g = engine_graph (rq_app (rq)->engine);

  if (g == NULL)
    reply_problem (rq, PROBLEM_ENGINE_LOADING,
                   "the engine is loading the graph; retry in a few seconds");
  return g;
}

int
api_uint_param (struct request *rq, const char *name, unsigned fallback,
                unsigned min, unsigned max, unsigned *out)
{
  const char *v = rq_param (rq, name);
  char *end;

  *out = fallback;
  if (v == NULL)
    return 0;
  unsigned long n = strtoul (v, &end, 10);
  if (v[0] < '0' || v[0] > '9' || *end != '\0' || n < min || n > max)
  {
    reply_problem (rq, PROBLEM_INVALID_PARAMETER, "%s must be a whole number from %u to %u",
                   name, min, max);
    return -1;
  }
  *out = (unsigned) n;
  return 0;
}

/* end of params.c */
