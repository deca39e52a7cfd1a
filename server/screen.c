/*
 * screen.c -- SPEC 4's deposit screening (see screen.h).
 */
#include <math.h>
#include <string.h>
#include "riskd/screen.h"

const char *
decision_name (enum decision d)
{
  static const char *names[] = { "allow", "review", "block" };
  return names[d];
}

const char *
reason_code (enum reason r)
{
  static const char *codes[] = {
    "labelled", "tainted_share_block", "tainted_share_review", "score_review", "below_thresholds",
  };
  return codes[r];
}

/** Records a reason and raises the decision to at least `d`. */
static void
add_reason (struct screening *out, enum reason r, enum decision d)
{
  if (out->n_reasons < sizeof out->reasons / sizeof *out->reasons)
    out->reasons[out->n_reasons++] = r;
  if (d > out->decision)
    out->decision = d;
}

/** The deposit's share of each category: t(s,k) / max(b(s), v). */
static void
deposit_shares (const struct graph *g, int64_t a, double value,
                const struct scoring_config *cfg, struct screening *out)
{
  double avail = fmax (g->balance[a], value), clean = 1;

  for (uint32_t i = g->taint_off[a]; avail > 0 && i < g->taint_off[a + 1]; i++)
  {
    const struct graph_taint *t = &g->taint[i];
    uint8_t cat = g->keys[t->key].category;
    if (!(t->tainted > 0))
      continue;
    if (out->n_categories == 0 || out->categories[out->n_categories - 1].category != cat)
      out->categories[out->n_categories++] = (struct screen_category) { .category = cat };
    out->categories[out->n_categories - 1].share += t->tainted / avail;
  }
  for (unsigned i = 0; i < out->n_categories; i++)
  {
    struct screen_category *c = &out->categories[i];
    c->share = fmin (1, c->share);
    c->tainted = c->share * value;
    if (c->category < cfg->n_categories)
      clean *= 1 - cfg->severity[c->category] * c->share;
  }
  out->weighted_share = 1 - clean;
}

void
screen_compute (const struct graph *g, int64_t a, enum direction direction,
                double value, const struct scoring_config *cfg,
                struct screening *out)
{
  memset (out, 0, sizeof *out);
  out->value = value;
  out->label_category = -1;
  risk_compute (g, a, MODEL_HAIRCUT, cfg, &out->risk);
  if (a < 0)
  {
    add_reason (out, REASON_NONE, DECISION_ALLOW);
    return;
  }
  for (uint32_t i = g->label_off[a]; i < g->label_off[a + 1]; i++)
  {
    uint8_t cat = g->labels[i].category;
    if (cat < cfg->n_categories
        && (out->label_category < 0 || cfg->severity[cat] > cfg->severity[out->label_category]))
    {
      out->label_category = cat;
      out->label = i;
    }
  }
  if (out->label_category >= 0 && cfg->severity[out->label_category] >= cfg->block_severity)
    add_reason (out, REASON_LABELLED, DECISION_BLOCK);
  if (direction == DIRECTION_DEPOSIT)
  {
    deposit_shares (g, a, value, cfg, out);
    if (out->weighted_share >= cfg->block_share)
      add_reason (out, REASON_SHARE_BLOCK, DECISION_BLOCK);
    else if (out->weighted_share >= cfg->review_share)
      add_reason (out, REASON_SHARE_REVIEW, DECISION_REVIEW);
  }
  if (out->risk.score >= cfg->review_score)
    add_reason (out, REASON_SCORE_REVIEW, DECISION_REVIEW);
  if (out->n_reasons == 0)
    add_reason (out, REASON_NONE, DECISION_ALLOW);
}

/* end of screen.c */
