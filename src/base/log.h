/*
 * log.h - structured (logfmt) logging to stderr, level-controlled.
 *
 * One line per event: `ts=... level=info msg=request key=value ...`. A line
 * written while the thread works for a trace (base/trace.h) carries
 * `trace_id=<32 hex>` right after msg, so the lines of one request, of the
 * relay's publish of its events and of their consumers can be joined.
 * Values that may hold spaces or quotes go through log_quote(). Secrets
 * (tokens, passwords, database URLs) are never passed to the logger.
 * Thread-safe: each line is written with one fprintf on a locked stream.
 */
#ifndef TODOD_BASE_LOG_H
#define TODOD_BASE_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF };

/* log_parse_level - "debug"|"info"|"warn"|"error"|"off" -> level; -1 if unknown. */
int log_parse_level(const char *s);
void log_set_level(enum log_level lvl);
bool log_enabled(enum log_level lvl);

/* log_write - emit `ts level msg` then the printf-formatted key=value pairs
 * of @fmt (may be NULL). */
void log_write(enum log_level lvl, const char *msg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* log_quote - write @s as a logfmt-safe quoted value into @buf (always
 * NUL-terminated, truncated to @size). Returns @buf. */
const char *log_quote(char *buf, size_t size, const char *s);

#define log_debug(msg, ...) do { if (log_enabled(LOG_DEBUG)) log_write(LOG_DEBUG, msg, __VA_ARGS__); } while (0)
#define log_info(msg, ...) log_write(LOG_INFO, msg, __VA_ARGS__)
#define log_warn(msg, ...) log_write(LOG_WARN, msg, __VA_ARGS__)
#define log_error(msg, ...) log_write(LOG_ERROR, msg, __VA_ARGS__)

#endif
