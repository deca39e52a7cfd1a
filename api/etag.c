/*
 * etag.c -- conditional GETs (RFC 9110 13.1.2): a dashboard that polls
 * sends If-None-Match with the tag it holds and gets 304 without a body
 * while nothing changed. Answers that are a function of the graph carry a
 * weak tag made of the database id and the epoch, checked before any
 * work; the others a strong tag hashed from their bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "riskd/api.h"
#include "riskd/digest.h"

/** True if `tag` is in the If-None-Match list (weak comparison). */
static bool
listed (const char *header, const char *tag)
{
  const char *t = strncmp (tag, "W/", 2) == 0 ? tag + 2 : tag;
  size_t len = strlen (t);

  for (const char *p = header; p && *p;)
  {
    p += strspn (p, " \t,");
    if (*p == '*')
      return true;
    const char *q = strncmp (p, "W/", 2) == 0 ? p + 2 : p;
    if (strncmp (q, t, len) == 0 && (q[len] == '\0' || q[len] == ',' || q[len] == ' '))
      return true;
    p = strchr (p, ',');
  }
  return false;
}

bool
api_not_modified (struct request *rq, const char *etag)
{
  const char *inm = rq_header (rq, "If-None-Match");

  if (inm == NULL || !listed (inm, etag))
    return false;
  reply_static (rq, 304, NULL, "", 0);
  api_set_etag (rq, etag);
  return true;
}

void
api_set_etag (struct request *rq, const char *etag)
{
  reply_header (rq, "ETag", etag);
  reply_header (rq, "Cache-Control", "private, no-cache");
}

void
api_epoch_etag (const struct graph *g, const char *extra, char out[96])
{
  snprintf (out, 96, "W/\"%.8s-%llu%s%s\"", g->source_id, (unsigned long long) g->epoch,
            extra ? "-" : "", extra ? extra : "");
}

void
api_body_etag (const char *body, size_t len, char out[96])
{
  uint8_t d[32];

  sha256 (body, len, d);
  snprintf (out, 96, "\"%02x%02x%02x%02x%02x%02x%02x%02x\"", d[0], d[1], d[2], d[3], d[4],
            d[5], d[6], d[7]);
}

void
api_reply_tagged (struct request *rq, json_t *doc)
{
  char etag[96], *text = json_dumps (doc, JSON_COMPACT | JSON_REAL_PRECISION (15));

  json_decref (doc);
  if (text == NULL)
  {
    reply_problem (rq, PROBLEM_INTERNAL, "out of memory");
    return;
  }
  api_body_etag (text, strlen (text), etag);
  if (api_not_modified (rq, etag))
    free (text);
  else
  {
    reply_owned (rq, 200, "application/json", text, strlen (text));
    api_set_etag (rq, etag);
  }
}

/* end of etag.c */
