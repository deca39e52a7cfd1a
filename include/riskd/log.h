/*
 * log.h -- structured logs: one JSON object per line on stderr.
 *
 *   log_msg (LOG_INFO, "engine built", "{s:I, s:f}", "epoch", e, "ms", ms);
 *
 * The fields are a jansson json_pack() format and its arguments (NULL for
 * none); every line also gets "ts", "level" and "msg". Keys and secrets are
 * never passed here.
 */
#ifndef RISKD_LOG_H
#define RISKD_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/** Lines below this level are dropped. */
void log_set_level (enum log_level level);
/** Level for a name ("info"); -1 if unknown. */
int log_level_from_name (const char *name);

void log_msg (enum log_level level, const char *msg, const char *fields_fmt, ...);

#endif
/* end of log.h */
