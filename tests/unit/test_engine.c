/*
 * test_engine.c -- the replay and the score, one case per rule of SPEC 4,
 * each with its numbers worked by hand in the comment above it.
 *
 * Addresses are short names ("H", "A"): the builder takes canonical
 * strings and does not validate them (imports do). Every flow is eth.
 * "H" carries a hack label of incident X unless a case says otherwise.
 */
#include <stdlib.h>
#include <string.h>
#include "fixture.h"
#include "riskd/pool.h"
#include "unit.h"

static const struct tlabel hack_h[] = { { "H", "hack", "Lazarus", "X" } };

/* Rule 1, missing balance counted clean.
 * H -> A 10 (t1): A b=10, t=10.  A -> B 30 (t2): avail = max(10, 30) = 30,
 * share = 10/30, B gets t = rt = 10 of r = 30: exposure 1/3.
 * Score = 100 * (1 - (1 - 1.0 * 1/3)) = 33.33, medium. A keeps b = 0. */
static void
test_missing_balance_is_clean (void)
{
  const struct tflow f[] = { FL ("H", "A", 10, 1), FL ("A", "B", 30, 2) };
  struct graph *g = BUILD (f, hack_h);
  struct risk r = risk_of (g, "B", MODEL_HAIRCUT);

  CHECK_NEAR (category_of (&r, "hack")->exposure, 1.0 / 3);
  CHECK_NEAR (category_of (&r, "hack")->tainted, 10);
  CHECK_NEAR (r.score, 33.33);
  CHECK (r.level == LEVEL_MEDIUM);
  CHECK_NEAR (risk_of (g, "A", MODEL_HAIRCUT).balance, 0);
  graph_release (g);
}

/* Rule 2, proportional haircut: two outflows carry the same share.
 * H -> A 50 (t1), C -> A 50 (t2): A b = 100, t = 50.
 * A -> B 20 (t3): share 50/100 = 0.5, B gets 10 tainted; A t = 40, b = 80.
 * A -> D 40 (t4): share 40/80 = 0.5, D gets 20 tainted; A t = 20, b = 40.
 * B exposure 10/20 = 0.5, D 20/40 = 0.5: both 50.00, high. A holding 20/40. */
static void
test_outflows_carry_same_share (void)
{
  const struct tflow f[] = {
    FL ("H", "A", 50, 1), FL ("C", "A", 50, 2), FL ("A", "B", 20, 3), FL ("A", "D", 40, 4),
  };
  struct graph *g = BUILD (f, hack_h);
  struct risk b = risk_of (g, "B", MODEL_HAIRCUT), d = risk_of (g, "D", MODEL_HAIRCUT);
  struct risk a = risk_of (g, "A", MODEL_HAIRCUT);

  CHECK_NEAR (category_of (&b, "hack")->exposure, 0.5);
  CHECK_NEAR (category_of (&d, "hack")->exposure, 0.5);
  CHECK_NEAR (category_of (&d, "hack")->tainted, 20);
  CHECK_NEAR (b.score, 50);
  CHECK_NEAR (d.score, 50);
  CHECK (d.level == LEVEL_HIGH);
  CHECK_NEAR (a.balance, 40);
  CHECK_NEAR (category_of (&a, "hack")->holding, 0.5);
  graph_release (g);
}

/* Rule 3, a barrier passes nothing on.
 * H -> E 10 (E labelled exchange, entity Binance); E -> U 10.
 * U gets no hack taint; E's own key (exchange/Binance) reaches U whole:
 * exposure 1 with severity 0, so U scores 0.00, low. E scores
 * 100 * severity(exchange) = 0 although it received stolen funds. */
static void
test_barrier_passes_nothing (void)
{
  const struct tflow f[] = { FL ("H", "E", 10, 1), FL ("E", "U", 10, 2) };
  const struct tlabel l[] = {
    { "H", "hack", "Lazarus", "X" }, { "E", "exchange", "Binance", NULL },
  };
  struct graph *g = BUILD (f, l);
  struct risk u = risk_of (g, "U", MODEL_HAIRCUT), e = risk_of (g, "E", MODEL_HAIRCUT);

  CHECK (category_of (&u, "hack") == NULL);
  CHECK_NEAR (category_of (&u, "exchange")->exposure, 1);
  CHECK_NEAR (u.score, 0);
  CHECK (u.level == LEVEL_LOW);
  CHECK_NEAR (category_of (&e, "hack")->exposure, 1);
  CHECK_NEAR (e.score, 0);
  graph_release (g);
}

/* Rule 4, a labelled address emits 100% of its own key.
 * M (mixer, entity Tornado) receives 100 clean from C, holds no mixer taint
 * of its own, sends 10 to A: A's mixer exposure is 10/10 = 1, hops 1.
 * Score = 100 * 0.6 * 1 = 60.00, high. M itself: 100 * 0.6 = 60.00. */
static void
test_labelled_emits_own_key (void)
{
  const struct tflow f[] = { FL ("C", "M", 100, 1), FL ("M", "A", 10, 2) };
  const struct tlabel l[] = { { "M", "mixer", "Tornado", NULL } };
  struct graph *g = BUILD (f, l);
  struct risk a = risk_of (g, "A", MODEL_HAIRCUT), m = risk_of (g, "M", MODEL_HAIRCUT);

  CHECK_NEAR (category_of (&a, "mixer")->exposure, 1);
  CHECK (category_of (&a, "mixer")->hops == 1);
  CHECK_NEAR (a.score, 60);
  CHECK (m.labelled);
  CHECK_NEAR (m.score, 60);
  CHECK (category_of (&m, "mixer")->hops == 0);
  graph_release (g);
}

/* Hop counts: H -> A -> B -> C passing everything on (t1..t3): hops 1, 2, 3.
 * Then H -> C 5 (t4): C's hops become min(3, 1) = 1.  The minimum is over
 * all paths, whatever their value. */
static void
test_hop_counts (void)
{
  const struct tflow f[] = {
    FL ("H", "A", 10, 1), FL ("A", "B", 10, 2), FL ("B", "C", 10, 3), FL ("H", "C", 5, 4),
  };
  struct graph *g = BUILD (f, hack_h);

  struct risk a = risk_of (g, "A", MODEL_HAIRCUT), b = risk_of (g, "B", MODEL_HAIRCUT);
  struct risk c = risk_of (g, "C", MODEL_HAIRCUT);
  CHECK (category_of (&a, "hack")->hops == 1);
  CHECK (category_of (&b, "hack")->hops == 2);
  CHECK (category_of (&c, "hack")->hops == 1);
  CHECK (c.sources[0].hops == 1);
  graph_release (g);
}

/* Taint moves only forward in time: A -> B 10 at t1, before A receives
 * anything; H -> A 10 at t2. B gets nothing (score 0), A is fully exposed
 * (100.00, severe), and B is known but has no categories. */
static void
test_flow_before_taint_carries_none (void)
{
  const struct tflow f[] = { FL ("A", "B", 10, 1), FL ("H", "A", 10, 2) };
  struct graph *g = BUILD (f, hack_h);
  struct risk a = risk_of (g, "A", MODEL_HAIRCUT), b = risk_of (g, "B", MODEL_HAIRCUT);

  CHECK (b.known);
  CHECK (b.n_categories == 0);
  CHECK_NEAR (b.score, 0);
  CHECK_NEAR (a.score, 100);
  CHECK (a.level == LEVEL_SEVERE);
  graph_release (g);
}

/* Same-second flows are ordered by block, then pos, then tx hash, then idx.
 * All at t = 5: H -> A 10 (block 7, pos 2); A -> B 10 (block 7, pos 1):
 * A -> B comes first, A holds nothing yet, B is clean.
 * A -> C 10 (block 7, pos 3) comes after: C gets 10 of A's 10 (exposure 1).
 * In block 8, tx "t1" idx 1: A -> D 4 and idx 0: H -> A 4; idx 0 is first,
 * so A (b = 0 + 4, t = 4) passes all 4 to D: exposure 1. */
static void
test_same_second_ordered_by_block_pos (void)
{
  const struct tflow f[] = {
    FB ("A", "C", 10, 5, 7, 3), FB ("A", "B", 10, 5, 7, 1), FB ("H", "A", 10, 5, 7, 2),
    FT ("A", "D", 4, 5, 8, 1, "t1", 1), FT ("H", "A", 4, 5, 8, 1, "t1", 0),
  };
  struct graph *g = BUILD (f, hack_h);

  CHECK_NEAR (risk_of (g, "B", MODEL_HAIRCUT).score, 0);
  struct risk c = risk_of (g, "C", MODEL_HAIRCUT), d = risk_of (g, "D", MODEL_HAIRCUT);
  CHECK_NEAR (category_of (&c, "hack")->exposure, 1);
  CHECK_NEAR (category_of (&d, "hack")->exposure, 1);
  graph_release (g);
}

/* Two keys of one category add up and cap at 1.
 * H1 (hack, incident X) -> A 10, H2 (hack, incident Y) -> A 10 (t1, t2):
 * r(A) = 20, exposure X 0.5 + Y 0.5 = 1 -> score 100.
 * H1 -> H2 10 (t3), H2 -> B 10 (t4): H2 holds 10 of X (avail 10), so B gets
 * X share 1 and Y share 1 (H2's own key): 1 + 1 = 2, capped at 1 -> 100. */
static void
test_keys_of_a_category_add_and_cap (void)
{
  const struct tflow f[] = {
    FL ("H1", "A", 10, 1), FL ("H2", "A", 10, 2), FL ("H1", "H2", 10, 3), FL ("H2", "B", 10, 4),
  };
  const struct tlabel l[] = {
    { "H1", "hack", "Lazarus", "X" }, { "H2", "hack", "Lazarus", "Y" },
  };
  struct graph *g = BUILD (f, l);
  struct risk a = risk_of (g, "A", MODEL_HAIRCUT), b = risk_of (g, "B", MODEL_HAIRCUT);

  CHECK_NEAR (category_of (&a, "hack")->exposure, 1);
  CHECK (a.n_sources == 2);
  CHECK_NEAR (a.sources[0].share, 0.5);
  CHECK_NEAR (a.score, 100);
  CHECK_NEAR (category_of (&b, "hack")->exposure, 1);
  CHECK_NEAR (category_of (&b, "hack")->tainted, 20);
  CHECK_NEAR (b.score, 100);
  graph_release (g);
}

/* Poison: any exposure counts whole, x = 0.5^(hops-1).
 * H -> A 10, A -> B 10, C -> B 90, B -> D 100 (t1..t4).
 * B: hops 2 -> x = 0.5 -> poison 50.00; haircut exposure 10/100 -> 10.00.
 * D: hops 3 -> x = 0.25 -> poison 25.00 (medium); haircut: B passes its
 * whole balance (10 tainted of 100) -> exposure 0.1 -> 10.00 (low). */
static void
test_poison_decay (void)
{
  const struct tflow f[] = {
    FL ("H", "A", 10, 1), FL ("A", "B", 10, 2), FL ("C", "B", 90, 3), FL ("B", "D", 100, 4),
  };
  struct graph *g = BUILD (f, hack_h);

  CHECK_NEAR (risk_of (g, "B", MODEL_POISON).score, 50);
  CHECK_NEAR (risk_of (g, "B", MODEL_HAIRCUT).score, 10);
  CHECK_NEAR (risk_of (g, "D", MODEL_POISON).score, 25);
  CHECK (risk_of (g, "D", MODEL_POISON).level == LEVEL_MEDIUM);
  CHECK_NEAR (risk_of (g, "D", MODEL_HAIRCUT).score, 10);
  CHECK (risk_of (g, "D", MODEL_HAIRCUT).level == LEVEL_LOW);
  graph_release (g);
}

/* Score formula across categories: A receives 20 from H (hack), 50 from M
 * (mixer) and 30 from C (clean): r = 100, hack x = 0.2, mixer x = 0.5.
 * Score = 100 * (1 - (1 - 1.0*0.2)(1 - 0.6*0.5)) = 100 * (1 - 0.8*0.7) = 44.00.
 * A labelled address scores its worst label: gambling 0.3 and scam 0.8 -> 80.00. */
static void
test_score_formula (void)
{
  const struct tflow f[] = { FL ("H", "A", 20, 1), FL ("M", "A", 50, 2), FL ("C", "A", 30, 3) };
  const struct tlabel l[] = {
    { "H", "hack", NULL, "X" }, { "M", "mixer", "Tornado", NULL },
    { "G", "gambling", "Casino", NULL }, { "G", "scam", NULL, NULL },
  };
  struct graph *g = BUILD (f, l);
  struct risk a = risk_of (g, "A", MODEL_HAIRCUT), gr = risk_of (g, "G", MODEL_HAIRCUT);

  CHECK_NEAR (a.score, 44);
  CHECK (a.level == LEVEL_MEDIUM);
  CHECK (a.n_categories == 2);
  CHECK_NEAR (gr.score, 80);
  CHECK (gr.level == LEVEL_SEVERE);
  graph_release (g);
}

/* Levels: low < 20 <= medium < 50 <= high < 80 <= severe. */
static void
test_levels (void)
{
  CHECK (scoring_level (&cfg, 0) == LEVEL_LOW);
  CHECK (scoring_level (&cfg, 19.99) == LEVEL_LOW);
  CHECK (scoring_level (&cfg, 20) == LEVEL_MEDIUM);
  CHECK (scoring_level (&cfg, 49.99) == LEVEL_MEDIUM);
  CHECK (scoring_level (&cfg, 50) == LEVEL_HIGH);
  CHECK (scoring_level (&cfg, 79.99) == LEVEL_HIGH);
  CHECK (scoring_level (&cfg, 80) == LEVEL_SEVERE);
  CHECK (scoring_level (&cfg, 100) == LEVEL_SEVERE);
}

/* Self-transfers and zero values are ignored; an address never seen is
 * unknown with score 0. H -> H 10 and H -> A 0 change nothing: A has no
 * taint, r(A) = 0. */
static void
test_ignored_flows_and_unknown (void)
{
  const struct tflow f[] = { FL ("H", "H", 10, 1), FL ("H", "A", 0, 2) };
  struct graph *g = BUILD (f, hack_h);
  struct risk a = risk_of (g, "A", MODEL_HAIRCUT), z = risk_of (g, "Z", MODEL_HAIRCUT);

  CHECK (a.known);
  CHECK (a.n_categories == 0);
  CHECK_NEAR (a.received, 0);
  CHECK (!z.known);
  CHECK_NEAR (z.score, 0);
  graph_release (g);
}

/* ---- determinism ---- */

/** A pseudo-random graph: 400 flows between 60 addresses, 6 labels. */
static void
random_case (struct tflow *f, size_t n, char names[][8])
{
  unsigned seed = 12345;
  for (int i = 0; i < 60; i++)
    snprintf (names[i], 8, "R%02d", i % 100);
  for (size_t i = 0; i < n; i++)
  {
    seed = seed * 1103515245u + 12345u;
    f[i].from = names[(seed >> 8) % 60];
    seed = seed * 1103515245u + 12345u;
    f[i].to = names[(seed >> 8) % 60];
    f[i].value = 1 + (seed >> 16) % 1000 / 7.0;
    f[i].time_s = 1000 + (int64_t) (i / 3);   /* many same-second flows */
    f[i].block = 0;
    f[i].pos = 0;
    f[i].tx = NULL;
    f[i].idx = (int32_t) (i % 2);
  }
}

static const struct tlabel random_labels[] = {
  { "R01", "hack", "Lazarus", "X" }, { "R02", "hack", "Lazarus", "Y" },
  { "R03", "mixer", "Tornado", NULL }, { "R04", "exchange", "Binance", NULL },
  { "R05", "sanctions", "OFAC SDN", NULL }, { "R06", "scam", NULL, NULL },
};

/** True when every address has the same risk, bit for bit, in both graphs. */
static int
same_risks (const struct graph *g1, const struct graph *g2, char names[][8])
{
  for (int i = 0; i < 60; i++)
    for (int m = 0; m < MODEL_COUNT; m++)
    {
      struct risk r1 = risk_of (g1, names[i], (enum model) m);
      struct risk r2 = risk_of (g2, names[i], (enum model) m);
      if (memcmp (&r1, &r2, sizeof r1) != 0)
      {
        printf ("#   %s differs (model %d): %.17g vs %.17g\n", names[i], m,
                r1.score, r2.score);
        return 0;
      }
    }
  return 1;
}

/* The same flows in another order, and on 1 vs 4 threads, give the same
 * risks to the last bit (compared as raw memory). */
static void
test_order_and_threads_do_not_matter (void)
{
  enum { N = 400 };
  static struct tflow f[N];
  static char names[60][8];
  size_t order[N];
  struct pool *p1 = pool_new (1), *p4 = pool_new (4);

  random_case (f, N, names);
  for (size_t i = 0; i < N; i++)
    order[i] = N - 1 - i;
  struct graph *g1 = build (f, N, random_labels, 6, NULL, p1);
  struct graph *g2 = build (f, N, random_labels, 6, order, p4);
  struct graph *g3 = build (f, N, random_labels, 6, NULL, NULL);
  CHECK (g1 && g2 && g3);
  CHECK (same_risks (g1, g2, names));
  CHECK (same_risks (g1, g3, names));
  int tainted = 0;
  for (int i = 0; i < 60; i++)
    tainted += risk_of (g1, names[i], MODEL_HAIRCUT).score > 0;
  CHECK (tainted > 20);         /* the case is not trivially clean */
  graph_release (g1);
  graph_release (g2);
  graph_release (g3);
  pool_free (p1);
  pool_free (p4);
}

/* A graph extended with newer rows equals the graph built at once, even
 * when the new flows sort before old ones (backfill). */
static void
test_extension_equals_full_build (void)
{
  enum { N = 400 };
  static struct tflow f[N];
  static char names[60][8];
  size_t odd[N / 2], even[N / 2];

  random_case (f, N, names);
  for (size_t i = 0; i < N / 2; i++)
  {
    odd[i] = 2 * i + 1;
    even[i] = 2 * i;
  }
  struct graph *full = build (f, N, random_labels, 6, NULL, NULL);
  struct graph_builder *b = graph_builder_new (NULL);
  add_flows (b, f, N / 2, odd);
  add_labels (b, random_labels, 3);
  struct graph *half = graph_builder_finish (b, &cfg, NULL, 1);
  b = graph_builder_new (half);
  add_flows (b, f, N / 2, even);
  add_labels (b, random_labels + 3, 3);
  struct graph *extended = graph_builder_finish (b, &cfg, NULL, 2);
  CHECK (extended && extended->n_flows == N && extended->n_labels == 6);
  CHECK (same_risks (full, extended, names));
  graph_release (half);
  graph_release (full);
  graph_release (extended);
}

int
main (void)
{
  scoring_config_default (&cfg);
  RUN (test_missing_balance_is_clean);
  RUN (test_outflows_carry_same_share);
  RUN (test_barrier_passes_nothing);
  RUN (test_labelled_emits_own_key);
  RUN (test_hop_counts);
  RUN (test_flow_before_taint_carries_none);
  RUN (test_same_second_ordered_by_block_pos);
  RUN (test_keys_of_a_category_add_and_cap);
  RUN (test_poison_decay);
  RUN (test_score_formula);
  RUN (test_levels);
  RUN (test_ignored_flows_and_unknown);
  RUN (test_order_and_threads_do_not_matter);
  RUN (test_extension_equals_full_build);
  return unit_done ();
}

/* end of test_engine.c */
