/*
 * migrate.h - schema migrations from a folder of NNNN_name.up.sql and
 * NNNN_name.down.sql files.
 *
 * Each migration runs in its own transaction together with its row in
 * schema_migrations, so a failed migration leaves nothing half-applied. A
 * session-level advisory lock is held for the whole run, so two replicas
 * starting at once never migrate concurrently: the second waits, then finds
 * nothing to do. Progress goes to @out, one line per migration.
 */
#ifndef TODOD_STORE_MIGRATE_H
#define TODOD_STORE_MIGRATE_H

#include <stdio.h>

#include "base/err.h"

/* migrate_up - apply every pending migration in version order. */
int migrate_up(const char *conninfo, const char *dir, FILE *out, struct err *e);

/* migrate_down - revert the @n most recent applied migrations (n >= 1). */
int migrate_down(const char *conninfo, const char *dir, int n, FILE *out, struct err *e);

/* migrate_status - list every migration as applied or pending. */
int migrate_status(const char *conninfo, const char *dir, FILE *out, struct err *e);

/* migrate_pending - number of migrations not yet applied, or a negative code. */
int migrate_pending(const char *conninfo, const char *dir, struct err *e);

/* migrate_pending_peek - the same without the migration lock, so it never
 * waits for a running migration (whose steps count as pending until each
 * commits), and without creating schema_migrations. For the periodic
 * readiness check of a serving process. */
int migrate_pending_peek(const char *conninfo, const char *dir, struct err *e);

#endif
