/*
 * dashboard.c -- GET /dashboard and GET /dashboard/{file}: the analyst's
 * page (web/), compiled into the binary. The page holds no data: it calls
 * the API from the browser with the key the analyst pastes, so it is
 * served to anyone; its Content-Security-Policy lets it load only itself.
 */
#include <stdio.h>
#include <string.h>
#include "riskd/api.h"
#include "riskd/embedded.h"

/** Content type by file extension. */
static const char *
content_type (const char *name)
{
  const char *dot = strrchr (name, '.');

  if (dot && strcmp (dot, ".html") == 0)
    return "text/html; charset=utf-8";
  if (dot && strcmp (dot, ".js") == 0)
    return "text/javascript; charset=utf-8";
  if (dot && strcmp (dot, ".css") == 0)
    return "text/css; charset=utf-8";
  if (dot && strcmp (dot, ".svg") == 0)
    return "image/svg+xml";
  return "text/plain; charset=utf-8";
}

/** Serves web/<name> (names are looked up, never opened as paths). */
static void
serve (struct request *rq, const char *name)
{
  char path[96], etag[96];
  const struct embedded_file *f = NULL;

  if (strlen (name) < 64 && strspn (name, "abcdefghijklmnopqrstuvwxyz0123456789-_.") == strlen (name)
      && name[0] != '.')
  {
    snprintf (path, sizeof path, "web/%s", name);
    f = embedded_find (path);
  }
  if (f == NULL)
  {
    reply_problem (rq, PROBLEM_ROUTE_NOT_FOUND, "no such file in the dashboard");
    return;
  }
  api_body_etag ((const char *) f->data, f->len, etag);
  if (!api_not_modified (rq, etag))
  {
    reply_static (rq, 200, content_type (name), f->data, f->len);
    api_set_etag (rq, etag);
  }
  /* On a 304 too: the browser keeps the headers of the last answer. */
  reply_header (rq, "Content-Security-Policy",
                "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
                " img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
}

void
api_dashboard_page (struct request *rq)
{
  serve (rq, "dashboard.html");
}

void
api_dashboard_file (struct request *rq)
{
  serve (rq, rq_arg (rq, 0));
}

/* end of dashboard.c */
