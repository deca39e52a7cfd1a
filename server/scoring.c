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
  snprintf (text + len, sizeof text - len, "levels=%.4f,%.4f,%.4f",
            cfg->level_medium, cfg->level_high, cfg->level_severe);
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
  scoring_config_rehash (cfg);
}

/** Reads "levels": {"medium": .., "high": .., "severe": ..}. */
static int
load_levels (struct scoring_config *cfg, json_t *levels, char *err, size_t err_len)
{
  double *slot[] = { &cfg->level_medium, &cfg->level_high, &cfg->level_severe };
  const char *name[] = { "medium", "high", "severe" };

  for (int i = 0; i < 3; i++)
  {
    json_t *v = json_object_get (levels, name[i]);
    if (v == NULL)
      continue;
    if (!json_is_number (v) || json_number_value (v) < 0 || json_number_value (v) > 100)
    {
      snprintf (err, err_len, "levels.%s must be a number from 0 to 100", name[i]);
      return -1;
    }
    *slot[i] = json_number_value (v);
  }
  if (!(cfg->level_medium <= cfg->level_high && cfg->level_high <= cfg->level_severe))
  {
    snprintf (err, err_len, "levels must satisfy medium <= high <= severe");
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
  json_t *sev, *barriers, *levels, *v;
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
  if ((sev && !json_is_object (sev)) || (barriers && !json_is_array (barriers))
      || (levels && !json_is_object (levels)))
  {
    snprintf (err, err_len, "%s: severities must be an object, barriers an array, levels an object", path);
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
  if (levels && load_levels (cfg, levels, err, err_len) != 0)
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
