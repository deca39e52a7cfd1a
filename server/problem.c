/*
 * problem.c -- the table of problems (see problem.h).
 */
#include "riskd/problem.h"

static const struct problem_def problems[PROBLEM_COUNT] = {
  [PROBLEM_ROUTE_NOT_FOUND] = { 404, "route_not_found", "No such route" },
  [PROBLEM_METHOD_NOT_ALLOWED] = { 405, "method_not_allowed", "Method not allowed on this route" },
  [PROBLEM_UNKNOWN_CHAIN] = { 404, "unknown_chain", "Unknown chain" },
  [PROBLEM_INVALID_ADDRESS] = { 422, "invalid_address", "Invalid address" },
  [PROBLEM_INVALID_PARAMETER] = { 400, "invalid_parameter", "Invalid query parameter" },
  [PROBLEM_UNKNOWN_PARAMETER] = { 400, "unknown_parameter", "Unknown query parameter" },
  [PROBLEM_DUPLICATE_PARAMETER] = { 400, "duplicate_parameter", "Query parameter given twice" },
  [PROBLEM_UNSUPPORTED_MEDIA_TYPE] = { 415, "unsupported_media_type", "Unsupported media type" },
  [PROBLEM_BODY_TOO_LARGE] = { 413, "body_too_large", "Request body too large" },
  [PROBLEM_INVALID_JSON] = { 400, "invalid_json", "Malformed JSON" },
  [PROBLEM_INVALID_BODY] = { 422, "invalid_body", "Invalid request body" },
  [PROBLEM_MISSING_COLUMN] = { 422, "missing_column", "Required column missing" },
  [PROBLEM_IMPORT_REJECTED] = { 422, "import_rejected", "Import rejected" },
  [PROBLEM_INCIDENT_NOT_FOUND] = { 404, "incident_not_found", "No such incident" },
  [PROBLEM_SCREENING_NOT_FOUND] = { 404, "screening_not_found", "No such screening" },
  [PROBLEM_KEY_NOT_FOUND] = { 404, "key_not_found", "No such API key" },
  [PROBLEM_UNAUTHORIZED] = { 401, "unauthorized", "API key missing or not valid" },
  [PROBLEM_FORBIDDEN] = { 403, "forbidden", "API key lacks the scope this route needs" },
  [PROBLEM_RATE_LIMITED] = { 429, "rate_limited", "Request rate limit reached" },
  [PROBLEM_BATCH_TOO_LARGE] = { 413, "batch_too_large", "Too many addresses in one batch" },
  [PROBLEM_IDEMPOTENCY_KEY_REUSED] = { 422, "idempotency_key_reused",
                                       "Idempotency-Key already used for another request" },
  [PROBLEM_CURSOR_EXPIRED] = { 410, "cursor_expired", "Cursor expired" },
  [PROBLEM_EPOCH_TOO_OLD] = { 410, "epoch_too_old", "Changes since that epoch are no longer kept" },
  [PROBLEM_ENGINE_LOADING] = { 503, "engine_loading", "Engine still loading" },
  [PROBLEM_DATABASE_UNAVAILABLE] = { 503, "database_unavailable", "Database unavailable" },
  [PROBLEM_SHUTTING_DOWN] = { 503, "shutting_down", "Server shutting down" },
  [PROBLEM_INTERNAL] = { 500, "internal_error", "Internal error" },
};

const struct problem_def *
problem_def (enum problem p)
{
  return &problems[p < PROBLEM_COUNT ? p : PROBLEM_INTERNAL];
}

/* end of problem.c */
