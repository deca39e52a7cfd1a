/*
 * store_migrate.c -- numbered SQL files applied once each, in order.
 */
#include <stdio.h>
#include <string.h>
#include "riskd/embedded.h"
#include "riskd/log.h"
#include "riskd/setup.h"
#include "riskd/store.h"

/** Any constant: the key of the advisory lock migrations hold. */
#define MIGRATION_LOCK "7247253"

/** True if `version` is recorded as applied. */
static int
applied (PGconn *conn, const char *version)
{
  const char *params[] = { version };
  PGresult *res = PQexecParams (conn,
    "SELECT 1 FROM schema_migrations WHERE version = $1", 1, NULL, params,
    NULL, NULL, 0);
  int rc = PQresultStatus (res) != PGRES_TUPLES_OK ? -1 : PQntuples (res) > 0;

  PQclear (res);
  return rc;
}

/** Applies one migration in a transaction; 0 or -1. */
static int
apply (PGconn *conn, const struct embedded_file *f, const char *version,
       char *err, size_t err_len)
{
  const char *params[] = { version };

  if (!store_command (conn, "BEGIN"))
    return -1;
  PGresult *res = PQexec (conn, (const char *) f->data);
  if (PQresultStatus (res) != PGRES_COMMAND_OK && PQresultStatus (res) != PGRES_TUPLES_OK)
  {
    snprintf (err, err_len, "%s: %s", f->name, PQresultErrorMessage (res));
    PQclear (res);
    store_command (conn, "ROLLBACK");
    return -1;
  }
  PQclear (res);
  res = PQexecParams (conn, "INSERT INTO schema_migrations (version) VALUES ($1)",
                      1, NULL, params, NULL, NULL, 0);
  int ok = PQresultStatus (res) == PGRES_COMMAND_OK;
  PQclear (res);
  if (!ok || !store_command (conn, "COMMIT"))
  {
    snprintf (err, err_len, "%s: could not record it", f->name);
    store_command (conn, "ROLLBACK");
    return -1;
  }
  return 0;
}

int
store_migrate (const char *url, char *err, size_t err_len)
{
  PGconn *conn = store_connect (url, false, err, err_len);
  int count = 0;

  if (conn == NULL)
    return -1;
  if (!store_command (conn, "SELECT pg_advisory_lock(" MIGRATION_LOCK ")")
      || !store_command (conn,
           "CREATE TABLE IF NOT EXISTS schema_migrations ("
           " version text PRIMARY KEY,"
           " applied_at timestamptz NOT NULL DEFAULT now())"))
  {
    snprintf (err, err_len, "%s", PQerrorMessage (conn));
    PQfinish (conn);
    return -1;
  }
  /* embedded_files lists migrations in name order (the Makefile sorts). */
  for (const struct embedded_file *f = embedded_files; f->name && count >= 0; f++)
  {
    if (strncmp (f->name, "migrations/", 11) != 0)
      continue;
    const char *version = f->name + 11;
    int done = applied (conn, version);
    if (done < 0)
    {
      snprintf (err, err_len, "%s", PQerrorMessage (conn));
      count = -1;
    }
    else if (!done)
    {
      if (apply (conn, f, version, err, err_len) != 0)
        count = -1;
      else
      {
        log_msg (LOG_INFO, "migration applied", "{s:s}", "version", version);
        count++;
      }
    }
  }
  store_command (conn, "SELECT pg_advisory_unlock(" MIGRATION_LOCK ")");
  PQfinish (conn);
  return count;
}

/* end of store_migrate.c */
