/* Unit tests for base/ratelimit.c: per-key token buckets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "base/ratelimit.h"

#define SEC INT64_C(1000000)

static void test_burst_then_refused_then_refilled(void **state)
{
	(void)state;
	struct ratelimit *rl = ratelimit_new(10, 5, 100);
	int64_t t = 1000 * SEC, retry = 0;
	for (int i = 0; i < 5; i++)
		assert_true(ratelimit_take(rl, "alice", t, NULL));
	assert_false(ratelimit_take(rl, "alice", t, &retry));
	assert_in_range(retry, 1, 101);            /* one token per 100 ms */
	assert_true(ratelimit_take(rl, "bob", t, NULL));   /* keys are independent */
	assert_false(ratelimit_take(rl, "alice", t + SEC / 20, NULL));
	assert_true(ratelimit_take(rl, "alice", t + SEC / 10, NULL));
	/* Idle for long: never more than the burst. */
	t += 3600 * SEC;
	for (int i = 0; i < 5; i++)
		assert_true(ratelimit_take(rl, "alice", t, NULL));
	assert_false(ratelimit_take(rl, "alice", t, NULL));
	ratelimit_free(rl);
}

static void test_sustained_rate(void **state)
{
	(void)state;
	struct ratelimit *rl = ratelimit_new(50, 1, 10);
	int64_t t = 0;
	int allowed = 0;
	for (int i = 0; i < 10000; i++, t += SEC / 1000)   /* 1000 requests/s for 10 s */
		allowed += ratelimit_take(rl, "u", t, NULL);
	assert_in_range(allowed, 495, 505);
	ratelimit_free(rl);
}

static void test_full_table_drops_idle_keys_and_never_locks_out(void **state)
{
	(void)state;
	struct ratelimit *rl = ratelimit_new(1, 2, 4);
	char key[16];
	for (int i = 0; i < 4; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_true(ratelimit_take(rl, key, 0, NULL));
	}
	assert_int_equal(ratelimit_size(rl), 4);
	/* Full of busy keys: a new key is allowed but not tracked. */
	assert_true(ratelimit_take(rl, "new", 0, NULL));
	assert_int_equal(ratelimit_size(rl), 4);
	/* After the others refilled, they are dropped to make room. */
	assert_true(ratelimit_take(rl, "new", 10 * SEC, NULL));
	assert_int_equal(ratelimit_size(rl), 1);
	ratelimit_free(rl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_refused_then_refilled),
		cmocka_unit_test(test_sustained_rate),
		cmocka_unit_test(test_full_table_drops_idle_keys_and_never_locks_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
