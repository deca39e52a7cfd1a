/*
 * deadline.h -- cutting off clients that never finish a request's headers.
 *
 * libmicrohttpd's connection timeout counts inactivity, so a client that
 * sends one byte of its headers every few seconds (slowloris) would hold
 * its connection forever. Every connection here gets a deadline: its
 * request headers must be complete within `timeout_ms` of the connection
 * opening or of its previous answer. A thread checks twice a second and
 * shuts down the sockets that missed it; the polling threads, which never
 * block on one connection, keep serving everyone else meanwhile.
 */
#ifndef RISKD_DEADLINE_H
#define RISKD_DEADLINE_H

struct deadlines;
struct deadline;

struct deadlines *deadlines_new (unsigned timeout_ms);
void deadlines_free (struct deadlines *d);

/** A connection opened on socket `fd`; returns its record. */
struct deadline *deadlines_opened (struct deadlines *d, int fd);
/** Its request's headers are complete: no deadline while it is served. */
void deadlines_request_began (struct deadlines *d, struct deadline *c);
/** Its answer is done: the next request's headers are due. */
void deadlines_request_done (struct deadlines *d, struct deadline *c);
/** It closed (before its socket is): forget it. */
void deadlines_closed (struct deadlines *d, struct deadline *c);

/** Connections cut off so far (for logs and metrics). */
unsigned long deadlines_cut (struct deadlines *d);

#endif
/* end of deadline.h */
