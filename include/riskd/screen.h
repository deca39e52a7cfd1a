/*
 * screen.h -- the decision on one deposit or withdrawal (SPEC 4 "Deposit
 * screening"): pure arithmetic over a graph, like risk.h.
 *
 * A deposit of value v from s carries the holding shares of s:
 * t(s,k) / max(b(s), v) per key, summed per category and capped at 1. Its
 * severity-weighted tainted share combines categories the way the score
 * does: 1 - prod_c (1 - severity_c * share_c).
 *
 *   block   s carries a label of severity >= block_severity (0.9), or a
 *           deposit's weighted share >= block_share (0.5);
 *   review  a deposit's weighted share >= review_share (0.05), or the
 *           address's score >= review_score (50);
 *   allow   otherwise.
 *
 * A withdrawal sends our funds to the address: what it holds does not
 * travel with them, so only its labels and its score count.
 */
#ifndef RISKD_SCREEN_H
#define RISKD_SCREEN_H

#include "riskd/risk.h"

enum direction { DIRECTION_DEPOSIT, DIRECTION_WITHDRAWAL };
enum decision { DECISION_ALLOW, DECISION_REVIEW, DECISION_BLOCK };

/** Why a decision was taken; every rule that applies gives one. */
enum reason {
  REASON_LABELLED,          /**< carries a label of blocking severity */
  REASON_SHARE_BLOCK,       /**< weighted tainted share >= block_share */
  REASON_SHARE_REVIEW,      /**< weighted tainted share >= review_share */
  REASON_SCORE_REVIEW,      /**< score >= review_score */
  REASON_NONE               /**< nothing reached a threshold */
};

/** The part of the deposit one category taints. */
struct screen_category {
  uint8_t category;
  double share;             /**< min(1, sum over keys of t/max(b, v)) */
  double tainted;           /**< share * v */
};

struct screening {
  struct risk risk;         /**< the address's score (haircut) */
  double value;             /**< v */
  double weighted_share;    /**< 1 - prod (1 - severity * share) */
  unsigned n_categories;
  struct screen_category categories[MAX_CATEGORIES];
  int label_category;       /**< the most severe own label's category, or -1 */
  uint32_t label;           /**< index of that label in the graph */
  enum decision decision;
  unsigned n_reasons;
  enum reason reasons[4];
};

void screen_compute (const struct graph *g, int64_t a, enum direction direction,
                     double value, const struct scoring_config *cfg,
                     struct screening *out);

const char *decision_name (enum decision d);
const char *reason_code (enum reason r);

#endif
/* end of screen.h */
