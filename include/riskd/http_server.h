/*
 * http_server.h -- starting and stopping the libmicrohttpd daemon.
 */
#ifndef RISKD_HTTP_SERVER_H
#define RISKD_HTTP_SERVER_H

#include <stddef.h>

struct app;
struct http_server;

/** Listens on cfg->listen with the route table; NULL with err on failure. */
struct http_server *http_start (struct app *app, char *err, size_t err_len);

/**
 * Graceful stop: stops accepting connections, answers 503 to requests
 * that arrive on open connections, waits up to `grace_ms` for requests in
 * flight to finish, then closes everything.
 */
void http_stop (struct http_server *srv, unsigned grace_ms);

#endif
/* end of http_server.h */
