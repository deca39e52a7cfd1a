/*
 * ingest_json.c -- framing for NDJSON bodies and top-level JSON arrays;
 * each record (a line, an element) is then parsed with jansson.
 *
 * NDJSON: a record is one line; blank lines are skipped.
 *
 * JSON: the body is one array of objects, possibly gigabytes long, so it is
 * never parsed as a whole. A small state machine (enum json_at) walks the
 * array's punctuation, and within an element a scanner (struct json_scan)
 * follows strings, escapes and nesting depth: the element ends at the first
 * ',' or ']' that is outside any string and at depth 0. Only that element is
 * buffered and handed to json_loadb(). A broken element such as {"a":} is
 * rejected on its own; a body that is not an array, or whose array is never
 * closed or is followed by more text, is refused as a whole.
 *
 * In both formats, nesting deeper than INGEST_DEPTH_MAX is rejected before
 * jansson sees it (records are flat objects), and a record longer than
 * INGEST_RECORD_MAX is skipped to its end without being kept.
 */
#include <jansson.h>
#include <string.h>
#include "riskd/ingest_internal.h"

/** Flags for every record: duplicate keys are ambiguous, and NUL inside a
 *  string is let through so the field checks can name the field. Any JSON
 *  value is accepted so that "not an object" gets its own clear reason. */
#define RECORD_FLAGS (JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY)

/** True for the four JSON whitespace bytes. */
static bool
is_ws (unsigned char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/** Follows strings and nesting over one byte of a record. */
static void
scan_byte (struct json_scan *s, unsigned char c)
{
  if (s->in_string)
  {
    if (s->escape)
      s->escape = false;
    else if (c == '\\')
      s->escape = true;
    else if (c == '"')
      s->in_string = false;
    return;
  }
  if (c == '"')
    s->in_string = true;
  else if (c == '{' || c == '[')
  {
    if (++s->depth > INGEST_DEPTH_MAX)
      s->too_deep = true;
  }
  else if ((c == '}' || c == ']') && s->depth > 0)
    s->depth--;   /* an unbalanced closer is left for jansson to refuse */
}

/** Starts a record with a fresh scanner. */
static void
record_start (struct ingest *in)
{
  ingest_rec_start (in);
  memset (&in->json.scan, 0, sizeof in->json.scan);
}

/** Adds one byte to the current record: kept while within the limit, and
 *  always scanned, since the end of an over-long element must be found. */
static void
record_byte (struct ingest *in, unsigned char c)
{
  if (ingest_rec_take (in))
    in->rec[in->rec_len++] = (char) c;
  scan_byte (&in->json.scan, c);
}

/** Copies a jansson message as printable ASCII: it may quote bytes of the
 *  input, and the reason must be safe to put in any JSON or log line. */
static void
clean_copy (char *dst, size_t size, const char *src)
{
  size_t i = 0;

  for (; src[i] != '\0' && i + 1 < size; i++)
  {
    unsigned char c = (unsigned char) src[i];
    dst[i] = c >= 0x20 && c < 0x7f ? (char) c : '?';
  }
  dst[i] = '\0';
}

/** The typed value of a JSON member, as the field checks want it. */
static struct ingest_value
value_of (json_t *v)
{
  struct ingest_value out = { .type = VAL_OTHER };

  switch (json_typeof (v))
  {
  case JSON_STRING:
    out.type = VAL_STRING;
    out.text = json_string_value (v);
    out.len = json_string_length (v);
    break;
  case JSON_INTEGER:
    out.type = VAL_INTEGER;
    out.integer = json_integer_value (v);
    break;
  case JSON_REAL:
    out.type = VAL_REAL;
    break;
  case JSON_NULL:
    out.type = VAL_NULL;
    break;
  default:
    break;
  }
  return out;
}

/** Parses the buffered record and hands it on; the record ends here. */
static int
end_record (struct ingest *in)
{
  struct ingest_value vals[INGEST_FIELDS_MAX] = { { 0 } };
  json_error_t err;
  const char *key;
  json_t *member;

  in->in_record = false;
  in->records++;
  if (in->rec_too_long)
  {
    ingest_reject (in, "record_too_long", NULL,
                   "record longer than %d bytes, skipped", INGEST_RECORD_MAX);
    return 0;
  }
  if (in->json.scan.too_deep)
  {
    ingest_reject (in, "too_deep", NULL,
                   "nested deeper than %d levels of objects and arrays",
                   INGEST_DEPTH_MAX);
    return 0;
  }
  struct flat_member flat[2 * INGEST_FIELDS_MAX];
  int n = ingest_flat_parse (in->rec, in->rec_len, flat, sizeof flat / sizeof *flat);
  if (n >= 0)                   /* the common case, without a jansson tree */
  {
    for (int i = 0; i < n; i++)
    {
      int field = ingest_field_index (in->kind, flat[i].key, flat[i].key_len);
      if (field < 0)
        ingest_ignore (in, flat[i].key, flat[i].key_len);
      else
        vals[field] = flat[i].value;
    }
    return ingest_emit (in, vals);
  }
  json_t *doc = json_loadb (in->rec, in->rec_len, RECORD_FLAGS, &err);
  if (doc == NULL)
  {
    char text[JSON_ERROR_TEXT_LENGTH];
    clean_copy (text, sizeof text, err.text);
    ingest_reject (in, "invalid_json", NULL, "%s (column %d)%s", text,
                   err.column, strstr (err.text, "too big integer")
                   ? ": send large numbers as strings" : "");
    return 0;
  }
  if (!json_is_object (doc))
  {
    ingest_reject (in, "invalid_json", NULL, "expected a JSON object");
    json_decref (doc);
    return 0;
  }
  json_object_foreach (doc, key, member)
  {
    int field = ingest_field_index (in->kind, key, strlen (key));
    if (field < 0)
      ingest_ignore (in, key, strlen (key));
    else
      vals[field] = value_of (member);
  }
  int r = ingest_emit (in, vals);
  json_decref (doc);
  return r;
}

/* ---- NDJSON ---- */

/** One byte of an NDJSON body. */
static int
ndjson_byte (struct ingest *in, unsigned char c)
{
  if (c == '\n')
  {
    int r = in->in_record ? end_record (in) : 0;
    in->line++;
    return r;
  }
  if (!in->in_record)
  {
    if (is_ws (c))
      return 0;   /* leading blanks, or a blank line */
    record_start (in);
  }
  record_byte (in, c);
  return 0;
}

int
ingest_ndjson_feed (struct ingest *in, const unsigned char *p, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (ndjson_byte (in, p[i]) != 0 || in->failed)
      return -1;
  return 0;
}

int
ingest_ndjson_finish (struct ingest *in)
{
  if (in->in_record && end_record (in) != 0)
    return -1;
  return in->failed ? -1 : 0;
}

/* ---- JSON array ---- */

/** One byte of a JSON array body. */
static int
json_byte (struct ingest *in, unsigned char c)
{
  struct json_state *js = &in->json;
  int r = 0;

  switch (js->at)
  {
  case ARRAY_BEFORE:
    if (c == '[')
      js->at = ARRAY_EXPECT_FIRST;
    else if (!is_ws (c))
      r = ingest_refuse (in, "invalid_json",
                         "the body must be a JSON array of objects, "
                         "starting with '['");
    break;
  case ARRAY_EXPECT_FIRST:
  case ARRAY_EXPECT_NEXT:
    if (is_ws (c))
      break;
    if (c == ']' && js->at == ARRAY_EXPECT_FIRST)
      js->at = ARRAY_AFTER;   /* [] */
    else if (c == ']' || c == ',')
      r = ingest_refuse (in, "invalid_json",
                         "line %llu: an array element is missing before '%c'",
                         (unsigned long long) in->line, c);
    else
    {
      record_start (in);
      js->at = ARRAY_IN_ELEMENT;
      record_byte (in, c);
    }
    break;
  case ARRAY_IN_ELEMENT:
    if (!js->scan.in_string && js->scan.depth == 0 && (c == ',' || c == ']'))
    {
      js->at = c == ',' ? ARRAY_EXPECT_NEXT : ARRAY_AFTER;
      r = end_record (in);
    }
    else
      record_byte (in, c);
    break;
  case ARRAY_AFTER:
    if (!is_ws (c))
      r = ingest_refuse (in, "invalid_json",
                         "line %llu: text after the closing ']' of the array",
                         (unsigned long long) in->line);
    break;
  }
  if (c == '\n')
    in->line++;
  return r;
}

int
ingest_json_feed (struct ingest *in, const unsigned char *p, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (json_byte (in, p[i]) != 0 || in->failed)
      return -1;
  return 0;
}

int
ingest_json_finish (struct ingest *in)
{
  switch (in->json.at)
  {
  case ARRAY_AFTER:
    return in->failed ? -1 : 0;
  case ARRAY_BEFORE:
    return ingest_refuse (in, "invalid_json",
                          "the body is empty: expected a JSON array");
  default:
    return ingest_refuse (in, "invalid_json",
                          "the array is not closed: the body ended before "
                          "its final ']'");
  }
}

/* end of ingest_json.c */
