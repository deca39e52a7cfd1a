/*
 * jsonw.h -- a JSON writer into a growing buffer, for the documents on
 * the hot path (the risk answer): no tree of allocated nodes as with
 * jansson, but exactly jansson's compact output (json_dumps with
 * JSON_COMPACT | JSON_REAL_PRECISION (15)), byte for byte, so that both
 * can serve the same documents (tests/unit/test_jsonw.c compares them).
 *
 * Commas are placed by the writer: a value or key written right after
 * another value gets one.
 */
#ifndef RISKD_JSONW_H
#define RISKD_JSONW_H

#include <stdbool.h>
#include <stddef.h>

struct jsonw {
  char *buf;        /**< malloc'd, NUL-terminated; NULL after a failure */
  size_t len, cap;
  bool failed;      /**< out of memory, or a string that is not UTF-8 */
};

void jsonw_init (struct jsonw *w);
/** The document (the caller frees it), or NULL after a failure. */
char *jsonw_finish (struct jsonw *w, size_t *len);

void jsonw_begin_object (struct jsonw *w);
void jsonw_end_object (struct jsonw *w);
void jsonw_begin_array (struct jsonw *w);
void jsonw_end_array (struct jsonw *w);
/** A member's name: the next value is its value. */
void jsonw_key (struct jsonw *w, const char *name);
void jsonw_string (struct jsonw *w, const char *s);
/** NULL and "" are both written as null. */
void jsonw_string_or_null (struct jsonw *w, const char *s);
void jsonw_real (struct jsonw *w, double x);
void jsonw_int (struct jsonw *w, long long x);
void jsonw_bool (struct jsonw *w, bool x);
/** Text that is already JSON (a whole value). */
void jsonw_raw (struct jsonw *w, const char *json, size_t len);

#endif
