/*
 * graph.h -- the engine: an immutable snapshot of all flows and labels with
 * the taint of every address already replayed (SPEC section 4).
 *
 * A graph is built by a builder (from PostgreSQL at start-up, from the
 * previous graph plus the rows of newer epochs afterwards, from plain calls
 * in the unit tests), then published and only read. Readers hold a
 * reference while they use it; the builder of the next epoch never touches
 * it. Everything is plain arrays indexed by dense ids, in a deterministic
 * order that does not depend on import order or on the number of threads.
 *
 * Replay, per SPEC 4: flows are sorted by (time, block, pos, tx_hash, idx);
 * balances are one sequential pass; then each taint key is replayed on its
 * own (keys do not interact once balances are known), in parallel on the
 * pool, visiting only the flows its taint actually reaches.
 */
#ifndef RISKD_GRAPH_H
#define RISKD_GRAPH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "riskd/chain.h"
#include "riskd/scoring.h"
#include "riskd/strtab.h"

struct pool;

/** How a taint key got its name: the label's incident, entity or category. */
enum key_kind { KEY_INCIDENT, KEY_ENTITY, KEY_CATEGORY };

/** A taint key: every labelled address emits taint under one. */
struct graph_key {
  uint32_t name;        /**< id in graph->names */
  uint8_t category;     /**< index into the scoring configuration */
  uint8_t kind;         /**< enum key_kind */
};

/** A label as stored, strings interned in graph->names. */
struct graph_label {
  uint32_t address;     /**< address id */
  uint32_t key;         /**< the key it emits */
  uint32_t entity;      /**< name id; the empty string when absent */
  uint32_t incident;    /**< name id; the empty string when absent */
  uint32_t source;      /**< name id */
  uint8_t category;     /**< index into the scoring configuration */
};

/** A flow; flows[] is sorted in replay order. */
struct graph_flow {
  int64_t time_us;      /**< microseconds since 1970 UTC */
  int64_t block;        /**< -1 when unknown (sorts after known blocks) */
  double value;         /**< usd when given, else amount */
  uint32_t tx;          /**< its tx hash: id in graph->txs */
  uint32_t from, to;    /**< address ids */
  int32_t pos;          /**< -1 when unknown */
  int32_t idx;          /**< position in the transaction */
};

/** Taint of one key at one address after the whole replay. */
struct graph_taint {
  uint32_t key;         /**< key id */
  uint32_t hops;        /**< shortest number of hops from a source (0: own) */
  double tainted;       /**< t(a,k): tainted part of the balance now */
  double received;      /**< rt(a,k): tainted value ever received */
};

/** Address flags. */
enum {
  ADDR_LABELLED = 1,    /**< carries at least one label */
  ADDR_BARRIER = 2      /**< one of its labels is a barrier category */
};

/** The immutable snapshot. */
struct graph {
  atomic_uint refs;           /**< readers holding it, plus one for the engine */
  uint64_t epoch;             /**< the data version it was built from */
  char source_id[64];         /**< which database: part of every cache key */
  int64_t built_at_us;        /**< when the build finished */
  double build_ms;            /**< how long the build took */
  double phase_ms[4];         /**< of which: sort, index, replay, score */
  struct strtab addrs;        /**< "<chain letter><address>" -> address id */
  struct strtab txs;          /**< "<chain letter><tx hash>" of each flow (appended) */
  struct strtab names;        /**< entity, incident, source, key names */
  uint8_t *addr_chain;        /**< chain of each address */
  uint8_t *addr_flags;        /**< ADDR_* of each address */
  double *balance;            /**< b(a) after the replay */
  double *received;           /**< r(a) */
  uint32_t n_flows;
  struct graph_flow *flows;   /**< sorted in replay order */
  double *avail;              /**< avail of each flow (0 when ignored) */
  uint32_t *out_off;          /**< outflows of a: out_flow[out_off[a]..out_off[a+1]) */
  uint32_t *out_flow;         /**< flow indexes, ascending */
  uint32_t *in_off;           /**< inflows of a, likewise */
  uint32_t *in_flow;
  uint32_t n_keys;
  struct graph_key *keys;     /**< sorted by (category, kind, name) */
  uint32_t n_labels;
  struct graph_label *labels; /**< sorted by (address, key, entity, source) */
  uint32_t *label_off;        /**< labels of a: labels[label_off[a]..label_off[a+1]) */
  uint32_t *taint_off;        /**< taint of a: taint[taint_off[a]..taint_off[a+1]) */
  struct graph_taint *taint;  /**< per address, sorted by key */
  size_t n_taint;
  double *score;              /**< haircut score of each address (risk_score) */
  uint8_t *level;             /**< its level */
  uint32_t *category_mask;    /**< categories each address is exposed to */
  bool barrier[MAX_CATEGORIES]; /**< the barrier set it was replayed with */
};

/** Number of addresses. */
static inline uint32_t
graph_addresses (const struct graph *g)
{
  return g->addrs.n;
}

/** The canonical address string of id `a` (without its chain). */
static inline const char *
graph_address (const struct graph *g, uint32_t a)
{
  return strtab_get (&g->addrs, a) + 1;
}

/** The tx hash of a flow. */
static inline const char *
graph_flow_tx (const struct graph *g, const struct graph_flow *f)
{
  return strtab_get (&g->txs, f->tx) + 1;
}

/** Address id, or -1 if the graph has never seen the address. */
int64_t graph_find (const struct graph *g, enum chain chain, const char *address);

/** Takes a reference; graph_release() gives it back. */
static inline struct graph *
graph_retain (struct graph *g)
{
  atomic_fetch_add (&g->refs, 1);
  return g;
}

void graph_release (struct graph *g);

/** Bytes held by the graph, for the memory-per-flow figure. */
size_t graph_bytes (const struct graph *g);

/* ---- building ---- */

struct graph_builder;

/**
 * Starts a builder for a new graph: a copy of `base`'s flows and labels
 * when given (the builder never modifies `base`), else empty.
 */
struct graph_builder *graph_builder_new (const struct graph *base);

/**
 * Adds a flow. Strings are canonical (validated on import). Returns 0, or -1
 * when out of memory. Zero values and self-transfers are kept (the address
 * is known) but ignored by the replay.
 */
int graph_builder_add_flow (struct graph_builder *b, enum chain chain,
                            const char *tx_hash, int32_t idx,
                            const char *from, const char *to, double value,
                            int64_t time_us, int64_t block, int32_t pos);

/**
 * Adds a label. `category` is an index into the scoring configuration;
 * entity and incident_id may be "" (absent). Returns 0 or -1.
 */
int graph_builder_add_label (struct graph_builder *b, enum chain chain,
                             const char *address, unsigned category,
                             const char *entity, const char *incident_id,
                             const char *source);

/**
 * Sorts, indexes and replays; frees the builder. `pool` may be NULL (all on
 * the calling thread). Returns the graph with one reference, or NULL when
 * out of memory.
 */
struct graph *graph_builder_finish (struct graph_builder *b,
                                    const struct scoring_config *cfg,
                                    struct pool *pool, uint64_t epoch);

void graph_builder_free (struct graph_builder *b);

/** The replay itself (graph_replay.c), called by graph_builder_finish on a
 *  graph whose flows, labels, keys and indexes are in place. */
int graph_replay (struct graph *g, struct pool *pool);

/** Every address's haircut score, level and categories (graph_scores.c),
 *  after the replay, in parallel on the pool. */
int graph_score_all (struct graph *g, const struct scoring_config *cfg, struct pool *pool);

#endif
/* end of graph.h */
