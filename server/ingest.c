/*
 * ingest.c -- the push parser for imports: entry points, dispatch to the
 * framer of the body's format, and what every framer shares.
 *
 * A body comes in chunks of any size, cut anywhere (even inside a UTF-8
 * character or a CRLF). Each framer is a byte-at-a-time state machine, so a
 * chunk boundary never matters: feeding one byte at a time and feeding the
 * whole body give the same records. The current record is kept in one
 * buffer of INGEST_RECORD_MAX bytes; a longer record is counted but not
 * kept, and is rejected when its end is found. Memory therefore stays at
 * one record whatever the body.
 *
 * Two kinds of failure: a record that fails a check is *rejected* (reported
 * through on_reject with its position, and the parse goes on); a body that
 * cannot be read at all (a CSV header without a required column, something
 * that is not a JSON array, a sink that asks to stop) is *refused*:
 * ingest_feed/ingest_finish return -1 from then on.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "riskd/ingest_internal.h"

/** The UTF-8 byte order mark that some spreadsheet exports and editors put
 *  first. It is skipped in every format: it is never content, and RFC 8259
 *  lets JSON readers ignore it. */
static const unsigned char utf8_bom[3] = { 0xef, 0xbb, 0xbf };

struct ingest *
ingest_new (enum ingest_kind kind, enum ingest_format format,
            category_known_fn category_known, const struct ingest_sink *sink)
{
  /* labels cannot be checked without knowing the categories */
  if (sink == NULL || (kind == INGEST_LABELS && category_known == NULL)
      || (kind != INGEST_FLOWS && kind != INGEST_LABELS)
      || (format != INGEST_JSON && format != INGEST_NDJSON
          && format != INGEST_CSV))
    return NULL;
  struct ingest *in = calloc (1, sizeof *in);
  if (in == NULL)
    return NULL;
  in->rec = malloc (INGEST_RECORD_MAX);
  if (in->rec == NULL)
  {
    free (in);
    return NULL;
  }
  in->kind = kind;
  in->format = format;
  in->category_known = category_known;
  in->sink = *sink;
  in->line = 1;
  in->csv.at = CSV_FIELD_START;
  in->json.at = ARRAY_BEFORE;
  return in;
}

/** Hands bytes, past the BOM, to the format's framer. */
static int
dispatch (struct ingest *in, const unsigned char *p, size_t len)
{
  switch (in->format)
  {
  case INGEST_CSV:
    return ingest_csv_feed (in, p, len);
  case INGEST_NDJSON:
    return ingest_ndjson_feed (in, p, len);
  case INGEST_JSON:
    return ingest_json_feed (in, p, len);
  }
  return ingest_refuse (in, "internal", "unknown format");
}

int
ingest_feed (struct ingest *in, const char *data, size_t len)
{
  const unsigned char *p = (const unsigned char *) data;

  if (in->failed)
    return -1;
  /* a BOM can be split across chunks: hold the matching bytes until the
   * third one, and give them back to the framer if the match fails */
  while (!in->bom_done && len > 0)
  {
    if (*p == utf8_bom[in->bom_seen])
    {
      p++;
      len--;
      if (++in->bom_seen == sizeof utf8_bom)
        in->bom_done = true;
      continue;
    }
    in->bom_done = true;
    if (in->bom_seen > 0 && dispatch (in, utf8_bom, in->bom_seen) != 0)
      return -1;
  }
  if (len == 0)
    return 0;
  return dispatch (in, p, len);
}

int
ingest_finish (struct ingest *in)
{
  if (in->failed)
    return -1;
  if (!in->bom_done)
  {
    in->bom_done = true;
    if (in->bom_seen > 0 && dispatch (in, utf8_bom, in->bom_seen) != 0)
      return -1;
  }
  switch (in->format)
  {
  case INGEST_CSV:
    return ingest_csv_finish (in);
  case INGEST_NDJSON:
    return ingest_ndjson_finish (in);
  case INGEST_JSON:
    return ingest_json_finish (in);
  }
  return -1;
}

const char *
ingest_error_code (const struct ingest *in)
{
  return in->failed ? in->error_code : "";
}

const char *
ingest_error (const struct ingest *in)
{
  return in->failed ? in->error : "";
}

void
ingest_free (struct ingest *in)
{
  if (in == NULL)
    return;
  ingest_csv_free (in);
  for (size_t i = 0; i < in->n_ignored; i++)
    free (in->ignored[i]);
  free (in->rec);
  free (in);
}

void
ingest_rec_start (struct ingest *in)
{
  in->in_record = true;
  in->rec_len = 0;
  in->rec_raw = 0;
  in->rec_too_long = false;
  in->rec_pos.line = in->line;
  in->rec_pos.record = in->records + 1;
}

bool
ingest_rec_take (struct ingest *in)
{
  if (in->rec_too_long)
    return false;
  if (++in->rec_raw > INGEST_RECORD_MAX)
  {
    in->rec_too_long = true;
    return false;
  }
  return true;
}

int
ingest_refuse (struct ingest *in, const char *code, const char *fmt, ...)
{
  va_list ap;

  if (in->failed)
    return -1;
  in->failed = true;
  in->error_code = code;
  va_start (ap, fmt);
  vsnprintf (in->error, sizeof in->error, fmt, ap);
  va_end (ap);
  return -1;
}

void
ingest_reject (struct ingest *in, const char *code, const char *field,
               const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (in->reject.reason, sizeof in->reject.reason, fmt, ap);
  va_end (ap);
  if (in->sink.on_reject != NULL)
    in->sink.on_reject (in->sink.ctx, in->rec_pos, code, field,
                        in->reject.reason);
}

int
ingest_emit (struct ingest *in, const struct ingest_value vals[])
{
  int stop;

  if (ingest_row_build (in->kind, in->category_known, vals, &in->row,
                        &in->reject) != 0)
  {
    if (in->sink.on_reject != NULL)
      in->sink.on_reject (in->sink.ctx, in->rec_pos, in->reject.code,
                          in->reject.field, in->reject.reason);
    return 0;
  }
  if (in->kind == INGEST_FLOWS)
    stop = in->sink.on_flow ? in->sink.on_flow (in->sink.ctx, in->rec_pos,
                                                &in->row.flow) : 0;
  else
    stop = in->sink.on_label ? in->sink.on_label (in->sink.ctx, in->rec_pos,
                                                  &in->row.label) : 0;
  if (stop != 0)
    return ingest_refuse (in, "aborted", "stopped by the receiver at line %llu",
                          (unsigned long long) in->rec_pos.line);
  return 0;
}

void
ingest_ignore (struct ingest *in, const char *name, size_t len)
{
  char shown[INGEST_IGNORED_NAME_MAX + 1];

  /* cut long names at a character boundary, so the copy stays UTF-8 */
  if (len > INGEST_IGNORED_NAME_MAX)
  {
    len = INGEST_IGNORED_NAME_MAX;
    while (len > 0 && ((unsigned char) name[len] & 0xc0) == 0x80)
      len--;
  }
  for (size_t i = 0; i < in->n_ignored; i++)
    if (in->ignored_len[i] == len && memcmp (in->ignored[i], name, len) == 0)
      return;
  if (in->n_ignored == INGEST_IGNORED_MAX)
    return;   /* enough names reported; see INGEST_IGNORED_MAX */
  char *copy = malloc (len + 1);
  if (copy == NULL)
    return;
  memcpy (copy, name, len);
  copy[len] = '\0';
  in->ignored[in->n_ignored] = copy;
  in->ignored_len[in->n_ignored++] = len;

  /* the name goes into reports (JSON, logs): a broken one is shown with
   * '?' for every byte that is not printable ASCII */
  memcpy (shown, name, len);
  shown[len] = '\0';
  if (ingest_text_problem ((const unsigned char *) shown, len) != NULL)
    for (size_t i = 0; i < len; i++)
      if ((unsigned char) shown[i] < 0x20 || (unsigned char) shown[i] >= 0x7f)
        shown[i] = '?';
  if (in->sink.on_ignored_field != NULL)
    in->sink.on_ignored_field (in->sink.ctx, shown);
}

/* end of ingest.c */
