/* Unit tests for base/num.c: the one parser of positive integers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/num.h"

static void test_positive(void **state)
{
	(void)state;
	int64_t v = 0;
	assert_true(num_parse_positive("1", INT64_MAX, &v));
	assert_true(v == 1);
	assert_true(num_parse_positive("007", INT64_MAX, &v));
	assert_true(v == 7);
	assert_true(num_parse_positive("9223372036854775807", INT64_MAX, &v));
	assert_true(v == INT64_MAX);
	assert_true(num_parse_positive("200", 200, &v));
	assert_true(v == 200);
	static const char *const bad[] = { "", "0", "000", "-1", "+1", " 1", "1 ", "1a", "0x10", "1.0",
					   "9223372036854775808", "99999999999999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = -7;
		if (num_parse_positive(bad[i], INT64_MAX, &v))
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_true(v == -7);
	}
	assert_false(num_parse_positive(NULL, INT64_MAX, &v));
	assert_false(num_parse_positive("201", 200, &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positive),
	};
	return cmocka_run_group_tests_name("base/num", tests, NULL, NULL);
}
