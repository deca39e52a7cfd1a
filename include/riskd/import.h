/*
 * import.h -- one import of flows or labels, from the first byte of the
 * body to the commit: parsed and validated as it arrives (ingest.c),
 * streamed into a staging table with COPY, then moved into place in one
 * transaction that bumps the epoch. The HTTP handlers, `riskd import` and
 * the seed step all go through it.
 *
 * Rows already stored are duplicates (nothing changes); a flow whose key
 * (chain, tx_hash, idx) is stored with other values is a conflict and is
 * rejected. In atomic mode any rejected row rolls the whole import back.
 */
#ifndef RISKD_IMPORT_H
#define RISKD_IMPORT_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>
#include "riskd/ingest.h"
#include "riskd/problem.h"
#include "riskd/scoring.h"

/** Most row errors listed in a report (all are counted). */
#define IMPORT_MAX_ERRORS 1000

struct import;

/** The categories labels may use; set once at start-up. */
void import_set_categories (const struct scoring_config *cfg);

/** Starts an import on `conn` (which it uses until import_free). NULL on
 *  failure: the database could not start the COPY. */
struct import *import_begin (PGconn *conn, enum ingest_kind kind,
                             enum ingest_format format, bool atomic);

/** Feeds body bytes; -1 when the body as a whole is refused or the
 *  database failed (see import_problem). */
int import_feed (struct import *im, const char *data, size_t len);

/** Ends the body and commits; -1 as above (also for an atomic import with
 *  rejected rows: PROBLEM_IMPORT_REJECTED). */
int import_finish (struct import *im);

/** What went wrong after a -1, and in words. */
enum problem import_problem (const struct import *im, const char **detail);

/** The report: counts, errors with lines and reasons, ignored fields, epoch. */
json_t *import_report (const struct import *im);

/** Epoch after the import, and whether the import changed anything. */
uint64_t import_epoch (const struct import *im);
bool import_changed (const struct import *im);

/** Ends the import; rolls back whatever was not committed. */
void import_free (struct import *im);

/** Format for a media type ("text/csv; charset=utf-8"); -1 if unsupported. */
int import_format_from_media_type (const char *content_type);

#endif
/* end of import.h */
