/*
 * fuzz_json_body.c -- what a JSON request body goes through before a
 * handler acts on it: jansson's parse with rq_json_body's flags
 * (JSON_REJECT_DUPLICATES, no NUL in strings), the declarative member
 * check api_check_fields (api/body.c) with the tables (api/body_fields.c) of POST
 * /v1/screenings, /v1/risk/batch and /v1/keys, then the screening's own
 * checks: api_address (api/params.c), decimal_normalize, and
 * rfc3339_parse as GET /v1/screenings?since= uses it.
 *
 * api/body.c and api/params.c are linked as they are; the HTTP layer they
 * answer through (reply_problem*, rq_param, ...) is replaced below by
 * stubs that record the answer, so no libmicrohttpd is needed.
 *
 * Not covered: rq_json_body's depth pre-check (json_depth) is static in
 * server/http.c, so it cannot be called from here.
 *
 * Invariants:
 *   - jansson: a refusal has a message; an accepted document has no NUL
 *     inside a string, dumps and parses back to an equal document;
 *   - api_check_fields answers exactly when it returns -1, and when it
 *     returns 0 the object has only known members, every required one, each
 *     of its kind and within its length; the problem's extension, if any,
 *     is {"field": <a member of the table, plain text, or null>};
 *   - api_address answers exactly when it fails; a success is canonical;
 *   - a decimal that passes is canonical (re-normalizes to itself, no
 *     leading zero but one), never longer than what was sent;
 *   - a time that parses formats and parses back to the same instant.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include "fuzz.h"
#include "riskd/api.h"
#include "riskd/engine.h"
#include "riskd/ingest.h"

/* ---- the HTTP layer, stubbed ---- */

/** What the handler under test answered. */
static struct {
  unsigned answers;           /**< reply_problem* calls */
  enum problem problem;
  char detail[512];
  char field[256];            /**< the "field" extension, if any */
} answered;

static void
record (enum problem p, json_t *extra, const char *fmt, va_list ap)
{
  answered.answers++;
  answered.problem = p;
  answered.detail[0] = answered.field[0] = '\0';
  if (fmt != NULL)
    vsnprintf (answered.detail, sizeof answered.detail, fmt, ap);
  if (extra != NULL)
  {
    json_t *field = json_object_get (extra, "field");
    /* openapi.yaml: null names an unknown member that is not plain text */
    FUZZ_CHECK (json_is_object (extra) && json_object_size (extra) == 1
                && (json_is_string (field) || json_is_null (field)),
                "problem extension is not {\"field\": string or null}");
    snprintf (answered.field, sizeof answered.field, "%s",
              field ? json_string_value (field) ? json_string_value (field) : "" : "");
  }
  json_decref (extra);
}

void
reply_problem (struct request *rq, enum problem p, const char *detail, ...)
{
  va_list ap;

  (void) rq;
  va_start (ap, detail);
  record (p, NULL, detail, ap);
  va_end (ap);
}

void
reply_problem_with (struct request *rq, enum problem p, json_t *extra, const char *detail, ...)
{
  va_list ap;

  (void) rq;
  va_start (ap, detail);
  record (p, extra, detail, ap);
  va_end (ap);
}

const char *
rq_param (struct request *rq, const char *name)
{
  (void) rq;
  (void) name;
  return NULL;
}

struct app *
rq_app (struct request *rq)
{
  (void) rq;
  abort ();   /* api_graph is never called here */
}

struct graph *
engine_graph (struct engine *e)
{
  (void) e;
  abort ();
}

/** A dummy request: the stubs never look inside it. */
static struct request *const rq = (struct request *) &answered;

static bool
kind_ok (enum field_kind kind, json_t *v)
{
  switch (kind)
  {
  case FIELD_STRING:
    return json_is_string (v);
  case FIELD_DECIMAL:
    return json_is_string (v) || json_is_integer (v);
  case FIELD_INTEGER:
    return json_is_integer (v);
  case FIELD_ARRAY:
    return json_is_array (v);
  }
  return false;
}

/** api_check_fields against the rules it states in api.h. */
static int
check_fields (json_t *doc, const struct body_field *spec, size_t n)
{
  answered.answers = 0;
  int rc = api_check_fields (rq, doc, spec, n);
  FUZZ_CHECK (rc == 0 || rc == -1, "api_check_fields returned %d", rc);
  FUZZ_CHECK (answered.answers == (rc == 0 ? 0u : 1u), "returned %d after %u answers", rc,
              answered.answers);
  if (rc != 0)
  {
    FUZZ_CHECK (answered.problem == PROBLEM_INVALID_BODY, "problem %d", answered.problem);
    if (answered.field[0] != '\0')
    {
      bool known = false;
      for (size_t i = 0; i < n; i++)
        known |= strcmp (spec[i].name, answered.field) == 0;
      /* an unknown member is named only when it is plain text */
      FUZZ_CHECK (known || strspn (answered.field, "abcdefghijklmnopqrstuvwxyz"
                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
                  == strlen (answered.field), "problem names field '%s'", answered.field);
    }
    return rc;
  }
  FUZZ_CHECK (json_is_object (doc), "accepted a body that is not an object");
  const char *name;
  json_t *v;
  json_object_foreach (doc, name, v)
  {
    size_t i = 0;
    while (i < n && strcmp (spec[i].name, name) != 0)
      i++;
    FUZZ_CHECK (i < n, "accepted the unknown member '%s'", name);
  }
  for (size_t i = 0; i < n; i++)
  {
    v = json_object_get (doc, spec[i].name);
    if (v == NULL || json_is_null (v))
    {
      FUZZ_CHECK (!spec[i].required, "accepted without '%s'", spec[i].name);
      continue;
    }
    FUZZ_CHECK (kind_ok (spec[i].kind, v), "accepted '%s' of the wrong kind", spec[i].name);
    FUZZ_CHECK (!json_is_string (v) || spec[i].max_len == 0
                || json_string_length (v) <= spec[i].max_len,
                "accepted '%s' of %zu bytes", spec[i].name, json_string_length (v));
  }
  return 0;
}

/** decimal_normalize on a string or an integer, as api/screenings.c does. */
static void
check_decimal (json_t *v)
{
  char text[32], out[DECIMAL_MAX + 1], again[DECIMAL_MAX + 1];
  const char *s = json_string_value (v);

  if (v == NULL || json_is_null (v))
    return;
  if (json_is_integer (v))
  {
    snprintf (text, sizeof text, "%lld", (long long) json_integer_value (v));
    s = text;
  }
  FUZZ_CHECK (s != NULL, "a decimal member that is neither string nor integer passed");
  size_t len = strlen (s);
  if (decimal_normalize (s, len, out) != 0)
    return;
  size_t n = strlen (out);
  FUZZ_CHECK (n >= 1 && n <= len, "'%s' normalizes to '%s'", s, out);
  FUZZ_CHECK (out[0] != '0' || n == 1 || out[1] == '.', "'%s' keeps a leading zero", out);
  FUZZ_CHECK (decimal_normalize (out, n, again) == 0 && strcmp (out, again) == 0,
              "'%s' is not canonical ('%s')", out, again);
}

/** rfc3339_parse as ?since= uses it: what parses formats and parses back. */
static void
check_time (const char *s)
{
  int64_t t, again = 0;
  char text[32];

  if (rfc3339_parse (s, strlen (s), &t) != 0)
    return;
  rfc3339_format (t, text);
  FUZZ_CHECK (rfc3339_parse (text, strlen (text), &again) == 0 && again == t,
              "'%s' is %lld, formatted '%s', which reads back as %lld", s, (long long) t,
              text, (long long) again);
}

/** Every string in the document: no NUL inside (rq_json_body's flags);
 *  each is tried as a time too, and as a decimal. */
static void
walk (json_t *v, unsigned depth)
{
  size_t i;
  const char *key;
  json_t *item;

  if (json_is_string (v))
  {
    FUZZ_CHECK (strlen (json_string_value (v)) == json_string_length (v),
                "a NUL inside a string got through");
    check_time (json_string_value (v));
    check_decimal (v);
  }
  else if (json_is_array (v) && depth < 64)
    json_array_foreach (v, i, item)
      walk (item, depth + 1);
  else if (json_is_object (v) && depth < 64)
    json_object_foreach (v, key, item)
      walk (item, depth + 1);
}

/** The rest of POST /v1/screenings' checks, once the members are right. */
static void
check_screening (json_t *doc)
{
  enum chain chain = CHAIN_COUNT;
  char address[ADDRESS_MAX + 1], again[ADDRESS_MAX + 1];

  answered.answers = 0;
  memset (address, 0xa5, sizeof address);
  int rc = api_address (rq, api_string (doc, "chain"), api_string (doc, "address"), &chain,
                        address);
  FUZZ_CHECK (answered.answers == (rc == 0 ? 0u : 1u), "api_address: %d after %u answers",
              rc, answered.answers);
  if (rc == 0)
  {
    FUZZ_CHECK ((unsigned) chain < CHAIN_COUNT, "chain %d", (int) chain);
    FUZZ_CHECK (memchr (address, '\0', sizeof address) != NULL, "address not terminated");
    FUZZ_CHECK (address_normalize (chain, address, strlen (address), again) == ADDR_OK
                && strcmp (address, again) == 0, "address '%s' is not canonical", address);
  }
  else
    FUZZ_CHECK (answered.problem == PROBLEM_UNKNOWN_CHAIN
                || answered.problem == PROBLEM_INVALID_ADDRESS, "problem %d", answered.problem);
  check_decimal (json_object_get (doc, "amount"));
  check_decimal (json_object_get (doc, "usd"));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  json_error_t err;
  json_t *doc = json_loadb ((const char *) data, size, JSON_REJECT_DUPLICATES, &err);

  if (doc == NULL)
  {
    FUZZ_CHECK (err.text[0] != '\0', "refused without a message");
    return 0;
  }
  char *text = json_dumps (doc, JSON_COMPACT | JSON_ENCODE_ANY);
  FUZZ_CHECK (text != NULL, "an accepted document does not dump");
  json_t *again = json_loads (text, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
  FUZZ_CHECK (again != NULL && json_equal (doc, again), "'%s' does not read back", text);
  json_decref (again);
  free (text);

  walk (doc, 0);
  if (check_fields (doc, screening_body, screening_body_n)
      == 0)
    check_screening (doc);
  if (check_fields (doc, batch_body, batch_body_n) == 0)
  {
    const char *model = api_string (doc, "model");
    FUZZ_CHECK (model == NULL || model_from_name (model) >= -1, "model_from_name");
  }
  check_fields (doc, key_body, key_body_n);
  json_decref (doc);
  return 0;
}

/* end of fuzz_json_body.c */
