/*
 * test_ingest_flat.c -- the flat-record reader agrees with jansson: every
 * record it accepts, jansson parses (with the flags of ingest_json.c) to an
 * object with the same members, in the same order, of the same types and
 * values; and it declines what it cannot read exactly.
 */
#include <jansson.h>
#include <stdlib.h>
#include "riskd/ingest_internal.h"
#include "unit.h"

#define RECORD_FLAGS (JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY)

/** 1 when ingest_flat_parse and jansson agree on rec; *flat_n gets the
 *  flat reader's answer. */
static int
agrees (const char *rec, size_t len, int *flat_n)
{
  struct flat_member m[32];
  int n = ingest_flat_parse (rec, len, m, 32);

  *flat_n = n;
  if (n < 0)
    return 1;                   /* declined: jansson decides, nothing to compare */
  json_t *doc = json_loadb (rec, len, RECORD_FLAGS, NULL);
  int ok = json_is_object (doc) && json_object_size (doc) == (size_t) n;
  const char *key;
  json_t *v;
  int i = 0;
  json_object_foreach (doc, key, v)
  {
    if (!ok || i >= n)
      break;
    ok = strlen (key) == m[i].key_len && memcmp (key, m[i].key, m[i].key_len) == 0;
    switch (m[i].value.type)
    {
    case VAL_STRING:
      ok = ok && json_is_string (v) && json_string_length (v) == m[i].value.len
           && memcmp (json_string_value (v), m[i].value.text, m[i].value.len) == 0;
      break;
    case VAL_INTEGER:
      ok = ok && json_is_integer (v) && json_integer_value (v) == m[i].value.integer;
      break;
    case VAL_NULL:
      ok = ok && json_is_null (v);
      break;
    case VAL_OTHER:
      ok = ok && json_is_boolean (v);
      break;
    default:
      ok = 0;
    }
    i++;
  }
  if (!ok)
    printf ("#   disagree on: %.*s\n", (int) len, rec);
  json_decref (doc);
  return ok;
}

static int
accepted (const char *rec)
{
  int n;
  return agrees (rec, strlen (rec), &n) && n >= 0;
}

static int
declined (const char *rec)
{
  int n;
  return agrees (rec, strlen (rec), &n) && n < 0;
}

static void
test_common_records_read (void)
{
  CHECK (accepted ("{\"chain\":\"eth\",\"tx_hash\":\"0xab\",\"idx\":0,\"amount\":\"1.5\",\"usd\":null}"));
  CHECK (accepted (" { \"a\" : \"x\" , \"b\" : -12 ,\"c\":true,\"d\":false } \r\n"));
  CHECK (accepted ("{}"));
  CHECK (accepted ("{\"idx\":-0}"));
  CHECK (accepted ("{\"n\":999999999999999999}"));      /* 18 digits */
  CHECK (accepted ("{\"s\":\"\"}"));
  CHECK (accepted ("{\"\":1}"));
  CHECK (accepted ("{\"s\":\"a/b ~ \x7f\"}"));
}

static void
test_other_records_left_to_jansson (void)
{
  static const char *const others[] = {
    "{\"s\":\"\\u0041\"}",          /* an escape */
    "{\"s\":\"caf\xc3\xa9\"}",       /* non-ASCII */
    "{\"s\":\"\xff\"}",             /* not UTF-8 */
    "{\"n\":1.5}", "{\"n\":1e3}", "{\"n\":1E3}", "{\"n\":01}", "{\"n\":-}", "{\"n\":+1}",
    "{\"n\":1234567890123456789}",  /* 19 digits */
    "{\"n\":99999999999999999999999}",  /* would overflow (found by fuzz_ingest) */
    "{\"o\":{}}", "{\"a\":[1]}", "[1]", "\"x\"", "1", "",
    "{\"a\":1,\"a\":2}",            /* a repeated key */
    "{\"a\":1,}", "{,}", "{\"a\" 1}", "{\"a\":1} x", "{\"a\":1", "{\"a\":nul}", "{\"a\":tru}",
    "{\"a\":\"x", "{\"a\":\"tab\there\"}", "{a:1}", "{\"a\":1}}",
  };
  for (size_t i = 0; i < sizeof others / sizeof *others; i++)
    CHECK (declined (others[i]));
  /* a raw NUL inside a string */
  int n;
  CHECK (agrees ("{\"a\":\"x\0y\"}", 11, &n) && n < 0);
}

static void
test_too_many_members_declined (void)
{
  char rec[600] = "{";
  struct flat_member m[5];

  for (int i = 0; i < 5; i++)
    snprintf (rec + strlen (rec), sizeof rec - strlen (rec), "%s\"k%d\":%d", i ? "," : "", i, i);
  strcat (rec, "}");
  CHECK (ingest_flat_parse (rec, strlen (rec), m, 4) == -1);
  CHECK (ingest_flat_parse (rec, strlen (rec), m, 5) == 5);
}

/** Random records: objects of random members (keys that may repeat;
 *  values of every kind, some with escapes or non-ASCII), random white
 *  space, and one byte in four records changed: whatever the flat reader
 *  accepts, jansson reads the same way. */
static void
test_random_records_agree (void)
{
  static const char *const keys[] = { "a", "b", "chain", "idx", "", "k l" };
  static const char *const values[] = {
    "\"x\"", "\"\"", "\"0xAB cd\"", "\"\\n\"", "\"\xc3\xa9\"", "0", "-0", "7", "-42",
    "123456789012345678", "1234567890123456789", "1.5", "2e3", "01", "null", "true", "false",
    "{}", "[1]", "-",
  };
  static const char *const ws[] = { "", "", "", " ", "\n", "\t", "\r\n" };
  static const char noise[] = "{}[]:,\"\\ 0-e.an\x01\xff";
  char rec[512];
  int n, read = 0;

  srand (7);
  for (int t = 0; t < 100000; t++)
  {
    size_t len = 0;
#define ADD(s) do { const char *s_ = (s); size_t l_ = strlen (s_); if (len + l_ < sizeof rec) memcpy (rec + len, s_, l_), len += l_; } while (0)
    ADD (ws[rand () % 7]);
    ADD ("{");
    for (int i = 0, k = rand () % 6; i < k; i++)
    {
      ADD (i ? "," : "");
      ADD (ws[rand () % 7]);
      ADD ("\"");
      ADD (keys[rand () % 6]);
      ADD ("\"");
      ADD (ws[rand () % 7]);
      ADD (":");
      ADD (ws[rand () % 7]);
      ADD (values[rand () % (sizeof values / sizeof *values)]);
      ADD (ws[rand () % 7]);
    }
    ADD ("}");
    ADD (ws[rand () % 7]);
#undef ADD
    if (rand () % 4 == 0 && len > 0)
      rec[rand () % len] = noise[rand () % (sizeof noise - 1)];
    CHECK (agrees (rec, len, &n));
    read += n >= 0;
  }
  printf ("#   %d of 100000 random records read by the flat reader\n", read);
  CHECK (read > 10000);       /* the test reaches the accepting side */
}

int
main (void)
{
  RUN (test_common_records_read);
  RUN (test_other_records_left_to_jansson);
  RUN (test_too_many_members_declined);
  RUN (test_random_records_agree);
  return unit_done ();
}

/* end of test_ingest_flat.c */
