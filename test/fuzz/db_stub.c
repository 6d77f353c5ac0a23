/*
 * db_stub.c - a recording stand-in for src/store/db.c, for the whole-path
 * fuzz target only (linked before libtodod, so db.o is never pulled in).
 *
 * Transactions begin; every statement is checked and then fails as if the
 * database were down (TODO_EUNAVAIL), which ends each request at the first
 * statement it sends. The checks: the parameter count is within
 * PostgreSQL's limit, every $N placeholder of the SQL names a parameter
 * that exists, and every parameter is readable (ASan sees the strlen).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/db_internal.h"

#define PG_PARAMS_MAX 65535

static void check(bool ok, const char *what, const char *sql)
{
	if (ok)
		return;
	fprintf(stderr, "db_stub: %s in: %.300s\n", what, sql);
	abort();
}

static int record(const char *sql, int nparams, const char *const *params, struct err *e)
{
	check(nparams >= 0 && nparams <= PG_PARAMS_MAX, "a parameter count out of range", sql);
	for (const char *s = strchr(sql, '$'); s; s = strchr(s + 1, '$')) {
		if (s[1] < '0' || s[1] > '9')
			continue;
		long n = strtol(s + 1, NULL, 10);
		check(n >= 1 && n <= nparams, "a placeholder without a parameter", sql);
	}
	for (int i = 0; i < nparams; i++)
		if (params && params[i])
			(void)strlen(params[i]);
	return err_set(e, TODO_EUNAVAIL, NULL, "database unavailable (fuzz stub)");
}

void db_configure(const char *conninfo)
{
	(void)conninfo;
}

void db_thread_release(void)
{
}

int db_ping(struct err *e)
{
	return record("SELECT 1", 0, NULL, e);
}

int db_tx_begin(struct err *e)
{
	(void)e;
	return 0;
}

int db_tx_commit(struct err *e)
{
	return err_set(e, TODO_EUNAVAIL, NULL, "database unavailable (fuzz stub)");
}

void db_tx_rollback(void)
{
}

int db__exec(const struct db_stmt *st, const char *const *params, PGresult **res, struct err *e)
{
	*res = NULL;
	return record(st->sql, st->nparams, params, e);
}

int db__exec_sql(const char *sql, int nparams, const char *const *params, bool read_only,
		 PGresult **res, struct err *e)
{
	(void)read_only;
	*res = NULL;
	return record(sql, nparams, params, e);
}

int db__map_error(const char *sqlstate)
{
	(void)sqlstate;
	return TODO_EINTERNAL;
}

PGconn *db__connect(const char *conninfo, struct err *e)
{
	(void)conninfo;
	err_set(e, TODO_EUNAVAIL, NULL, "database unavailable (fuzz stub)");
	return NULL;
}
