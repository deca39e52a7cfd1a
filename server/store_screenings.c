/*
 * store_screenings.c -- the audit record of screenings: write once, read
 * back exactly as answered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "riskd/log.h"
#include "riskd/store.h"

enum record_result
store_screening_record (PGconn *conn, const struct screening_row *r, char **first)
{
  const char *params[] = {
    r->id, r->created_at, r->api_key_id, r->idempotency_key, r->request_hash,
    r->chain, r->address, r->amount, r->usd, r->asset, r->direction, r->reference,
    r->decision, r->score, r->level, r->model, r->config_hash, r->epoch, r->response,
  };
  PGresult *res = store_exec (conn, STMT_SCREENING_INSERT, 19, params);
  enum record_result rc = RECORD_FAILED;

  *first = NULL;
  if (PQresultStatus (res) != PGRES_TUPLES_OK)
    log_msg (LOG_WARN, "screening not recorded", "{s:s}", "error", PQresultErrorMessage (res));
  else if (PQntuples (res) == 1)
    rc = RECORD_STORED;
  PQclear (res);
  if (rc == RECORD_STORED || r->idempotency_key == NULL || store_conn_lost (conn))
    return rc;
  /* The key was used before: the first answer, if it was the same request. */
  const char *replay_params[] = { r->api_key_id, r->idempotency_key };
  res = store_exec (conn, STMT_SCREENING_REPLAY, 2, replay_params);
  if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1)
  {
    if (strcmp (PQgetvalue (res, 0, 1), r->request_hash) != 0)
      rc = RECORD_REUSED;
    else if ((*first = strdup (PQgetvalue (res, 0, 0))) != NULL)
      rc = RECORD_REPLAY;
  }
  PQclear (res);
  return rc;
}

char *
store_screening_get (PGconn *conn, const char *id, bool *failed)
{
  const char *params[] = { id };
  PGresult *res = store_exec (conn, STMT_SCREENING_GET, 1, params);
  char *doc = NULL;

  *failed = PQresultStatus (res) != PGRES_TUPLES_OK;
  if (!*failed && PQntuples (res) == 1)
  {
    doc = strdup (PQgetvalue (res, 0, 0));
    *failed = doc == NULL;
  }
  PQclear (res);
  return doc;
}

char *
store_screening_list (PGconn *conn, const struct screening_filter *f)
{
  char limit[16];
  snprintf (limit, sizeof limit, "%u", f->limit + 1);   /* one more: is there a next page? */
  const char *params[] = {
    f->chain, f->address, f->reference, f->decision, f->since, f->before_seq, limit,
  };
  PGresult *res = store_exec (conn, STMT_SCREENING_LIST, 7, params);

  if (PQresultStatus (res) != PGRES_TUPLES_OK)
  {
    log_msg (LOG_WARN, "screenings not listed", "{s:s}", "error", PQresultErrorMessage (res));
    PQclear (res);
    return NULL;
  }
  unsigned rows = (unsigned) PQntuples (res), shown = rows > f->limit ? f->limit : rows;
  size_t len = 64;
  for (unsigned i = 0; i < shown; i++)
    len += (size_t) PQgetlength (res, (int) i, 1) + 1;
  char *out = malloc (len);
  if (out != NULL)
  {
    size_t n = (size_t) snprintf (out, len, "{\"items\":[");
    for (unsigned i = 0; i < shown; i++)
    {
      if (i)
        out[n++] = ',';
      memcpy (out + n, PQgetvalue (res, (int) i, 1), (size_t) PQgetlength (res, (int) i, 1));
      n += (size_t) PQgetlength (res, (int) i, 1);
    }
    if (rows > f->limit)
      snprintf (out + n, len - n, "],\"next_cursor\":\"%s\"}", PQgetvalue (res, (int) shown - 1, 0));
    else
      snprintf (out + n, len - n, "],\"next_cursor\":null}");
  }
  PQclear (res);
  return out;
}

/* end of store_screenings.c */
