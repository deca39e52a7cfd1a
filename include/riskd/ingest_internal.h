/*
 * ingest_internal.h -- what the pieces of the import parser share; private
 * to server/ingest*.c, server/timefmt.c and server/decimal.c.
 *
 * The parser is split by concern:
 *   ingest.c       the parser object, the chunk entry points, the UTF-8 BOM,
 *                  record bookkeeping, rejections and body-level refusals;
 *   ingest_csv.c   RFC 4180 framing and the header -> field mapping;
 *   ingest_json.c  NDJSON lines and the elements of a top-level JSON array,
 *                  each parsed with jansson into field values;
 *   ingest_row.c   the field table of each kind and the checks that turn
 *                  field values into a flow_row or label_row.
 * A framer hands ingest_emit() one array of values indexed like the field
 * table, whatever the format, so every format is validated by the same code.
 */
#ifndef RISKD_INGEST_INTERNAL_H
#define RISKD_INGEST_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "riskd/ingest.h"

/** Deepest nesting of arrays and objects accepted inside one JSON record:
 *  records are flat objects, so anything deeper is a mistake or an attack. */
#define INGEST_DEPTH_MAX 32
/** Most fields a kind has (flows: 9 plus block and pos). */
#define INGEST_FIELDS_MAX 11
/** Distinct unknown field names remembered for "report once"; past this
 *  many, further unknown names are no longer reported (memory stays bounded
 *  even when every NDJSON line invents a new key). */
#define INGEST_IGNORED_MAX 64
/** Longest unknown field name remembered (longer names are compared and
 *  reported by this prefix). */
#define INGEST_IGNORED_NAME_MAX 128

/** What a field holds in the record as sent. CSV only produces ABSENT and
 *  STRING; JSON produces the rest too. */
enum ingest_value_type {
  VAL_ABSENT = 0,   /**< not sent, or sent empty */
  VAL_NULL,         /**< JSON null */
  VAL_STRING,       /**< text, in `text`/`len` */
  VAL_INTEGER,      /**< JSON integer, in `integer` */
  VAL_REAL,         /**< JSON number with a fraction or exponent */
  VAL_OTHER         /**< JSON true, false, object or array */
};

/** One field of a record, before checking. */
struct ingest_value {
  enum ingest_value_type type;
  const char *text;           /**< VAL_STRING: the bytes, not NUL-terminated */
  size_t len;                 /**< VAL_STRING: their number */
  long long integer;          /**< VAL_INTEGER: the value */
};

/** Why a record was refused, as handed to on_reject. */
struct ingest_reject {
  const char *code;           /**< stable snake_case code */
  const char *field;          /**< field at fault, or NULL */
  char reason[256];           /**< words for a person */
};

/** The row being built, whichever the kind. */
union ingest_row {
  struct flow_row flow;
  struct label_row label;
};

/* ---- field table and checks (ingest_row.c) ---- */

/** Number of fields of `kind`. */
size_t ingest_field_count (enum ingest_kind kind);

/** Name of field `i` of `kind`. */
const char *ingest_field_name (enum ingest_kind kind, size_t i);

/** True if field `i` must be present in every record (and so its CSV
 *  column must be in the header). */
bool ingest_field_required (enum ingest_kind kind, size_t i);

/** Index of the field called name[0..len) in `kind`, or -1. */
int ingest_field_index (enum ingest_kind kind, const char *name, size_t len);

/** Why text is unusable: NULL when it is valid UTF-8 free of control
 *  characters (bytes below 0x20 and 0x7f, NUL in particular). */
const char *ingest_text_problem (const unsigned char *s, size_t len);

/**
 * Checks the values of one record (vals[i] is field i of the table) and
 * fills `row`. Returns 0, or -1 with `rej` saying which check failed first
 * (fields are checked in table order, chain first).
 */
int ingest_row_build (enum ingest_kind kind, category_known_fn category_known,
                      const struct ingest_value vals[INGEST_FIELDS_MAX],
                      union ingest_row *row, struct ingest_reject *rej);

/* ---- reasons behind rfc3339_parse and decimal_normalize failures ---- */

/** What rfc3339_parse() returns; negative values are failures. */
enum rfc3339_error {
  RFC3339_OK = 0,
  RFC3339_SYNTAX = -1,         /**< not YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM) */
  RFC3339_BAD_YEAR = -2,       /**< outside 0001..9999, in UTC too */
  RFC3339_BAD_MONTH = -3,      /**< month outside 01..12 */
  RFC3339_BAD_DAY = -4,        /**< no such day in that month and year */
  RFC3339_BAD_HOUR = -5,       /**< hour outside 00..23 */
  RFC3339_BAD_MINUTE = -6,     /**< minute outside 00..59 */
  RFC3339_LEAP_SECOND = -7,    /**< second 60 */
  RFC3339_BAD_SECOND = -8,     /**< second outside 00..59 (and not 60) */
  RFC3339_LONG_FRACTION = -9,  /**< more than 9 fractional digits */
  RFC3339_BAD_OFFSET = -10     /**< offset hours > 23 or minutes > 59 */
};

/** A sentence for an rfc3339_parse() failure. */
const char *rfc3339_error_reason (int err);

/** What decimal_normalize() returns; negative values are failures. */
enum decimal_error {
  DECIMAL_OK = 0,
  DECIMAL_EMPTY = -1,          /**< nothing given */
  DECIMAL_TOO_LONG = -2,       /**< more than DECIMAL_MAX characters */
  DECIMAL_NEGATIVE = -3,       /**< starts with '-' */
  DECIMAL_PLUS = -4,           /**< starts with '+' */
  DECIMAL_EXPONENT = -5,       /**< has an 'e' or 'E' */
  DECIMAL_NO_INTEGER = -6,     /**< ".5" */
  DECIMAL_NO_FRACTION = -7,    /**< "1." */
  DECIMAL_SYNTAX = -8          /**< anything else that is not digits[.digits] */
};

/** A sentence for a decimal_normalize() failure. */
const char *decimal_error_reason (int err);

/* ---- framer state ---- */

/** Where the CSV state machine is inside the current record. */
enum csv_at {
  CSV_FIELD_START,             /**< before the first byte of a field */
  CSV_UNQUOTED,                /**< inside an unquoted field */
  CSV_QUOTED,                  /**< inside a quoted field */
  CSV_QUOTE_IN_QUOTED          /**< saw '"' in a quoted field: "" or the end */
};

/** State of the CSV framer (ingest_csv.c). */
struct csv_state {
  enum csv_at at;              /**< position in the quoting grammar */
  bool cr_pending;             /**< an unquoted CR waits: CRLF ends a record */
  const char *malformed;       /**< the record's first quoting error, or NULL */
  uint32_t *field_end;         /**< field_end[i]: end of field i in rec */
  size_t n_fields;             /**< fields closed so far in this record */
  size_t cap_fields;           /**< room in field_end */
  bool have_header;            /**< the header record has been read */
  int *column_field;           /**< per header column: field index or -1 */
  size_t n_columns;            /**< columns in the header */
};

/** Tracks JSON strings and nesting byte by byte, enough to find where an
 *  element ends and how deep it goes without parsing it. */
struct json_scan {
  bool in_string;              /**< inside "..." */
  bool escape;                 /**< the previous byte was a backslash */
  uint64_t depth;              /**< open objects and arrays */
  bool too_deep;               /**< depth went past INGEST_DEPTH_MAX */
};

/** Where the JSON array splitter is in the body. */
enum json_at {
  ARRAY_BEFORE,                /**< before the opening '[' */
  ARRAY_EXPECT_FIRST,          /**< after '[': an element or ']' */
  ARRAY_EXPECT_NEXT,           /**< after ',': an element */
  ARRAY_IN_ELEMENT,            /**< inside an element */
  ARRAY_AFTER                  /**< after the closing ']': whitespace only */
};

/** State of the JSON and NDJSON framers (ingest_json.c). */
struct json_state {
  enum json_at at;             /**< JSON array only */
  struct json_scan scan;       /**< strings and depth of the current record */
};

/** The parser object behind the opaque `struct ingest`. */
struct ingest {
  enum ingest_kind kind;                 /**< flows or labels */
  enum ingest_format format;             /**< CSV, NDJSON or JSON */
  category_known_fn category_known;      /**< label category check */
  struct ingest_sink sink;               /**< where records go */

  char *rec;                    /**< kept bytes of the record being framed */
  size_t rec_len;               /**< bytes kept in rec */
  size_t rec_raw;               /**< bytes of the record seen, kept or not */
  bool rec_too_long;            /**< rec_raw passed INGEST_RECORD_MAX */
  bool in_record;               /**< a record has started and not ended */
  struct ingest_pos rec_pos;    /**< where the current record started */
  uint64_t line;                /**< physical line of the next byte */
  uint64_t records;             /**< records finished (CSV header excluded) */

  unsigned bom_seen;            /**< bytes of a leading BOM matched so far */
  bool bom_done;                /**< past the place where a BOM may be */

  bool failed;                  /**< the body was refused; feed returns -1 */
  const char *error_code;       /**< why, as a stable code */
  char error[256];              /**< why, in words */

  char *ignored[INGEST_IGNORED_MAX];  /**< unknown names already reported,
                                           as received (cut to the max) */
  size_t ignored_len[INGEST_IGNORED_MAX];  /**< their lengths in bytes */
  size_t n_ignored;             /**< entries used in ignored */

  struct ingest_reject reject;  /**< scratch for the current rejection */
  union ingest_row row;         /**< scratch for the current row */
  struct csv_state csv;         /**< CSV framer */
  struct json_state json;       /**< JSON and NDJSON framers */
};

/* ---- shared helpers (ingest.c) ---- */

/** Starts a record at the current line. */
void ingest_rec_start (struct ingest *in);

/** Counts one byte of the current record; true while the record is still
 *  within INGEST_RECORD_MAX, i.e. the byte may be kept in rec. */
bool ingest_rec_take (struct ingest *in);

/** Refuses the whole body (first refusal wins); returns -1. */
int ingest_refuse (struct ingest *in, const char *code, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/** Reports the current record as refused; never stops the parse. */
void ingest_reject (struct ingest *in, const char *code, const char *field,
                    const char *fmt, ...)
  __attribute__ ((format (printf, 4, 5)));

/** Checks the values of the current record and hands the row or the
 *  rejection to the sink; -1 (body refused, "aborted") when the sink
 *  asked to stop. */
int ingest_emit (struct ingest *in, const struct ingest_value vals[]);

/** Reports an unknown column or key, once per name. */
void ingest_ignore (struct ingest *in, const char *name, size_t len);

/** A member of a flat record (ingest_flat.c). */
struct flat_member {
  const char *key;
  size_t key_len;
  struct ingest_value value;
};

/** Reads rec[0, len) when it is a flat JSON object that needs no decoding:
 *  ASCII strings without escapes, integers of at most 18 digits, null,
 *  true, false, no key twice; the values point into rec. Returns the
 *  number of members (at most max), or -1 for anything else, which
 *  jansson then parses (and refuses with its own message when it must). */
int ingest_flat_parse (const char *rec, size_t len, struct flat_member *out, size_t max);

/* ---- framers ---- */

/** CSV: frames `len` bytes; -1 when the body is refused. */
int ingest_csv_feed (struct ingest *in, const unsigned char *p, size_t len);
/** CSV: ends the body. */
int ingest_csv_finish (struct ingest *in);
/** CSV: frees the framer's memory. */
void ingest_csv_free (struct ingest *in);

/** NDJSON: frames `len` bytes; -1 when the body is refused. */
int ingest_ndjson_feed (struct ingest *in, const unsigned char *p, size_t len);
/** NDJSON: ends the body (a last line without newline). */
int ingest_ndjson_finish (struct ingest *in);

/** JSON array: frames `len` bytes; -1 when the body is refused. */
int ingest_json_feed (struct ingest *in, const unsigned char *p, size_t len);
/** JSON array: ends the body; -1 when the array was never closed. */
int ingest_json_finish (struct ingest *in);

#endif
/* end of ingest_internal.h */
