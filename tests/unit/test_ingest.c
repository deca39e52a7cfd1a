/*
 * test_ingest.c -- the import parser (server/ingest*.c), RFC 3339 times
 * (server/timefmt.c) and decimals (server/decimal.c).
 *
 * Every parse is recorded by a sink into a text log, one line per event:
 *   F line:record chain|tx_hash|idx|from|to|asset|amount|usd|time|block|pos
 *   L line:record chain|address|category|entity|incident_id|source
 *   R line:record code field
 *   I name                         (an ignored column or key)
 * (absent optional text shows as "-"), so a test states the whole expected
 * outcome of a body in one string, and two parses compare with strcmp.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include "riskd/ingest_internal.h"
#include "unit.h"

/* Real addresses and hashes, valid with the real address.c. */
#define EVM1 "0x098b716b8aaf21512996dc57eb0615e2383e2f96"
#define EVM2 "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
#define BTC1 "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
#define BTC2 "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
#define TRX1 "TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9"
#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define H64U "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"

#define FLOW_HEADER "chain,tx_hash,idx,from,to,asset,amount,usd,time\n"
#define LABEL_HEADER "chain,address,category,entity,incident_id,source\n"

/** What a sink saw. */
struct got {
  char *log;            /**< the events, one per line */
  size_t len;           /**< bytes in log */
  size_t cap;           /**< room in log */
  char reason[256];     /**< reason of the last rejection */
  int rows;             /**< rows accepted */
  int stop_at;          /**< the sink asks to stop at this row (0: never) */
};

/** The outcome of one parse. */
struct run {
  struct got got;       /**< what the sink saw */
  int rc;               /**< 0, or -1 when feed or finish refused the body */
  char code[64];        /**< ingest_error_code() at the end */
  char error[256];      /**< ingest_error() at the end */
};

/** Starts an empty log. */
static void
got_init (struct got *g)
{
  memset (g, 0, sizeof *g);
  g->cap = 256;
  g->log = calloc (1, g->cap);
}

/** Appends a formatted line to the log. */
__attribute__ ((format (printf, 2, 3))) static void
note (struct got *g, const char *fmt, ...)
{
  va_list ap;
  char line[4096];

  va_start (ap, fmt);
  int n = vsnprintf (line, sizeof line, fmt, ap);
  va_end (ap);
  if (n < 0 || (size_t) n >= sizeof line)
    n = (int) sizeof line - 1;
  if (g->len + (size_t) n + 2 > g->cap)
  {
    g->cap = (g->cap + (size_t) n + 2) * 2;
    g->log = realloc (g->log, g->cap);
  }
  memcpy (g->log + g->len, line, (size_t) n);
  g->len += (size_t) n;
  g->log[g->len++] = '\n';
  g->log[g->len] = '\0';
}

/** Text for the log: "-" for an absent optional field. */
static const char *
opt (const char *s)
{
  return s[0] ? s : "-";
}

/** Sink: a flow. */
static int
on_flow (void *ctx, struct ingest_pos pos, const struct flow_row *r)
{
  struct got *g = ctx;
  char time[32];

  rfc3339_format (r->time_us, time);
  note (g, "F %llu:%llu %s|%s|%d|%s|%s|%s|%s|%s|%s|%lld|%d",
        (unsigned long long) pos.line, (unsigned long long) pos.record,
        chain_name (r->chain), r->tx_hash, (int) r->idx, r->from, r->to,
        r->asset, r->amount, opt (r->usd), time, (long long) r->block,
        (int) r->pos);
  return ++g->rows == g->stop_at;
}

/** Sink: a label. */
static int
on_label (void *ctx, struct ingest_pos pos, const struct label_row *r)
{
  struct got *g = ctx;

  note (g, "L %llu:%llu %s|%s|%s|%s|%s|%s", (unsigned long long) pos.line,
        (unsigned long long) pos.record, chain_name (r->chain), r->address,
        r->category, opt (r->entity), opt (r->incident_id), r->source);
  return ++g->rows == g->stop_at;
}

/** Sink: a rejected record. */
static void
on_reject (void *ctx, struct ingest_pos pos, const char *code,
           const char *field, const char *reason)
{
  struct got *g = ctx;

  note (g, "R %llu:%llu %s %s", (unsigned long long) pos.line,
        (unsigned long long) pos.record, code, field ? field : "-");
  snprintf (g->reason, sizeof g->reason, "%s", reason);
}

/** Sink: an ignored column or key. */
static void
on_ignored (void *ctx, const char *name)
{
  note (ctx, "I %s", name);
}

/** The configured categories of these tests. */
static bool
category_known (const char *category)
{
  static const char *known[] = { "hack", "sanctions", "mixer", "scam",
                                 "ransomware", "darknet", "exchange",
                                 "bridge", "gambling" };

  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    if (strcmp (known[i], category) == 0)
      return true;
  return false;
}

/** Parses `len` bytes of `body` fed in chunks of `chunk` bytes. */
static void
run_chunked (struct run *r, enum ingest_kind kind, enum ingest_format format,
             const char *body, size_t len, size_t chunk, int stop_at)
{
  memset (r, 0, sizeof *r);
  got_init (&r->got);
  r->got.stop_at = stop_at;
  struct ingest_sink sink = { on_flow, on_label, on_reject, on_ignored,
                              &r->got };
  struct ingest *in = ingest_new (kind, format, category_known, &sink);
  for (size_t off = 0; off < len && r->rc == 0; off += chunk)
    if (ingest_feed (in, body + off, len - off < chunk ? len - off : chunk))
      r->rc = -1;
  if (r->rc == 0 && ingest_finish (in) != 0)
    r->rc = -1;
  snprintf (r->code, sizeof r->code, "%s", ingest_error_code (in));
  snprintf (r->error, sizeof r->error, "%s", ingest_error (in));
  ingest_free (in);
}

/** Parses a NUL-terminated body in one piece. */
static void
run (struct run *r, enum ingest_kind kind, enum ingest_format format,
     const char *body)
{
  run_chunked (r, kind, format, body, strlen (body), strlen (body) + 1, 0);
}

/** Frees what a run allocated. */
static void
run_free (struct run *r)
{
  free (r->got.log);
}

/* ---- CSV ---- */

/** Two good flows: canonical forms (lower-case hash, "007.50" -> "7.50"),
 *  optional block/pos columns, usd absent, an offset converted to UTC. */
static void
test_csv_flows (void)
{
  struct run r;

  run (&r, INGEST_FLOWS, INGEST_CSV,
       "chain,tx_hash,idx,from,to,asset,amount,usd,time,block,pos\n"
       "eth,0x" H64U ",0," EVM1 "," EVM2 ",ETH,007.50,1500.25,"
       "2024-01-02T03:04:05Z,19000000,3\n"
       "btc," H64 ",1," BTC1 "," BTC2 ",BTC,0.5,,"
       "2024-01-02T03:04:05.123456+01:00,,\n");
  CHECK (r.rc == 0);
  CHECK_STR (r.got.log,
             "F 2:1 eth|0x" H64 "|0|" EVM1 "|" EVM2 "|ETH|7.50|1500.25|"
             "2024-01-02T03:04:05Z|19000000|3\n"
             "F 3:2 btc|" H64 "|1|" BTC1 "|" BTC2 "|BTC|0.5|-|"
             "2024-01-02T02:04:05.123456Z|-1|-1\n");
  run_free (&r);
}

/** Columns in any order; an unknown column ("asset", as in the OFAC seed
 *  file) reported once; quoted commas and "" escapes. */
static void
test_csv_labels_any_order (void)
{
  struct run r;

  run (&r, INGEST_LABELS, INGEST_CSV,
       "source,asset,address,chain,category,entity,incident_id\n"
       "\"US Treasury, OFAC\",ETH," EVM1 ",eth,sanctions,OFAC SDN,\n"
       "\"He said \"\"hi\"\"\",BTC," BTC1 ",btc,hack,Lazarus Group,"
       "2022-03-ronin-bridge\n"
       "src,TRX," TRX1 ",trx,scam,,\n");
  CHECK (r.rc == 0);
  CHECK_STR (r.got.log,
             "I asset\n"
             "L 2:1 eth|" EVM1 "|sanctions|OFAC SDN|-|US Treasury, OFAC\n"
             "L 3:2 btc|" BTC1 "|hack|Lazarus Group|2022-03-ronin-bridge|"
             "He said \"hi\"\n"
             "L 4:3 trx|" TRX1 "|scam|-|-|src\n");
  run_free (&r);
}

/** A quoted newline keeps the record whole and line numbers physical:
 *  fine in an ignored column, invalid_text in a used one. */
static void
test_csv_quoted_newline (void)
{
  struct run r;

  run (&r, INGEST_LABELS, INGEST_CSV,
       "chain,address,category,source,note\n"
       "eth," EVM1 ",hack,src,\"line one\nline two\"\n"
       "eth," EVM2 ",hack,\"multi\nline\",x\n"
       "btc," BTC1 ",hack,src,x\n");
  CHECK (r.rc == 0);
  CHECK_STR (r.got.log,
             "I note\n"
             "L 2:1 eth|" EVM1 "|hack|-|-|src\n"
             "R 4:2 invalid_text source\n"
             "L 6:3 btc|" BTC1 "|hack|-|-|src\n");
  run_free (&r);
}

/** A BOM, CRLF line ends, blank lines (not counted as records) and a last
 *  record without a newline. */
static void
test_csv_crlf_bom (void)
{
  struct run r;

  run (&r, INGEST_LABELS, INGEST_CSV,
       "\xef\xbb\xbf" "chain,address,category,source\r\n"
       "\r\n"
       "eth," EVM1 ",hack,\"a\"\r\n"
       "\n"
       "btc," BTC1 ",mixer,b");
  CHECK (r.rc == 0);
  CHECK_STR (r.got.log,
             "L 3:1 eth|" EVM1 "|hack|-|-|a\n"
             "L 5:2 btc|" BTC1 "|mixer|-|-|b\n");
  run_free (&r);
}

/** Header problems refuse the whole body, naming the column. */
static void
test_csv_header_refused (void)
{
  struct run r;

  run (&r, INGEST_FLOWS, INGEST_CSV,
       "chain,tx_hash,idx,from,to,asset,usd,time\n"
       "eth,0x" H64 ",0," EVM1 "," EVM2 ",ETH,1,2024-01-02T03:04:05Z\n");
  CHECK (r.rc == -1);
  CHECK_STR (r.code, "missing_column");
  CHECK (strstr (r.error, "\"amount\"") != NULL);
  CHECK_STR (r.got.log, "");
  run_free (&r);

  /* optional columns (usd, block, pos; entity, incident_id) may be left out */
  run (&r, INGEST_LABELS, INGEST_CSV,
       "chain,address,category,source\neth," EVM1 ",hack,s\n");
  CHECK (r.rc == 0);
  CHECK_STR (r.got.log, "L 2:1 eth|" EVM1 "|hack|-|-|s\n");
  run_free (&r);

  run (&r, INGEST_LABELS, INGEST_CSV,
       "chain,address,category,source,chain\n");
  CHECK (r.rc == -1);
  CHECK_STR (r.code, "duplicate_column");
  run_free (&r);

  run (&r, INGEST_LABELS, INGEST_CSV, "");
  CHECK (r.rc == -1);
  CHECK_STR (r.code, "missing_header");
  run_free (&r);

  /* a header alone is a valid, empty import */
  run (&r, INGEST_LABELS, INGEST_CSV, LABEL_HEADER);
  CHECK (r.rc == 0);
  CHECK_STR (r.got.log, "");
  run_free (&r);
}

/** Rows with too few or too many fields, and quoting mistakes, are
 *  rejected one by one; the rest goes through. */
static void
test_csv_bad_rows (void)
{
  struct run r;

  run (&r, INGEST_LABELS, INGEST_CSV,
       "chain,address,category,source\n"
       "eth," EVM1 ",hack\n"
       "eth," EVM1 ",hack,s,extra\n"
       "eth,0x09\"8b,hack,s\n"
       "eth,\"" EVM1 "\"x,hack,s\n"
       "eth," EVM1 ",hack,s\n"
       "eth," EVM2 ",hack,\"never closed\n"
       "btc," BTC1 ",hack,s\n");
  CHECK (r.rc == 0);
  CHECK_STR (r.got.log,
             "R 2:1 wrong_field_count -\n"
             "R 3:2 wrong_field_count -\n"
             "R 4:3 invalid_csv -\n"
             "R 5:4 invalid_csv -\n"
             "L 6:5 eth|" EVM1 "|hack|-|-|s\n"
             "R 7:6 invalid_csv -\n");
  CHECK (strstr (r.got.reason, "not closed") != NULL);
  run_free (&r);
}

/* ---- NDJSON ---- */

/** A bad line among good ones is rejected alone, with its physical line;
 *  blank lines are skipped; unknown keys reported once each. */
static void
test_ndjson_lines (void)
{
  struct run r;

  run (&r, INGEST_LABELS, INGEST_NDJSON,
       "{\"chain\":\"eth\",\"address\":\"" EVM1 "\",\"category\":\"hack\","
       "\"source\":\"s\"}\n"
       "\n"
       "{\"chain\":\"eth\",\"address\":\n"
       "not json\n"
       "  [1,2]  \r\n"
       "{\"chain\":\"btc\",\"address\":\"" BTC1 "\",\"category\":\"mixer\","
       "\"source\":\"s\",\"x\":1,\"y\":null,\"entity\":null}\r\n"
       "\t\n"
       "{\"x\":2,\"chain\":\"btc\",\"address\":\"" BTC2 "\",\"category\":"
       "\"mixer\",\"source\":\"s\",\"incident_id\":\"i-1\"}");
  CHECK (r.rc == 0);
  CHECK_STR (r.got.log,
             "L 1:1 eth|" EVM1 "|hack|-|-|s\n"
             "R 3:2 invalid_json -\n"
             "R 4:3 invalid_json -\n"
             "R 5:4 invalid_json -\n"
             "I x\n"
             "I y\n"
             "L 6:5 btc|" BTC1 "|mixer|-|-|s\n"
             "L 8:6 btc|" BTC2 "|mixer|-|i-1|s\n");
  CHECK_STR (r.got.reason, "expected a JSON object");
  run_free (&r);
}

/** Unknown names: once each across records, shown safely, and only so
 *  many remembered (INGEST_IGNORED_MAX) so that memory stays bounded. */
static void
test_ignored_names (void)
{
  char *body = malloc (200 * 100);
  struct run r;

  body[0] = '\0';
  for (int i = 0; i < 100; i++)
    sprintf (body + strlen (body), "{\"k%d\":1,\"same\":2}\n", i);
  run (&r, INGEST_LABELS, INGEST_NDJSON, body);
  CHECK (r.rc == 0);
  const char *start = "I k0\nI same\nR 1:1 missing_field chain\n"
                      "I k1\nR 2:2 missing_field chain\n";
  CHECK (strncmp (r.got.log, start, strlen (start)) == 0);
  int shown = 0;
  for (const char *p = r.got.log; (p = strstr (p, "I ")) != NULL; p++)
    shown++;
  CHECK (shown == INGEST_IGNORED_MAX);
  run_free (&r);
  free (body);

  run (&r, INGEST_LABELS, INGEST_CSV,
       "chain,address,category,source,\xff\x01x,\xc3\xa9t\xc3\xa9\n");
  CHECK (r.rc == 0);
  CHECK_STR (r.got.log, "I ??x\nI \xc3\xa9t\xc3\xa9\n");
  run_free (&r);

  /* "a" and 100 e-acutes (201 bytes) are cut to 127 bytes, between two
   * characters rather than inside one */
  char header[512] = "chain,address,category,source,a", want[256] = "I a";
  for (int i = 0; i < 100; i++)
    strcat (header, "\xc3\xa9");
  for (int i = 0; i < 63; i++)
    strcat (want, "\xc3\xa9");
  strcat (header, "\n");
  strcat (want, "\n");
  run (&r, INGEST_LABELS, INGEST_CSV, header);
  CHECK_STR (r.got.log, want);
  run_free (&r);
}

/* ---- JSON array ---- */

/** A good array: whitespace around, strings holding brackets, commas and
 *  escaped quotes, integers for amounts, strings of digits for integers. */
static void
test_json_array (void)
{
  struct run r;

  run (&r, INGEST_FLOWS, INGEST_JSON,
       "  \n[\n"
       "  {\"chain\":\"eth\",\"tx_hash\":\"0x" H64 "\",\"idx\":\"7\","
       "\"from\":\"" EVM1 "\",\"to\":\"" EVM2 "\",\"asset\":\"ETH\","
       "\"amount\":1000000000000000000,\"usd\":null,"
       "\"time\":\"2024-01-02T03:04:05Z\",\"block\":123,\"pos\":null},\n"
       "  {\"chain\":\"trx\",\"tx_hash\":\"" H64 "\",\"idx\":0,\"from\":\""
       TRX1 "\",\"to\":\"" TRX1 "\",\"asset\":\"USDT\",\"amount\":\"0.1\","
       "\"usd\":\"0.1\",\"time\":\"2024-01-02T03:04:05.5Z\",\"note\":"
       "\"a ] , \\\" [ { }\"}\n"
       "]\n  ");
  CHECK (r.rc == 0);
  CHECK_STR (r.got.log,
             "F 3:1 eth|0x" H64 "|7|" EVM1 "|" EVM2 "|ETH|"
             "1000000000000000000|-|2024-01-02T03:04:05Z|123|-1\n"
             "I note\n"
             "F 4:2 trx|" H64 "|0|" TRX1 "|" TRX1 "|USDT|0.1|0.1|"
             "2024-01-02T03:04:05.500000Z|-1|-1\n");
  run_free (&r);

  run (&r, INGEST_FLOWS, INGEST_JSON, " [ ] ");
  CHECK (r.rc == 0);
  CHECK_STR (r.got.log, "");
  run_free (&r);
}

/** Builds {"a": [[...]]} with `depth` levels in all (the object is one). */
static void
nested (char *out, int depth)
{
  strcpy (out, "{\"a\":");
  for (int i = 1; i < depth; i++)
    strcat (out, "[");
  strcat (out, "1");
  for (int i = 1; i < depth; i++)
    strcat (out, "]");
  strcat (out, "}");
}

/** Bad elements are rejected one by one: too deep, malformed, not an
 *  object, duplicate key; the elements after them still count. */
static void
test_json_bad_elements (void)
{
  char body[4096], deep32[128], deep33[128];
  struct run r;

  nested (deep32, INGEST_DEPTH_MAX);
  nested (deep33, INGEST_DEPTH_MAX + 1);
  snprintf (body, sizeof body,
            "[%s,\n%s,\n{\"a\":},\n7,\n{\"chain\":\"eth\",\"chain\":\"eth\"},\n"
            "{\"chain\":\"eth\",\"address\":\"" EVM1 "\",\"category\":\"scam\","
            "\"source\":\"s\"}]",
            deep32, deep33);
  run (&r, INGEST_LABELS, INGEST_JSON, body);
  CHECK (r.rc == 0);
  /* 32 levels pass the depth cap (then fail for lack of fields) */
  CHECK_STR (r.got.log,
             "I a\n"
             "R 1:1 missing_field chain\n"
             "R 2:2 too_deep -\n"
             "R 3:3 invalid_json -\n"
             "R 4:4 invalid_json -\n"
             "R 5:5 invalid_json -\n"
             "L 6:6 eth|" EVM1 "|scam|-|-|s\n");
  run_free (&r);
}

/** What refuses a JSON body as a whole. */
static void
test_json_refused (void)
{
  static const struct {
    const char *body;      /**< the body */
    const char *log;       /**< rows that come out before the refusal */
  } cases[] = {
    { "{\"chain\":\"eth\"}", "" },                       /* not an array */
    { "", "" },                                          /* empty */
    { "[{\"chain\":\"doge\"}", "" },                     /* unclosed */
    { "[{\"chain\":\"doge\"},", "R 1:1 unknown_chain chain\n" },
    { "[{\"chain\":\"doge\"}] x", "R 1:1 unknown_chain chain\n" },
    { "[{\"chain\":\"doge\"}][]", "R 1:1 unknown_chain chain\n" },
    { "[{\"chain\":\"doge\"},]", "R 1:1 unknown_chain chain\n" },
    { "[,{}]", "" },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
  {
    struct run r;
    run (&r, INGEST_LABELS, INGEST_JSON, cases[i].body);
    CHECK (r.rc == -1);
    CHECK_STR (r.code, "invalid_json");
    CHECK_STR (r.got.log, cases[i].log);
    run_free (&r);
  }
}

/* ---- every format, any chunking ---- */

/** Bodies covering each format and rejection: fed whole and in chunks of
 *  1, 2, 3, 5 and 64 bytes, they must give the same events. */
static void
test_chunking (void)
{
  static const struct {
    enum ingest_kind kind;
    enum ingest_format format;
    const char *body;
  } bodies[] = {
    { INGEST_FLOWS, INGEST_CSV,
      "\xef\xbb\xbf" FLOW_HEADER
      "eth,0x" H64 ",0," EVM1 "," EVM2 ",ETH,1,,2024-01-02T03:04:05Z\r\n"
      "\r\n"
      "eth,0x" H64 ",1," EVM1 "," EVM2 ",\"E,TH\",1,,2024-01-02T03:04:05Z\r\n"
      "btc," H64 ",2," BTC1 "," BTC2 ",\"BTC\",\"0\"\"\",,x\n"
      "btc," H64 ",3," BTC1 "," BTC2 ",BTC,1,2,2024-01-02T03:04:05Z" },
    { INGEST_LABELS, INGEST_CSV,
      "\xef\xbb" "chain,address,category,source\n" },
    { INGEST_LABELS, INGEST_CSV,
      "note,chain,address,category,source\r\n"
      "\"a\r\nb\",eth," EVM1 ",hack,s\r\n"
      "x,eth," EVM1 ",hack\r\n"
      "x,eth," EVM1 ",hack,\"s\"\"\"\r" },
    { INGEST_LABELS, INGEST_NDJSON,
      "\xef\xbb\xbf{\"chain\":\"eth\",\"address\":\"" EVM1 "\",\"category\":"
      "\"hack\",\"source\":\"s\"}\r\n\r\n{]\n{\"chain\":\"eth\"}\n" },
    { INGEST_FLOWS, INGEST_JSON,
      "[{\"chain\":\"eth\",\"tx_hash\":\"0x" H64 "\",\"idx\":0,\"from\":\""
      EVM1 "\",\"to\":\"" EVM2 "\",\"asset\":\"ETH\",\"amount\":\"1\","
      "\"time\":\"2024-01-02T03:04:05Z\",\"s\":\"]\\\\\",\"t\":[{}]},\n"
      "{\"a\":},"
      "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
      "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]], \"x\" ]" },
    { INGEST_FLOWS, INGEST_JSON, "[{}] ]" },
  };
  static const size_t chunks[] = { 1, 2, 3, 5, 64 };

  for (size_t b = 0; b < sizeof bodies / sizeof bodies[0]; b++)
  {
    struct run whole;
    run (&whole, bodies[b].kind, bodies[b].format, bodies[b].body);
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++)
    {
      struct run part;
      run_chunked (&part, bodies[b].kind, bodies[b].format, bodies[b].body,
                   strlen (bodies[b].body), chunks[c], 0);
      CHECK_STR (part.got.log, whole.got.log);
      CHECK (part.rc == whole.rc);
      CHECK_STR (part.code, whole.code);
      run_free (&part);
    }
    run_free (&whole);
  }
}

/** Spot checks of the chunking bodies' outcomes, so that "the same" above
 *  is also "right". */
static void
test_chunking_bodies_right (void)
{
  struct run r;

  run (&r, INGEST_LABELS, INGEST_CSV,
       "\xef\xbb" "chain,address,category,source\n");
  /* a broken BOM is not a BOM: its bytes belong to the first column */
  CHECK (r.rc == -1);
  CHECK_STR (r.code, "missing_column");
  run_free (&r);

  run (&r, INGEST_FLOWS, INGEST_JSON, "[{}] ]");
  CHECK (r.rc == -1);
  CHECK_STR (r.got.log, "R 1:1 missing_field chain\n");
  run_free (&r);
}

/* ---- record size ---- */

/** Feeds `n` bytes of `c` in chunks, checking that the parser never keeps
 *  more than one record's worth of bytes. */
static bool
feed_filler (struct ingest *in, char c, size_t n)
{
  char chunk[4096];
  bool bounded = true;

  memset (chunk, c, sizeof chunk);
  for (size_t done = 0; done < n; done += sizeof chunk)
  {
    size_t k = n - done < sizeof chunk ? n - done : sizeof chunk;
    if (ingest_feed (in, chunk, k) != 0)
      return false;
    bounded = bounded && in->rec_len <= INGEST_RECORD_MAX;
  }
  return bounded;
}

/** A record of 8 MiB is skipped to its end in every format without being
 *  kept, and the records around it come through with the right lines. */
static void
test_record_too_long (void)
{
  static const struct {
    enum ingest_format format;
    const char *before;     /**< header, good record, start of the long one */
    char filler;            /**< the long record's body */
    const char *after;      /**< end of the long one and a good record */
  } cases[] = {
    { INGEST_CSV, LABEL_HEADER "eth," EVM1 ",hack,,,a\neth," EVM1 ",hack,,,\"",
      '\n', "\"\nbtc," BTC1 ",hack,,,b\n" },
    { INGEST_NDJSON,
      "{\"chain\":\"eth\",\"address\":\"" EVM1 "\",\"category\":\"hack\","
      "\"source\":\"a\"}\n{\"chain\":\"", 'x',
      "\"}\n{\"chain\":\"btc\",\"address\":\"" BTC1 "\",\"category\":"
      "\"hack\",\"source\":\"b\"}\n" },
    { INGEST_JSON,
      "[{\"chain\":\"eth\",\"address\":\"" EVM1 "\",\"category\":\"hack\","
      "\"source\":\"a\"},\n{\"source\":\"", ']',
      "\"},\n{\"chain\":\"btc\",\"address\":\"" BTC1 "\",\"category\":"
      "\"hack\",\"source\":\"b\"}]" },
  };
  static const char *want[] = {
    "L 2:1 eth|" EVM1 "|hack|-|-|a\n"
    "R 3:2 record_too_long -\n"
    "L 8388612:3 btc|" BTC1 "|hack|-|-|b\n",
    "L 1:1 eth|" EVM1 "|hack|-|-|a\n"
    "R 2:2 record_too_long -\n"
    "L 3:3 btc|" BTC1 "|hack|-|-|b\n",
    "L 1:1 eth|" EVM1 "|hack|-|-|a\n"
    "R 2:2 record_too_long -\n"
    "L 3:3 btc|" BTC1 "|hack|-|-|b\n",
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
  {
    struct run r;
    memset (&r, 0, sizeof r);
    got_init (&r.got);
    struct ingest_sink sink = { on_flow, on_label, on_reject, on_ignored,
                                &r.got };
    struct ingest *in = ingest_new (INGEST_LABELS, cases[i].format,
                                    category_known, &sink);
    CHECK (ingest_feed (in, cases[i].before, strlen (cases[i].before)) == 0);
    CHECK (feed_filler (in, cases[i].filler, (size_t) 8 << 20));
    CHECK (ingest_feed (in, cases[i].after, strlen (cases[i].after)) == 0);
    CHECK (ingest_finish (in) == 0);
    CHECK_STR (r.got.log, want[i]);
    ingest_free (in);
    run_free (&r);
  }

  /* exactly INGEST_RECORD_MAX bytes is still accepted */
  size_t fixed = strlen ("eth," EVM1 ",hack,");
  char *body = malloc (strlen (LABEL_HEADER) + INGEST_RECORD_MAX + 2);
  strcpy (body, "chain,address,category,source\neth," EVM1 ",hack,");
  size_t at = strlen (body);
  memset (body + at, 's', INGEST_RECORD_MAX - fixed);
  body[at + INGEST_RECORD_MAX - fixed] = '\0';
  struct run r;
  run (&r, INGEST_LABELS, INGEST_CSV, body);
  CHECK_STR (r.got.log, "R 2:1 too_long source\n");   /* > SOURCE_MAX only */
  run_free (&r);
  strcat (body, "s");
  run (&r, INGEST_LABELS, INGEST_CSV, body);
  CHECK_STR (r.got.log, "R 2:1 record_too_long -\n");
  run_free (&r);
  free (body);
}

/* ---- sink stops ---- */

/** A sink returning non-zero stops the parse: "aborted", and the parser
 *  refuses any further bytes. */
static void
test_sink_stops (void)
{
  const char *body =
    LABEL_HEADER "eth," EVM1 ",hack,,,a\neth," EVM2 ",hack,,,b\n"
    "btc," BTC1 ",hack,,,c\n";
  struct run r;

  run_chunked (&r, INGEST_LABELS, INGEST_CSV, body, strlen (body), 1, 2);
  CHECK (r.rc == -1);
  CHECK_STR (r.code, "aborted");
  CHECK_STR (r.got.log,
             "L 2:1 eth|" EVM1 "|hack|-|-|a\n"
             "L 3:2 eth|" EVM2 "|hack|-|-|b\n");
  run_free (&r);
}

/* ---- field checks ---- */

/** One field check: a record with one field replaced, and its outcome. */
struct field_case {
  const char *key;        /**< field to replace (or add) */
  const char *json;       /**< its raw JSON value; NULL removes the field */
  const char *code;       /**< expected rejection code; NULL: accepted */
  const char *want;       /**< accepted: expected log line's payload */
};

/** Default raw JSON values of a flow, in table order. */
static const char *flow_keys[] = { "chain", "tx_hash", "idx", "from", "to",
                                   "asset", "amount", "usd", "time", "block",
                                   "pos" };
static const char *flow_vals[] = { "\"eth\"", "\"0x" H64 "\"", "0",
                                   "\"" EVM1 "\"", "\"" EVM2 "\"", "\"ETH\"",
                                   "\"1\"", "\"2\"",
                                   "\"2024-01-02T03:04:05Z\"", "1", "2" };
/** Default raw JSON values of a label. */
static const char *label_keys[] = { "chain", "address", "category", "entity",
                                    "incident_id", "source" };
static const char *label_vals[] = { "\"eth\"", "\"" EVM1 "\"", "\"hack\"",
                                    "\"Lazarus Group\"", "\"i-1\"", "\"s\"" };

/** A JSON string of n copies of c. The result lives in one of 8 rotating
 *  buffers, enough for the long values of one case table. */
static char *
long_json_string (char c, size_t n)
{
  static char buf[8][SOURCE_MAX + 8];
  static int which;
  char *s = buf[which++ % 8];

  s[0] = '"';
  memset (s + 1, c, n);
  s[n + 1] = '"';
  s[n + 2] = '\0';
  return s;
}

/** Runs each case as one NDJSON record and compares the outcome. */
static void
check_field_cases (enum ingest_kind kind, const struct field_case *cases,
                   size_t n)
{
  const char **keys = kind == INGEST_FLOWS ? flow_keys : label_keys;
  const char **vals = kind == INGEST_FLOWS ? flow_vals : label_vals;
  size_t n_keys = kind == INGEST_FLOWS ? 11 : 6;

  for (size_t i = 0; i < n; i++)
  {
    char line[4096] = "{", want[512];
    bool replaced = false;
    for (size_t k = 0; k < n_keys; k++)
    {
      const char *v = vals[k];
      if (strcmp (keys[k], cases[i].key) == 0)
      {
        v = cases[i].json;
        replaced = true;
      }
      if (v != NULL)
        snprintf (line + strlen (line), sizeof line - strlen (line),
                  "%s\"%s\":%s", line[1] ? "," : "", keys[k], v);
    }
    if (!replaced)
      snprintf (line + strlen (line), sizeof line - strlen (line),
                ",\"%s\":%s", cases[i].key, cases[i].json);
    strcat (line, "}\n");

    struct run r;
    run (&r, kind, INGEST_NDJSON, line);
    if (cases[i].code != NULL)
      snprintf (want, sizeof want, "R 1:1 %s %s\n", cases[i].code,
                cases[i].key);
    else
      snprintf (want, sizeof want, "%s 1:1 %s\n",
                kind == INGEST_FLOWS ? "F" : "L", cases[i].want);
    if (strcmp (r.got.log, want) != 0)
      printf ("#   case %zu: %s = %s (reason: %s)\n", i, cases[i].key,
              cases[i].json ? cases[i].json : "(absent)", r.got.reason);
    CHECK_STR (r.got.log, want);
    run_free (&r);
  }
}

/** Every flow check, with its code and field. */
static void
test_flow_fields (void)
{
  const struct field_case cases[] = {
    { "chain", "\"doge\"", "unknown_chain", NULL },
    { "chain", "\"ETH\"", "unknown_chain", NULL },
    { "chain", "5", "wrong_type", NULL },
    { "chain", "null", "missing_field", NULL },
    { "tx_hash", "\"0x12\"", "invalid_tx_hash", NULL },
    { "tx_hash", "\"" H64 "\"", "invalid_tx_hash", NULL },
    { "idx", "-1", "invalid_integer", NULL },
    { "idx", "2147483648", "invalid_integer", NULL },
    { "idx", "\"12a\"", "invalid_integer", NULL },
    { "idx", "\"-1\"", "invalid_integer", NULL },
    { "idx", "1.0", "wrong_type", NULL },
    { "idx", "true", "wrong_type", NULL },
    { "idx", NULL, "missing_field", NULL },
    { "from", "\"0x12\"", "invalid_address", NULL },
    { "to", "\"" BTC2 "\"", "invalid_address", NULL },
    { "from", "\"0x098b716b8aaf21512996dc57eb0615e2383e2f9\\u0000\"",
      "invalid_text", NULL },
    { "asset", "\"US D\"", "invalid_asset", NULL },
    { "asset", "\"A,B\"", "invalid_asset", NULL },
    { "asset", "\"\\u00e9\"", "invalid_asset", NULL },
    { "asset", "\"E\\tTH\"", "invalid_text", NULL },
    { "asset", long_json_string ('A', ASSET_MAX + 1), "too_long", NULL },
    { "amount", "\"-1\"", "invalid_amount", NULL },
    { "amount", "\"1e5\"", "invalid_amount", NULL },
    { "amount", "\"NaN\"", "invalid_amount", NULL },
    { "amount", "\"1.\"", "invalid_amount", NULL },
    { "amount", "\".5\"", "invalid_amount", NULL },
    { "amount", "\"+1\"", "invalid_amount", NULL },
    { "amount", "-5", "invalid_amount", NULL },
    { "amount", "1.5", "wrong_type", NULL },
    { "amount", "1e3", "wrong_type", NULL },
    { "amount", "\"\"", "missing_field", NULL },
    { "amount", NULL, "missing_field", NULL },
    { "amount", long_json_string ('1', DECIMAL_MAX + 1), "too_long", NULL },
    { "usd", "\"abc\"", "invalid_usd", NULL },
    { "usd", "2.5", "wrong_type", NULL },
    { "time", "\"2024-01-02 03:04:05Z\"", "invalid_time", NULL },
    { "time", "\"2016-12-31T23:59:60Z\"", "invalid_time", NULL },
    { "time", "1704164645", "wrong_type", NULL },
    { "block", "-1", "invalid_integer", NULL },
    { "block", "\"9223372036854775808\"", "invalid_integer", NULL },
    { "pos", "2147483648", "invalid_integer", NULL },
    /* accepted, with their canonical forms */
    { "amount", "5", NULL,
      "eth|0x" H64 "|0|" EVM1 "|" EVM2 "|ETH|5|2|2024-01-02T03:04:05Z|1|2" },
    { "idx", "\"0007\"", NULL,
      "eth|0x" H64 "|7|" EVM1 "|" EVM2 "|ETH|1|2|2024-01-02T03:04:05Z|1|2" },
    { "block", "\"9223372036854775807\"", NULL,
      "eth|0x" H64 "|0|" EVM1 "|" EVM2 "|ETH|1|2|2024-01-02T03:04:05Z|"
      "9223372036854775807|2" },
    { "usd", "null", NULL,
      "eth|0x" H64 "|0|" EVM1 "|" EVM2 "|ETH|1|-|2024-01-02T03:04:05Z|1|2" },
    { "pos", NULL, NULL,
      "eth|0x" H64 "|0|" EVM1 "|" EVM2 "|ETH|1|2|2024-01-02T03:04:05Z|1|-1" },
    { "idx", "2147483647", NULL,
      "eth|0x" H64 "|2147483647|" EVM1 "|" EVM2 "|ETH|1|2|"
      "2024-01-02T03:04:05Z|1|2" },
  };

  check_field_cases (INGEST_FLOWS, cases, sizeof cases / sizeof cases[0]);
}

/** Every label check, with its code and field. */
static void
test_label_fields (void)
{
  const struct field_case cases[] = {
    { "chain", "\"doge\"", "unknown_chain", NULL },
    { "address", "\"" BTC1 "\"", "invalid_address", NULL },
    { "address", "\"\"", "missing_field", NULL },
    { "category", "\"weather\"", "unknown_category", NULL },
    { "category", "\"Hack\"", "unknown_category", NULL },
    { "category", "\"\"", "missing_field", NULL },
    { "category", long_json_string ('a', CATEGORY_MAX + 1), "too_long",
      NULL },
    { "entity", "5", "wrong_type", NULL },
    { "entity", long_json_string ('e', ENTITY_MAX + 1), "too_long", NULL },
    { "entity", "\"bad\\u0000\"", "invalid_text", NULL },
    { "entity", "\"del\\u007f\"", "invalid_text", NULL },
    { "incident_id", "\"Bad_ID\"", "invalid_incident_id", NULL },
    { "incident_id", "\"-x\"", "invalid_incident_id", NULL },
    { "incident_id", "\"a b\"", "invalid_incident_id", NULL },
    { "incident_id", long_json_string ('i', ENTITY_MAX + 1), "too_long",
      NULL },
    { "source", NULL, "missing_field", NULL },
    { "source", "null", "missing_field", NULL },
    { "source", long_json_string ('s', SOURCE_MAX + 1), "too_long", NULL },
    { "source", "\"two\\nlines\"", "invalid_text", NULL },
    /* accepted */
    { "entity", "null", NULL, "eth|" EVM1 "|hack|-|i-1|s" },
    { "incident_id", "\"2022-03-ronin.bridge_2\"", NULL,
      "eth|" EVM1 "|hack|Lazarus Group|2022-03-ronin.bridge_2|s" },
    { "source", "\"\\u00c9tat \\ud83d\\ude00\"", NULL,
      "eth|" EVM1 "|hack|Lazarus Group|i-1|\xc3\x89tat \xf0\x9f\x98\x80" },
    { "entity", long_json_string ('e', ENTITY_MAX), NULL, NULL },
  };
  size_t n = sizeof cases / sizeof cases[0];

  /* the last case's payload is long: check it by hand below */
  check_field_cases (INGEST_LABELS, cases, n - 1);
  struct run r;
  char line[1024];
  snprintf (line, sizeof line, "{\"chain\":\"eth\",\"address\":\"" EVM1
            "\",\"category\":\"hack\",\"entity\":%s,\"source\":\"s\"}",
            long_json_string ('e', ENTITY_MAX));
  run (&r, INGEST_LABELS, INGEST_NDJSON, line);
  CHECK (r.got.rows == 1);
  run_free (&r);
}

/** Checks in CSV, where everything is text: invalid UTF-8 and control
 *  bytes, and the first failing field (in table order) is the one named. */
static void
test_csv_fields (void)
{
  struct run r;

  run (&r, INGEST_LABELS, INGEST_CSV,
       LABEL_HEADER
       "eth," EVM1 ",hack,,,\xff\xfe\n"
       "eth," EVM1 ",hack,,,\xc0\xaf\n"             /* overlong '/' */
       "eth," EVM1 ",hack,,,\xed\xa0\x80\n"         /* surrogate */
       "eth," EVM1 ",hack,,,\xe2\x82\n"             /* truncated */
       "eth," EVM1 ",hack,,,a\tb\n"
       "eth," EVM1 ",hack,,,a\rb\n"               /* a lone CR is data */
       "doge,nonsense,weather,,,\n"
       "eth,nonsense,weather,,,\n"
       "eth," EVM1 ",weather,,BAD,\n"
       "eth," EVM1 ",hack,,BAD,\n"
       "eth," EVM1 ",hack,,,\xe2\x82\xac\n");
  CHECK (r.rc == 0);
  CHECK_STR (r.got.log,
             "R 2:1 invalid_text source\n"
             "R 3:2 invalid_text source\n"
             "R 4:3 invalid_text source\n"
             "R 5:4 invalid_text source\n"
             "R 6:5 invalid_text source\n"
             "R 7:6 invalid_text source\n"
             "R 8:7 unknown_chain chain\n"
             "R 9:8 invalid_address address\n"
             "R 10:9 unknown_category category\n"
             "R 11:10 invalid_incident_id incident_id\n"
             "L 12:11 eth|" EVM1 "|hack|-|-|\xe2\x82\xac\n");
  run_free (&r);

  run (&r, INGEST_FLOWS, INGEST_CSV,
       FLOW_HEADER
       "eth,0x" H64 ",0," EVM1 "," EVM2 ",ETH,1.5,,2024-01-02T03:04:05Z\n"
       "eth,0x" H64 ",x," EVM1 "," EVM2 ",ETH,1.5,,2024-01-02T03:04:05Z\n"
       "eth,0x" H64 ",0," EVM1 "," EVM2 ",ETH,1.5,,2024-02-30T03:04:05Z\n");
  CHECK_STR (r.got.log,
             "F 2:1 eth|0x" H64 "|0|" EVM1 "|" EVM2 "|ETH|1.5|-|"
             "2024-01-02T03:04:05Z|-1|-1\n"
             "R 3:2 invalid_integer idx\n"
             "R 4:3 invalid_time time\n");
  CHECK (strstr (r.got.reason, "no such day") != NULL);
  run_free (&r);
}

/** Reasons say what to do: a JSON real amount asks for a string; a leap
 *  second names itself. */
static void
test_reasons (void)
{
  struct run r;

  run (&r, INGEST_FLOWS, INGEST_NDJSON,
       "{\"chain\":\"eth\",\"tx_hash\":\"0x" H64 "\",\"idx\":0,\"from\":\""
       EVM1 "\",\"to\":\"" EVM2 "\",\"asset\":\"ETH\",\"amount\":1.5,"
       "\"time\":\"2024-01-02T03:04:05Z\"}");
  CHECK_STR (r.got.log, "R 1:1 wrong_type amount\n");
  CHECK (strstr (r.got.reason, "string") != NULL);
  run_free (&r);

  run (&r, INGEST_FLOWS, INGEST_NDJSON,
       "{\"chain\":\"eth\",\"tx_hash\":\"0x" H64 "\",\"idx\":0,\"from\":\""
       EVM1 "\",\"to\":\"" EVM2 "\",\"asset\":\"ETH\",\"amount\":\"1\","
       "\"time\":\"2016-12-31T23:59:60Z\"}");
  CHECK (strstr (r.got.reason, "leap second") != NULL);
  run_free (&r);

  run (&r, INGEST_FLOWS, INGEST_NDJSON,
       "{\"chain\":\"eth\",\"amount\":100000000000000000000000}");
  CHECK_STR (r.got.log, "R 1:1 invalid_json -\n");
  CHECK (strstr (r.got.reason, "as strings") != NULL);
  run_free (&r);
}

/** The seed label files load without a single rejection (real addresses,
 *  EIP-55 mixed case, an extra "asset" column). */
static void
test_seed_files (void)
{
  static const char *paths[] = { "data/ofac_sdn_addresses.csv",
                                 "data/incident_addresses.csv" };

  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
  {
    FILE *f = fopen (paths[i], "rb");
    if (f == NULL)
    {
      printf ("# %s not found (run from the repository root)\n", paths[i]);
      CHECK (f != NULL);
      continue;
    }
    struct got g;
    got_init (&g);
    struct ingest_sink sink = { on_flow, on_label, on_reject, on_ignored, &g };
    struct ingest *in = ingest_new (INGEST_LABELS, INGEST_CSV, category_known,
                                    &sink);
    char buf[1000];
    size_t n, lines = 0;
    while ((n = fread (buf, 1, sizeof buf, f)) > 0)
    {
      for (size_t k = 0; k < n; k++)
        lines += buf[k] == '\n';
      CHECK (ingest_feed (in, buf, n) == 0);
    }
    CHECK (ingest_finish (in) == 0);
    CHECK (g.rows > 100 && (size_t) g.rows == lines - 1);
    CHECK (strstr (g.log, "R ") == NULL);
    if (strstr (g.log, "R ") != NULL)
      printf ("# %.300s\n", strstr (g.log, "R "));
    ingest_free (in);
    free (g.log);
    fclose (f);
  }
}

/* ---- RFC 3339 ---- */

/** Times: accepted ones with their canonical UTC form, refused ones with
 *  the reason code. */
static void
test_rfc3339 (void)
{
  static const struct {
    const char *in;
    int err;                 /**< expected result */
    const char *utc;         /**< canonical form when accepted */
  } cases[] = {
    { "2024-02-29T00:00:00Z", RFC3339_OK, "2024-02-29T00:00:00Z" },
    { "2000-02-29T12:00:00Z", RFC3339_OK, "2000-02-29T12:00:00Z" },
    { "2023-02-29T00:00:00Z", RFC3339_BAD_DAY, NULL },
    { "1900-02-29T00:00:00Z", RFC3339_BAD_DAY, NULL },
    { "2024-04-31T00:00:00Z", RFC3339_BAD_DAY, NULL },
    { "2024-01-00T00:00:00Z", RFC3339_BAD_DAY, NULL },
    { "2024-13-01T00:00:00Z", RFC3339_BAD_MONTH, NULL },
    { "2024-00-01T00:00:00Z", RFC3339_BAD_MONTH, NULL },
    /* 03:04:05 at +05:30 is 21:34:05 the day before, in UTC */
    { "2024-01-02T03:04:05+05:30", RFC3339_OK, "2024-01-01T21:34:05Z" },
    { "2024-01-02T03:04:05-00:00", RFC3339_OK, "2024-01-02T03:04:05Z" },
    { "2023-12-31T23:30:00-01:00", RFC3339_OK, "2024-01-01T00:30:00Z" },
    { "2024-03-01T00:30:00+01:00", RFC3339_OK, "2024-02-29T23:30:00Z" },
    { "2024-01-02t03:04:05.5z", RFC3339_OK, "2024-01-02T03:04:05.500000Z" },
    { "2024-01-02T03:04:05.000001Z", RFC3339_OK,
      "2024-01-02T03:04:05.000001Z" },
    { "2024-01-02T03:04:05.000Z", RFC3339_OK, "2024-01-02T03:04:05Z" },
    { "2024-01-02T03:04:05.123456789Z", RFC3339_OK,
      "2024-01-02T03:04:05.123456Z" },
    { "2024-01-02T03:04:05.1234567891Z", RFC3339_LONG_FRACTION, NULL },
    { "2024-01-02T03:04:05.Z", RFC3339_SYNTAX, NULL },
    { "2024-01-02T24:00:00Z", RFC3339_BAD_HOUR, NULL },
    { "2024-01-02T23:60:00Z", RFC3339_BAD_MINUTE, NULL },
    { "2016-12-31T23:59:60Z", RFC3339_LEAP_SECOND, NULL },
    { "2016-12-31T23:59:61Z", RFC3339_BAD_SECOND, NULL },
    { "0000-01-01T00:00:00Z", RFC3339_BAD_YEAR, NULL },
    { "0001-01-01T00:00:00Z", RFC3339_OK, "0001-01-01T00:00:00Z" },
    /* in range as written, out of it in UTC (PostgreSQL refuses year 0000) */
    { "0001-01-01T00:00:00+01:00", RFC3339_BAD_YEAR, NULL },
    { "9999-12-31T23:59:59-01:00", RFC3339_BAD_YEAR, NULL },
    { "9999-12-31T23:59:59.999999Z", RFC3339_OK,
      "9999-12-31T23:59:59.999999Z" },
    { "1969-12-31T23:59:59.999999Z", RFC3339_OK,
      "1969-12-31T23:59:59.999999Z" },
    { "2024-01-02T03:04:05+24:00", RFC3339_BAD_OFFSET, NULL },
    { "2024-01-02T03:04:05+05:60", RFC3339_BAD_OFFSET, NULL },
    { "2024-01-02T03:04:05", RFC3339_SYNTAX, NULL },
    { "2024-01-02T03:04:05+0530", RFC3339_SYNTAX, NULL },
    { "2024-01-02T03:04:05+05:30:00", RFC3339_SYNTAX, NULL },
    { "2024-01-02 03:04:05Z", RFC3339_SYNTAX, NULL },
    { " 2024-01-02T03:04:05Z", RFC3339_SYNTAX, NULL },
    { "2024-01-02T03:04:05Z ", RFC3339_SYNTAX, NULL },
    { "2024-1-02T03:04:05Z", RFC3339_SYNTAX, NULL },
    { "+2024-01-02T03:04:05Z", RFC3339_SYNTAX, NULL },
    { "2024-01-02T03:04:5Z", RFC3339_SYNTAX, NULL },
    { "2024-01-02", RFC3339_SYNTAX, NULL },
    { "", RFC3339_SYNTAX, NULL },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
  {
    int64_t t = 0;
    char out[32];
    int err = rfc3339_parse (cases[i].in, strlen (cases[i].in), &t);
    if (err != cases[i].err)
      printf ("#   \"%s\": got %d, want %d\n", cases[i].in, err, cases[i].err);
    CHECK (err == cases[i].err);
    if (cases[i].utc == NULL || err != RFC3339_OK)
      continue;
    rfc3339_format (t, out);
    CHECK_STR (out, cases[i].utc);
    /* the canonical form reads back to the same instant */
    int64_t again = -1;
    CHECK (rfc3339_parse (out, strlen (out), &again) == RFC3339_OK);
    CHECK (again == t);
  }
}

/** Absolute values: the epoch, one hand-checked instant, negative times. */
static void
test_rfc3339_values (void)
{
  int64_t t = -1;
  char out[32];

  CHECK (rfc3339_parse ("1970-01-01T00:00:00Z", 20, &t) == 0 && t == 0);
  /* 2024-01-02 is day 19724 since 1970: 19724 * 86400 + 3*3600 + 4*60 + 5 */
  CHECK (rfc3339_parse ("2024-01-02T03:04:05.000007Z", 27, &t) == 0);
  CHECK (t == 1704164645LL * 1000000 + 7);
  /* the length is honoured: the trailing junk is outside it */
  CHECK (rfc3339_parse ("1970-01-01T00:00:01Zjunk", 20, &t) == 0
         && t == 1000000);
  rfc3339_format (0, out);
  CHECK_STR (out, "1970-01-01T00:00:00Z");
  rfc3339_format (-1, out);
  CHECK_STR (out, "1969-12-31T23:59:59.999999Z");
  rfc3339_format (951782400LL * 1000000, out);
  CHECK_STR (out, "2000-02-29T00:00:00Z");
}

/* ---- decimals ---- */

/** Decimals: canonical forms and refusals. */
static void
test_decimal (void)
{
  static const struct {
    const char *in;
    int err;
    const char *out;
  } cases[] = {
    { "0", DECIMAL_OK, "0" },
    { "000", DECIMAL_OK, "0" },
    { "007.50", DECIMAL_OK, "7.50" },
    { "0.5", DECIMAL_OK, "0.5" },
    { "00.5", DECIMAL_OK, "0.5" },
    { "10", DECIMAL_OK, "10" },
    { "1.0", DECIMAL_OK, "1.0" },
    { "0.000", DECIMAL_OK, "0.000" },
    { "123456789012345678901234567890.000000000000000001", DECIMAL_OK,
      "123456789012345678901234567890.000000000000000001" },
    { "", DECIMAL_EMPTY, NULL },
    { "-1", DECIMAL_NEGATIVE, NULL },
    { "-0", DECIMAL_NEGATIVE, NULL },
    { "+1", DECIMAL_PLUS, NULL },
    { "1e5", DECIMAL_EXPONENT, NULL },
    { "1.5E3", DECIMAL_EXPONENT, NULL },
    { "1.", DECIMAL_NO_FRACTION, NULL },
    { ".5", DECIMAL_NO_INTEGER, NULL },
    { "NaN", DECIMAL_SYNTAX, NULL },
    { "Infinity", DECIMAL_SYNTAX, NULL },
    { "e", DECIMAL_SYNTAX, NULL },
    { "1.2.3", DECIMAL_SYNTAX, NULL },
    { " 1", DECIMAL_SYNTAX, NULL },
    { "1 ", DECIMAL_SYNTAX, NULL },
    { "1,5", DECIMAL_SYNTAX, NULL },
    { "0x10", DECIMAL_SYNTAX, NULL },
  };
  char out[DECIMAL_MAX + 1];

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
  {
    int err = decimal_normalize (cases[i].in, strlen (cases[i].in), out);
    if (err != cases[i].err)
      printf ("#   \"%s\": got %d, want %d\n", cases[i].in, err, cases[i].err);
    CHECK (err == cases[i].err);
    if (err == DECIMAL_OK && cases[i].out != NULL)
      CHECK_STR (out, cases[i].out);
  }

  /* DECIMAL_MAX characters fit; one more does not; NUL is not a digit */
  char big[DECIMAL_MAX + 2];
  memset (big, '9', sizeof big);
  CHECK (decimal_normalize (big, DECIMAL_MAX, out) == DECIMAL_OK);
  CHECK (strlen (out) == DECIMAL_MAX);
  CHECK (decimal_normalize (big, DECIMAL_MAX + 1, out) == DECIMAL_TOO_LONG);
  CHECK (decimal_normalize ("1\0", 2, out) == DECIMAL_SYNTAX);
  CHECK (decimal_normalize ("1e\0", 3, out) == DECIMAL_SYNTAX);
}

int
main (void)
{
  RUN (test_csv_flows);
  RUN (test_csv_labels_any_order);
  RUN (test_csv_quoted_newline);
  RUN (test_csv_crlf_bom);
  RUN (test_csv_header_refused);
  RUN (test_csv_bad_rows);
  RUN (test_ndjson_lines);
  RUN (test_ignored_names);
  RUN (test_json_array);
  RUN (test_json_bad_elements);
  RUN (test_json_refused);
  RUN (test_chunking);
  RUN (test_chunking_bodies_right);
  RUN (test_record_too_long);
  RUN (test_sink_stops);
  RUN (test_flow_fields);
  RUN (test_label_fields);
  RUN (test_csv_fields);
  RUN (test_reasons);
  RUN (test_seed_files);
  RUN (test_rfc3339);
  RUN (test_rfc3339_values);
  RUN (test_decimal);
  return unit_done ();
}

/* end of test_ingest.c */
