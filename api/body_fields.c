/*
 * body_fields.c -- what each JSON request body may hold: the member tables
 * of POST /v1/screenings, /v1/risk/batch and /v1/keys, checked by
 * api_check_fields. Apart from their handlers so that the json_body fuzz
 * harness checks the very tables the server uses.
 */
#include "riskd/api.h"
#include "riskd/ingest.h"

const struct body_field screening_body[] = {
  { "chain", FIELD_STRING, true, 16 },
  { "address", FIELD_STRING, true, 128 },
  { "amount", FIELD_DECIMAL, true, DECIMAL_MAX },
  { "usd", FIELD_DECIMAL, false, DECIMAL_MAX },
  { "asset", FIELD_STRING, true, ASSET_MAX },
  { "direction", FIELD_STRING, true, 16 },
  { "reference", FIELD_STRING, false, SCREENING_REFERENCE_MAX },
};
const size_t screening_body_n = sizeof screening_body / sizeof *screening_body;

const struct body_field batch_body[] = {
  { "addresses", FIELD_ARRAY, true, 0 },
  { "model", FIELD_STRING, false, 16 },
};
const size_t batch_body_n = sizeof batch_body / sizeof *batch_body;

const struct body_field key_body[] = {
  { "name", FIELD_STRING, true, 200 },
  { "scopes", FIELD_ARRAY, true, 0 },
  { "rate_limit", FIELD_INTEGER, false, 0 },
};
const size_t key_body_n = sizeof key_body / sizeof *key_body;

/* end of body_fields.c */
