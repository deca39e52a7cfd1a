/*
 * screenings.c -- POST /v1/screenings, GET /v1/screenings/{id},
 * GET /v1/screenings: decisions on deposits and withdrawals, each
 * recorded before it is answered, and read back exactly as answered.
 *
 * An Idempotency-Key header makes a retry safe: the same key with the same
 * request gives back the first answer (Idempotent-Replayed: true), never a
 * second record; the same key with another request is refused (422).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include "riskd/clock.h"
#include "riskd/api.h"
#include "riskd/app.h"
#include "riskd/digest.h"
#include "riskd/ingest.h"
#include "riskd/keys.h"
#include "riskd/screen.h"
#include "riskd/store.h"

/** Longest idempotency key. */
#define IDEMPOTENCY_KEY_MAX 200

/** A checked screening request, waiting for the job pool. */
struct screening_request {
  enum chain chain;
  char address[ADDRESS_MAX + 1];
  char amount[DECIMAL_MAX + 1];
  char usd[DECIMAL_MAX + 1];        /**< "" when absent */
  char asset[ASSET_MAX + 1];
  enum direction direction;
  char reference[SCREENING_REFERENCE_MAX + 1];
  bool has_reference;
  char idempotency_key[IDEMPOTENCY_KEY_MAX + 1];
  bool has_idempotency_key;
};

/** A decimal member (string or integer) in canonical form; -1 after 422. */
static int
decimal_member (struct request *rq, json_t *body, const char *name, bool positive,
                char out[DECIMAL_MAX + 1])
{
  json_t *v = json_object_get (body, name);
  char text[32];
  const char *s = json_string_value (v);

  out[0] = '\0';
  if (v == NULL || json_is_null (v))
    return 0;
  if (json_is_integer (v))
  {
    snprintf (text, sizeof text, "%lld", (long long) json_integer_value (v));
    s = text;
  }
  if (decimal_normalize (s, strlen (s), out) != 0
      || (positive && strspn (out, "0.") == strlen (out)))
  {
    reply_problem_with (rq, PROBLEM_INVALID_BODY, json_pack ("{s:s}", "field", name),
                        "'%s' must be a %sdecimal string such as \"12.5\"", name,
                        positive ? "positive " : "non-negative ");
    return -1;
  }
  return 0;
}

/** Printable ASCII without spaces: asset symbols and token contracts. */
static bool
printable_token (const char *s)
{
  for (; *s; s++)
    if (*s <= ' ' || *s > '~' || *s == ',')
      return false;
  return true;
}

/** Checks the body into `req`; -1 after answering. */
static int
parse_request (struct request *rq, struct screening_request *req)
{
  json_t *body = rq_json_body (rq);
  int rc = -1;

  if (body == NULL || api_check_fields (rq, body, screening_body, screening_body_n) != 0)
    goto done;
  if (api_address (rq, api_string (body, "chain"), api_string (body, "address"),
                   &req->chain, req->address) != 0
      || decimal_member (rq, body, "amount", true, req->amount) != 0
      || decimal_member (rq, body, "usd", false, req->usd) != 0)
    goto done;
  const char *asset = api_string (body, "asset"), *direction = api_string (body, "direction");
  if (asset[0] == '\0' || !printable_token (asset))
  {
    reply_problem_with (rq, PROBLEM_INVALID_BODY, json_pack ("{s:s}", "field", "asset"),
                        "'asset' must be a symbol or token contract without spaces");
    goto done;
  }
  snprintf (req->asset, sizeof req->asset, "%s", asset);
  if (strcmp (direction, "deposit") == 0)
    req->direction = DIRECTION_DEPOSIT;
  else if (strcmp (direction, "withdrawal") == 0)
    req->direction = DIRECTION_WITHDRAWAL;
  else
  {
    reply_problem_with (rq, PROBLEM_INVALID_BODY, json_pack ("{s:s}", "field", "direction"),
                        "'direction' must be deposit or withdrawal");
    goto done;
  }
  const char *reference = api_string (body, "reference");
  req->has_reference = reference != NULL;
  snprintf (req->reference, sizeof req->reference, "%s", reference ? reference : "");
  const char *idem = rq_header (rq, "Idempotency-Key");
  if (idem && (idem[0] == '\0' || strlen (idem) > IDEMPOTENCY_KEY_MAX || !printable_token (idem)))
  {
    reply_problem (rq, PROBLEM_INVALID_BODY,
                   "the Idempotency-Key header must be 1 to %d visible ASCII characters",
                   IDEMPOTENCY_KEY_MAX);
    goto done;
  }
  req->has_idempotency_key = idem != NULL;
  snprintf (req->idempotency_key, sizeof req->idempotency_key, "%s", idem ? idem : "");
  rc = 0;
done:
  json_decref (body);
  return rc;
}

/** The request as recorded: canonical values only. */
static json_t *
request_document (const struct screening_request *req)
{
  return json_pack ("{s:s, s:s, s:s, s:s*, s:s, s:s, s:s*}",
    "chain", chain_name (req->chain), "address", req->address, "amount", req->amount,
    "usd", req->usd[0] ? req->usd : NULL, "asset", req->asset,
    "direction", req->direction == DIRECTION_DEPOSIT ? "deposit" : "withdrawal",
    "reference", req->has_reference ? req->reference : NULL);
}

/** The reasons, in codes and words. */
static json_t *
reasons_document (const struct graph *g, const struct screening *s,
                  const struct scoring_config *cfg)
{
  json_t *list = json_array ();
  char text[600];

  for (unsigned i = 0; i < s->n_reasons; i++)
  {
    switch (s->reasons[i])
    {
    case REASON_LABELLED:
    {
      const struct graph_label *l = &g->labels[s->label];
      const char *who = strtab_get (&g->names, l->incident)[0]
                        ? strtab_get (&g->names, l->incident) : strtab_get (&g->names, l->entity);
      snprintf (text, sizeof text,
                "the address is labelled %s%s%s (source: %s); severity %.2f is at least %.2f",
                cfg->category[l->category], who[0] ? ", " : "", who,
                strtab_get (&g->names, l->source), cfg->severity[l->category],
                cfg->block_severity);
      break;
    }
    case REASON_SHARE_BLOCK:
    case REASON_SHARE_REVIEW:
      snprintf (text, sizeof text,
                "%.2f%% of this deposit's value is tainted (severity-weighted), at least the "
                "%s threshold of %.2f%%", 100 * s->weighted_share,
                s->reasons[i] == REASON_SHARE_BLOCK ? "block" : "review",
                100 * (s->reasons[i] == REASON_SHARE_BLOCK ? cfg->block_share : cfg->review_share));
      break;
    case REASON_SCORE_REVIEW:
      snprintf (text, sizeof text, "the address's risk score %.2f is at least the review score %.2f",
                s->risk.score, cfg->review_score);
      break;
    case REASON_NONE:
      snprintf (text, sizeof text, "no label, tainted share or score reached a threshold");
      break;
    }
    json_array_append_new (list, json_pack ("{s:s, s:s}", "code", reason_code (s->reasons[i]),
                                            "text", text));
  }
  return list;
}

static json_t *
deposit_document (const struct screening *s, const struct scoring_config *cfg)
{
  json_t *cats = json_array ();

  for (unsigned i = 0; i < s->n_categories; i++)
    json_array_append_new (cats, json_pack ("{s:s, s:f, s:f}",
      "category", cfg->category[s->categories[i].category],
      "share", round (s->categories[i].share * 1e6) / 1e6,
      "tainted_usd", round (s->categories[i].tainted * 1e8) / 1e8));
  return json_pack ("{s:f, s:f, s:o}", "value", round (s->value * 1e8) / 1e8,
                    "weighted_share", round (s->weighted_share * 1e6) / 1e6,
                    "categories", cats);
}

/** A version 4 UUID. */
static void
new_uuid (char out[37])
{
  uint8_t b[16];

  if (getrandom (b, sizeof b, 0) != (ssize_t) sizeof b)
    memset (b, 0, sizeof b);
  b[6] = (uint8_t) ((b[6] & 0x0f) | 0x40);
  b[8] = (uint8_t) ((b[8] & 0x3f) | 0x80);
  snprintf (out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
            b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
            b[12], b[13], b[14], b[15]);
}

/** Hex SHA-256 of the canonical request: tells a retry from a reuse. */
static void
request_hash (json_t *request, char out[65])
{
  char *text = json_dumps (request, JSON_COMPACT | JSON_SORT_KEYS);
  uint8_t d[32];

  sha256 (text ? text : "", text ? strlen (text) : 0, d);
  for (int i = 0; i < 32; i++)
    snprintf (out + 2 * i, 3, "%02x", d[i]);
  free (text);
}

/** Records the answer and replies (on the job pool). */
static void
record_and_reply (struct request *rq, const struct screening_request *req,
                  const struct screening *s, const struct graph *g, json_t *doc,
                  const char *id, const char *created_at, json_t *request)
{
  struct app *app = rq_app (rq);
  char hash[65], score[32], epoch[24], location[64];
  char *text = json_dumps (doc, JSON_COMPACT | JSON_REAL_PRECISION (15)), *first = NULL;

  request_hash (request, hash);
  snprintf (score, sizeof score, "%.2f", s->risk.score);
  snprintf (epoch, sizeof epoch, "%llu", (unsigned long long) g->epoch);
  struct screening_row row = {
    .id = id, .created_at = created_at, .api_key_id = rq_principal (rq)->key_id,
    .idempotency_key = req->has_idempotency_key ? req->idempotency_key : NULL,
    .request_hash = hash, .chain = chain_name (req->chain), .address = req->address,
    .amount = req->amount, .usd = req->usd[0] ? req->usd : NULL, .asset = req->asset,
    .direction = req->direction == DIRECTION_DEPOSIT ? "deposit" : "withdrawal",
    .reference = req->has_reference ? req->reference : NULL,
    .decision = decision_name (s->decision), .score = score,
    .level = level_name (s->risk.level), .model = model_name (MODEL_HAIRCUT),
    .config_hash = app->cfg->scoring.hash, .epoch = epoch, .response = text,
  };
  PGconn *conn = text ? store_acquire (app->store) : NULL;
  enum record_result rc = conn ? store_screening_record (conn, &row, &first) : RECORD_FAILED;
  bool lost = store_conn_lost (conn);
  store_release (app->store, conn);
  switch (rc)
  {
  case RECORD_STORED:
    reply_owned (rq, 201, "application/json", text, strlen (text));
    text = NULL;
    snprintf (location, sizeof location, "/v1/screenings/%s", id);
    reply_header (rq, "Location", location);
    break;
  case RECORD_REPLAY:
  {
    json_t *doc_first = json_loads (first, 0, NULL);
    snprintf (location, sizeof location, "/v1/screenings/%s",
              json_string_value (json_object_get (doc_first, "id")));
    json_decref (doc_first);
    reply_owned (rq, 201, "application/json", first, strlen (first));
    reply_header (rq, "Location", location);
    reply_header (rq, "Idempotent-Replayed", "true");
    break;
  }
  case RECORD_REUSED:
    reply_problem (rq, PROBLEM_IDEMPOTENCY_KEY_REUSED,
                   "this Idempotency-Key was used for a different screening request");
    break;
  case RECORD_FAILED:
    reply_problem (rq, lost ? PROBLEM_DATABASE_UNAVAILABLE : PROBLEM_INTERNAL,
                   "the screening could not be recorded, so no decision is given");
    break;
  }
  free (text);
}

/** On the job pool: decide, build the answer, record it, reply. */
static void
screen_job (struct request *rq)
{
  struct app *app = rq_app (rq);
  const struct scoring_config *cfg = &app->cfg->scoring;
  const struct screening_request *req = rq_state (rq);
  struct screening s;
  char id[37], created_at[32];

  struct graph *g = api_graph (rq);
  if (g == NULL)
    return;
  int64_t a = graph_find (g, req->chain, req->address);
  double value = strtod (req->usd[0] ? req->usd : req->amount, NULL);
  screen_compute (g, a, req->direction, value, cfg, &s);
  new_uuid (id);
  rfc3339_format (clock_wall_us (), created_at);
  json_t *request = request_document (req);
  json_t *doc = json_pack ("{s:s, s:s, s:s, s:o, s:O, s:f, s:s, s:{s:s, s:s, s:s}, s:I,"
                           " s:o, s:{s:f, s:f, s:f, s:f}, s:o}",
    "id", id, "created_at", created_at, "decision", decision_name (s.decision),
    "reasons", reasons_document (g, &s, cfg), "request", request,
    "score", s.risk.score, "level", level_name (s.risk.level),
    "model", "name", model_name (MODEL_HAIRCUT), "version", model_version (MODEL_HAIRCUT),
             "config", cfg->hash,
    "epoch", (json_int_t) g->epoch,
    "deposit", req->direction == DIRECTION_DEPOSIT ? deposit_document (&s, cfg) : json_null (),
    "thresholds", "block_share", cfg->block_share, "review_share", cfg->review_share,
                  "review_score", cfg->review_score, "block_severity", cfg->block_severity,
    "risk", api_risk_document (g, a, req->chain, req->address, MODEL_HAIRCUT, cfg));
  if (doc)
    record_and_reply (rq, req, &s, g, doc, id, created_at, request);
  else
    reply_problem (rq, PROBLEM_INTERNAL, "the screening answer could not be built");
  json_decref (doc);
  json_decref (request);
  graph_release (g);
}

void
api_screening_post (struct request *rq)
{
  struct screening_request *req = calloc (1, sizeof *req);

  if (req == NULL)
  {
    reply_problem (rq, PROBLEM_INTERNAL, "out of memory");
    return;
  }
  rq_set_state (rq, req, free);
  if (parse_request (rq, req) == 0)
    rq_defer (rq, screen_job);
}

/* ---- reading back ---- */

/** True for a UUID in its canonical text form. */
static bool
is_uuid (const char *s)
{
  if (strlen (s) != 36)
    return false;
  for (int i = 0; i < 36; i++)
    if (i == 8 || i == 13 || i == 18 || i == 23 ? s[i] != '-' : !strchr ("0123456789abcdef", s[i]))
      return false;
  return true;
}

static void
get_job (struct request *rq)
{
  struct store *store = rq_app (rq)->store;
  PGconn *conn = store_acquire (store);
  bool failed = true;
  char *doc = conn ? store_screening_get (conn, rq_arg (rq, 0), &failed) : NULL;
  bool lost = store_conn_lost (conn);

  store_release (store, conn);
  if (doc)
    reply_owned (rq, 200, "application/json", doc, strlen (doc));
  else if (failed)
    reply_problem (rq, lost ? PROBLEM_DATABASE_UNAVAILABLE : PROBLEM_INTERNAL,
                   "the screening could not be read");
  else
    reply_problem (rq, PROBLEM_SCREENING_NOT_FOUND, "no screening has this id");
}

void
api_screening_get (struct request *rq)
{
  if (!is_uuid (rq_arg (rq, 0)))
  {
    reply_problem (rq, PROBLEM_SCREENING_NOT_FOUND, "no screening has this id");
    return;
  }
  rq_defer (rq, get_job);
}

/** A checked listing request. */
struct list_request {
  struct screening_filter f;
  char chain[16], address[ADDRESS_MAX + 1], since[32], cursor[24];
};

static void
list_job (struct request *rq)
{
  struct list_request *lr = rq_state (rq);
  struct store *store = rq_app (rq)->store;
  PGconn *conn = store_acquire (store);
  char *page = conn ? store_screening_list (conn, &lr->f) : NULL;
  bool lost = store_conn_lost (conn);

  store_release (store, conn);
  if (page)
    reply_owned (rq, 200, "application/json", page, strlen (page));
  else
    reply_problem (rq, lost ? PROBLEM_DATABASE_UNAVAILABLE : PROBLEM_INTERNAL,
                   "the screenings could not be read");
}

void
api_screenings_list (struct request *rq)
{
  struct list_request *lr = calloc (1, sizeof *lr);
  const char *chain = rq_param (rq, "chain"), *address = rq_param (rq, "address");
  const char *decision = rq_param (rq, "decision"), *since = rq_param (rq, "since");
  const char *cursor = rq_param (rq, "cursor");
  enum chain c;
  int64_t since_us;

  if (lr == NULL)
  {
    reply_problem (rq, PROBLEM_INTERNAL, "out of memory");
    return;
  }
  rq_set_state (rq, lr, free);
  if (api_uint_param (rq, "limit", 50, 1, 500, &lr->f.limit) != 0)
    return;
  if ((chain == NULL) != (address == NULL))
  {
    reply_problem (rq, PROBLEM_INVALID_PARAMETER, "chain and address go together");
    return;
  }
  if (chain && api_address (rq, chain, address, &c, lr->address) != 0)
    return;
  if (decision && strcmp (decision, "allow") && strcmp (decision, "review")
      && strcmp (decision, "block"))
  {
    reply_problem (rq, PROBLEM_INVALID_PARAMETER, "decision must be allow, review or block");
    return;
  }
  if (since && rfc3339_parse (since, strlen (since), &since_us) != 0)
  {
    reply_problem (rq, PROBLEM_INVALID_PARAMETER, "since must be an RFC 3339 time");
    return;
  }
  if (cursor && (cursor[0] == '\0' || strlen (cursor) > 18 || strspn (cursor, "0123456789") != strlen (cursor)))
  {
    reply_problem (rq, PROBLEM_INVALID_PARAMETER, "cursor must be a next_cursor of an earlier page");
    return;
  }
  if (chain)
  {
    snprintf (lr->chain, sizeof lr->chain, "%s", chain_name (c));
    lr->f.chain = lr->chain;
    lr->f.address = lr->address;
  }
  if (since)
  {
    rfc3339_format (since_us, lr->since);
    lr->f.since = lr->since;
  }
  if (cursor)
  {
    snprintf (lr->cursor, sizeof lr->cursor, "%s", cursor);
    lr->f.before_seq = lr->cursor;
  }
  lr->f.reference = rq_param (rq, "reference");
  lr->f.decision = decision;
  rq_defer (rq, list_job);
}

/* end of screenings.c */
