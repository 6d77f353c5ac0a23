/*
 * test_lifecycle.c - todod under a database restart, and SIGTERM.
 * Shared set-up: appcallback_fixture.c.
 */
#include "appcallback_fixture.h"

static void test_database_restart(void **state)
{
	(void)state;
	const char *cmd = getenv("TODOD_TEST_PG_RESTART");
	if (!cmd || !*cmd)
		fail_msg("TODOD_TEST_PG_RESTART is not set: give a shell command that restarts the "
			 "test PostgreSQL (run from the source root), e.g. "
			 "TODOD_TEST_PG_RESTART='scripts/pg.sh stop && scripts/pg.sh start'");
	char *auth = mint("erin", time(NULL), 3600);
	json_t *t1 = create_task("erin", auth, "before restart 1", "kept");
	json_t *t2 = create_task("erin", auth, "before restart 2", NULL);
	char path[128];
	task_path(path, sizeof(path), "erin", jint(t2, "id"), "/complete");
	json_t *t2c = call_ok(HTTP_PATCH, path, "", NULL, auth);
	/* Open a database connection on as many worker threads as we can. */
	for (int i = 0; i < 32; i++)
		json_decref(list_tasks("erin", auth, ""));
	pid_t pid = srv.pid;

	char *shell = NULL;
	assert_true(asprintf(&shell, "cd '%s' && { %s ; } 1>&2", source_root, cmd) > 0);
	fprintf(stderr, "# restarting PostgreSQL: %s\n", cmd);
	int st = system(shell);
	free(shell);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("TODOD_TEST_PG_RESTART failed (wait status %d): %s", st, cmd);

	/* todod may report UNAVAILABLE for a moment; it must recover by itself. */
	char why[512];
	if (harness_wait_healthy(&srv, PG_RESTART_TIMEOUT_MS, why, sizeof(why)) != 0)
		fail_msg("todod did not recover after the database restart: %s", why);
	assert_true(harness_alive(&srv, NULL));
	assert_int_equal(srv.pid, pid);

	/* The first calls after recovery succeed: reads, then a write. */
	json_t *l = list_tasks("erin", auth, "");
	assert_int_equal(jint(l, "count"), 2);
	assert_true(json_equal(json_array_get(json_object_get(l, "tasks"), 0), t2c));
	assert_true(json_equal(json_array_get(json_object_get(l, "tasks"), 1), t1));
	json_decref(l);
	json_t *t3 = create_task("erin", auth, "after restart", NULL);
	json_t *g = get_task("erin", auth, jint(t3, "id"));
	assert_true(json_equal(g, t3));
	json_decref(g);
	/* Every worker thread copes: many calls in a row, none fails. */
	for (int i = 0; i < 32; i++) {
		l = list_tasks("erin", auth, "status=pending");
		assert_int_equal(jint(l, "count"), 2);
		json_decref(l);
	}
	task_path(path, sizeof(path), "erin", jint(t1, "id"), "/complete");
	json_t *t1c = call_ok(HTTP_PATCH, path, "", NULL, auth);
	assert_true(jbool(t1c, "completed"));
	json_decref(t1c);
	assert_int_equal(srv.pid, pid);
	assert_true(harness_alive(&srv, NULL));

	json_decref(t1);
	json_decref(t2);
	json_decref(t2c);
	json_decref(t3);
	free(auth);
}

/* A fresh instance, and the one every other test used (so this runs last):
 * both exit with status 0 soon after SIGTERM. */
static void test_sigterm_exits_cleanly(void **state)
{
	(void)state;
	struct harness_todod t;
	start_server(&t, NULL);
	/* Use the database first, so shutdown also closes worker connections. */
	struct harness_reply r;
	assert_int_equal(invoke(&t, HTTP_GET, "api/alice/tasks", "", NULL, 0, auth_alice, &r), RPC_OK);
	harness_reply_release(&r);
	stop_server_cleanly(&t);

	assert_true(harness_alive(&srv, NULL));
	stop_server_cleanly(&srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_database_restart),
		cmocka_unit_test(test_sigterm_exits_cleanly),
	};
	return fixture_run("appcallback-lifecycle", tests, sizeof(tests) / sizeof(tests[0]));
}
