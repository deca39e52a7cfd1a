/*
 * scoring.h -- the configuration of the scoring models (SPEC section 4):
 * label categories with their severities, which categories are barriers,
 * the level thresholds, and the models a request may select.
 *
 * The configuration is part of every answer's identity: its hash is shown
 * as the model's `config` and is part of every cache key, so two instances
 * configured differently never share cached scores.
 */
#ifndef RISKD_SCORING_H
#define RISKD_SCORING_H

#include <stdbool.h>
#include <stdint.h>

/** Most label categories a configuration may define. */
#define MAX_CATEGORIES 32
/** Longest category name. */
#define CATEGORY_NAME_MAX 32

/** Scoring models; every answer names the model and its version. */
enum model {
  MODEL_HAIRCUT,   /**< proportional taint, exposure = rt / r */
  MODEL_POISON,    /**< any exposure counts whole, 0.5^(hops-1) */
  MODEL_COUNT
};

/** Risk levels, from the score and the configured thresholds. */
enum level { LEVEL_LOW, LEVEL_MEDIUM, LEVEL_HIGH, LEVEL_SEVERE };

/** Categories, severities, barriers and thresholds. */
struct scoring_config {
  unsigned n_categories;                               /**< how many */
  char category[MAX_CATEGORIES][CATEGORY_NAME_MAX + 1]; /**< names, sorted */
  double severity[MAX_CATEGORIES];                     /**< 0..1 */
  bool barrier[MAX_CATEGORIES];                        /**< passes no taint on */
  double level_medium;   /**< score >= this is medium (default 20) */
  double level_high;     /**< score >= this is high (default 50) */
  double level_severe;   /**< score >= this is severe (default 80) */
  double block_share;    /**< deposit's weighted tainted share that blocks (0.5) */
  double review_share;   /**< ... that asks for review (0.05) */
  double review_score;   /**< address score that asks for review (50) */
  double block_severity; /**< a label at least this severe blocks (0.9) */
  char hash[9];          /**< 8 hex digits identifying all of the above */
};

/** The SPEC's defaults. */
void scoring_config_default (struct scoring_config *cfg);

/**
 * Reads a severities file (JSON: {"severities": {"hack": 1.0, ...},
 * "barriers": ["exchange"], "levels": {"medium": 20, "high": 50,
 * "severe": 80}, "screening": {"block_share": 0.5, "review_share": 0.05,
 * "review_score": 50, "block_severity": 0.9}}) over the defaults;
 * categories named in it are added.
 * Returns 0, or -1 with a message in `err`.
 */
int scoring_config_load (struct scoring_config *cfg, const char *path,
                         char *err, size_t err_len);

/** Recomputes cfg->hash after a change. */
void scoring_config_rehash (struct scoring_config *cfg);

/** Index of a category, or -1 if it is not configured. */
int scoring_category (const struct scoring_config *cfg, const char *name);

/** Level for a score. */
enum level scoring_level (const struct scoring_config *cfg, double score);

const char *level_name (enum level level);
const char *model_name (enum model model);
/** The version of a model's semantics; bumped whenever its results change. */
const char *model_version (enum model model);
/** Model for a name ("haircut", "poison"), or -1. */
int model_from_name (const char *name);

#endif
/* end of scoring.h */
