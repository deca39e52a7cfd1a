/*
 * timefmt.c -- RFC 3339 timestamps to and from microseconds since 1970 UTC.
 *
 * Only the strict internet profile is read: "YYYY-MM-DDTHH:MM:SS", an
 * optional fraction of 1 to 9 digits, then "Z" or "+HH:MM"/"-HH:MM", with
 * nothing before or after. Calendar arithmetic is done here with Howard
 * Hinnant's days-from-civil algorithms (proleptic Gregorian calendar), not
 * with timegm() or the C locale: it must not depend on TZ, on the platform's
 * time_t range or on anything global, and it must refuse Feb 30 rather than
 * quietly normalise it to March 2.
 */
#include <stdio.h>
#include "riskd/ingest_internal.h"

/** Microseconds in a second. */
#define US_PER_S 1000000LL

/** Days since 1970-01-01 of the civil date y-m-d (m 1..12, d 1..31). */
static int64_t
days_from_civil (int64_t y, unsigned m, unsigned d)
{
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned) (y - era * 400);                  /* 0..399 */
  unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365 */
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;        /* 0..146096 */

  return era * 146097 + (int64_t) doe - 719468;
}

/** The civil date of `z` days since 1970-01-01 (inverse of the above). */
static void
civil_from_days (int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned) (z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;

  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t) yoe + era * 400 + (*m <= 2);
}

/** True for leap years of the Gregorian calendar. */
static bool
is_leap (int y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/** Days in month m (1..12) of year y. */
static unsigned
days_in_month (int y, unsigned m)
{
  static const unsigned days[12] = { 31, 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31 };

  return m == 2 && is_leap (y) ? 29 : days[m - 1];
}

/** Reads n decimal digits at s; -1 if any is not a digit. */
static int
digits (const char *s, size_t n)
{
  int v = 0;

  for (size_t i = 0; i < n; i++)
  {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/** True if s[i] is the character c. */
static bool
at (const char *s, size_t len, size_t i, char c)
{
  return i < len && s[i] == c;
}

int
rfc3339_parse (const char *s, size_t len, int64_t *time_us)
{
  /* "YYYY-MM-DDTHH:MM:SS" is 19 bytes, and a zone follows */
  if (len < 20 || !at (s, len, 4, '-') || !at (s, len, 7, '-')
      || !(at (s, len, 10, 'T') || at (s, len, 10, 't'))
      || !at (s, len, 13, ':') || !at (s, len, 16, ':'))
    return RFC3339_SYNTAX;
  int year = digits (s, 4), month = digits (s + 5, 2), day = digits (s + 8, 2);
  int hour = digits (s + 11, 2), minute = digits (s + 14, 2);
  int second = digits (s + 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0)
    return RFC3339_SYNTAX;

  size_t i = 19;
  int64_t micros = 0;
  if (at (s, len, i, '.'))
  {
    size_t first = ++i;
    int64_t scale = 100000;   /* weight of the next digit, in microseconds */
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
    {
      /* digits past the sixth are read (and counted) but truncated */
      micros += (s[i] - '0') * scale;
      scale /= 10;
    }
    if (i == first)
      return RFC3339_SYNTAX;
    if (i - first > 9)
      return RFC3339_LONG_FRACTION;
  }

  int offset_min = 0;
  if (at (s, len, i, 'Z') || at (s, len, i, 'z'))
    i++;
  else if (at (s, len, i, '+') || at (s, len, i, '-'))
  {
    int oh = i + 6 == len && s[i + 3] == ':' ? digits (s + i + 1, 2) : -1;
    int om = oh >= 0 ? digits (s + i + 4, 2) : -1;
    if (oh < 0 || om < 0)
      return RFC3339_SYNTAX;
    if (oh > 23 || om > 59)
      return RFC3339_BAD_OFFSET;
    offset_min = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
    i += 6;
  }
  else
    return RFC3339_SYNTAX;
  if (i != len)
    return RFC3339_SYNTAX;

  if (year == 0)
    return RFC3339_BAD_YEAR;
  if (month < 1 || month > 12)
    return RFC3339_BAD_MONTH;
  if (day < 1 || (unsigned) day > days_in_month (year, (unsigned) month))
    return RFC3339_BAD_DAY;
  if (hour > 23)
    return RFC3339_BAD_HOUR;
  if (minute > 59)
    return RFC3339_BAD_MINUTE;
  if (second == 60)
    return RFC3339_LEAP_SECOND;
  if (second > 59)
    return RFC3339_BAD_SECOND;

  int64_t days = days_from_civil (year, (unsigned) month, (unsigned) day);
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second
                 - offset_min * 60;
  /* the offset can carry 0001-01-01 or 9999-12-31 out of the four-digit
   * years in UTC, which rfc3339_format would write as year 0000 (refused
   * by PostgreSQL and by this parser) or 10000 (not RFC 3339) */
  if (secs < days_from_civil (1, 1, 1) * 86400
      || secs >= days_from_civil (10000, 1, 1) * 86400)
    return RFC3339_BAD_YEAR;
  *time_us = secs * US_PER_S + micros;
  return RFC3339_OK;
}

void
rfc3339_format (int64_t time_us, char out[32])
{
  /* floor division, so that times before 1970 keep positive micros */
  int64_t secs = time_us / US_PER_S, micros = time_us % US_PER_S;
  if (micros < 0)
  {
    micros += US_PER_S;
    secs--;
  }
  int64_t days = secs / 86400, rem = secs % 86400;
  if (rem < 0)
  {
    rem += 86400;
    days--;
  }
  int64_t year;
  unsigned month, day;
  civil_from_days (days, &year, &month, &day);

  /* any int64_t gives a year of at most 6 digits and a sign: the date and
   * time take at most 22 bytes, the fraction and zone 8 more */
  int n = snprintf (out, 32, "%04lld-%02u-%02uT%02d:%02d:%02d",
                    (long long) year, month, day, (int) (rem / 3600),
                    (int) (rem / 60 % 60), (int) (rem % 60));
  if (n < 0 || n > 23)
    return;
  if (micros != 0)
    snprintf (out + n, 32 - (size_t) n, ".%06dZ", (int) micros);
  else
    snprintf (out + n, 32 - (size_t) n, "Z");
}

const char *
rfc3339_error_reason (int err)
{
  switch (err)
  {
  case RFC3339_OK:
    return "valid";
  case RFC3339_BAD_YEAR:
    return "year must be between 0001 and 9999";
  case RFC3339_BAD_MONTH:
    return "month must be between 01 and 12";
  case RFC3339_BAD_DAY:
    return "no such day in that month (Feb 29 exists only in leap years)";
  case RFC3339_BAD_HOUR:
    return "hour must be between 00 and 23 (24:00 is not accepted)";
  case RFC3339_BAD_MINUTE:
    return "minute must be between 00 and 59";
  case RFC3339_LEAP_SECOND:
    return "leap seconds (second 60) are not accepted: use :59";
  case RFC3339_BAD_SECOND:
    return "second must be between 00 and 59";
  case RFC3339_LONG_FRACTION:
    return "at most 9 fractional digits";
  case RFC3339_BAD_OFFSET:
    return "offset must be between -23:59 and +23:59";
  default:
    return "expected an RFC 3339 time such as 2024-01-02T03:04:05Z "
           "(YYYY-MM-DDTHH:MM:SS, optional .fraction, then Z or +HH:MM)";
  }
}

/* end of timefmt.c */
