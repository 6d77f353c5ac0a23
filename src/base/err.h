/*
 * err.h - project error codes and the error record that carries a message.
 *
 * Actions return 0 or a negative TODO_E* code. When an action can fail on
 * client input it also fills a `struct err` so the caller can report which
 * field failed and why. Messages follow PostgreSQL's style: lower-case, no
 * trailing period, say what failed and why, quote the offending value.
 *
 * The code -> transport status mapping lives in exactly one place:
 * http/status.c. The SQLSTATE -> code mapping lives in store/db.c.
 */
#ifndef TODOD_BASE_ERR_H
#define TODOD_BASE_ERR_H

#include <stdarg.h>

enum todo_err {
	TODO_OK = 0,
	TODO_EINVAL = -1,      /* client input is invalid (400) */
	TODO_EUNAUTH = -2,     /* missing or invalid credentials (401) */
	TODO_EFORBIDDEN = -3,  /* authenticated, but not allowed (403) */
	TODO_ENOTFOUND = -4,   /* no such resource or route (404) */
	TODO_ECONFLICT = -5,   /* conflicts with current state (409) */
	TODO_EMETHOD = -6,     /* verb not supported on a known route (400) */
	TODO_ETOOBIG = -7,     /* request body over the limit (400) */
	TODO_EUNAVAIL = -8,    /* a dependency (database, daprd) is down (503) */
	TODO_EINTERNAL = -9,   /* a bug or an unexpected failure (500) */
	TODO_ETIMEOUT = -10,   /* a dependency did not answer in time (504) */
	TODO_EBUSY = -11,      /* overloaded or rate-limited: retry later (429) */
};

#define ERR_FIELD_MAX 64
#define ERR_MSG_MAX 512

struct err {
	int code;                 /* one of enum todo_err */
	char field[ERR_FIELD_MAX];/* offending input field, "" if none */
	char msg[ERR_MSG_MAX];    /* human-readable, PostgreSQL message style */
};

/* err_set - fill @e (may be NULL) and return @code, so callers can write
 * `return err_set(e, TODO_EINVAL, "title", "must not be empty");`.
 * @field may be NULL. */
int err_set(struct err *e, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* err_clear - reset @e to "no error". */
void err_clear(struct err *e);

/* err_name - stable lower-case name of a code ("invalid_argument", ...). */
const char *err_name(int code);

#endif
