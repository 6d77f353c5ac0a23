/* Unit tests for base/strbuf.c: the one growable string. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"

static void test_empty_is_empty_string(void **state)
{
	(void)state;
	struct strbuf b = STRBUF_INIT;
	assert_string_equal(strbuf_str(&b), "");
	assert_int_equal(b.len, 0);
	char *s = strbuf_detach(&b);
	assert_string_equal(s, "");
	free(s);
	assert_null(b.s);
}

static void test_appends_and_grows_past_any_fixed_size(void **state)
{
	(void)state;
	struct strbuf b = STRBUF_INIT;
	strbuf_puts(&b, "x");
	strbuf_putc(&b, '=');
	for (int i = 0; i < 10000; i++)
		strbuf_printf(&b, "$%d,", i);
	assert_int_equal(b.len, strlen(b.s));
	assert_memory_equal(b.s, "x=$0,$1,$2,", 11);
	assert_non_null(strstr(b.s, ",$9999,"));
	strbuf_add(&b, "ab\0cd", 5);   /* bytes, not a C string */
	assert_int_equal(b.s[b.len - 3], '\0');
	assert_int_equal(b.s[b.len], '\0');
	strbuf_release(&b);
	assert_null(b.s);
	assert_int_equal(b.len, 0);
}

static void test_printf_longer_than_the_room_left(void **state)
{
	(void)state;
	struct strbuf b = STRBUF_INIT;
	char big[5000];
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_printf(&b, "[%s]", big);
	assert_int_equal(b.len, sizeof(big) + 1);
	assert_int_equal(b.s[0], '[');
	assert_int_equal(b.s[b.len - 1], ']');
	strbuf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_is_empty_string),
		cmocka_unit_test(test_appends_and_grows_past_any_fixed_size),
		cmocka_unit_test(test_printf_longer_than_the_room_left),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
