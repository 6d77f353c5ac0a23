/*
 * db.h - PostgreSQL connections: one per thread, prepared statements,
 * reconnect after a database restart, and the one SQLSTATE -> error table.
 *
 * Every thread that touches the database (gRPC workers, background loops)
 * lazily opens its own connection on first use and closes it with
 * db_thread_release() before it exits. A connection found dead before a
 * statement is sent is replaced transparently; a connection lost while a
 * statement runs gives TODO_EUNAVAIL (the outcome is unknown), except for
 * read-only statements, which are retried once on a fresh connection.
 *
 * PGresult never leaves src/store/: repositories turn rows into structs.
 */
#ifndef TODOD_STORE_DB_H
#define TODOD_STORE_DB_H

#include <stdbool.h>

#include "base/err.h"

/* db_configure - the libpq connection string used by every thread; copied.
 * Call once before any thread uses the database. */
void db_configure(const char *conninfo);

/* db_thread_release - close the calling thread's connection, if any. */
void db_thread_release(void);

/* db_ping - run `SELECT 1` on this thread's connection (reconnecting if
 * needed). Returns 0 or TODO_EUNAVAIL. */
int db_ping(struct err *e);

/* db_metrics_define - declare the database metrics (statement latency by
 * statement name, connects, reconnects, open connections). */
void db_metrics_define(void);

/*
 * Transactions on this thread's connection. Between begin and commit (or
 * rollback) every repository call runs inside the transaction; a lost
 * connection is not replaced mid-transaction (the caller gets
 * TODO_EUNAVAIL and must roll back). Commit failure means nothing was
 * committed, except when the connection dropped during COMMIT (then the
 * outcome is unknown and TODO_EUNAVAIL is returned).
 */
int db_tx_begin(struct err *e);
int db_tx_commit(struct err *e);
/* db_tx_rollback - end the transaction without committing; safe to call
 * when none is open. */
void db_tx_rollback(void);

#endif
