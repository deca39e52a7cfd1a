/*
 * test_jsonw.c -- the JSON writer writes what jansson writes (json_dumps
 * with JSON_COMPACT | JSON_REAL_PRECISION (15)), byte for byte: reals at
 * the roundings riskd uses and at extremes, every escape, UTF-8, and
 * refuses what jansson refuses.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include "riskd/jsonw.h"
#include "unit.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION (15))

/** jansson's text of v (consumed), or NULL. */
static char *
jansson_text (json_t *v)
{
  char *s = v ? json_dumps (v, DUMP_FLAGS) : NULL;
  json_decref (v);
  return s;
}

static int
same_real (double x)
{
  struct jsonw w;
  size_t len;

  jsonw_init (&w);
  jsonw_real (&w, x);
  char *mine = jsonw_finish (&w, &len), *theirs = jansson_text (json_real (x));
  int same = mine && theirs && strcmp (mine, theirs) == 0 && strlen (mine) == len;
  if (!same)
    printf ("#   %.17g: jsonw %s, jansson %s\n", x, mine ? mine : "(null)", theirs ? theirs : "(null)");
  free (mine);
  free (theirs);
  return same;
}

static void
test_reals_as_jansson (void)
{
  static const double fixed[] = {
    0, -0.0, 1, -1, 0.5, 100, 99.9, 1e-6, 1e-8, 1.5e-7, 123456789012345678.0, 1e15, 1e16,
    1e17, 1e21, 1e100, 1e-100, 5e-324, 1.7976931348623157e308, 7475.08305648, 0.999989,
    2.0 / 3.0, 1.0 / 3.0 * 1e-5,
  };
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    CHECK (same_real (fixed[i]));
  /* the roundings of risk documents: 2 decimals (scores), 6 (shares), 8 (money) */
  srand (42);
  for (int i = 0; i < 20000; i++)
  {
    double x = (double) rand () / RAND_MAX * pow (10, rand () % 24 - 12);
    CHECK (same_real (round (x * 100) / 100));
    CHECK (same_real (round (x * 1e6) / 1e6));
    CHECK (same_real (round (x * 1e8) / 1e8));
    CHECK (same_real (x));
  }
}

static void
test_non_finite_refused (void)
{
  struct jsonw w;
  size_t len;

  jsonw_init (&w);
  jsonw_real (&w, NAN);
  CHECK (jsonw_finish (&w, &len) == NULL);
  jsonw_init (&w);
  jsonw_real (&w, INFINITY);
  CHECK (jsonw_finish (&w, &len) == NULL);
}

/** The writer's and jansson's text of the string s; 1 when both agree
 *  (both refusing counts as agreeing). */
static int
same_string (const char *s)
{
  struct jsonw w;
  size_t len;

  jsonw_init (&w);
  jsonw_string (&w, s);
  char *mine = jsonw_finish (&w, &len), *theirs = jansson_text (json_string (s));
  int same = (mine == NULL && theirs == NULL) || (mine && theirs && strcmp (mine, theirs) == 0);
  if (!same)
    printf ("#   string: jsonw %s, jansson %s\n", mine ? mine : "(null)", theirs ? theirs : "(null)");
  free (mine);
  free (theirs);
  return same;
}

static void
test_strings_as_jansson (void)
{
  char s[4];

  for (int c = 1; c < 256; c++)                      /* every single byte */
  {
    s[0] = (char) c, s[1] = '\0';
    CHECK (same_string (s));
  }
  CHECK (same_string (""));
  CHECK (same_string ("Lazarus \"TraderTraitor\" \\ path/to\tx\r\n"));
  CHECK (same_string ("Atomic Wallet — 2023, ₿, 🐉, 北朝鮮"));
  CHECK (same_string ("\xc0\xaf"));                   /* overlong */
  CHECK (same_string ("\xed\xa0\x80"));               /* a surrogate */
  CHECK (same_string ("\xf4\x90\x80\x80"));           /* above U+10FFFF */
  CHECK (same_string ("ok\xe2\x82"));                 /* cut short */
}

static void
test_document_as_jansson (void)
{
  struct jsonw w;
  size_t len;

  jsonw_init (&w);
  jsonw_begin_object (&w);
  jsonw_key (&w, "a");
  jsonw_int (&w, -42);
  jsonw_key (&w, "b");
  jsonw_begin_array (&w);
  jsonw_bool (&w, true);
  jsonw_string_or_null (&w, "");
  jsonw_begin_object (&w);
  jsonw_end_object (&w);
  jsonw_begin_array (&w);
  jsonw_end_array (&w);
  jsonw_real (&w, 1.25);
  jsonw_raw (&w, "{\"x\":1}", 7);
  jsonw_end_array (&w);
  jsonw_key (&w, "c");
  jsonw_string_or_null (&w, "d");
  jsonw_end_object (&w);
  char *mine = jsonw_finish (&w, &len);
  /* jansson writes members in the order they were set; the writer too */
  char *packed = jansson_text (json_pack ("{s:I, s:[b, n, {}, [], f, {s:i}], s:s}", "a",
                                          (json_int_t) -42, "b", 1, 1.25, "x", 1, "c", "d"));
  CHECK_STR (mine, "{\"a\":-42,\"b\":[true,null,{},[],1.25,{\"x\":1}],\"c\":\"d\"}");
  CHECK_STR (packed, mine ? mine : "");
  CHECK (mine && len == strlen (mine));
  free (mine);
  free (packed);
}

int
main (void)
{
  RUN (test_reals_as_jansson);
  RUN (test_non_finite_refused);
  RUN (test_strings_as_jansson);
  RUN (test_document_as_jansson);
  return unit_done ();
}

/* end of test_jsonw.c */
