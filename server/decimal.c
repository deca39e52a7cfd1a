/*
 * decimal.c -- checks and canonicalises non-negative decimal strings.
 *
 * Amounts travel as text from the import to PostgreSQL's numeric type, so
 * they are never rounded by a double on the way. The accepted grammar is
 * deliberately narrow -- digits, optionally '.' and more digits -- so that a
 * value means the same thing to every reader: no sign, no exponent, no
 * "NaN", no "1." or ".5". The canonical form drops leading zeros of the
 * integer part (so "007.50" and "7.50" are one key) but keeps the fraction
 * as given: trailing zeros may carry meaning (precision) and numeric keeps
 * them too.
 */
#include <string.h>
#include "riskd/ingest_internal.h"

/** Turns a macro's value into a string literal. */
#define STR_(x) #x
#define STR(x) STR_ (x)

/** True for an ASCII decimal digit. */
static bool
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

/** Classifies why s[0..len) is not digits[.digits], for a useful reason. */
static int
why_not_decimal (const char *s, size_t len)
{
  if (s[0] == '-')
    return DECIMAL_NEGATIVE;
  if (s[0] == '+')
    return DECIMAL_PLUS;
  if (memchr (s, 'e', len) != NULL || memchr (s, 'E', len) != NULL)
  {
    /* only call it an exponent when the rest looks like a number */
    bool any_digit = false;
    for (size_t i = 0; i < len; i++)
    {
      if (is_digit (s[i]))
        any_digit = true;
      else if (memchr (".eE+-", s[i], 5) == NULL)
        return DECIMAL_SYNTAX;
    }
    return any_digit ? DECIMAL_EXPONENT : DECIMAL_SYNTAX;
  }
  return DECIMAL_SYNTAX;
}

int
decimal_normalize (const char *s, size_t len, char out[DECIMAL_MAX + 1])
{
  if (len == 0)
    return DECIMAL_EMPTY;
  if (len > DECIMAL_MAX)
    return DECIMAL_TOO_LONG;

  size_t int_len = 0;
  while (int_len < len && is_digit (s[int_len]))
    int_len++;
  size_t end = int_len;
  if (end < len && s[end] == '.')
  {
    end++;
    while (end < len && is_digit (s[end]))
      end++;
    if (end != len)
      return why_not_decimal (s, len);
    if (int_len == 0)
      return DECIMAL_NO_INTEGER;
    if (end == int_len + 1)
      return DECIMAL_NO_FRACTION;
  }
  if (end != len || int_len == 0)
    return why_not_decimal (s, len);

  /* keep one zero of an all-zero integer part: "000.5" -> "0.5" */
  size_t skip = 0;
  while (skip + 1 < int_len && s[skip] == '0')
    skip++;
  memcpy (out, s + skip, len - skip);
  out[len - skip] = '\0';
  return DECIMAL_OK;
}

const char *
decimal_error_reason (int err)
{
  switch (err)
  {
  case DECIMAL_OK:
    return "valid";
  case DECIMAL_EMPTY:
    return "empty";
  case DECIMAL_TOO_LONG:
    return "longer than " STR (DECIMAL_MAX) " characters";
  case DECIMAL_NEGATIVE:
    return "must not be negative";
  case DECIMAL_PLUS:
    return "no '+' sign: write the digits only";
  case DECIMAL_EXPONENT:
    return "no exponent: write all the digits out, such as 1500 for 1.5e3";
  case DECIMAL_NO_INTEGER:
    return "a digit is needed before the '.' (write 0.5, not .5)";
  case DECIMAL_NO_FRACTION:
    return "digits are needed after the '.' (write 1 or 1.0, not 1.)";
  default:
    return "expected a decimal number such as 12 or 0.5 (digits, "
           "optionally '.' and more digits)";
  }
}

/* end of decimal.c */
