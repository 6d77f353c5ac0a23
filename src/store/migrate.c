#include "store/migrate.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "store/db_internal.h"

/* Any fixed 64-bit key; the same in every replica. */
#define MIGRATION_LOCK_KEY "7346293021"

struct migration {
	int version;
	char *name;       /* "0001_tasks" */
	char *up_path;
	char *down_path;
	bool applied;
};

struct migration_set {
	struct migration *items;
	size_t n;
};

static void set_release(struct migration_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->items[i].name);
		free(s->items[i].up_path);
		free(s->items[i].down_path);
	}
	free(s->items);
	memset(s, 0, sizeof(*s));
}

static int cmp_version(const void *a, const void *b)
{
	const struct migration *x = a, *y = b;
	return (x->version > y->version) - (x->version < y->version);
}

static struct migration *find_version(struct migration_set *s, int version)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->items[i].version == version)
			return &s->items[i];
	return NULL;
}

/* Read @dir: every NNNN_name.up.sql must have its .down.sql twin. */
static int scan(const char *dir, struct migration_set *s, struct err *e)
{
	memset(s, 0, sizeof(*s));
	DIR *d = opendir(dir);
	if (!d)
		return err_set(e, TODO_EINVAL, NULL, "could not open migrations folder \"%s\": %s",
			       dir, strerror(errno));
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d))) {
		const char *f = de->d_name;
		size_t len = strlen(f);
		bool up = len > 7 && strcmp(f + len - 7, ".up.sql") == 0;
		bool down = len > 9 && strcmp(f + len - 9, ".down.sql") == 0;
		if (!up && !down)
			continue;
		char *end;
		long v = strtol(f, &end, 10);
		if (end == f || *end != '_' || v <= 0) {
			rc = err_set(e, TODO_EINVAL, NULL,
				     "migration file \"%s\" does not start with NNNN_", f);
			break;
		}
		size_t base_len = len - (up ? 7 : 9);
		struct migration *m = find_version(s, (int)v);
		if (!m) {
			s->items = xrealloc(s->items, (s->n + 1) * sizeof(*s->items));
			m = &s->items[s->n++];
			memset(m, 0, sizeof(*m));
			m->version = (int)v;
			m->name = xstrndup(f, base_len);
		} else if (strncmp(m->name, f, base_len) != 0 || strlen(m->name) != base_len) {
			rc = err_set(e, TODO_EINVAL, NULL, "two migrations share version %ld: \"%s\" and \"%s\"",
				     v, m->name, f);
			break;
		}
		char *path = xasprintf("%s/%s", dir, f);
		if (up)
			m->up_path = path;
		else
			m->down_path = path;
	}
	closedir(d);
	for (size_t i = 0; rc == 0 && i < s->n; i++)
		if (!s->items[i].up_path || !s->items[i].down_path)
			rc = err_set(e, TODO_EINVAL, NULL, "migration \"%s\" lacks its %s file",
				     s->items[i].name, s->items[i].up_path ? ".down.sql" : ".up.sql");
	if (rc) {
		set_release(s);
		return rc;
	}
	qsort(s->items, s->n, sizeof(*s->items), cmp_version);
	return 0;
}

static char *read_file(const char *path, struct err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		err_set(e, TODO_EINVAL, NULL, "could not read \"%s\": %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 4096, len = 0;
	char *buf = xmalloc(cap);
	size_t n;
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2)
			buf = xrealloc(buf, cap *= 2);
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

static int exec_simple(PGconn *c, const char *sql, struct err *e)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType s = PQresultStatus(r);
	int rc = 0;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		rc = err_set(e, db__map_error(state) == TODO_EUNAVAIL ? TODO_EUNAVAIL : TODO_EINTERNAL,
			     NULL, "%s", PQresultErrorMessage(r));
		/* Strip libpq's trailing newline for one-line messages. */
		size_t l = strlen(e ? e->msg : "");
		if (e && l && e->msg[l - 1] == '\n')
			e->msg[l - 1] = '\0';
	}
	PQclear(r);
	return rc;
}

/* Connect, take the lock, make sure the bookkeeping table exists and mark
 * which migrations are applied. */
/* A connection with every applied migration of @s marked. With @lock, it
 * holds the migration lock (waiting for a running migration to end) and
 * creates schema_migrations if needed; without, it only reads. */
static PGconn *open_locked(const char *conninfo, struct migration_set *s, bool lock, struct err *e)
{
	PGconn *c = db__connect(conninfo, e);
	if (!c)
		return NULL;
	PGresult *r = NULL;
	if (exec_simple(c, "SET client_min_messages = warning", e) ||
	    (lock && exec_simple(c, "SELECT pg_advisory_lock(" MIGRATION_LOCK_KEY ")", e)) ||
	    (lock && exec_simple(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
				    " version integer PRIMARY KEY,"
				    " name text NOT NULL,"
				    " applied_at timestamptz NOT NULL DEFAULT now())", e)))
		goto out_fail;
	r = PQexec(c, "SELECT version FROM schema_migrations");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		err_set(e, TODO_EINTERNAL, NULL, "%s", PQresultErrorMessage(r));
		goto out_fail;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		int v = atoi(PQgetvalue(r, i, 0));
		struct migration *m = find_version(s, v);
		if (!m) {
			err_set(e, TODO_EINVAL, NULL,
				"database has migration %d applied, but no file for it in the migrations folder", v);
			goto out_fail;
		}
		m->applied = true;
	}
	PQclear(r);
	return c;
out_fail:
	PQclear(r);
	PQfinish(c);
	return NULL;
}

static int run_one(PGconn *c, struct migration *m, bool up, FILE *out, struct err *e)
{
	char *sql = read_file(up ? m->up_path : m->down_path, e);
	if (!sql)
		return TODO_EINVAL;
	char vbuf[16];
	snprintf(vbuf, sizeof(vbuf), "%d", m->version);
	const char *params[] = { vbuf, m->name };
	int rc = exec_simple(c, "BEGIN", e);
	if (rc)
		goto out_free_sql;
	rc = exec_simple(c, sql, e);
	if (rc == 0) {
		PGresult *r = up
			? PQexecParams(c, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
				       2, NULL, params, NULL, NULL, 0)
			: PQexecParams(c, "DELETE FROM schema_migrations WHERE version = $1",
				       1, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = err_set(e, TODO_EINTERNAL, NULL, "%s", PQresultErrorMessage(r));
		PQclear(r);
	}
	if (rc == 0)
		rc = exec_simple(c, "COMMIT", e);
	if (rc) {
		struct err ignored;
		exec_simple(c, "ROLLBACK", &ignored);
		char msg[ERR_MSG_MAX];
		snprintf(msg, sizeof(msg), "%s", e ? e->msg : "");
		err_set(e, rc, NULL, "migration %s (%s) failed: %s", m->name, up ? "up" : "down", msg);
	} else {
		m->applied = up;
		fprintf(out, "%s %s\n", up ? "applied" : "reverted", m->name);
		fflush(out);
	}
out_free_sql:
	free(sql);
	return rc;
}

/* Scan @dir, connect holding the migration lock, run @fn, release. */
typedef int (*locked_fn)(PGconn *c, struct migration_set *s, int arg, FILE *out, struct err *e);

static int with_conn(const char *conninfo, const char *dir, bool lock, locked_fn fn, int arg,
		     FILE *out, struct err *e)
{
	struct migration_set s;
	int rc = scan(dir, &s, e);
	if (rc)
		return rc;
	PGconn *c = open_locked(conninfo, &s, lock, e);
	if (!c) {
		set_release(&s);
		return e ? e->code : TODO_EUNAVAIL;
	}
	rc = fn(c, &s, arg, out, e);
	PQfinish(c);   /* closing the session releases the advisory lock */
	set_release(&s);
	return rc;
}

static int up(PGconn *c, struct migration_set *s, int arg, FILE *out, struct err *e)
{
	(void)arg;
	int rc = 0, applied = 0;
	for (size_t i = 0; rc == 0 && i < s->n; i++) {
		if (s->items[i].applied)
			continue;
		rc = run_one(c, &s->items[i], true, out, e);
		applied += rc == 0;
	}
	if (rc == 0)
		fprintf(out, "up to date: %d applied now, %zu in total\n", applied, s->n);
	return rc;
}

static int down(PGconn *c, struct migration_set *s, int n, FILE *out, struct err *e)
{
	int rc = 0;
	for (size_t i = s->n; rc == 0 && n > 0 && i > 0; i--) {
		if (!s->items[i - 1].applied)
			continue;
		rc = run_one(c, &s->items[i - 1], false, out, e);
		n--;
	}
	return rc;
}

static int status(PGconn *c, struct migration_set *s, int arg, FILE *out, struct err *e)
{
	(void)c;
	(void)arg;
	(void)e;
	for (size_t i = 0; i < s->n; i++)
		fprintf(out, "%-8s %s\n", s->items[i].applied ? "applied" : "pending", s->items[i].name);
	return 0;
}

static int pending(PGconn *c, struct migration_set *s, int arg, FILE *out, struct err *e)
{
	(void)c;
	(void)arg;
	(void)out;
	(void)e;
	int n = 0;
	for (size_t i = 0; i < s->n; i++)
		n += !s->items[i].applied;
	return n;
}

int migrate_up(const char *conninfo, const char *dir, FILE *out, struct err *e)
{
	return with_conn(conninfo, dir, true, up, 0, out, e);
}

int migrate_down(const char *conninfo, const char *dir, int n, FILE *out, struct err *e)
{
	return with_conn(conninfo, dir, true, down, n, out, e);
}

int migrate_status(const char *conninfo, const char *dir, FILE *out, struct err *e)
{
	return with_conn(conninfo, dir, true, status, 0, out, e);
}

int migrate_pending(const char *conninfo, const char *dir, struct err *e)
{
	return with_conn(conninfo, dir, true, pending, 0, NULL, e);
}

int migrate_pending_peek(const char *conninfo, const char *dir, struct err *e)
{
	return with_conn(conninfo, dir, false, pending, 0, NULL, e);
}
