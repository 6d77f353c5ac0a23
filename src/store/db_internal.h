/* db_internal.h - shared by the files of src/store only. */
#ifndef TODOD_STORE_DB_INTERNAL_H
#define TODOD_STORE_DB_INTERNAL_H

#include <stdbool.h>

#include <libpq-fe.h>

#include "base/err.h"

/* A named prepared statement. Repositories declare them as static consts. */
struct db_stmt {
	const char *name;
	const char *sql;
	int nparams;
	bool read_only;           /* safe to retry after a lost connection */
};

/* db__exec - run @st with text @params (NULL entries are SQL NULL) on this
 * thread's connection. On success stores the result in *@res (the caller
 * PQclears it) and returns 0; otherwise maps the failure through the
 * SQLSTATE table into a TODO_E* code and fills @e. */
int db__exec(const struct db_stmt *st, const char *const *params, PGresult **res, struct err *e);

/* db__exec_sql - like db__exec for SQL built at run time (unnamed
 * statement, parameters as text; never interpolate values into @sql). */
int db__exec_sql(const char *sql, int nparams, const char *const *params, bool read_only,
		 PGresult **res, struct err *e);

/* db__map_error - the SQLSTATE -> project error table. */
int db__map_error(const char *sqlstate);

/* db__connect - a new connection with our standard settings, or NULL with
 * @e filled (TODO_EUNAVAIL). */
PGconn *db__connect(const char *conninfo, struct err *e);

#endif
