/*
 * scores.c -- GET /v1/scores (the riskiest addresses, filtered, in pages)
 * and GET /v1/scores/changes?since=E (what moved since epoch E), for
 * dashboards (see ranking.h).
 *
 * A cursor names an epoch and a position in that epoch's ranking: pages
 * of one epoch never repeat nor skip an address, whatever is imported
 * meanwhile; when that ranking is no longer kept the cursor has expired
 * (410) and the dashboard starts again from the first page.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "riskd/api.h"
#include "riskd/app.h"
#include "riskd/engine.h"
#include "riskd/ranking.h"

/** Names of the categories in a mask, as a JSON array. */
static json_t *
category_names (uint32_t mask, const struct scoring_config *cfg)
{
  json_t *list = json_array ();

  for (unsigned c = 0; c < cfg->n_categories; c++)
    if (mask & (1u << c))
      json_array_append_new (list, json_string (cfg->category[c]));
  return list;
}

/** The filters of a listing. */
struct filter {
  int level;                  /**< -1: any */
  uint32_t category_mask;     /**< 0: any */
  int chain;                  /**< -1: any */
  double min_score;
};

static bool
matches (const struct ranked *r, const struct filter *f)
{
  return (f->level < 0 || r->level == f->level) && (f->chain < 0 || r->chain == f->chain)
         && (f->category_mask == 0 || (r->category_mask & f->category_mask))
         && r->score >= f->min_score;
}

/** Reads the filters; -1 after answering 400. */
static int
read_filter (struct request *rq, const struct scoring_config *cfg, struct filter *f)
{
  const char *level = rq_param (rq, "level"), *category = rq_param (rq, "category");
  const char *chain = rq_param (rq, "chain"), *min = rq_param (rq, "min_score");
  char *end;

  *f = (struct filter) { .level = -1, .chain = -1 };
  if (level)
  {
    for (int l = LEVEL_LOW; l <= LEVEL_SEVERE; l++)
      if (strcmp (level, level_name ((enum level) l)) == 0)
        f->level = l;
    if (f->level < 0)
    {
      reply_problem (rq, PROBLEM_INVALID_PARAMETER, "level must be low, medium, high or severe");
      return -1;
    }
  }
  if (category)
  {
    int c = scoring_category (cfg, category);
    if (c < 0)
    {
      reply_problem (rq, PROBLEM_INVALID_PARAMETER, "category is not a configured category");
      return -1;
    }
    f->category_mask = 1u << c;
  }
  if (chain && (f->chain = chain_from_name (chain, strlen (chain))) < 0)
  {
    reply_problem (rq, PROBLEM_INVALID_PARAMETER, "chain is not a chain riskd knows");
    return -1;
  }
  if (min)
  {
    f->min_score = strspn (min, "0123456789.") == strlen (min) ? strtod (min, &end) : -1;
    end = f->min_score < 0 ? (char *) min : end;
    if (end == min || *end != '\0' || !(f->min_score >= 0 && f->min_score <= 100))
    {
      reply_problem (rq, PROBLEM_INVALID_PARAMETER, "min_score must be a number from 0 to 100");
      return -1;
    }
  }
  return 0;
}

/** Parses "EPOCH.POSITION"; -1 after answering 400. */
static int
read_cursor (struct request *rq, uint64_t *epoch, uint32_t *position)
{
  const char *cursor = rq_param (rq, "cursor");
  unsigned long long e, p;
  int used = 0;

  if (cursor == NULL)
    return 0;
  size_t digits = strspn (cursor, "0123456789");
  if (strlen (cursor) > 40 || digits == 0 || cursor[digits] != '.'
      || strspn (cursor + digits + 1, "0123456789") != strlen (cursor + digits + 1)
      || cursor[digits + 1] == '\0'
      || sscanf (cursor, "%llu.%llu%n", &e, &p, &used) != 2
      || (size_t) used != strlen (cursor) || p > UINT32_MAX)
  {
    reply_problem (rq, PROBLEM_INVALID_PARAMETER, "cursor must be a next_cursor of an earlier page");
    return -1;
  }
  *epoch = e;
  *position = (uint32_t) p;
  return 0;
}

void
api_scores_list (struct request *rq)
{
  struct app *app = rq_app (rq);
  const struct scoring_config *cfg = &app->cfg->scoring;
  struct filter f;
  unsigned limit;
  uint64_t epoch = 0;
  uint32_t position = 0;
  char etag[96], next[48] = "";

  if (read_filter (rq, cfg, &f) != 0 || api_uint_param (rq, "limit", 50, 1, 1000, &limit) != 0
      || read_cursor (rq, &epoch, &position) != 0)
    return;
  struct graph *g = api_graph (rq);
  if (g == NULL)
    return;
  if (rq_param (rq, "cursor") == NULL)
    epoch = g->epoch;
  struct ranking *r = epoch <= g->epoch ? history_ranking (engine_history (app->engine), epoch) : NULL;
  if (r == NULL)
  {
    reply_problem (rq, PROBLEM_CURSOR_EXPIRED,
                   "this cursor's epoch is no longer kept: start again from the first page");
    graph_release (g);
    return;
  }
  char extra[24];
  snprintf (extra, sizeof extra, "r%" PRIu64, r->epoch);
  api_epoch_etag (g, extra, etag);
  if (api_not_modified (rq, etag))
    goto done;
  json_t *items = json_array ();
  uint32_t i = position;
  for (; i < r->n && json_array_size (items) < limit; i++)
    if (matches (&r->items[i], &f))
    {
      const struct ranked *x = &r->items[i];
      json_array_append_new (items, json_pack ("{s:s, s:s, s:f, s:s, s:o}",
        "chain", chain_name ((enum chain) x->chain), "address", graph_address (g, x->address),
        "score", x->score, "level", level_name ((enum level) x->level),
        "categories", category_names (x->category_mask, cfg)));
    }
  while (i < r->n && !matches (&r->items[i], &f))
    i++;                        /* a next page only if something is on it */
  if (i < r->n)
    snprintf (next, sizeof next, "%" PRIu64 ".%" PRIu32, r->epoch, i);
  reply_json (rq, 200, json_pack ("{s:I, s:o, s:s?, s:I, s:{s:I, s:I, s:I, s:I}}",
    "epoch", (json_int_t) r->epoch, "items", items, "next_cursor", next[0] ? next : NULL,
    "ranked", (json_int_t) r->n,
    "levels", "low", (json_int_t) r->by_level[LEVEL_LOW],
              "medium", (json_int_t) r->by_level[LEVEL_MEDIUM],
              "high", (json_int_t) r->by_level[LEVEL_HIGH],
              "severe", (json_int_t) r->by_level[LEVEL_SEVERE]));
  api_set_etag (rq, etag);
done:
  ranking_release (r);
  graph_release (g);
}

void
api_scores_changes (struct request *rq)
{
  struct app *app = rq_app (rq);
  const char *since_text = rq_param (rq, "since");
  unsigned limit;
  uint64_t exact, until;
  struct score_change *changes;
  char etag[96], extra[32], *end;

  if (since_text == NULL)
  {
    reply_problem (rq, PROBLEM_INVALID_PARAMETER, "since (an epoch) is required");
    return;
  }
  unsigned long long since = strtoull (since_text, &end, 10);
  if (since_text[0] < '0' || since_text[0] > '9' || *end != '\0' || strlen (since_text) > 19)
  {
    reply_problem (rq, PROBLEM_INVALID_PARAMETER, "since must be an epoch (a whole number)");
    return;
  }
  if (api_uint_param (rq, "limit", 1000, 1, 10000, &limit) != 0)
    return;
  struct graph *g = api_graph (rq);
  if (g == NULL)
    return;
  snprintf (extra, sizeof extra, "c%llu", since);
  api_epoch_etag (g, extra, etag);
  if (api_not_modified (rq, etag))
  {
    graph_release (g);
    return;
  }
  int64_t n = history_changes (engine_history (app->engine), g, since, &changes, &exact, &until);
  if (n < 0)
    reply_problem (rq, PROBLEM_EPOCH_TOO_OLD,
                   "changes since epoch %llu are no longer kept: reload /v1/scores", since);
  else
  {
    json_t *list = json_array ();
    for (int64_t i = 0; i < n && i < (int64_t) limit; i++)
    {
      const struct score_change *c = &changes[i];
      json_array_append_new (list, json_pack ("{s:s, s:s, s:f, s:s, s:f, s:s}",
        "chain", chain_name ((enum chain) c->chain), "address", graph_address (g, c->address),
        "old_score", c->old_score, "old_level", level_name ((enum level) c->old_level),
        "new_score", c->new_score, "new_level", level_name ((enum level) c->new_level)));
    }
    reply_json (rq, 200, json_pack ("{s:I, s:I, s:I, s:I, s:b, s:o}",
      "since", (json_int_t) since, "exact_since", (json_int_t) exact,
      "epoch", (json_int_t) until, "count", (json_int_t) n, "truncated", n > (int64_t) limit,
      "changes", list));
    api_set_etag (rq, etag);
  }
  free (changes);
  graph_release (g);
}

/* end of scores.c */
