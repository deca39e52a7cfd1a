/*
 * scoring.c -- the scoring configuration: SPEC 4's defaults, a severities
 * file over them, levels, and the hash that names the configuration.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "riskd/digest.h"
#include "riskd/scoring.h"

/** SPEC 4 defaults: category, severity, barrier. */
static const struct {
  const char *name;
  double severity;
  bool barrier;
} default_categories[] = {
  { "bridge", 0.1, false },
  { "darknet", 0.8, false },
  { "exchange", 0.0, true },
  { "gambling", 0.3, false },
  { "hack", 1.0, false },
  { "mixer", 0.6, false },
  { "ransomware", 0.9, false },
  { "sanctions", 1.0, false },
  { "scam", 0.8, false },
};

int
scoring_category (const struct scoring_config *cfg, const char *name)
{
  for (unsigned i = 0; i < cfg->n_categories; i++)
    if (strcmp (cfg->category[i], name) == 0)
      return (int) i;
  return -1;
}

void
scoring_config_rehash (struct scoring_config *cfg)
{
  char text[MAX_CATEGORIES * 64 + 128];
  size_t len = 0;
  uint8_t digest[32];

  for (unsigned i = 0; i < cfg->n_categories; i++)
    len += (size_t) snprintf (text + len, sizeof text - len, "%s=%.6f%s;",
                              cfg->category[i], cfg->severity[i],
                              cfg->barrier[i] ? "!" : "");
  snprintf (text + len, sizeof text - len, "levels=%.4f,%.4f,%.4f;screening=%.4f,%.4f,%.4f,%.4f",
            cfg->level_medium, cfg->level_high, cfg->level_severe, cfg->block_share,
            cfg->review_share, cfg->review_score, cfg->block_severity);
  sha256 (text, strlen (text), digest);
  snprintf (cfg->hash, sizeof cfg->hash, "%02x%02x%02x%02x",
            digest[0], digest[1], digest[2], digest[3]);
}

/** Adds or updates a category, keeping names sorted (category indexes,
 *  and so key order, do not depend on the file's order). */
static int
set_category (struct scoring_config *cfg, const char *name, double severity)
{
  int i = scoring_category (cfg, name);

  if (i >= 0)
  {
    cfg->severity[i] = severity;
    return 0;
  }
  if (cfg->n_categories == MAX_CATEGORIES || strlen (name) > CATEGORY_NAME_MAX
      || name[0] == '\0')
    return -1;
  unsigned at = 0;
  while (at < cfg->n_categories && strcmp (cfg->category[at], name) < 0)
    at++;
  for (unsigned j = cfg->n_categories; j > at; j--)
  {
    memcpy (cfg->category[j], cfg->category[j - 1], sizeof cfg->category[j]);
    cfg->severity[j] = cfg->severity[j - 1];
    cfg->barrier[j] = cfg->barrier[j - 1];
  }
  snprintf (cfg->category[at], sizeof cfg->category[at], "%s", name);
  cfg->severity[at] = severity;
  cfg->barrier[at] = false;
  cfg->n_categories++;
  return 0;
}

void
scoring_config_default (struct scoring_config *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  for (size_t i = 0; i < sizeof default_categories / sizeof *default_categories; i++)
  {
    set_category (cfg, default_categories[i].name, default_categories[i].severity);
    cfg->barrier[scoring_category (cfg, default_categories[i].name)]
      = default_categories[i].barrier;
  }
  cfg->level_medium = 20;
  cfg->level_high = 50;
  cfg->level_severe = 80;
  cfg->block_share = 0.5;
  cfg->review_share = 0.05;
  cfg->review_score = 50;
  cfg->block_severity = 0.9;
  scoring_config_rehash (cfg);
}

/** Reads numbers of an object into fields, each within [0, max]. */
struct number_field {
  const char *name;
  double *slot;
  double max;
};

static int
load_numbers (json_t *obj, const char *what, const struct number_field *fields,
              size_t n, char *err, size_t err_len)
{
  for (size_t i = 0; i < n; i++)
  {
    json_t *v = json_object_get (obj, fields[i].name);
    if (v == NULL)
      continue;
    if (!json_is_number (v) || json_number_value (v) < 0
        || json_number_value (v) > fields[i].max)
    {
      snprintf (err, err_len, "%s.%s must be a number from 0 to %g", what,
                fields[i].name, fields[i].max);
      return -1;
    }
    *fields[i].slot = json_number_value (v);
  }
  return 0;
}

/** "levels" and "screening". */
static int
load_thresholds (struct scoring_config *cfg, json_t *levels, json_t *screening,
                 char *err, size_t err_len)
{
  const struct number_field level_fields[] = {
    { "medium", &cfg->level_medium, 100 }, { "high", &cfg->level_high, 100 },
    { "severe", &cfg->level_severe, 100 },
  };
  const struct number_field screening_fields[] = {
    { "block_share", &cfg->block_share, 1 }, { "review_share", &cfg->review_share, 1 },
    { "review_score", &cfg->review_score, 100 },
    { "block_severity", &cfg->block_severity, 1 },
  };

  if (load_numbers (levels, "levels", level_fields, 3, err, err_len) != 0
      || load_numbers (screening, "screening", screening_fields, 4, err, err_len) != 0)
    return -1;
  if (!(cfg->level_medium <= cfg->level_high && cfg->level_high <= cfg->level_severe))
  {
    snprintf (err, err_len, "levels must satisfy medium <= high <= severe");
    return -1;
  }
  if (!(cfg->review_share <= cfg->block_share))
  {
    snprintf (err, err_len, "screening must satisfy review_share <= block_share");
    return -1;
  }
  return 0;
}

int
scoring_config_load (struct scoring_config *cfg, const char *path,
                     char *err, size_t err_len)
{
  json_error_t jerr;
  json_t *root = json_load_file (path, JSON_REJECT_DUPLICATES, &jerr);
  json_t *sev, *barriers, *levels, *screening, *v;
  const char *name;
  size_t i;
  int rc = -1;

  if (root == NULL)
  {
    snprintf (err, err_len, "%s:%d: %s", path, jerr.line, jerr.text);
    return -1;
  }
  sev = json_object_get (root, "severities");
  barriers = json_object_get (root, "barriers");
  levels = json_object_get (root, "levels");
  screening = json_object_get (root, "screening");
  if ((sev && !json_is_object (sev)) || (barriers && !json_is_array (barriers))
      || (levels && !json_is_object (levels)) || (screening && !json_is_object (screening)))
  {
    snprintf (err, err_len, "%s: severities, levels and screening must be objects, barriers an array", path);
    goto done;
  }
  json_object_foreach (sev, name, v)
  {
    double s = json_number_value (v);
    if (!json_is_number (v) || s < 0 || s > 1 || set_category (cfg, name, s) != 0)
    {
      snprintf (err, err_len, "%s: severity of '%s' must be a number from 0 to 1 (at most %d categories)",
                path, name, MAX_CATEGORIES);
      goto done;
    }
  }
  if (barriers)
  {
    for (unsigned c = 0; c < cfg->n_categories; c++)
      cfg->barrier[c] = false;
    json_array_foreach (barriers, i, v)
    {
      int c = json_is_string (v) ? scoring_category (cfg, json_string_value (v)) : -1;
      if (c < 0)
      {
        snprintf (err, err_len, "%s: barrier %zu is not a configured category", path, i);
        goto done;
      }
      cfg->barrier[c] = true;
    }
  }
  if (load_thresholds (cfg, levels, screening, err, err_len) != 0)
    goto done;
  scoring_config_rehash (cfg);
  rc = 0;
done:
  json_decref (root);
  return rc;
}

enum level
scoring_level (const struct scoring_config *cfg, double score)
{
  if (score >= cfg->level_severe)
    return LEVEL_SEVERE;
  if (score >= cfg->level_high)
    return LEVEL_HIGH;
  if (score >= cfg->level_medium)
    return LEVEL_MEDIUM;
  return LEVEL_LOW;
}

const char *
level_name (enum level level)
{
  static const char *names[] = { "low", "medium", "high", "severe" };
  return names[level];
}

const char *
model_name (enum model model)
{
  return model == MODEL_POISON ? "poison" : "haircut";
}

const char *
model_version (enum model model)
{
  (void) model;
  return "1";
}

int
model_from_name (const char *name)
{
  if (strcmp (name, "haircut") == 0)
    return MODEL_HAIRCUT;
  if (strcmp (name, "poison") == 0)
    return MODEL_POISON;
  return -1;
}

/* end of scoring.c */
