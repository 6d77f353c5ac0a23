/*
 * Unit tests for src/config.c: defaults and validation of the environment.
 * Every test starts from an environment without any of the variables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/log.h"
#include "config.h"
#include "todod_build.h"

#define assert_has_substring(s, sub) do { \
	if (!strstr((s), (sub))) \
		fail_msg("\"%s\" does not contain \"%s\"", (s), (sub)); \
} while (0)

static const char *const all_vars[] = {
	"TODOD_APP_ADDRESS", "TODOD_APP_PORT", "DAPR_GRPC_PORT", "TODOD_DAPR_ADDRESS",
	"DAPR_API_TOKEN", "APP_API_TOKEN", "TODOD_DATABASE_URL", "TODOD_SECRET_STORE",
	"TODOD_DATABASE_SECRET_KEY", "TODOD_JWT_SECRET_KEY", "TODOD_JWT_SECRET",
	"TODOD_PUBSUB", "TODOD_MIGRATIONS_DIR", "TODOD_WORKERS", "TODOD_MAX_MESSAGE_BYTES",
	"TODOD_MAX_BODY_BYTES", "TODOD_SHUTDOWN_GRACE_MS", "TODOD_STARTUP_TIMEOUT_MS",
	"TODOD_LOG_LEVEL", "TODOD_DIAGNOSTICS", "TODOD_BROADCAST_PUBSUB", "TODOD_STATE_STORE",
	"TODOD_REALTIME_PUBLIC_URL", "TODOD_TICKET_TTL_S", "TODOD_RT_MAX_CONNECTIONS",
	"TODOD_RT_MAX_PER_USER", "TODOD_RT_QUEUE_MAX", "TODOD_RT_PING_S", "TODOD_FEED_RETENTION_S",
	"TODOD_FEED_RETENTION_COUNT", "TODOD_HTTP_PORT",
};

static int clear_env(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(all_vars) / sizeof(all_vars[0]); i++)
		if (unsetenv(all_vars[i]) != 0)
			return -1;
	return 0;
}

static void set(const char *name, const char *value)
{
	assert_int_equal(setenv(name, value, 1), 0);
}

static int load(struct config *c, struct err *e)
{
	err_clear(e);
	return config_load(c, e);
}

static void test_defaults(void **state)
{
	(void)state;
	struct config c;
	struct err e;
	assert_int_equal(load(&c, &e), 0);
	assert_int_equal(e.code, TODO_OK);
	assert_string_equal(c.listen_addr, "127.0.0.1:50051");
	assert_string_equal(c.dapr_addr, "127.0.0.1:50001");
	assert_null(c.dapr_api_token);
	assert_null(c.app_api_token);
	assert_null(c.database_url);
	assert_string_equal(c.secret_store, "secretstore");
	assert_string_equal(c.database_secret, "database-url");
	assert_string_equal(c.jwt_secret_key, "jwt-secret");
	assert_null(c.jwt_secret_env);
	assert_string_equal(c.pubsub_name, "pubsub");
	assert_string_equal(c.migrations_dir, TODOD_DEFAULT_MIGRATIONS_DIR);
	assert_int_equal(c.workers, 16);
	assert_int_equal(c.max_message_bytes, 4194304);
	assert_int_equal(c.max_body_bytes, 65536);
	assert_int_equal(c.log_level, LOG_INFO);
	assert_int_equal(c.shutdown_grace_ms, 10000);
	assert_int_equal(c.startup_timeout_ms, 60000);
	assert_false(c.diagnostics);
	assert_string_equal(c.broadcast_pubsub, "pubsub-broadcast");
	assert_string_equal(c.state_store, "statestore");
	assert_string_equal(c.realtime_url, "ws://127.0.0.1:8080/realtime");
	assert_int_equal(c.ticket_ttl_s, 30);
	assert_int_equal(c.rt_max_connections, 10000);
	assert_int_equal(c.rt_max_per_user, 20);
	assert_int_equal(c.rt_queue_max, 256);
	assert_int_equal(c.rt_ping_s, 30);
	assert_int_equal(c.feed_retention_s, 86400);
	assert_int_equal(c.feed_retention_count, 10000);
}

/* An empty value means "use the default", like an unset one. */
static void test_empty_means_default(void **state)
{
	(void)state;
	set("TODOD_APP_PORT", "");
	set("TODOD_WORKERS", "");
	set("TODOD_LOG_LEVEL", "");
	set("TODOD_SECRET_STORE", "");
	set("TODOD_DAPR_ADDRESS", "");
	struct config c;
	struct err e;
	assert_int_equal(load(&c, &e), 0);
	assert_string_equal(c.listen_addr, "127.0.0.1:50051");
	assert_string_equal(c.dapr_addr, "127.0.0.1:50001");
	assert_int_equal(c.workers, 16);
	assert_int_equal(c.log_level, LOG_INFO);
	assert_string_equal(c.secret_store, "secretstore");
}

static void test_values_taken(void **state)
{
	(void)state;
	set("TODOD_APP_ADDRESS", "0.0.0.0");
	set("TODOD_APP_PORT", "6000");
	set("TODOD_WORKERS", "4");
	set("TODOD_MAX_MESSAGE_BYTES", "8192");
	set("TODOD_MAX_BODY_BYTES", "1024");
	set("TODOD_SHUTDOWN_GRACE_MS", "0");
	set("TODOD_STARTUP_TIMEOUT_MS", "3600000");
	set("TODOD_LOG_LEVEL", "debug");
	set("TODOD_DIAGNOSTICS", "1");
	set("TODOD_DATABASE_URL", "postgresql:///todo");
	set("DAPR_API_TOKEN", "t1");
	set("TODOD_PUBSUB", "kafka-pubsub");
	struct config c;
	struct err e;
	assert_int_equal(load(&c, &e), 0);
	assert_string_equal(c.listen_addr, "0.0.0.0:6000");
	assert_int_equal(c.workers, 4);
	assert_int_equal(c.max_message_bytes, 8192);
	assert_int_equal(c.max_body_bytes, 1024);
	assert_int_equal(c.shutdown_grace_ms, 0);
	assert_int_equal(c.startup_timeout_ms, 3600000);
	assert_int_equal(c.log_level, LOG_DEBUG);
	assert_true(c.diagnostics);
	assert_string_equal(c.database_url, "postgresql:///todo");
	assert_string_equal(c.dapr_api_token, "t1");
	assert_string_equal(c.pubsub_name, "kafka-pubsub");
}

static void expect_bad_int(const char *name, const char *value, const char *range)
{
	assert_int_equal(clear_env(NULL), 0);
	set(name, value);
	struct config c;
	struct err e;
	int rc = load(&c, &e);
	if (rc != TODO_EINVAL)
		fail_msg("%s=\"%s\": got %d, want TODO_EINVAL", name, value, rc);
	assert_int_equal(e.code, TODO_EINVAL);
	assert_string_equal(e.field, name);
	char want[256];
	snprintf(want, sizeof(want), "%s=\"%s\" is not an integer in %s", name, value, range);
	assert_string_equal(e.msg, want);
}

static void test_invalid_integers_name_variable(void **state)
{
	(void)state;
	expect_bad_int("TODOD_APP_PORT", "abc", "[0, 65535]");
	expect_bad_int("TODOD_APP_PORT", "65536", "[0, 65535]");
	expect_bad_int("TODOD_APP_PORT", "-1", "[0, 65535]");
	expect_bad_int("TODOD_APP_PORT", "80x", "[0, 65535]");
	expect_bad_int("TODOD_APP_PORT", "99999999999999999999", "[0, 65535]");
	expect_bad_int("DAPR_GRPC_PORT", "0", "[1, 65535]");
	expect_bad_int("TODOD_WORKERS", "0", "[1, 1024]");
	expect_bad_int("TODOD_WORKERS", "1025", "[1, 1024]");
	expect_bad_int("TODOD_WORKERS", "4.5", "[1, 1024]");
	expect_bad_int("TODOD_MAX_MESSAGE_BYTES", "4095", "[4096, 67108864]");
	expect_bad_int("TODOD_MAX_BODY_BYTES", "16777217", "[1024, 16777216]");
	expect_bad_int("TODOD_SHUTDOWN_GRACE_MS", "600001", "[0, 600000]");
	expect_bad_int("TODOD_STARTUP_TIMEOUT_MS", "1h", "[0, 3600000]");
}

static void test_log_level(void **state)
{
	(void)state;
	static const struct { const char *text; int level; } levels[] = {
		{ "debug", LOG_DEBUG }, { "info", LOG_INFO }, { "warn", LOG_WARN },
		{ "error", LOG_ERROR }, { "off", LOG_OFF },
	};
	struct config c;
	struct err e;
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		set("TODOD_LOG_LEVEL", levels[i].text);
		assert_int_equal(load(&c, &e), 0);
		assert_int_equal(c.log_level, levels[i].level);
	}

	static const char *const bad[] = { "verbose", "INFO", "warning", "2" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		set("TODOD_LOG_LEVEL", bad[i]);
		int rc = load(&c, &e);
		if (rc != TODO_EINVAL)
			fail_msg("TODOD_LOG_LEVEL=\"%s\": got %d, want TODO_EINVAL", bad[i], rc);
		assert_string_equal(e.field, "TODOD_LOG_LEVEL");
		char want[128];
		snprintf(want, sizeof(want),
			 "TODOD_LOG_LEVEL=\"%s\" is not one of debug, info, warn, error, off", bad[i]);
		assert_string_equal(e.msg, want);
	}
}

static void test_diagnostics_flag(void **state)
{
	(void)state;
	struct config c;
	struct err e;
	set("TODOD_DIAGNOSTICS", "0");
	assert_int_equal(load(&c, &e), 0);
	assert_false(c.diagnostics);
	set("TODOD_DIAGNOSTICS", "yes");
	assert_int_equal(load(&c, &e), TODO_EINVAL);
	assert_string_equal(e.field, "TODOD_DIAGNOSTICS");
	assert_string_equal(e.msg, "TODOD_DIAGNOSTICS=\"yes\" must be 0 or 1");
}

static void test_dapr_grpc_port_builds_addr(void **state)
{
	(void)state;
	set("DAPR_GRPC_PORT", "50009");
	struct config c;
	struct err e;
	assert_int_equal(load(&c, &e), 0);
	assert_string_equal(c.dapr_addr, "127.0.0.1:50009");
}

static void test_dapr_address_overrides_port(void **state)
{
	(void)state;
	set("DAPR_GRPC_PORT", "50009");
	set("TODOD_DAPR_ADDRESS", "daprd.local:7000");
	struct config c;
	struct err e;
	assert_int_equal(load(&c, &e), 0);
	assert_string_equal(c.dapr_addr, "daprd.local:7000");

	/* Overriding does not excuse a bad port. */
	set("DAPR_GRPC_PORT", "nope");
	assert_int_equal(load(&c, &e), TODO_EINVAL);
	assert_string_equal(e.field, "DAPR_GRPC_PORT");
}

static void test_usage_lists_every_variable(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_non_null(out);
	config_usage(out);
	fclose(out);
	for (size_t i = 0; i < sizeof(all_vars) / sizeof(all_vars[0]); i++)
		assert_has_substring(text, all_vars[i]);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults, clear_env),
		cmocka_unit_test_setup(test_empty_means_default, clear_env),
		cmocka_unit_test_setup(test_values_taken, clear_env),
		cmocka_unit_test_setup(test_invalid_integers_name_variable, clear_env),
		cmocka_unit_test_setup(test_log_level, clear_env),
		cmocka_unit_test_setup(test_diagnostics_flag, clear_env),
		cmocka_unit_test_setup(test_dapr_grpc_port_builds_addr, clear_env),
		cmocka_unit_test_setup(test_dapr_address_overrides_port, clear_env),
		cmocka_unit_test(test_usage_lists_every_variable),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
