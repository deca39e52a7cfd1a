/*
 * fuzz_engine.c -- the scoring engine (server/graph_*.c, risk.c) on small
 * graphs of fuzzer-chosen flows and labels.
 *
 * Input: byte 0 sets the configuration (bit 0: "mixer" is a barrier too)
 * and the pool of the second build (bits 1-2: none, 1, 2 or 3 threads);
 * then records, each starting with an op byte:
 *   flow  (op bit 7 clear), 6 bytes:
 *         op bits 0-3 from;  b1 bits 0-3 to, bits 4-6 tx, bit 7 on bsc;
 *         b2, b3 value = b2 * 0.1 * 10^(b3 % 4) (not exact in binary, so a
 *         sum in another order would show); b4 time in seconds;
 *         b5 bits 0-2 block (0: unknown), bits 3-5 pos (0: unknown),
 *         bits 6-7 idx
 *   label (op bit 7 set), 3 bytes:
 *         op bits 0-3 address, bit 4 on bsc; b1 category (modulo the
 *         configured ones), bits 4-5 entity, bits 6-7 incident; b2 source
 * Addresses are short names ("a0".."a15"); the builder takes canonical
 * strings without checking them. Like PostgreSQL (primary key chain,
 * tx_hash, idx; labels unique), a repeated flow or label is kept once.
 *
 * Three graphs are built from the same rows: in input order on the calling
 * thread; in reverse order on the pool; and in two epochs (first half, then
 * the rest on top of it). Invariants:
 *   - for every address and both models, risk_compute is within bounds:
 *     score in [0, 100] and rounded to two decimals, its level the
 *     configuration's level for it, exposure, holding and weight in [0, 1],
 *     shares at most 1, tainted values and balances finite and >= 0,
 *     sources sorted and at most RISK_MAX_SOURCES; a labelled address
 *     scores its most severe label; one that received nothing and carries
 *     no label scores 0;
 *   - risk_score and the graph's precomputed score, level and category
 *     mask agree with risk_compute bit for bit;
 *   - the three graphs give identical answers, byte for byte, for every
 *     address (SPEC 4: order, threads and epochs change nothing).
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include "fuzz.h"
#include "riskd/graph.h"
#include "riskd/pool.h"
#include "riskd/risk.h"

/** Distinct address names per chain. */
#define NAMES 16
/** Most rows taken from one input. */
#define ROWS_MAX 256

static const char *const entities[4] = { "", "Lazarus Group", "OFAC SDN", "Mixer Inc" };
static const char *const incidents[4] = { "", "2022-03-ronin-bridge", "2024-05-dmm", "i" };
static const char *const sources[4] = { "s1", "s2", "https://example.org", "S/2024/215" };

/** One row of the input. */
struct row {
  bool label;
  enum chain chain;
  unsigned from, to, tx, category, entity, incident, source;
  double value;
  int64_t time_us, block;
  int32_t pos, idx;
};

static bool
same_row (const struct row *a, const struct row *b)
{
  if (a->label != b->label || a->chain != b->chain)
    return false;
  if (!a->label)   /* flows: the primary key */
    return a->tx == b->tx && a->idx == b->idx;
  return a->from == b->from && a->category == b->category && a->entity == b->entity
         && a->incident == b->incident && a->source == b->source;
}

/** Decodes the rows; returns how many. */
static size_t
decode (const uint8_t *p, size_t size, unsigned n_categories, struct row *rows)
{
  size_t n = 0;

  for (size_t at = 0; at < size && n < ROWS_MAX;)
  {
    struct row r = { 0 };
    uint8_t op = p[at];
    if (op & 0x80)
    {
      if (size - at < 3)
        break;
      r.label = true;
      r.from = op & 15;
      r.chain = (op & 16) ? CHAIN_BSC : CHAIN_ETH;
      r.category = (p[at + 1] & 15) % n_categories;
      r.entity = (p[at + 1] >> 4) & 3;
      r.incident = p[at + 1] >> 6;
      r.source = p[at + 2] & 3;
      at += 3;
    }
    else
    {
      if (size - at < 6)
        break;
      r.from = op & 15;
      r.to = p[at + 1] & 15;
      r.tx = (p[at + 1] >> 4) & 7;
      r.chain = (p[at + 1] & 0x80) ? CHAIN_BSC : CHAIN_ETH;
      r.value = p[at + 2] * 0.1 * pow (10, p[at + 3] % 4);
      r.time_us = (1600000000 + (int64_t) p[at + 4]) * 1000000;
      r.block = (p[at + 5] & 7) ? 1000 + (p[at + 5] & 7) : -1;
      r.pos = ((p[at + 5] >> 3) & 7) ? (p[at + 5] >> 3) & 7 : -1;
      r.idx = p[at + 5] >> 6;
      at += 6;
    }
    bool repeated = false;
    for (size_t i = 0; i < n && !repeated; i++)
      repeated = same_row (&rows[i], &r);
    if (!repeated)
      rows[n++] = r;
  }
  return n;
}

static void
name (unsigned i, char out[8])
{
  snprintf (out, 8, "a%u", i);
}

static void
add (struct graph_builder *b, const struct row *r)
{
  char from[8], to[8], tx[16];
  int rc;

  name (r->from, from);
  if (r->label)
    rc = graph_builder_add_label (b, r->chain, from, r->category, entities[r->entity],
                                  incidents[r->incident], sources[r->source]);
  else
  {
    name (r->to, to);
    snprintf (tx, sizeof tx, "0x%02u", r->tx);
    rc = graph_builder_add_flow (b, r->chain, tx, r->idx, from, to, r->value, r->time_us,
                                 r->block, r->pos);
  }
  FUZZ_CHECK (rc == 0, "the builder refused a row");
}

/** Builds a graph from rows [from, to) (reversed when asked) on top of base. */
static struct graph *
build (const struct graph *base, const struct row *rows, size_t from, size_t to, bool reverse,
       const struct scoring_config *cfg, struct pool *pool, uint64_t epoch)
{
  struct graph_builder *b = graph_builder_new (base);

  FUZZ_CHECK (b != NULL, "graph_builder_new");
  for (size_t i = from; i < to; i++)
    add (b, &rows[reverse ? to - 1 - (i - from) : i]);
  struct graph *g = graph_builder_finish (b, cfg, pool, epoch);
  FUZZ_CHECK (g != NULL, "graph_builder_finish");
  return g;
}

static bool
in_unit (double x)
{
  return x >= 0 && x <= 1;
}

/** Bounds of one answer. */
static void
check_risk (const struct graph *g, uint32_t a, enum model model,
            const struct scoring_config *cfg, const struct risk *r)
{
  const char *who = graph_address (g, a);

  FUZZ_CHECK (r->known, "%s unknown", who);
  FUZZ_CHECK (r->score >= 0 && r->score <= 100 && r->score == risk_round2 (r->score),
              "%s scores %.17g", who, r->score);
  FUZZ_CHECK (r->level == scoring_level (cfg, r->score), "%s: level %d for %.2f", who,
              r->level, r->score);
  FUZZ_CHECK (isfinite (r->received) && r->received >= 0 && isfinite (r->balance)
              && r->balance >= 0, "%s: received %g, balance %g", who, r->received, r->balance);
  FUZZ_CHECK (r->n_categories <= cfg->n_categories, "%s: %u categories", who,
              r->n_categories);
  for (unsigned i = 0; i < r->n_categories; i++)
  {
    const struct risk_category *c = &r->categories[i];
    FUZZ_CHECK (i == 0 || c->category > r->categories[i - 1].category,
                "%s: categories out of order", who);
    FUZZ_CHECK (in_unit (c->exposure) && in_unit (c->holding) && in_unit (c->weight),
                "%s, category %u: exposure %g, holding %g, weight %g", who, c->category,
                c->exposure, c->holding, c->weight);
    FUZZ_CHECK (isfinite (c->tainted) && c->tainted >= 0, "%s: tainted %g", who, c->tainted);
  }
  FUZZ_CHECK (r->n_sources <= RISK_MAX_SOURCES && r->n_sources <= r->n_sources_total,
              "%s: %u of %u sources", who, r->n_sources, r->n_sources_total);
  for (unsigned i = 0; i < r->n_sources; i++)
  {
    const struct risk_source *s = &r->sources[i];
    FUZZ_CHECK (s->key < g->n_keys, "%s: key %u", who, s->key);
    FUZZ_CHECK (s->share >= 0 && s->share <= 1 + 1e-9 && s->holding >= 0 && s->holding <= 1 + 1e-9,
                "%s: source share %.17g, holding %.17g", who, s->share, s->holding);
    FUZZ_CHECK (i == 0 || s->tainted < r->sources[i - 1].tainted
                || (s->tainted == r->sources[i - 1].tainted && s->key > r->sources[i - 1].key),
                "%s: sources out of order", who);
  }
  if (r->labelled)
  {
    double worst = 0;
    for (uint32_t i = g->label_off[a]; i < g->label_off[a + 1]; i++)
      if (g->labels[i].category < cfg->n_categories)
        worst = fmax (worst, cfg->severity[g->labels[i].category]);
    FUZZ_CHECK (r->score == risk_round2 (100 * worst), "labelled %s scores %.2f, not %.2f",
                who, r->score, 100 * worst);
  }
  else if (r->received == 0)
    FUZZ_CHECK (r->score == 0, "%s received nothing, scores %.2f under model %d", who,
                r->score, model);

  uint32_t mask = 0;
  double alone = risk_score (g, a, model, cfg, &mask);
  FUZZ_CHECK (memcmp (&alone, &r->score, sizeof alone) == 0,
              "%s: risk_score %.17g, risk_compute %.17g (model %d)", who, alone, r->score, model);
  for (unsigned i = 0; i < r->n_categories; i++)
  {
    const struct risk_category *c = &r->categories[i];
    if (c->tainted > 0 || c->hops == 0)
      FUZZ_CHECK (mask & (1u << c->category), "%s: category %u missing from mask %#x", who,
                  c->category, mask);
  }
  if (model == MODEL_HAIRCUT)
  {
    FUZZ_CHECK (memcmp (&g->score[a], &r->score, sizeof r->score) == 0
                && g->level[a] == (uint8_t) r->level && g->category_mask[a] == mask,
                "%s: precomputed %.17g/%u/%#x, computed %.17g/%d/%#x", who, g->score[a],
                g->level[a], g->category_mask[a], r->score, r->level, mask);
  }
}

/** True when two answers are the same bytes, field by field. */
static bool
same_risk (const struct risk *x, const struct risk *y)
{
#define SAME(f) (memcmp (&x->f, &y->f, sizeof x->f) == 0)
  if (!(SAME (known) && SAME (labelled) && SAME (score) && SAME (level) && SAME (received)
        && SAME (balance) && SAME (n_categories) && SAME (n_sources)
        && SAME (n_sources_total)))
    return false;
  for (unsigned i = 0; i < x->n_categories; i++)
    if (!(SAME (categories[i].category) && SAME (categories[i].exposure)
          && SAME (categories[i].tainted) && SAME (categories[i].holding)
          && SAME (categories[i].hops) && SAME (categories[i].weight)))
      return false;
  for (unsigned i = 0; i < x->n_sources; i++)
    if (!(SAME (sources[i].key) && SAME (sources[i].share) && SAME (sources[i].tainted)
          && SAME (sources[i].holding) && SAME (sources[i].hops)))
      return false;
  return true;
#undef SAME
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static struct pool *pools[4];
  static struct row rows[ROWS_MAX];
  struct scoring_config cfg;

  if (size < 1)
    return 0;
  scoring_config_default (&cfg);
  if (data[0] & 1)
  {
    cfg.barrier[scoring_category (&cfg, "mixer")] = true;
    scoring_config_rehash (&cfg);
  }
  unsigned threads = (data[0] >> 1) & 3;
  if (threads > 0 && pools[threads] == NULL)
    pools[threads] = pool_new (threads);
  size_t n = decode (data + 1, size - 1, cfg.n_categories, rows);

  struct graph *g = build (NULL, rows, 0, n, false, &cfg, NULL, 1);
  struct graph *reversed = build (NULL, rows, 0, n, true, &cfg, pools[threads], 1);
  struct graph *half = build (NULL, rows, 0, n / 2, false, &cfg, NULL, 1);
  struct graph *epochs = build (half, rows, n / 2, n, false, &cfg, NULL, 2);
  graph_release (half);

  FUZZ_CHECK (graph_addresses (g) == graph_addresses (reversed)
              && graph_addresses (g) == graph_addresses (epochs)
              && g->n_flows == reversed->n_flows && g->n_flows == epochs->n_flows
              && g->n_keys == reversed->n_keys && g->n_keys == epochs->n_keys
              && g->n_labels == reversed->n_labels && g->n_labels == epochs->n_labels,
              "the three builds differ in size");
  for (uint32_t a = 0; a < graph_addresses (g); a++)
  {
    const char *who = graph_address (g, a);
    enum chain chain = (enum chain) g->addr_chain[a];
    int64_t b = graph_find (reversed, chain, who), c = graph_find (epochs, chain, who);
    FUZZ_CHECK (graph_find (g, chain, who) == a && b >= 0 && c >= 0,
                "%s not found in every build", who);
    for (int m = 0; m < MODEL_COUNT; m++)
    {
      struct risk r, r_reversed, r_epochs;
      risk_compute (g, a, (enum model) m, &cfg, &r);
      check_risk (g, a, (enum model) m, &cfg, &r);
      risk_compute (reversed, b, (enum model) m, &cfg, &r_reversed);
      check_risk (reversed, (uint32_t) b, (enum model) m, &cfg, &r_reversed);
      risk_compute (epochs, c, (enum model) m, &cfg, &r_epochs);
      check_risk (epochs, (uint32_t) c, (enum model) m, &cfg, &r_epochs);
      FUZZ_CHECK (same_risk (&r, &r_reversed), "%s on %s: another order gives another answer "
                  "(%.17g vs %.17g)", who, chain_name (chain), r.score, r_reversed.score);
      FUZZ_CHECK (same_risk (&r, &r_epochs), "%s on %s: two epochs give another answer "
                  "(%.17g vs %.17g)", who, chain_name (chain), r.score, r_epochs.score);
    }
  }
  struct risk none;
  risk_compute (g, graph_find (g, CHAIN_ETH, "never-seen"), MODEL_HAIRCUT, &cfg, &none);
  FUZZ_CHECK (!none.known && none.score == 0, "an unknown address scores %.2f", none.score);
  graph_release (g);
  graph_release (reversed);
  graph_release (epochs);
  return 0;
}

/* end of fuzz_engine.c */
