/*
 * jsonw.c -- the JSON writer (see jsonw.h). Strings are escaped and reals
 * formatted as jansson 2.14 does: `"`, `\` and the control characters
 * escaped (\b \f \n \r \t by name, the others as \u00XX), everything else
 * as is; reals as "%.15g", with ".0" added when neither '.' nor 'e' came
 * out, and no '+' nor leading zeros in the exponent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "riskd/jsonw.h"

void
jsonw_init (struct jsonw *w)
{
  w->cap = 1024;
  w->len = 0;
  w->buf = malloc (w->cap);
  w->failed = w->buf == NULL;
}

char *
jsonw_finish (struct jsonw *w, size_t *len)
{
  if (w->failed)
  {
    free (w->buf);
    w->buf = NULL;
    return NULL;
  }
  w->buf[w->len] = '\0';
  *len = w->len;
  return w->buf;
}

/** Room for n more bytes and the final NUL. */
static bool
reserve (struct jsonw *w, size_t n)
{
  if (w->failed)
    return false;
  if (w->len + n + 1 > w->cap)
  {
    size_t cap = w->cap;
    while (w->len + n + 1 > cap)
      cap *= 2;
    char *buf = realloc (w->buf, cap);
    if (buf == NULL)
    {
      w->failed = true;
      return false;
    }
    w->buf = buf;
    w->cap = cap;
  }
  return true;
}

static void
put (struct jsonw *w, const char *s, size_t n)
{
  if (reserve (w, n))
  {
    memcpy (w->buf + w->len, s, n);
    w->len += n;
  }
}

/** A comma when the previous token ended a value. */
static void
separate (struct jsonw *w)
{
  if (w->len > 0 && !w->failed && strchr ("{[:", w->buf[w->len - 1]) == NULL)
    put (w, ",", 1);
}

void
jsonw_begin_object (struct jsonw *w)
{
  separate (w);
  put (w, "{", 1);
}

void
jsonw_end_object (struct jsonw *w)
{
  put (w, "}", 1);
}

void
jsonw_begin_array (struct jsonw *w)
{
  separate (w);
  put (w, "[", 1);
}

void
jsonw_end_array (struct jsonw *w)
{
  put (w, "]", 1);
}

/** Length of the UTF-8 sequence at s (1 to 4), or 0 when it is not one;
 *  the rules of jansson's utf8.c: no overlongs, no surrogates, <= U+10FFFF. */
static size_t
utf8_length (const unsigned char *s)
{
  unsigned char c = s[0];
  size_t n;
  unsigned cp;

  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF)
    n = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF)
    n = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4)
    n = 4, cp = c & 0x07;
  else
    return 0;
  for (size_t i = 1; i < n; i++)
  {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
      || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return n;
}

static void
string_body (struct jsonw *w, const char *s)
{
  const unsigned char *p = (const unsigned char *) s;

  put (w, "\"", 1);
  while (*p)
  {
    const unsigned char *run = p;
    size_t n;
    while (*p >= 0x20 && *p != '"' && *p != '\\' && (n = utf8_length (p)) > 0)
      p += n;
    put (w, (const char *) run, (size_t) (p - run));
    if (*p == '\0')
      break;
    char esc[8];
    switch (*p)
    {
    case '"': put (w, "\\\"", 2); break;
    case '\\': put (w, "\\\\", 2); break;
    case '\b': put (w, "\\b", 2); break;
    case '\f': put (w, "\\f", 2); break;
    case '\n': put (w, "\\n", 2); break;
    case '\r': put (w, "\\r", 2); break;
    case '\t': put (w, "\\t", 2); break;
    default:
      if (*p >= 0x20)             /* not UTF-8: jansson refuses it too */
      {
        w->failed = true;
        return;
      }
      snprintf (esc, sizeof esc, "\\u%04X", *p);
      put (w, esc, 6);
    }
    p++;
  }
  put (w, "\"", 1);
}

void
jsonw_key (struct jsonw *w, const char *name)
{
  separate (w);
  string_body (w, name);
  put (w, ":", 1);
}

void
jsonw_string (struct jsonw *w, const char *s)
{
  separate (w);
  string_body (w, s);
}

void
jsonw_string_or_null (struct jsonw *w, const char *s)
{
  if (s == NULL || s[0] == '\0')
  {
    separate (w);
    put (w, "null", 4);
  }
  else
    jsonw_string (w, s);
}

void
jsonw_real (struct jsonw *w, double x)
{
  char text[40];
  int n = snprintf (text, sizeof text - 2, "%.15g", x);

  if (n < 0 || (size_t) n >= sizeof text - 2 || x != x || x - x != 0)
  {
    w->failed = true;           /* jansson has no NaN nor infinity either */
    return;
  }
  if (strchr (text, '.') == NULL && strchr (text, 'e') == NULL)
  {
    memcpy (text + n, ".0", 3);
    n += 2;
  }
  char *e = strchr (text, 'e');
  if (e)
  {
    char *start = e + 1, *end = e + 2;
    if (*start == '-')
      start++;
    while (*end == '0')
      end++;
    if (end != start)
    {
      memmove (start, end, (size_t) (text + n - end) + 1);
      n -= (int) (end - start);
    }
  }
  separate (w);
  put (w, text, (size_t) n);
}

void
jsonw_int (struct jsonw *w, long long x)
{
  char text[24];
  int n = snprintf (text, sizeof text, "%lld", x);

  separate (w);
  put (w, text, (size_t) n);
}

void
jsonw_bool (struct jsonw *w, bool x)
{
  separate (w);
  put (w, x ? "true" : "false", x ? 4 : 5);
}

void
jsonw_raw (struct jsonw *w, const char *json, size_t len)
{
  separate (w);
  put (w, json, len);
}

/* end of jsonw.c */
