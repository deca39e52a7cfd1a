/*
 * log.c -- JSON lines on stderr, each written with one write(2) so lines
 * from different threads never interleave.
 */
#include <jansson.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "riskd/log.h"

static enum log_level min_level = LOG_INFO;
static const char *level_names[] = { "debug", "info", "warn", "error" };

void
log_set_level (enum log_level level)
{
  min_level = level;
}

int
log_level_from_name (const char *name)
{
  for (int i = 0; i < 4; i++)
    if (strcmp (name, level_names[i]) == 0)
      return i;
  return -1;
}

void
log_msg (enum log_level level, const char *msg, const char *fields_fmt, ...)
{
  struct timespec now;
  struct tm tm;
  char ts[96];
  json_t *line;

  if (level < min_level)
    return;
  clock_gettime (CLOCK_REALTIME, &now);
  gmtime_r (&now.tv_sec, &tm);
  snprintf (ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
            tm.tm_min, tm.tm_sec, (int) (now.tv_nsec / 1000000));
  line = json_pack ("{s:s, s:s, s:s}", "ts", ts, "level", level_names[level],
                    "msg", msg);
  if (line == NULL)
    return;
  if (fields_fmt != NULL)
  {
    va_list ap;
    json_error_t err;
    va_start (ap, fields_fmt);
    json_t *fields = json_vpack_ex (&err, 0, fields_fmt, ap);
    va_end (ap);
    if (fields)
      json_object_update (line, fields);
    json_decref (fields);
  }
  char *text = json_dumps (line, JSON_COMPACT | JSON_REAL_PRECISION (10));
  json_decref (line);
  if (text == NULL)
    return;
  size_t len = strlen (text);
  text[len] = '\n';             /* json_dumps leaves room: we replace the NUL */
  ssize_t written = write (STDERR_FILENO, text, len + 1);
  (void) written;
  free (text);
}

/* end of log.c */
