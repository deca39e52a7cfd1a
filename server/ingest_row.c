/*
 * ingest_row.c -- the fields of flows and labels, and the checks that turn
 * one record's values into a validated row.
 *
 * Each kind is described by a table: field name, how it is checked, whether
 * it is required, where the result goes in the row, the longest text, and
 * the code for a value that fails its check. ingest_row_build() walks the
 * table in order and stops at the first failure, so the reported field is
 * deterministic; chain comes first because addresses and hashes are checked
 * for the row's chain. Values arrive typed (string, integer, real, ...) the
 * same way from CSV and JSON, so the rules below hold for every format.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "riskd/ingest_internal.h"

/** How a field is checked and stored. */
enum field_check {
  FIELD_CHAIN,      /**< a chain name -> enum chain */
  FIELD_TXHASH,     /**< txhash_normalize() for the row's chain */
  FIELD_ADDRESS,    /**< address_normalize() for the row's chain */
  FIELD_INT32,      /**< 0..INT32_MAX -> int32_t; -1 when absent */
  FIELD_INT64,      /**< 0..INT64_MAX -> int64_t; -1 when absent */
  FIELD_ASSET,      /**< printable ASCII, no space or comma */
  FIELD_DECIMAL,    /**< decimal_normalize() */
  FIELD_TIME,       /**< rfc3339_parse() -> int64_t microseconds */
  FIELD_CATEGORY,   /**< one of the configured categories */
  FIELD_TEXT,       /**< any text within the size limit */
  FIELD_INCIDENT    /**< [a-z0-9][a-z0-9._-]* */
};

/** One field of a record format. */
struct field_spec {
  const char *name;          /**< key in JSON, column in CSV */
  enum field_check check;    /**< how the value is checked and stored */
  bool required;             /**< absent or empty refuses the record */
  size_t offset;             /**< where the result goes in the row */
  size_t max;                /**< longest text in bytes; 0: the check decides */
  const char *code;          /**< code when the check itself fails */
};

/** Fields of a flow, in the order of the canonical CSV header. */
static const struct field_spec flow_fields[] = {
  { "chain", FIELD_CHAIN, true, offsetof (struct flow_row, chain), 0,
    "unknown_chain" },
  { "tx_hash", FIELD_TXHASH, true, offsetof (struct flow_row, tx_hash), 0,
    "invalid_tx_hash" },
  { "idx", FIELD_INT32, true, offsetof (struct flow_row, idx), 0,
    "invalid_integer" },
  { "from", FIELD_ADDRESS, true, offsetof (struct flow_row, from), 0,
    "invalid_address" },
  { "to", FIELD_ADDRESS, true, offsetof (struct flow_row, to), 0,
    "invalid_address" },
  { "asset", FIELD_ASSET, true, offsetof (struct flow_row, asset), ASSET_MAX,
    "invalid_asset" },
  { "amount", FIELD_DECIMAL, true, offsetof (struct flow_row, amount),
    DECIMAL_MAX, "invalid_amount" },
  { "usd", FIELD_DECIMAL, false, offsetof (struct flow_row, usd), DECIMAL_MAX,
    "invalid_usd" },
  { "time", FIELD_TIME, true, offsetof (struct flow_row, time_us), 0,
    "invalid_time" },
  { "block", FIELD_INT64, false, offsetof (struct flow_row, block), 0,
    "invalid_integer" },
  { "pos", FIELD_INT32, false, offsetof (struct flow_row, pos), 0,
    "invalid_integer" },
};

/** Fields of a label, in the order of the canonical CSV header. */
static const struct field_spec label_fields[] = {
  { "chain", FIELD_CHAIN, true, offsetof (struct label_row, chain), 0,
    "unknown_chain" },
  { "address", FIELD_ADDRESS, true, offsetof (struct label_row, address), 0,
    "invalid_address" },
  { "category", FIELD_CATEGORY, true, offsetof (struct label_row, category),
    CATEGORY_MAX, "unknown_category" },
  { "entity", FIELD_TEXT, false, offsetof (struct label_row, entity),
    ENTITY_MAX, NULL },
  { "incident_id", FIELD_INCIDENT, false,
    offsetof (struct label_row, incident_id), ENTITY_MAX,
    "invalid_incident_id" },
  { "source", FIELD_TEXT, true, offsetof (struct label_row, source),
    SOURCE_MAX, NULL },
};

_Static_assert (sizeof flow_fields / sizeof flow_fields[0] <= INGEST_FIELDS_MAX,
                "INGEST_FIELDS_MAX too small for flows");
_Static_assert (sizeof label_fields / sizeof label_fields[0]
                <= INGEST_FIELDS_MAX, "INGEST_FIELDS_MAX too small for labels");

/** A kind's table and its length. */
struct field_table {
  const struct field_spec *fields;   /**< the fields, in check order */
  size_t n;                          /**< how many */
};

/** The table of each kind, indexed by enum ingest_kind. */
static const struct field_table tables[] = {
  [INGEST_FLOWS] = { flow_fields, sizeof flow_fields / sizeof flow_fields[0] },
  [INGEST_LABELS] = { label_fields,
                      sizeof label_fields / sizeof label_fields[0] },
};

size_t
ingest_field_count (enum ingest_kind kind)
{
  return tables[kind].n;
}

const char *
ingest_field_name (enum ingest_kind kind, size_t i)
{
  return tables[kind].fields[i].name;
}

bool
ingest_field_required (enum ingest_kind kind, size_t i)
{
  return tables[kind].fields[i].required;
}

int
ingest_field_index (enum ingest_kind kind, const char *name, size_t len)
{
  for (size_t i = 0; i < tables[kind].n; i++)
  {
    const char *have = tables[kind].fields[i].name;
    if (strlen (have) == len && memcmp (have, name, len) == 0)
      return (int) i;
  }
  return -1;
}

/** What one build needs besides the value at hand. */
struct build {
  char *row;                         /**< the row, as bytes for offsets */
  enum chain chain;                  /**< the row's chain, once checked */
  category_known_fn category_known;  /**< label category check */
  struct ingest_reject *rej;         /**< filled on failure */
};

/** Fills the rejection and returns -1. */
__attribute__ ((format (printf, 4, 5))) static int
fail (struct build *b, const char *code, const struct field_spec *f,
      const char *fmt, ...)
{
  va_list ap;

  b->rej->code = code;
  b->rej->field = f->name;
  va_start (ap, fmt);
  vsnprintf (b->rej->reason, sizeof b->rej->reason, fmt, ap);
  va_end (ap);
  return -1;
}

const char *
ingest_text_problem (const unsigned char *s, size_t len)
{
  for (size_t i = 0; i < len;)
  {
    unsigned char c = s[i];
    if (c < 0x80)
    {
      if (c < 0x20 || c == 0x7f)
        return "contains a control character (tab, newline, NUL, ...)";
      i++;
      continue;
    }
    /* lead byte: sequence length and the range allowed for the second
     * byte, which is where overlong forms and surrogates are excluded */
    size_t n;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf)
      n = 2;
    else if (c >= 0xe0 && c <= 0xef)
    {
      n = 3;
      lo = c == 0xe0 ? 0xa0 : 0x80;
      hi = c == 0xed ? 0x9f : 0xbf;
    }
    else if (c >= 0xf0 && c <= 0xf4)
    {
      n = 4;
      lo = c == 0xf0 ? 0x90 : 0x80;
      hi = c == 0xf4 ? 0x8f : 0xbf;
    }
    else
      return "is not valid UTF-8";
    if (i + n > len || s[i + 1] < lo || s[i + 1] > hi)
      return "is not valid UTF-8";
    for (size_t k = 2; k < n; k++)
      if (s[i + k] < 0x80 || s[i + k] > 0xbf)
        return "is not valid UTF-8";
    i += n;
  }
  return NULL;
}

/** Reads a string of decimal digits no larger than `max`; -1 if it is not. */
static long long
parse_digits (const char *s, size_t len, long long max)
{
  long long v = 0;

  if (len == 0)
    return -1;
  for (size_t i = 0; i < len; i++)
  {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    int d = s[i] - '0';
    if (v > (max - d) / 10)
      return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Largest value an integer field takes. */
static long long
int_max (const struct field_spec *f)
{
  return f->check == FIELD_INT32 ? INT32_MAX : INT64_MAX;
}

/** Stores an integer field, `n` already read; n < 0 means out of range or
 *  not a number. */
static int
store_integer (struct build *b, const struct field_spec *f, long long n)
{
  if (n < 0 || n > int_max (f))
    return fail (b, f->code, f, "must be a whole number between 0 and %lld",
                 int_max (f));
  if (f->check == FIELD_INT32)
    *(int32_t *) (b->row + f->offset) = (int32_t) n;
  else
    *(int64_t *) (b->row + f->offset) = (int64_t) n;
  return 0;
}

/** Copies checked text into its row field (f->max + 1 bytes of room). */
static void
store_text (struct build *b, const struct field_spec *f, const char *s,
            size_t len)
{
  char *dst = b->row + f->offset;

  memcpy (dst, s, len);
  dst[len] = '\0';
}

/** True if every byte is printable ASCII other than space and comma:
 *  asset symbols and token contracts never need more, and a comma would
 *  make CSV exports ambiguous. */
static bool
asset_ok (const char *s, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == ',')
      return false;
  return true;
}

/** True for [a-z0-9][a-z0-9._-]*: incident ids appear in URLs and keys. */
static bool
incident_ok (const char *s, size_t len)
{
  for (size_t i = 0; i < len; i++)
  {
    char c = s[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
      return false;
  }
  return true;
}

/** Applies the field's own check to text that is already known to be
 *  clean and within its size limit, and stores the result. */
static int
check_and_store (struct build *b, const struct field_spec *f, const char *s,
                 size_t len)
{
  char *dst = b->row + f->offset;
  enum addr_error ae;
  int err;

  switch (f->check)
  {
  case FIELD_CHAIN:
    err = chain_from_name (s, len);
    if (err < 0)
    {
      char known[128] = "";
      for (int c = 0; c < CHAIN_COUNT; c++)
      {
        size_t at = strlen (known);
        snprintf (known + at, sizeof known - at, "%s%s", c ? ", " : "",
                  chain_name ((enum chain) c));
      }
      return fail (b, f->code, f, "not a chain riskd knows (%s)", known);
    }
    b->chain = (enum chain) err;
    *(enum chain *) dst = b->chain;
    return 0;
  case FIELD_TXHASH:
    ae = txhash_normalize (b->chain, s, len, dst);
    if (ae != ADDR_OK)
      return fail (b, f->code, f, "%s", addr_error_reason (ae));
    return 0;
  case FIELD_ADDRESS:
    ae = address_normalize (b->chain, s, len, dst);
    if (ae != ADDR_OK)
      return fail (b, f->code, f, "%s", addr_error_reason (ae));
    return 0;
  case FIELD_ASSET:
    if (!asset_ok (s, len))
      return fail (b, f->code, f,
                   "must be printable ASCII without spaces or commas");
    store_text (b, f, s, len);
    return 0;
  case FIELD_DECIMAL:
    err = decimal_normalize (s, len, dst);
    if (err != DECIMAL_OK)
      return fail (b, f->code, f, "%s", decimal_error_reason (err));
    return 0;
  case FIELD_TIME:
    err = rfc3339_parse (s, len, (int64_t *) dst);
    if (err != RFC3339_OK)
      return fail (b, f->code, f, "%s", rfc3339_error_reason (err));
    return 0;
  case FIELD_CATEGORY:
    store_text (b, f, s, len);
    if (b->category_known != NULL && !b->category_known (dst))
      return fail (b, f->code, f, "not one of the configured categories");
    return 0;
  case FIELD_INCIDENT:
    if (!incident_ok (s, len))
      return fail (b, f->code, f,
                   "must be lower-case letters, digits, '.', '_' or '-', "
                   "starting with a letter or digit");
    store_text (b, f, s, len);
    return 0;
  case FIELD_TEXT:
    store_text (b, f, s, len);
    return 0;
  case FIELD_INT32:
  case FIELD_INT64:
    break;   /* handled by store_integer */
  }
  return 0;
}

/** Checks one field's value against its spec and stores it in the row. */
static int
build_field (struct build *b, const struct field_spec *f,
             const struct ingest_value *v)
{
  bool integer_field = f->check == FIELD_INT32 || f->check == FIELD_INT64;
  char number[32];
  const char *s = v->text;
  size_t len = v->len;

  if (v->type == VAL_ABSENT || v->type == VAL_NULL
      || (v->type == VAL_STRING && v->len == 0))
  {
    if (f->required)
      return fail (b, "missing_field", f, "required, but absent or empty");
    if (f->check == FIELD_INT32)
      *(int32_t *) (b->row + f->offset) = -1;
    else if (f->check == FIELD_INT64)
      *(int64_t *) (b->row + f->offset) = -1;
    return 0;
  }

  /* types: text fields want strings; integers may come as digit strings;
   * decimals as strings or integers, never as reals */
  if (v->type == VAL_INTEGER && integer_field)
    return store_integer (b, f, v->integer);
  if (v->type == VAL_INTEGER && f->check == FIELD_DECIMAL)
  {
    /* a JSON integer is exact: take its digits (a negative one is then
     * refused by decimal_normalize like "-1") */
    snprintf (number, sizeof number, "%lld", v->integer);
    s = number;
    len = strlen (number);
  }
  else if (v->type == VAL_REAL && f->check == FIELD_DECIMAL)
    return fail (b, "wrong_type", f,
                 "send it as a decimal string such as \"1.5\": a JSON number "
                 "with a fraction or exponent loses precision");
  else if (v->type != VAL_STRING)
    return fail (b, "wrong_type", f, "%s",
                 integer_field ? "must be a JSON integer or a string of digits"
                 : f->check == FIELD_DECIMAL ? "must be a decimal string"
                 : "must be a JSON string");

  const char *problem = ingest_text_problem ((const unsigned char *) s, len);
  if (problem != NULL)
    return fail (b, "invalid_text", f, "%s", problem);
  if (f->max != 0 && len > f->max)
    return fail (b, "too_long", f, "longer than %zu bytes", f->max);
  if (integer_field)
    return store_integer (b, f, parse_digits (s, len, int_max (f)));
  return check_and_store (b, f, s, len);
}

int
ingest_row_build (enum ingest_kind kind, category_known_fn category_known,
                  const struct ingest_value vals[INGEST_FIELDS_MAX],
                  union ingest_row *row, struct ingest_reject *rej)
{
  struct build b = {
    .row = (char *) row, .chain = CHAIN_BTC,
    .category_known = category_known, .rej = rej,
  };

  memset (row, 0, sizeof *row);
  for (size_t i = 0; i < tables[kind].n; i++)
    if (build_field (&b, &tables[kind].fields[i], &vals[i]) != 0)
      return -1;
  return 0;
}

/* end of ingest_row.c */
