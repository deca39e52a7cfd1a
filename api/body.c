/*
 * body.c -- JSON request bodies checked against a table of their members
 * (name, kind, required, length), in one call, so that every handler
 * refuses the same mistakes with the same words.
 */
#include <stdio.h>
#include <string.h>
#include "riskd/api.h"

static const char *
kind_name (enum field_kind kind)
{
  static const char *names[] = {
    "a string", "a decimal string", "an integer", "an array",
  };
  return names[kind];
}

static bool
kind_ok (enum field_kind kind, json_t *v)
{
  switch (kind)
  {
  case FIELD_STRING:
    return json_is_string (v);
  case FIELD_DECIMAL:
    return json_is_string (v) || json_is_integer (v);
  case FIELD_INTEGER:
    return json_is_integer (v);
  case FIELD_ARRAY:
    return json_is_array (v);
  }
  return false;
}

int
api_check_fields (struct request *rq, json_t *obj, const struct body_field *spec, size_t n)
{
  const char *name;
  json_t *v;

  if (!json_is_object (obj))
  {
    reply_problem (rq, PROBLEM_INVALID_BODY, "the body must be a JSON object");
    return -1;
  }
  json_object_foreach (obj, name, v)
  {
    size_t i = 0;
    while (i < n && strcmp (spec[i].name, name) != 0)
      i++;
    if (i == n)
    {
      /* The name is the caller's: quote it only when it is plain text. */
      bool plain = strlen (name) <= 64 && strspn (name, "abcdefghijklmnopqrstuvwxyz"
                                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
                                          == strlen (name);
      reply_problem_with (rq, PROBLEM_INVALID_BODY,
                          json_pack ("{s:s?}", "field", plain ? name : NULL),
                          "unknown member%s%s%s", plain ? " '" : "", plain ? name : "",
                          plain ? "'" : "");
      return -1;
    }
  }
  for (size_t i = 0; i < n; i++)
  {
    v = json_object_get (obj, spec[i].name);
    if (v == NULL || json_is_null (v))
    {
      if (!spec[i].required)
        continue;
      reply_problem_with (rq, PROBLEM_INVALID_BODY, json_pack ("{s:s}", "field", spec[i].name),
                          "'%s' is required", spec[i].name);
      return -1;
    }
    if (!kind_ok (spec[i].kind, v))
    {
      reply_problem_with (rq, PROBLEM_INVALID_BODY, json_pack ("{s:s}", "field", spec[i].name),
                          "'%s' must be %s", spec[i].name, kind_name (spec[i].kind));
      return -1;
    }
    if (json_is_string (v) && spec[i].max_len && json_string_length (v) > spec[i].max_len)
    {
      reply_problem_with (rq, PROBLEM_INVALID_BODY, json_pack ("{s:s}", "field", spec[i].name),
                          "'%s' is longer than %zu bytes", spec[i].name, spec[i].max_len);
      return -1;
    }
  }
  return 0;
}

void
api_free_json (void *doc)
{
  json_decref (doc);
}

const char *
api_string (json_t *obj, const char *name)
{
  return json_string_value (json_object_get (obj, name));
}

/* end of body.c */
