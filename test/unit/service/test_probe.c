/*
 * Unit tests for src/service/probe.c: the ring of self-test receipts and
 * probe ids.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "service/probe.h"

static int64_t wall_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int setup_log(void **state)
{
	*state = probe_log_new();
	return *state ? 0 : -1;
}

static int teardown_log(void **state)
{
	probe_log_free(*state);
	return 0;
}

/* The @i-th test id: 32 lower-case hex characters. */
static void nth_id(char buf[PROBE_ID_LEN + 1], unsigned i)
{
	snprintf(buf, PROBE_ID_LEN + 1, "%032x", i);
}

static void test_record_then_find(void **state)
{
	struct probe_log *log = *state;
	struct probe_receipt r;
	const char *id = "0123456789abcdef0123456789abcdef";

	assert_false(probe_log_find(log, id, &r));

	int64_t before = wall_us();
	probe_log_record(log, id, "OnTopicEvent");
	int64_t after = wall_us();

	memset(&r, 0, sizeof(r));
	assert_true(probe_log_find(log, id, &r));
	assert_string_equal(r.id, id);
	assert_string_equal(r.via, "OnTopicEvent");
	assert_int_equal(r.count, 1);
	assert_in_range(r.received_at_us, before, after);

	assert_false(probe_log_find(log, "ffffffffffffffffffffffffffffffff", &r));
}

/* A redelivery counts up and keeps the first receipt's route and time. */
static void test_repeated_deliveries_counted(void **state)
{
	struct probe_log *log = *state;
	struct probe_receipt first, r;
	const char *id = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	const char *other = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

	probe_log_record(log, id, "OnJobEvent");
	assert_true(probe_log_find(log, id, &first));
	probe_log_record(log, other, "OnTopicEvent");
	probe_log_record(log, id, "OnJobEventAlpha1");
	probe_log_record(log, id, "OnJobEvent");

	assert_true(probe_log_find(log, id, &r));
	assert_int_equal(r.count, 3);
	assert_string_equal(r.via, "OnJobEvent");
	assert_int_equal(r.received_at_us, first.received_at_us);

	assert_true(probe_log_find(log, other, &r));
	assert_int_equal(r.count, 1);
	assert_string_equal(r.via, "OnTopicEvent");
}

/* The ring keeps the latest PROBE_LOG_SIZE distinct ids. */
static void test_ring_eviction(void **state)
{
	struct probe_log *log = *state;
	struct probe_receipt r;
	char id[PROBE_ID_LEN + 1];

	for (unsigned i = 0; i < PROBE_LOG_SIZE; i++) {
		nth_id(id, i);
		probe_log_record(log, id, "OnTopicEvent");
	}
	for (unsigned i = 0; i < PROBE_LOG_SIZE; i++) {
		nth_id(id, i);
		if (!probe_log_find(log, id, &r))
			fail_msg("receipt %u of %d lost before the ring was full", i, PROBE_LOG_SIZE);
	}

	nth_id(id, PROBE_LOG_SIZE);
	probe_log_record(log, id, "OnJobEvent");
	assert_true(probe_log_find(log, id, &r));
	assert_string_equal(r.via, "OnJobEvent");
	nth_id(id, 0);
	assert_false(probe_log_find(log, id, &r));
	nth_id(id, 1);
	assert_true(probe_log_find(log, id, &r));

	/* A second lap evicts in the same order. */
	for (unsigned i = PROBE_LOG_SIZE + 1; i < 2 * PROBE_LOG_SIZE; i++) {
		nth_id(id, i);
		probe_log_record(log, id, "OnTopicEvent");
	}
	for (unsigned i = 0; i < PROBE_LOG_SIZE; i++) {
		nth_id(id, i);
		if (probe_log_find(log, id, &r))
			fail_msg("receipt %u should have been evicted", i);
	}
	for (unsigned i = PROBE_LOG_SIZE; i < 2 * PROBE_LOG_SIZE; i++) {
		nth_id(id, i);
		if (!probe_log_find(log, id, &r))
			fail_msg("receipt %u missing after the second lap", i);
		assert_int_equal(r.count, 1);
	}
}

static void test_new_ids_valid(void **state)
{
	(void)state;
	char a[PROBE_ID_LEN + 1], b[PROBE_ID_LEN + 1];
	memset(a, 'X', sizeof(a));
	memset(b, 'X', sizeof(b));
	probe_new_id(a);
	probe_new_id(b);
	assert_int_equal(strlen(a), PROBE_ID_LEN);
	assert_true(probe_id_valid(a));
	assert_true(probe_id_valid(b));
	assert_string_not_equal(a, b);
}

static void test_id_valid(void **state)
{
	(void)state;
	assert_true(probe_id_valid("0123456789abcdef0123456789abcdef"));
	assert_false(probe_id_valid(""));
	assert_false(probe_id_valid("0123456789abcdef0123456789abcde"));     /* 31 */
	assert_false(probe_id_valid("0123456789abcdef0123456789abcdef0"));   /* 33 */
	assert_false(probe_id_valid("0123456789ABCDEF0123456789abcdef"));    /* upper case */
	assert_false(probe_id_valid("0123456789abcdef0123456789abcdeg"));
	assert_false(probe_id_valid("0123456789abcdef 123456789abcdef"));
	assert_false(probe_id_valid("../3456789abcdef0123456789abcdef"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_record_then_find, setup_log, teardown_log),
		cmocka_unit_test_setup_teardown(test_repeated_deliveries_counted, setup_log, teardown_log),
		cmocka_unit_test_setup_teardown(test_ring_eviction, setup_log, teardown_log),
		cmocka_unit_test(test_new_ids_valid),
		cmocka_unit_test(test_id_valid),
	};
	return cmocka_run_group_tests_name("service/probe", tests, NULL, NULL);
}
