/*
 * embedded.h -- files compiled into the binary (tools/embed.c): the
 * migrations, the seed data and openapi.yaml, named by their path in the
 * repository ("migrations/001_core.sql"). Each is NUL-terminated.
 */
#ifndef RISKD_EMBEDDED_H
#define RISKD_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
  const char *name;           /**< path in the repository */
  const unsigned char *data;  /**< contents, followed by a NUL */
  size_t len;                 /**< bytes, without the NUL */
};

/** All of them, in the order given at build time, ending with a NULL name. */
extern const struct embedded_file embedded_files[];

/** The file with that name, or NULL. */
const struct embedded_file *embedded_find (const char *name);

#endif
/* end of embedded.h */
