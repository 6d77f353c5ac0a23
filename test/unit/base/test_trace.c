/* Unit tests for base/trace.c (the W3C trace context of the calling thread)
 * and the trace_id field base/log.c adds to every line written inside it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/log.h"
#include "base/trace.h"

#define TP "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

static void test_valid(void **state)
{
	(void)state;
	assert_true(trace_parent_valid(TP));
	assert_true(trace_parent_valid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"));
	/* a later version may append fields after a dash */
	assert_true(trace_parent_valid("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xyz"));
	static const char *const bad[] = {
		"",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",            /* short */
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",          /* v00 with more */
		"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",           /* forbidden version */
		"00-00000000000000000000000000000000-00f067aa0ba902b7-01",           /* zero trace id */
		"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",           /* zero parent id */
		"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",           /* upper case */
		"00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",           /* separator */
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",           /* flags */
		"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",          /* no dash after */
		"00-4bf92f3577b34da6a3ce929d0e0e4736 trace_id=forged-00f067aa0ba9",  /* injection */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (trace_parent_valid(bad[i]))
			fail_msg("\"%s\" was accepted", bad[i]);
	assert_false(trace_parent_valid(NULL));
}

static void test_context(void **state)
{
	(void)state;
	trace_clear();
	assert_null(trace_parent());
	assert_null(trace_id());
	assert_false(trace_sampled());
	trace_set(TP, "congo=t61rcWkgMzE");
	assert_string_equal(trace_parent(), TP);
	assert_string_equal(trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
	assert_string_equal(trace_state(), "congo=t61rcWkgMzE");
	assert_true(trace_sampled());
	/* an invalid traceparent clears what was there */
	trace_set("garbage", "a=b");
	assert_null(trace_parent());
	assert_null(trace_state());
	/* a tracestate with a control character is dropped, the parent kept */
	trace_set("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", "a=b\nc=d");
	assert_non_null(trace_parent());
	assert_null(trace_state());
	assert_false(trace_sampled());
	/* a later version is kept as version 00 (its first four fields) */
	trace_set("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", NULL);
	assert_string_equal(trace_parent(), TP);
	trace_clear();
	assert_null(trace_parent());
}

/* Capture what log_write prints on stderr. */
static void capture(char *out, size_t size, void (*fn)(void))
{
	fflush(stderr);
	int saved = dup(2);
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	dup2(fileno(tmp), 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	size_t n = fread(out, 1, size - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
}

static void log_in_trace(void)
{
	trace_set(TP, NULL);
	log_info("request", "status=%d", 200);
	trace_clear();
	log_info("idle", NULL);
}

static void test_log_line(void **state)
{
	(void)state;
	char out[1024];
	capture(out, sizeof(out), log_in_trace);
	char *second = strchr(out, '\n');
	assert_non_null(second);
	*second++ = '\0';
	assert_non_null(strstr(out, " msg=request trace_id=4bf92f3577b34da6a3ce929d0e0e4736 status=200"));
	assert_null(strstr(second, "trace_id="));
	assert_non_null(strstr(second, "msg=idle"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_log_line),
	};
	return cmocka_run_group_tests_name("base/trace", tests, NULL, NULL);
}
