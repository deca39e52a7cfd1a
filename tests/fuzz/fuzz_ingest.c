/*
 * fuzz_ingest.c -- the streaming import parsers (server/ingest*.c) for each
 * kind (flows, labels) and format (JSON array, NDJSON, CSV).
 *
 * Input: two bytes of settings, then the body.
 *   byte 0  bit 0     kind: 0 flows, 1 labels
 *           bits 1-2  format: 0 JSON array, 1 NDJSON, 2 and 3 CSV
 *           bit 3     stretch, when byte 1 ends in binary 111 as well:
 *                     66000 copies of one byte are inserted in the middle
 *                     of the body, past INGEST_RECORD_MAX (rare on purpose:
 *                     such a run costs twenty ordinary ones)
 *           bits 4-7  the sink asks to stop at this row (0: never)
 *   byte 1  how the body is cut: 0 one byte per chunk, else chunks of
 *           1..byte1 bytes from a generator seeded by it
 * The body is parsed twice, in one piece and cut as byte 1 says; both
 * parses must report exactly the same events (chunk boundaries never
 * matter, ingest.c promises it).
 *
 * Invariants checked by the sink, on every event:
 *   - no callback once the parser has refused the body or the sink asked
 *     to stop, nor after ingest_finish;
 *   - record numbers count the events 1, 2, 3, ...; lines never decrease;
 *   - every accepted flow or label is canonical: addresses, tx hash,
 *     decimals re-validate to themselves, its time formats and parses back
 *     to the same instant, text fields are terminated, clean UTF-8 and
 *     within their sizes, categories known, incident ids well-formed;
 *   - rejections carry a snake_case code, a known field or none, and a
 *     reason safe to put in JSON; ignored names are reported cleanly and at
 *     most INGEST_IGNORED_MAX times;
 * and at the end: a refusal has a code and words and sticks (feed and
 * finish keep returning -1, with no further callback); a sink that asked
 * to stop gets "aborted".
 */
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include "fuzz.h"
#include "riskd/ingest_internal.h"
#include "riskd/scoring.h"

/** Bytes inserted in stretch mode: more than one record may hold. */
#define STRETCH_BYTES (INGEST_RECORD_MAX + 464)

static struct scoring_config scoring;

static bool
category_known (const char *category)
{
  return scoring_category (&scoring, category) >= 0;
}

/** What one parse saw. */
struct seen {
  struct ingest *in;
  enum ingest_kind kind;
  unsigned stop_at;           /**< row at which the sink stops (0: never) */
  bool stopped;               /**< the sink asked to stop */
  bool closed;                /**< no callback is allowed any more */
  uint64_t events;            /**< rows and rejections */
  uint64_t rows;
  uint64_t last_line;
  unsigned ignored;
  char *log;                  /**< every event, one line each */
  size_t len, cap;
};

/** Appends formatted text to the event log. */
__attribute__ ((format (printf, 2, 3))) static void
note (struct seen *s, const char *fmt, ...)
{
  char line[4096];
  va_list ap;

  va_start (ap, fmt);
  int n = vsnprintf (line, sizeof line, fmt, ap);
  va_end (ap);
  if (n < 0)
    abort ();
  if ((size_t) n >= sizeof line)
    n = sizeof line - 1;
  if (s->len + (size_t) n + 1 > s->cap)
  {
    s->cap = (s->len + (size_t) n + 1) * 2;
    s->log = realloc (s->log, s->cap);
    if (s->log == NULL)
      abort ();
  }
  memcpy (s->log + s->len, line, (size_t) n + 1);
  s->len += (size_t) n;
}

/** True when field (size bytes of room) holds a terminated string. */
static bool
terminated (const char *field, size_t size)
{
  return memchr (field, '\0', size) != NULL;
}

/** Common checks of a row or a rejection. */
static void
check_event (struct seen *s, struct ingest_pos pos, const char *what)
{
  FUZZ_CHECK (!s->closed, "%s reported after the parse ended", what);
  FUZZ_CHECK (!s->stopped, "%s reported after the sink asked to stop", what);
  FUZZ_CHECK (ingest_error_code (s->in)[0] == '\0', "%s reported after the body was refused (%s)",
              what, ingest_error_code (s->in));
  s->events++;
  FUZZ_CHECK (pos.record == s->events, "%s has record %llu, expected %llu", what,
              (unsigned long long) pos.record, (unsigned long long) s->events);
  FUZZ_CHECK (pos.line >= 1 && pos.line >= s->last_line, "%s at line %llu after line %llu",
              what, (unsigned long long) pos.line, (unsigned long long) s->last_line);
  s->last_line = pos.line;
}

/** An address field of an accepted row is its own canonical form. */
static void
check_address (enum chain chain, const char *field, const char *name)
{
  char again[ADDRESS_MAX + 1];

  FUZZ_CHECK (terminated (field, ADDRESS_MAX + 1), "%s not terminated", name);
  enum addr_error err = address_normalize (chain, field, strlen (field), again);
  FUZZ_CHECK (err == ADDR_OK && strcmp (again, field) == 0,
              "%s '%s' is not canonical on %s (%d: '%s')", name, field, chain_name (chain),
              err, again);
}

/** A decimal field is its own canonical form ("" allowed when optional). */
static void
check_decimal (const char *field, const char *name, bool optional)
{
  char again[DECIMAL_MAX + 1];

  FUZZ_CHECK (terminated (field, DECIMAL_MAX + 1), "%s not terminated", name);
  if (optional && field[0] == '\0')
    return;
  int err = decimal_normalize (field, strlen (field), again);
  FUZZ_CHECK (err == DECIMAL_OK && strcmp (again, field) == 0,
              "%s '%s' is not canonical (%d: '%s')", name, field, err, again);
}

/** Text of a label: terminated, within size, clean UTF-8. */
static void
check_text (const char *field, size_t size, const char *name, bool required)
{
  FUZZ_CHECK (terminated (field, size), "%s not terminated", name);
  FUZZ_CHECK (!required || field[0] != '\0', "%s empty", name);
  FUZZ_CHECK (ingest_text_problem ((const unsigned char *) field, strlen (field)) == NULL,
              "%s '%s' is not clean text", name, field);
}

static int
on_flow (void *ctx, struct ingest_pos pos, const struct flow_row *r)
{
  struct seen *s = ctx;
  char tx[TXHASH_MAX + 1], time[32];
  int64_t time_again = 0;

  check_event (s, pos, "a flow");
  FUZZ_CHECK (s->kind == INGEST_FLOWS, "a flow from a labels parser");
  FUZZ_CHECK ((unsigned) r->chain < CHAIN_COUNT, "chain %d", (int) r->chain);
  FUZZ_CHECK (terminated (r->tx_hash, sizeof r->tx_hash), "tx_hash not terminated");
  FUZZ_CHECK (txhash_normalize (r->chain, r->tx_hash, strlen (r->tx_hash), tx) == ADDR_OK
              && strcmp (tx, r->tx_hash) == 0, "tx_hash '%s' is not canonical", r->tx_hash);
  check_address (r->chain, r->from, "from");
  check_address (r->chain, r->to, "to");
  FUZZ_CHECK (r->idx >= 0, "idx %d", r->idx);
  FUZZ_CHECK (r->block >= -1, "block %lld", (long long) r->block);
  FUZZ_CHECK (r->pos >= -1, "pos %d", r->pos);
  FUZZ_CHECK (terminated (r->asset, sizeof r->asset) && r->asset[0] != '\0', "asset");
  for (const char *p = r->asset; *p; p++)
    FUZZ_CHECK (*p > ' ' && *p < 0x7f && *p != ',', "asset '%s'", r->asset);
  check_decimal (r->amount, "amount", false);
  check_decimal (r->usd, "usd", true);
  /* what import.c sends to PostgreSQL must read back as the same instant */
  rfc3339_format (r->time_us, time);
  FUZZ_CHECK (rfc3339_parse (time, strlen (time), &time_again) == RFC3339_OK
              && time_again == r->time_us,
              "time %lld formats as '%s', which does not parse back (%lld)",
              (long long) r->time_us, time, (long long) time_again);
  s->rows++;
  note (s, "F %llu:%llu %d|%s|%d|%s|%s|%s|%s|%s|%lld|%lld|%d\n",
        (unsigned long long) pos.line, (unsigned long long) pos.record, (int) r->chain,
        r->tx_hash, r->idx, r->from, r->to, r->asset, r->amount, r->usd,
        (long long) r->time_us, (long long) r->block, r->pos);
  if (s->stop_at != 0 && s->rows == s->stop_at)
  {
    s->stopped = true;
    return 1;
  }
  return 0;
}

static int
on_label (void *ctx, struct ingest_pos pos, const struct label_row *r)
{
  struct seen *s = ctx;

  check_event (s, pos, "a label");
  FUZZ_CHECK (s->kind == INGEST_LABELS, "a label from a flows parser");
  FUZZ_CHECK ((unsigned) r->chain < CHAIN_COUNT, "chain %d", (int) r->chain);
  check_address (r->chain, r->address, "address");
  FUZZ_CHECK (terminated (r->category, sizeof r->category) && category_known (r->category),
              "category '%s' is not configured", r->category);
  check_text (r->entity, sizeof r->entity, "entity", false);
  check_text (r->incident_id, sizeof r->incident_id, "incident_id", false);
  check_text (r->source, sizeof r->source, "source", true);
  for (const char *p = r->incident_id; *p; p++)
    FUZZ_CHECK ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
                || (p != r->incident_id && strchr ("._-", *p) != NULL),
                "incident_id '%s'", r->incident_id);
  s->rows++;
  note (s, "L %llu:%llu %d|%s|%s|%s|%s|%s\n", (unsigned long long) pos.line,
        (unsigned long long) pos.record, (int) r->chain, r->address, r->category, r->entity,
        r->incident_id, r->source);
  if (s->stop_at != 0 && s->rows == s->stop_at)
  {
    s->stopped = true;
    return 1;
  }
  return 0;
}

static void
on_reject (void *ctx, struct ingest_pos pos, const char *code, const char *field,
           const char *reason)
{
  struct seen *s = ctx;

  check_event (s, pos, "a rejection");
  FUZZ_CHECK (code != NULL && code[0] != '\0' && strspn (code, "abcdefghijklmnopqrstuvwxyz_")
              == strlen (code), "rejection code '%s'", code ? code : "(null)");
  FUZZ_CHECK (field == NULL || ingest_field_index (s->kind, field, strlen (field)) >= 0,
              "rejection names the unknown field '%s'", field);
  FUZZ_CHECK (reason != NULL && terminated (reason, 256)
              && ingest_text_problem ((const unsigned char *) reason, strlen (reason)) == NULL,
              "rejection reason is not clean text");
  note (s, "R %llu:%llu %s %s %s\n", (unsigned long long) pos.line,
        (unsigned long long) pos.record, code, field ? field : "-", reason);
}

static void
on_ignored_field (void *ctx, const char *name)
{
  struct seen *s = ctx;

  FUZZ_CHECK (!s->closed && !s->stopped, "ignored field reported after the parse ended");
  FUZZ_CHECK (name != NULL && terminated (name, INGEST_IGNORED_NAME_MAX + 1),
              "ignored name longer than %d bytes", INGEST_IGNORED_NAME_MAX);
  for (const char *p = name; *p; p++)
    FUZZ_CHECK ((unsigned char) *p >= 0x20 && *p != 0x7f, "ignored name with a control byte");
  FUZZ_CHECK (ingest_text_problem ((const unsigned char *) name, strlen (name)) == NULL,
              "ignored name is not clean text");
  FUZZ_CHECK (ingest_field_index (s->kind, name, strlen (name)) < 0,
              "known field '%s' reported as ignored", name);
  FUZZ_CHECK (++s->ignored <= INGEST_IGNORED_MAX, "more than %d ignored names",
              INGEST_IGNORED_MAX);
  note (s, "I %s\n", name);
}

/** A body: the input, or the input with a long run of one byte inside. */
struct body {
  const char *head, *tail;    /**< before and after the run */
  size_t head_len, tail_len;
  size_t run;                 /**< bytes in the run (0: none) */
  char run_byte;
};

/** The outcome of one parse. */
struct outcome {
  int rc;
  char code[64];
  char error[256];
};

/** Feeds `len` bytes in chunks cut by the generator; -1 when refused. */
static int
feed_cut (struct ingest *in, const char *p, size_t len, unsigned seed, uint32_t *rng)
{
  for (size_t at = 0; at < len;)
  {
    size_t n = 1;
    if (seed != 0)
    {
      *rng = *rng * 1103515245u + 12345u;
      n = 1 + (*rng >> 16) % seed;
    }
    if (n > len - at)
      n = len - at;
    /* each chunk in its own exact-size block: ASan sees reads past it */
    char *chunk = fuzz_exact_copy (p + at, n);
    int rc = ingest_feed (in, chunk, n);
    free (chunk);
    if (rc != 0)
      return rc;
    at += n;
  }
  return 0;
}

/** Parses the body, whole (cut == false) or in chunks; checks the end. */
static void
parse (enum ingest_kind kind, enum ingest_format format, unsigned stop_at,
       const struct body *b, bool cut, unsigned seed, struct seen *s, struct outcome *o)
{
  const struct ingest_sink sink = {
    .on_flow = on_flow, .on_label = on_label, .on_reject = on_reject,
    .on_ignored_field = on_ignored_field, .ctx = s,
  };
  uint32_t rng = seed;
  int rc;

  memset (s, 0, sizeof *s);
  s->kind = kind;
  s->stop_at = stop_at;
  s->in = ingest_new (kind, format, category_known, &sink);
  FUZZ_CHECK (s->in != NULL, "ingest_new failed");
  if (!cut)
  {
    size_t len = b->head_len + b->run + b->tail_len;
    char *whole = malloc (len ? len : 1);
    if (b->head_len > 0)
      memcpy (whole, b->head, b->head_len);
    memset (whole + b->head_len, b->run_byte, b->run);
    if (b->tail_len > 0)
      memcpy (whole + b->head_len + b->run, b->tail, b->tail_len);
    rc = ingest_feed (s->in, whole, len);
    free (whole);
  }
  else
  {
    rc = feed_cut (s->in, b->head, b->head_len, seed, &rng);
    if (rc == 0 && b->run > 0)
    {
      char *run = malloc (b->run);
      memset (run, b->run_byte, b->run);
      rc = feed_cut (s->in, run, b->run, seed ? seed * 64 : 4096, &rng);
      free (run);
    }
    if (rc == 0)
      rc = feed_cut (s->in, b->tail, b->tail_len, seed, &rng);
  }
  if (rc == 0)
    rc = ingest_finish (s->in);
  FUZZ_CHECK (rc == 0 || rc == -1, "feed/finish returned %d", rc);
  s->closed = true;

  const char *code = ingest_error_code (s->in), *error = ingest_error (s->in);
  if (rc == 0)
    FUZZ_CHECK (code[0] == '\0' && error[0] == '\0', "accepted body with error %s", code);
  else
  {
    FUZZ_CHECK (code[0] != '\0' && error[0] != '\0', "refused body without a code or words");
    FUZZ_CHECK (ingest_text_problem ((const unsigned char *) error, strlen (error)) == NULL,
                "refusal words are not clean text");
    /* a refusal sticks, and nothing more is reported */
    FUZZ_CHECK (ingest_feed (s->in, "x\n", 2) == -1, "feed accepted after a refusal");
    FUZZ_CHECK (ingest_finish (s->in) == -1, "finish accepted after a refusal");
    FUZZ_CHECK (strcmp (code, ingest_error_code (s->in)) == 0, "refusal code changed");
  }
  if (s->stopped)
    FUZZ_CHECK (rc == -1 && strcmp (code, "aborted") == 0,
                "the sink asked to stop, the parser says %d '%s'", rc, code);
  o->rc = rc;
  snprintf (o->code, sizeof o->code, "%s", code);
  snprintf (o->error, sizeof o->error, "%s", error);
  ingest_free (s->in);
  s->in = NULL;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const enum ingest_format formats[4] = {
    INGEST_JSON, INGEST_NDJSON, INGEST_CSV, INGEST_CSV
  };
  static bool ready;
  struct seen whole, cut;
  struct outcome o_whole, o_cut;

  if (!ready)
  {
    scoring_config_default (&scoring);
    ready = true;
  }
  if (size < 2)
    return 0;
  enum ingest_kind kind = (data[0] & 1) ? INGEST_LABELS : INGEST_FLOWS;
  enum ingest_format format = formats[(data[0] >> 1) & 3];
  unsigned stop_at = data[0] >> 4, seed = data[1];
  const char *text = (const char *) data + 2;
  size_t len = size - 2;
  struct body b = { .head = text, .head_len = len };
  if ((data[0] & 8) && (seed & 7) == 7)
  {
    b.head_len = len / 2;
    b.tail = text + len / 2;
    b.tail_len = len - len / 2;
    b.run = STRETCH_BYTES;
    b.run_byte = len ? text[len / 2] : 'a';
  }

  parse (kind, format, stop_at, &b, false, seed, &whole, &o_whole);
  parse (kind, format, stop_at, &b, true, seed, &cut, &o_cut);
  FUZZ_CHECK (o_whole.rc == o_cut.rc && strcmp (o_whole.code, o_cut.code) == 0
              && strcmp (o_whole.error, o_cut.error) == 0,
              "whole: %d %s '%s'; in chunks: %d %s '%s'", o_whole.rc, o_whole.code,
              o_whole.error, o_cut.rc, o_cut.code, o_cut.error);
  FUZZ_CHECK (whole.len == cut.len
              && (whole.len == 0 || memcmp (whole.log, cut.log, whole.len) == 0),
              "events differ when the body is cut:\n--- whole\n%.*s--- in chunks\n%.*s",
              (int) whole.len, whole.log ? whole.log : "", (int) cut.len,
              cut.log ? cut.log : "");
  if (getenv ("FUZZ_TRACE") != NULL)   /* to see what an input does */
    fprintf (stderr, "%.*s=> %d %s %s\n", (int) whole.len, whole.log ? whole.log : "",
             o_whole.rc, o_whole.code, o_whole.error);
  free (whole.log);
  free (cut.log);
  return 0;
}

/* end of fuzz_ingest.c */
