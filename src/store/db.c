#include "store/db.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/log.h"
#include "base/metrics.h"
#include "store/db_internal.h"

#define MAX_PREPARED 64

static char *g_conninfo;

struct thread_conn {
	PGconn *conn;
	bool in_txn;                          /* inside db_tx_begin .. commit/rollback */
	const char *prepared[MAX_PREPARED];   /* names prepared on this connection */
	int nprepared;
};

static __thread struct thread_conn tc;

void db_configure(const char *conninfo)
{
	free(g_conninfo);
	g_conninfo = xstrdup(conninfo);
}

static atomic_int open_conns;   /* connections of every thread, for the metrics */
static atomic_int busy_conns;   /* of them, inside a transaction */
static void collect(void *ctx);

static void set_in_txn(bool on)
{
	if (tc.in_txn != on)
		atomic_fetch_add(&busy_conns, on ? 1 : -1);
	tc.in_txn = on;
}

static void drop_conn(void)
{
	set_in_txn(false);
	if (tc.conn) {
		PQfinish(tc.conn);
		atomic_fetch_sub(&open_conns, 1);
	}
	memset(&tc, 0, sizeof(tc));
}

void db_metrics_define(void)
{
	metrics_define("todod_db_query_duration_seconds", METRIC_HISTOGRAM,
		       "PostgreSQL statement time, by prepared statement name (\"dynamic\" for built SQL).",
		       METRICS_LATENCY_BUCKETS, METRICS_LATENCY_NBUCKETS);
	metrics_define("todod_db_connects_total", METRIC_COUNTER,
		       "Database connections opened (first use of a thread, or a reconnect).", NULL, 0);
	metrics_define("todod_db_reconnects_total", METRIC_COUNTER,
		       "Connections replaced because the old one was lost.", NULL, 0);
	metrics_define("todod_db_connect_failures_total", METRIC_COUNTER,
		       "Attempts to open a database connection that failed.", NULL, 0);
	metrics_define("todod_db_connections", METRIC_GAUGE,
		       "Open database connections (one per worker or background thread that used one).", NULL, 0);
	metrics_define("todod_db_connections_busy", METRIC_GAUGE,
		       "Open database connections inside a transaction.", NULL, 0);
	metrics_counter_add("todod_db_connects_total", NULL, 0);
	metrics_counter_add("todod_db_reconnects_total", NULL, 0);
	metrics_counter_add("todod_db_connect_failures_total", NULL, 0);
	metrics_collector(collect, NULL);
}

static void collect(void *ctx)
{
	(void)ctx;
	metrics_gauge_set("todod_db_connections", NULL, atomic_load(&open_conns));
	metrics_gauge_set("todod_db_connections_busy", NULL, atomic_load(&busy_conns));
}

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void observe(const char *stmt, int64_t t0)
{
	char labels[96];
	snprintf(labels, sizeof(labels), "stmt=\"%s\"", stmt);
	metrics_observe("todod_db_query_duration_seconds", labels, (double)(mono_us() - t0) / 1e6);
}

void db_thread_release(void)
{
	drop_conn();
}

static const struct {
	const char *prefix;   /* SQLSTATE or its two-character class */
	int err;
} sqlstate_table[] = {
	{ "23505", TODO_ECONFLICT },   /* unique_violation */
	{ "23503", TODO_ECONFLICT },   /* foreign_key_violation */
	{ "23514", TODO_EINVAL },      /* check_violation */
	{ "23502", TODO_EINVAL },      /* not_null_violation */
	{ "22", TODO_EINVAL },         /* data exception */
	{ "40", TODO_EUNAVAIL },       /* transaction rollback: retry */
	{ "53", TODO_EUNAVAIL },       /* insufficient resources */
	{ "57", TODO_EUNAVAIL },       /* operator intervention (shutdown) */
	{ "08", TODO_EUNAVAIL },       /* connection exception */
	{ "55P03", TODO_ECONFLICT },    /* lock_not_available */
	{ "57014", TODO_ETIMEOUT },    /* query_canceled (statement timeout) */
};

int db__map_error(const char *sqlstate)
{
	if (!sqlstate)
		return TODO_EUNAVAIL;      /* no SQLSTATE: libpq lost the server */
	/* Exact codes first, then classes. */
	for (size_t i = 0; i < sizeof(sqlstate_table) / sizeof(sqlstate_table[0]); i++)
		if (strlen(sqlstate_table[i].prefix) == 5 && strcmp(sqlstate, sqlstate_table[i].prefix) == 0)
			return sqlstate_table[i].err;
	for (size_t i = 0; i < sizeof(sqlstate_table) / sizeof(sqlstate_table[0]); i++)
		if (strlen(sqlstate_table[i].prefix) == 2 && strncmp(sqlstate, sqlstate_table[i].prefix, 2) == 0)
			return sqlstate_table[i].err;
	return TODO_EINTERNAL;
}

/* libpq prints server notices to stderr by default; route them to our log. */
static void notice_to_log(void *arg, const char *message)
{
	(void)arg;
	char q[512];
	log_info("database notice", "notice=%s", log_quote(q, sizeof(q), message));
}

PGconn *db__connect(const char *conninfo, struct err *e)
{
	const char *keys[] = { "dbname", "connect_timeout", "application_name", NULL };
	const char *vals[] = { conninfo, "5", "todod", NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		/* libpq's message may echo host names, never passwords. */
		char q[256];
		log_warn("database connect failed", "error=%s",
			 log_quote(q, sizeof(q), c ? PQerrorMessage(c) : "out of memory"));
		if (c)
			PQfinish(c);
		err_set(e, TODO_EUNAVAIL, NULL, "database unavailable");
		return NULL;
	}
	PQsetNoticeProcessor(c, notice_to_log, NULL);
	return c;
}

/* Whether the idle connection @c is still usable. A server that shuts down
 * sends a FATAL message and then closes the socket; one PQconsumeInput reads
 * only the message (libpq sees the EOF on its next read), so read until the
 * socket has nothing more to give. */
static bool conn_alive(PGconn *c)
{
	for (int i = 0; i < 4; i++) {
		if (!PQconsumeInput(c) || PQstatus(c) != CONNECTION_OK)
			return false;
		struct pollfd p = { .fd = PQsocket(c), .events = POLLIN };
		if (poll(&p, 1, 0) == 0)
			return PQtransactionStatus(c) == PQTRANS_IDLE;
	}
	return false;
}

/* Make sure this thread has a live connection. A connection whose server
 * went away while idle is noticed here and replaced before anything is sent. */
static int ensure_conn(struct err *e)
{
	if (tc.in_txn) {
		/* Never swap the connection under an open transaction. */
		if (tc.conn && PQstatus(tc.conn) == CONNECTION_OK)
			return 0;
		return err_set(e, TODO_EUNAVAIL, NULL, "database unavailable");
	}
	if (tc.conn && PQstatus(tc.conn) == CONNECTION_OK && conn_alive(tc.conn))
		return 0;
	if (tc.conn) {
		log_info("database connection lost, reconnecting", NULL);
		metrics_counter_add("todod_db_reconnects_total", NULL, 1);
	}
	drop_conn();
	if (!g_conninfo)
		return err_set(e, TODO_EINTERNAL, NULL, "database not configured");
	tc.conn = db__connect(g_conninfo, e);
	if (!tc.conn) {
		metrics_counter_add("todod_db_connect_failures_total", NULL, 1);
		return TODO_EUNAVAIL;
	}
	atomic_fetch_add(&open_conns, 1);
	metrics_counter_add("todod_db_connects_total", NULL, 1);
	return 0;
}

static bool is_prepared(const char *name)
{
	for (int i = 0; i < tc.nprepared; i++)
		if (tc.prepared[i] == name || strcmp(tc.prepared[i], name) == 0)
			return true;
	return false;
}

/* Constraints whose violation is a client error about one field. */
static const struct {
	const char *constraint;
	const char *field;
	const char *message;
} constraint_table[] = {
	{ "tasks_end_after_due", "recurrence_end_date",
	  "recurrence_end_date is before the due date (in the task's time zone)" },
	{ "tasks_custom_needs_rule", "recurrence_rule",
	  "recurrence_pattern custom needs a recurrence_rule, and only custom takes one" },
	{ "tasks_one_open_occurrence_idx", "completed",
	  "the series already has an open occurrence" },
	{ "tags_user_name_idx", "name", "a tag with this name already exists" },
	{ "tasks_parent_task_id_fkey", "parent_task_id", "parent task not found" },
};

static int fail_from_result(PGresult *r, const char *what, struct err *e)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	int code = db__map_error(state);
	const char *constraint = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;
	for (size_t i = 0; constraint && i < sizeof(constraint_table) / sizeof(constraint_table[0]); i++)
		if (strcmp(constraint, constraint_table[i].constraint) == 0)
			return err_set(e, code, constraint_table[i].field, "%s", constraint_table[i].message);
	char q[512];
	const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(tc.conn);
	if (code == TODO_EINTERNAL || code == TODO_EUNAVAIL)
		log_warn("database statement failed", "stmt=%s sqlstate=%s error=%s", what,
			 state ? state : "none", log_quote(q, sizeof(q), msg));
	switch (code) {
	case TODO_ECONFLICT:
		return err_set(e, code, NULL, "conflicts with existing data");
	case TODO_EINVAL:
		return err_set(e, code, NULL, "value rejected by the database");
	case TODO_EUNAVAIL:
		return err_set(e, code, NULL, "database unavailable");
	case TODO_ETIMEOUT:
		return err_set(e, code, NULL, "database statement timed out");
	default:
		return err_set(e, code, NULL, "database error");
	}
}

static int exec_once(const struct db_stmt *st, const char *const *params, PGresult **res,
		     struct err *e, bool *conn_lost)
{
	*conn_lost = false;
	int rc = ensure_conn(e);
	if (rc)
		return rc;
	if (!is_prepared(st->name)) {
		PGresult *p = PQprepare(tc.conn, st->name, st->sql, st->nparams, NULL);
		if (PQresultStatus(p) != PGRES_COMMAND_OK) {
			*conn_lost = PQstatus(tc.conn) != CONNECTION_OK;
			rc = fail_from_result(p, st->name, e);
			PQclear(p);
			return rc;
		}
		PQclear(p);
		if (tc.nprepared < MAX_PREPARED)
			tc.prepared[tc.nprepared++] = st->name;
	}
	int64_t t0 = mono_us();
	PGresult *r = PQexecPrepared(tc.conn, st->name, st->nparams, params, NULL, NULL, 0);
	observe(st->name, t0);
	ExecStatusType s = PQresultStatus(r);
	if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK) {
		*res = r;
		return 0;
	}
	*conn_lost = PQstatus(tc.conn) != CONNECTION_OK;
	rc = fail_from_result(r, st->name, e);
	PQclear(r);
	return rc;
}

int db__exec(const struct db_stmt *st, const char *const *params, PGresult **res, struct err *e)
{
	bool lost;
	*res = NULL;
	int rc = exec_once(st, params, res, e, &lost);
	if (rc && lost && !tc.in_txn) {
		drop_conn();
		if (st->read_only)
			rc = exec_once(st, params, res, e, &lost);
	}
	return rc;
}

int db__exec_sql(const char *sql, int nparams, const char *const *params, bool read_only,
		 PGresult **res, struct err *e)
{
	*res = NULL;
	for (int attempt = 0; attempt < 2; attempt++) {
		int rc = ensure_conn(e);
		if (rc)
			return rc;
		int64_t t0 = mono_us();
		PGresult *r = PQexecParams(tc.conn, sql, nparams, NULL, params, NULL, NULL, 0);
		observe("dynamic", t0);
		ExecStatusType s = PQresultStatus(r);
		if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK) {
			*res = r;
			return 0;
		}
		bool lost = PQstatus(tc.conn) != CONNECTION_OK;
		rc = fail_from_result(r, "dynamic", e);
		PQclear(r);
		if (!lost || tc.in_txn || !read_only)
			return rc;
		drop_conn();
	}
	return err_set(e, TODO_EUNAVAIL, NULL, "database unavailable");
}

static int exec_command(const char *sql, struct err *e)
{
	PGresult *r = PQexec(tc.conn, sql);
	int rc = 0;
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = fail_from_result(r, sql, e);
	PQclear(r);
	return rc;
}

int db_tx_begin(struct err *e)
{
	int rc = ensure_conn(e);
	if (rc)
		return rc;
	rc = exec_command("BEGIN", e);
	if (rc == 0)
		set_in_txn(true);
	return rc;
}

int db_tx_commit(struct err *e)
{
	int rc = exec_command("COMMIT", e);
	set_in_txn(false);
	if (rc && PQstatus(tc.conn) != CONNECTION_OK)
		drop_conn();
	return rc;
}

void db_tx_rollback(void)
{
	if (!tc.in_txn)
		return;
	set_in_txn(false);
	if (tc.conn && PQstatus(tc.conn) == CONNECTION_OK) {
		PGresult *r = PQexec(tc.conn, "ROLLBACK");
		PQclear(r);
	} else {
		drop_conn();
	}
}

static const struct db_stmt ping_stmt = {
	.name = "ping", .sql = "SELECT 1", .nparams = 0, .read_only = true,
};

int db_ping(struct err *e)
{
	PGresult *r;
	int rc = db__exec(&ping_stmt, NULL, &r, e);
	if (rc == 0)
		PQclear(r);
	return rc;
}
