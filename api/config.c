/*
 * config.c -- GET /v1/config: the scoring configuration in force on this
 * instance (categories, severities, barriers, levels, screening thresholds
 * and the hash that names them), and the settings an operator checks.
 */
#include "riskd/api.h"
#include "riskd/app.h"

void
api_config_get (struct request *rq)
{
  const struct riskd_config *cfg = rq_app (rq)->cfg;
  const struct scoring_config *s = &cfg->scoring;
  json_t *categories = json_array ();

  for (unsigned i = 0; i < s->n_categories; i++)
    json_array_append_new (categories, json_pack ("{s:s, s:f, s:b}", "name", s->category[i],
                                                  "severity", s->severity[i],
                                                  "barrier", s->barrier[i]));
  reply_json (rq, 200, json_pack (
    "{s:s, s:o, s:{s:f, s:f, s:f}, s:{s:f, s:f, s:f, s:f}, s:[{s:s, s:s}, {s:s, s:s}],"
    " s:s, s:i, s:i, s:i}",
    "config", s->hash, "categories", categories,
    "levels", "medium", s->level_medium, "high", s->level_high, "severe", s->level_severe,
    "screening", "block_share", s->block_share, "review_share", s->review_share,
                 "review_score", s->review_score, "block_severity", s->block_severity,
    "models", "name", model_name (MODEL_HAIRCUT), "version", model_version (MODEL_HAIRCUT),
              "name", model_name (MODEL_POISON), "version", model_version (MODEL_POISON),
    "open_routes", cfg->open_routes, "cache_ttl_s", (int) cfg->cache_ttl_s,
    "workers", (int) cfg->workers, "http_threads", (int) cfg->http_threads));
}

/* end of config.c */
