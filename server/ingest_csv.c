/*
 * ingest_csv.c -- RFC 4180 framing for CSV bodies.
 *
 * A byte-at-a-time state machine (enum csv_at) splits the body into records
 * and fields: quoted fields may hold commas, newlines and "" for a quote;
 * records end with LF or CRLF, or at the end of the body. The unquoted
 * content of the current record is kept in in->rec, with the end of each
 * field in csv.field_end, so a record costs one buffer whatever its fields.
 *
 * The first record is the header: columns are matched to the field table by
 * name, in any order; unknown columns are reported once and skipped; a
 * missing required column refuses the body. Blank lines are skipped and not
 * counted as records. Quoting mistakes (a quote inside an unquoted field,
 * text after a closing quote, a quote never closed) reject that record only:
 * framing goes on as a lenient reader would, so one stray quote does not
 * hide the rest of the body -- except an unclosed quote, which by nature
 * runs to the end of the body.
 */
#include <stdlib.h>
#include <string.h>
#include "riskd/ingest_internal.h"

/** Closes the current field at the current end of in->rec. */
static int
push_field (struct ingest *in)
{
  struct csv_state *cs = &in->csv;

  if (in->rec_too_long)
    return 0;   /* the record will be rejected: its fields do not matter */
  if (cs->n_fields == cs->cap_fields)
  {
    size_t cap = cs->cap_fields ? cs->cap_fields * 2 : 16;
    uint32_t *grown = realloc (cs->field_end, cap * sizeof *grown);
    if (grown == NULL)
      return ingest_refuse (in, "out_of_memory", "out of memory");
    cs->field_end = grown;
    cs->cap_fields = cap;
  }
  cs->field_end[cs->n_fields++] = (uint32_t) in->rec_len;
  return 0;
}

/** Notes the record's first quoting mistake; the record will be rejected. */
static void
malformed (struct ingest *in, const char *why)
{
  if (in->csv.malformed == NULL)
    in->csv.malformed = why;
}

/** Reads the header record: maps columns to fields and checks that every
 *  required field has its column. */
static int
read_header (struct ingest *in)
{
  struct csv_state *cs = &in->csv;
  size_t n_fields = ingest_field_count (in->kind);
  bool seen[INGEST_FIELDS_MAX] = { false };

  if (in->rec_too_long)
    return ingest_refuse (in, "record_too_long",
                          "the header line is longer than %d bytes",
                          INGEST_RECORD_MAX);
  if (cs->malformed != NULL)
    return ingest_refuse (in, "invalid_csv", "header line: %s", cs->malformed);
  cs->column_field = malloc (cs->n_fields * sizeof *cs->column_field);
  if (cs->column_field == NULL)
    return ingest_refuse (in, "out_of_memory", "out of memory");
  cs->n_columns = cs->n_fields;
  for (size_t col = 0; col < cs->n_columns; col++)
  {
    size_t start = col ? cs->field_end[col - 1] : 0;
    size_t len = cs->field_end[col] - start;
    int field = ingest_field_index (in->kind, in->rec + start, len);
    cs->column_field[col] = field;
    if (field < 0)
      ingest_ignore (in, in->rec + start, len);
    else if (seen[field])
      return ingest_refuse (in, "duplicate_column",
                            "the header names the column \"%s\" twice",
                            ingest_field_name (in->kind, (size_t) field));
    else
      seen[field] = true;
  }
  for (size_t i = 0; i < n_fields; i++)
    if (ingest_field_required (in->kind, i) && !seen[i])
      return ingest_refuse (in, "missing_column",
                            "the header has no \"%s\" column, which is "
                            "required",
                            ingest_field_name (in->kind, i));
  cs->have_header = true;
  return 0;
}

/** Ends the current record: the header, or a data row to check. */
static int
end_record (struct ingest *in)
{
  struct csv_state *cs = &in->csv;
  struct ingest_value vals[INGEST_FIELDS_MAX] = { { 0 } };

  in->in_record = false;
  cs->at = CSV_FIELD_START;
  if (push_field (in) != 0)
    return -1;
  if (!cs->have_header)
    return read_header (in);
  in->records++;
  if (in->rec_too_long)
  {
    ingest_reject (in, "record_too_long", NULL,
                   "record longer than %d bytes, skipped", INGEST_RECORD_MAX);
    return 0;
  }
  if (cs->malformed != NULL)
  {
    ingest_reject (in, "invalid_csv", NULL, "%s", cs->malformed);
    return 0;
  }
  if (cs->n_fields != cs->n_columns)
  {
    ingest_reject (in, "wrong_field_count", NULL,
                   "the row has %zu fields, the header has %zu",
                   cs->n_fields, cs->n_columns);
    return 0;
  }
  for (size_t col = 0; col < cs->n_columns; col++)
  {
    int field = cs->column_field[col];
    size_t start = col ? cs->field_end[col - 1] : 0;
    if (field < 0)
      continue;
    vals[field].text = in->rec + start;
    vals[field].len = cs->field_end[col] - start;
    vals[field].type = vals[field].len ? VAL_STRING : VAL_ABSENT;
  }
  return ingest_emit (in, vals);
}

/** Ends a physical line outside quotes: ends the record, if any (a line
 *  with nothing on it is blank and skipped). */
static int
end_line (struct ingest *in)
{
  int r = in->in_record ? end_record (in) : 0;

  in->line++;
  return r;
}

/** A byte outside quotes that is not a line end: data, ',' or '"'. */
static int
unquoted_byte (struct ingest *in, unsigned char c)
{
  struct csv_state *cs = &in->csv;

  if (!in->in_record)
  {
    ingest_rec_start (in);
    cs->n_fields = 0;
    cs->malformed = NULL;
  }
  bool keep = ingest_rec_take (in);
  if (c == ',')
  {
    cs->at = CSV_FIELD_START;
    return push_field (in);
  }
  if (c == '"')
  {
    if (cs->at == CSV_FIELD_START)
    {
      cs->at = CSV_QUOTED;
      return 0;
    }
    malformed (in, "a quote inside an unquoted field (quote the whole field "
               "and double the quote)");
  }
  cs->at = CSV_UNQUOTED;
  if (keep)
    in->rec[in->rec_len++] = (char) c;
  return 0;
}

/** Runs one byte through the state machine. */
static int
csv_byte (struct ingest *in, unsigned char c)
{
  struct csv_state *cs = &in->csv;

  if (cs->cr_pending)
  {
    cs->cr_pending = false;
    if (c == '\n')
      return end_line (in);
    /* a CR not followed by LF is data (and, being a control character,
     * refused by the field checks if the column is used) */
    if (unquoted_byte (in, '\r') != 0)
      return -1;
  }
  switch (cs->at)
  {
  case CSV_QUOTED:
    if (ingest_rec_take (in) && c != '"')
      in->rec[in->rec_len++] = (char) c;
    if (c == '"')
      cs->at = CSV_QUOTE_IN_QUOTED;
    if (c == '\n')
      in->line++;
    return 0;
  case CSV_QUOTE_IN_QUOTED:
    if (c == '"')
    {
      /* "" inside quotes: one literal quote */
      if (ingest_rec_take (in))
        in->rec[in->rec_len++] = '"';
      cs->at = CSV_QUOTED;
      return 0;
    }
    cs->at = CSV_UNQUOTED;
    if (c != ',' && c != '\n' && c != '\r')
      malformed (in, "text after the closing quote of a field");
    break;
  case CSV_FIELD_START:
  case CSV_UNQUOTED:
    break;
  }
  if (c == '\n')
    return end_line (in);
  if (c == '\r')
  {
    cs->cr_pending = true;
    return 0;
  }
  return unquoted_byte (in, c);
}

int
ingest_csv_feed (struct ingest *in, const unsigned char *p, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (csv_byte (in, p[i]) != 0 || in->failed)
      return -1;
  return 0;
}

int
ingest_csv_finish (struct ingest *in)
{
  struct csv_state *cs = &in->csv;

  cs->cr_pending = false;   /* a final CR ends the last line */
  if (in->in_record && cs->at == CSV_QUOTED)
    malformed (in, "a quoted field is not closed before the end of the body");
  if (in->in_record && end_record (in) != 0)
    return -1;
  if (!cs->have_header)
    return ingest_refuse (in, "missing_header",
                          "the body is empty: a CSV body starts with a header "
                          "line naming the columns");
  return in->failed ? -1 : 0;
}

void
ingest_csv_free (struct ingest *in)
{
  free (in->csv.field_end);
  free (in->csv.column_field);
}

/* end of ingest_csv.c */
