/*
 * ingest_flat.c -- the common NDJSON and JSON record, read without jansson.
 *
 * Almost every record of an import is a flat object of plain strings and
 * small integers; jansson would build a tree of allocated nodes for each
 * (the CSV path does not, and was a quarter faster). This reads exactly
 * that case, and gives up (-1) on anything it does not fully understand —
 * escapes, non-ASCII bytes, reals, big numbers, nesting, a repeated key,
 * any syntax error — leaving those to jansson, so the answers and error
 * messages stay jansson's. tests/unit/test_ingest_flat.c checks it against
 * jansson record by record.
 */
#include <string.h>
#include "riskd/ingest_internal.h"

struct cursor {
  const char *p, *end;
};

static void
skip_ws (struct cursor *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
    c->p++;
}

static bool
take (struct cursor *c, char want)
{
  if (c->p < c->end && *c->p == want)
  {
    c->p++;
    return true;
  }
  return false;
}

static bool
take_word (struct cursor *c, const char *word)
{
  size_t n = strlen (word);

  if ((size_t) (c->end - c->p) < n || memcmp (c->p, word, n) != 0)
    return false;
  c->p += n;
  return true;
}

/** A string of printable ASCII without escapes, after its opening quote. */
static bool
plain_string (struct cursor *c, const char **text, size_t *len)
{
  const char *start = c->p;

  while (c->p < c->end && *c->p != '"')
  {
    unsigned char b = (unsigned char) *c->p;
    if (b < 0x20 || b >= 0x80 || b == '\\')
      return false;
    c->p++;
  }
  if (c->p == c->end)
    return false;
  *text = start;
  *len = (size_t) (c->p - start);
  c->p++;                       /* the closing quote */
  return true;
}

/** An integer as JSON writes it ("-"? then "0" or a non-zero digit first),
 *  of at most 18 digits, not followed by a fraction or an exponent. */
static bool
small_integer (struct cursor *c, long long *out)
{
  bool negative = take (c, '-');
  const char *digits = c->p;
  long long v = 0;

  while (c->p < c->end && *c->p >= '0' && *c->p <= '9' && c->p - digits < 18)
    v = v * 10 + (*c->p++ - '0');
  size_t n = (size_t) (c->p - digits);
  if (n == 0 || n > 18 || (n > 1 && digits[0] == '0'))
    return false;
  if (c->p < c->end && (*c->p == '.' || *c->p == 'e' || *c->p == 'E' || (*c->p >= '0' && *c->p <= '9')))
    return false;
  *out = negative ? -v : v;
  return true;
}

static bool
value (struct cursor *c, struct ingest_value *v)
{
  if (c->p == c->end)
    return false;
  switch (*c->p)
  {
  case '"':
    c->p++;
    v->type = VAL_STRING;
    return plain_string (c, &v->text, &v->len);
  case 'n':
    v->type = VAL_NULL;
    return take_word (c, "null");
  case 't':
    v->type = VAL_OTHER;
    return take_word (c, "true");
  case 'f':
    v->type = VAL_OTHER;
    return take_word (c, "false");
  default:
    v->type = VAL_INTEGER;
    return small_integer (c, &v->integer);
  }
}

int
ingest_flat_parse (const char *rec, size_t len, struct flat_member *out, size_t max)
{
  struct cursor c = { rec, rec + len };
  size_t n = 0;

  skip_ws (&c);
  if (!take (&c, '{'))
    return -1;
  skip_ws (&c);
  if (!take (&c, '}'))
    for (;;)
    {
      struct flat_member *m = &out[n];
      if (n == max || !take (&c, '"') || !plain_string (&c, &m->key, &m->key_len))
        return -1;
      for (size_t i = 0; i < n; i++)
        if (out[i].key_len == m->key_len && memcmp (out[i].key, m->key, m->key_len) == 0)
          return -1;            /* jansson refuses it, with its message */
      skip_ws (&c);
      if (!take (&c, ':'))
        return -1;
      skip_ws (&c);
      memset (&m->value, 0, sizeof m->value);
      if (!value (&c, &m->value))
        return -1;
      n++;
      skip_ws (&c);
      if (take (&c, '}'))
        break;
      if (!take (&c, ','))
        return -1;
      skip_ws (&c);
    }
  skip_ws (&c);
  return c.p == c.end ? (int) n : -1;
}

/* end of ingest_flat.c */
