/*
 * ingest.h -- push parsers for the canonical import formats (SPEC section 3).
 *
 * A body arrives in chunks of any size (HTTP upload, file read). The parser
 * frames records (CSV rows, NDJSON lines, elements of a JSON array), checks
 * every field and hands each record to a callback, either as a validated row
 * in canonical form or as a rejection with its line and reason. It never
 * holds more than one record in memory, so a 1 GB body needs kilobytes.
 */
#ifndef RISKD_INGEST_H
#define RISKD_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "riskd/address.h"
#include "riskd/chain.h"

/** Longest record (CSV row, NDJSON line, JSON element) accepted, in bytes. */
#define INGEST_RECORD_MAX 65536
/** Longest decimal string (amount, usd). */
#define DECIMAL_MAX 100
/** Longest asset symbol or token contract. */
#define ASSET_MAX 64
/** Longest label category name. */
#define CATEGORY_MAX 32
/** Longest entity or incident id. */
#define ENTITY_MAX 200
/** Longest label source (document symbol, URL). */
#define SOURCE_MAX 1000

enum ingest_kind { INGEST_FLOWS, INGEST_LABELS };
enum ingest_format { INGEST_JSON, INGEST_NDJSON, INGEST_CSV };

/** One fund flow, validated and in canonical form. */
struct flow_row {
  enum chain chain;
  char tx_hash[TXHASH_MAX + 1];      /**< canonical (lower-case hex) */
  int32_t idx;                       /**< >= 0 */
  char from[ADDRESS_MAX + 1];        /**< canonical */
  char to[ADDRESS_MAX + 1];          /**< canonical */
  char asset[ASSET_MAX + 1];
  char amount[DECIMAL_MAX + 1];      /**< canonical decimal, >= 0 */
  char usd[DECIMAL_MAX + 1];         /**< canonical decimal; "" when absent */
  int64_t time_us;                   /**< microseconds since 1970, UTC */
  int64_t block;                     /**< -1 when absent */
  int32_t pos;                       /**< -1 when absent */
};

/** One label, validated. Empty strings stand for absent optional fields. */
struct label_row {
  enum chain chain;
  char address[ADDRESS_MAX + 1];     /**< canonical */
  char category[CATEGORY_MAX + 1];   /**< one of the configured categories */
  char entity[ENTITY_MAX + 1];
  char incident_id[ENTITY_MAX + 1];
  char source[SOURCE_MAX + 1];
};

/** Where a record starts: physical line (1-based) and record number (1-based,
 *  the header of a CSV body not counted). */
struct ingest_pos {
  uint64_t line;
  uint64_t record;
};

/** What the parser reports. `on_row` returning non-zero stops the parse. */
struct ingest_sink {
  int (*on_flow) (void *ctx, struct ingest_pos pos, const struct flow_row *row);
  int (*on_label) (void *ctx, struct ingest_pos pos, const struct label_row *row);
  /** A record refused: `code` a stable snake_case code (invalid_address,
   *  missing_field, ...), `field` the field at fault or NULL, `reason` words. */
  void (*on_reject) (void *ctx, struct ingest_pos pos, const char *code,
                     const char *field, const char *reason);
  /** A column or key that is not part of the format: reported once per name. */
  void (*on_ignored_field) (void *ctx, const char *name);
  void *ctx;
};

/** Answers whether a label category is one of the configured set. */
typedef bool (*category_known_fn) (const char *category);

struct ingest;

struct ingest *ingest_new (enum ingest_kind kind, enum ingest_format format,
                           category_known_fn category_known,
                           const struct ingest_sink *sink);

/**
 * Feeds the next `len` bytes of the body. Returns 0, or -1 when the body as
 * a whole is unusable (not a JSON array, a CSV without the required header,
 * a sink that asked to stop); ingest_error() then says why.
 */
int ingest_feed (struct ingest *in, const char *data, size_t len);

/** Ends the body: flushes a last record without a newline; -1 as above
 *  (for instance a JSON array that is never closed). */
int ingest_finish (struct ingest *in);

/** Why the body was refused as a whole: a stable code and words. */
const char *ingest_error_code (const struct ingest *in);
const char *ingest_error (const struct ingest *in);

void ingest_free (struct ingest *in);

/** Parses a whole RFC 3339 timestamp ("2024-01-02T03:04:05.123Z", offsets
 *  allowed and converted to UTC); 0 on success. */
int rfc3339_parse (const char *s, size_t len, int64_t *time_us);

/** Writes `time_us` as RFC 3339 UTC with microseconds when non-zero
 *  ("2024-01-02T03:04:05Z", "2024-01-02T03:04:05.123456Z"). */
void rfc3339_format (int64_t time_us, char out[32]);

/** Checks a non-negative decimal ("12", "0.5", no sign, no exponent) and
 *  writes its canonical form (no leading zeros); 0 on success. */
int decimal_normalize (const char *s, size_t len, char out[DECIMAL_MAX + 1]);

#endif
/* end of ingest.h */
