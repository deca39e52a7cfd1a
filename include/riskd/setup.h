/*
 * setup.h -- the database's life before serving: migrations and seed data.
 */
#ifndef RISKD_SETUP_H
#define RISKD_SETUP_H

#include <stddef.h>

/**
 * Applies the embedded migrations (migrations/NNN_*.sql) that are not yet
 * recorded in schema_migrations, in name order, each in its own
 * transaction; an advisory lock keeps two instances from racing. Prints
 * nothing; returns the number applied, or -1 with the reason in err.
 */
int store_migrate (const char *url, char *err, size_t err_len);

/**
 * Loads the embedded seed data (data/): UN reports, incidents, their
 * doubts and source notes (upserted), then the incident and OFAC addresses
 * as labels through the ordinary label import. Idempotent. Returns 0, or
 * -1 with the reason in err.
 */
int store_seed (const char *url, char *err, size_t err_len);

#endif
/* end of setup.h */
