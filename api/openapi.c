/*
 * openapi.c -- GET /openapi.yaml: the contract, compiled into the binary.
 */
#include "riskd/api.h"
#include "riskd/embedded.h"

void
api_openapi (struct request *rq)
{
  const struct embedded_file *f = embedded_find ("openapi.yaml");

  if (f == NULL)
  {
    reply_problem (rq, PROBLEM_INTERNAL, "openapi.yaml was not built in");
    return;
  }
  reply_static (rq, 200, "application/yaml", f->data, f->len);
  reply_header (rq, "Cache-Control", "public, max-age=300");
}

/* end of openapi.c */
