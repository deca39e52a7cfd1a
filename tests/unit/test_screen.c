/*
 * test_screen.c -- deposit and withdrawal decisions (SPEC 4 "Deposit
 * screening"), with the numbers worked by hand. Defaults: block a label of
 * severity >= 0.9 or a weighted share >= 0.5; review a weighted share
 * >= 0.05 or a score >= 50.
 *
 * The graph, in USD, "H" a hack source (incident X), "S" sanctioned,
 * "M" a mixer (0.6):
 *   t1 H -> A 100, t2 C -> A 300     A: b 400, t(X) 100, exposure 0.25, score 25
 *   t3 H -> D 100                     D: b 100, t(X) 100, score 100
 *   t4 H -> E 50, t5 M -> E 50, t6 C -> E 100
 *                                     E: b 200, t(X) 50, t(M) 50; exposures
 *                                     0.25 hack, 0.25 mixer: score
 *                                     100 * (1 - 0.75 * 0.85) = 36.25
 */
#include "fixture.h"
#include "riskd/screen.h"
#include "unit.h"

static const struct tflow flows[] = {
  FL ("H", "A", 100, 1), FL ("C", "A", 300, 2), FL ("H", "D", 100, 3),
  FL ("H", "E", 50, 4), FL ("M", "E", 50, 5), FL ("C", "E", 100, 6),
};
static const struct tlabel labels[] = {
  { "H", "hack", "Lazarus", "X" }, { "S", "sanctions", "OFAC SDN", NULL },
  { "M", "mixer", "Tornado", NULL },
};
static struct graph *g;

static struct screening
screen (const char *name, enum direction dir, double value)
{
  struct screening s;
  screen_compute (g, graph_find (g, CHAIN_ETH, name), dir, value, &cfg, &s);
  return s;
}

/* Deposit of 40 from A: share = t/max(b, v) = 100/400 = 0.25 -> weighted
 * 1.0 * 0.25 = 0.25: >= 0.05 (review), < 0.5. Score 25 < 50. Review, one reason. */
static void
test_partly_tainted_deposit_is_reviewed (void)
{
  struct screening s = screen ("A", DIRECTION_DEPOSIT, 40);

  CHECK (s.decision == DECISION_REVIEW);
  CHECK_NEAR (s.weighted_share, 0.25);
  CHECK (s.n_categories == 1);
  CHECK_NEAR (s.categories[0].tainted, 10);
  CHECK (s.n_reasons == 1 && s.reasons[0] == REASON_SHARE_REVIEW);
  CHECK_NEAR (s.risk.score, 25);
}

/* A deposit larger than the balance: avail = max(400, 1000) = 1000, the
 * missing 600 counted clean: share 100/1000 = 0.1 -> still review. */
static void
test_deposit_beyond_balance_is_diluted (void)
{
  struct screening s = screen ("A", DIRECTION_DEPOSIT, 1000);

  CHECK_NEAR (s.weighted_share, 0.1);
  CHECK (s.decision == DECISION_REVIEW);
}

/* Deposit of 50 from D, which holds only stolen funds: share 100/100 = 1
 * -> block; its score 100 >= 50 adds the score reason. */
static void
test_fully_tainted_deposit_is_blocked (void)
{
  struct screening s = screen ("D", DIRECTION_DEPOSIT, 50);

  CHECK (s.decision == DECISION_BLOCK);
  CHECK_NEAR (s.weighted_share, 1);
  CHECK (s.n_reasons == 2 && s.reasons[0] == REASON_SHARE_BLOCK
         && s.reasons[1] == REASON_SCORE_REVIEW);
}

/* Two categories: deposit 100 from E, avail 200: hack 50/200 = 0.25,
 * mixer 0.25; weighted = 1 - (1 - 1.0 * 0.25)(1 - 0.6 * 0.25)
 * = 1 - 0.75 * 0.85 = 0.3625 -> review. Score 36.25 < 50. */
static void
test_categories_weighted_by_severity (void)
{
  struct screening s = screen ("E", DIRECTION_DEPOSIT, 100);

  CHECK_NEAR (s.weighted_share, 0.3625);
  CHECK (s.n_categories == 2);
  CHECK_NEAR (s.risk.score, 36.25);
  CHECK (s.decision == DECISION_REVIEW);
}

/* Labels: S (sanctions, 1.0 >= 0.9) is blocked whatever the amount; M
 * (mixer, 0.6 < 0.9) is not blocked by its label but its score, 60, asks
 * for review. */
static void
test_labels_block_or_review (void)
{
  struct screening s = screen ("S", DIRECTION_DEPOSIT, 1), m = screen ("M", DIRECTION_DEPOSIT, 1);

  CHECK (s.decision == DECISION_BLOCK);
  CHECK (s.reasons[0] == REASON_LABELLED);
  CHECK_STR (cfg.category[s.label_category], "sanctions");
  CHECK (m.decision == DECISION_REVIEW);
  CHECK (m.n_reasons == 1 && m.reasons[0] == REASON_SCORE_REVIEW);
}

/* Clean and unknown senders are allowed, with the reason that says so. */
static void
test_clean_deposit_is_allowed (void)
{
  struct screening c = screen ("C", DIRECTION_DEPOSIT, 10), z = screen ("Z", DIRECTION_DEPOSIT, 10);

  CHECK (c.decision == DECISION_ALLOW && c.reasons[0] == REASON_NONE);
  CHECK (z.decision == DECISION_ALLOW && !z.risk.known);
}

/* Withdrawals: what the destination holds does not travel with our funds;
 * only its labels and score count. A (score 25): allow; D (score 100, no
 * label): review; S (sanctioned): block. */
static void
test_withdrawals_use_labels_and_score (void)
{
  CHECK (screen ("A", DIRECTION_WITHDRAWAL, 40).decision == DECISION_ALLOW);
  CHECK (screen ("D", DIRECTION_WITHDRAWAL, 40).decision == DECISION_REVIEW);
  CHECK (screen ("S", DIRECTION_WITHDRAWAL, 40).decision == DECISION_BLOCK);
}

/* Thresholds are configuration: with block_share 0.2, A's 0.25 blocks. */
static void
test_thresholds_are_configuration (void)
{
  double saved = cfg.block_share;

  cfg.block_share = 0.2;
  CHECK (screen ("A", DIRECTION_DEPOSIT, 40).decision == DECISION_BLOCK);
  cfg.block_share = saved;
}

int
main (void)
{
  scoring_config_default (&cfg);
  g = BUILD (flows, labels);
  RUN (test_partly_tainted_deposit_is_reviewed);
  RUN (test_deposit_beyond_balance_is_diluted);
  RUN (test_fully_tainted_deposit_is_blocked);
  RUN (test_categories_weighted_by_severity);
  RUN (test_labels_block_or_review);
  RUN (test_clean_deposit_is_allowed);
  RUN (test_withdrawals_use_labels_and_score);
  RUN (test_thresholds_are_configuration);
  graph_release (g);
  return unit_done ();
}

/* end of test_screen.c */
