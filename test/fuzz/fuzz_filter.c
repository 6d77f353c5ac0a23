/*
 * libFuzzer target for the task filter language (src/service/filter.c) and
 * its SQL compiler (src/store/filter_sql.c).
 *
 * Every input must end in 0 or TODO_EINVAL with a column inside the input;
 * a parsed filter must dump and compile to SQL whose only literal is the
 * ESCAPE '\' of ILIKE, with placeholders $2.. numbered in order. Anything
 * else aborts, and ASan/UBSan catch the rest. Built only by clang (see
 * test/fuzz/meson.build):
 *
 *     build-fuzz/test/fuzz/fuzz-filter -max_total_time=60 CORPUS_DIR
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "service/filter.h"
#include "store/filter_sql.h"

/* 2026-03-01T00:00:00Z, fixed so that a crash reproduces. */
#define NOW INT64_C(1772323200)
#define FIRST_PARAM 2

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what, const uint8_t *data, size_t size)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_filter: %s for %zu-byte input: %.*s\n", what, size, (int)size,
		(const char *)data);
	abort();
}

static void check_sql(const struct filter_sql *q, const uint8_t *data, size_t size)
{
	size_t next = FIRST_PARAM;
	for (const char *s = q->sql; *s; s++) {
		if (strncmp(s, "ESCAPE '\\'", 10) == 0) {
			s += 9;
			continue;
		}
		check(*s != '\'' && *s != '"' && *s != ';', "a literal in the SQL text", data, size);
		if (*s == '$') {
			char *end;
			unsigned long n = strtoul(s + 1, &end, 10);
			check(end != s + 1 && n == next, "placeholders out of order", data, size);
			next++;
			s = end - 1;
		}
	}
	check(next - FIRST_PARAM == q->nparams, "placeholders do not match parameters", data, size);
	for (size_t i = 0; i < q->nparams; i++)
		check(q->params[i] != NULL, "a NULL parameter", data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct filter *f = NULL;
	struct err e;
	size_t col = 0;
	err_clear(&e);
	int rc = filter_parse((const char *)data, size, NOW, &f, &col, &e);
	if (rc != 0) {
		size_t chars = utf8_count((const char *)data, size);
		check(rc == TODO_EINVAL && f == NULL, "an unexpected result", data, size);
		check(col >= 1 && col <= chars + 1, "a column outside the input", data, size);
		check(strcmp(e.field, "filter") == 0 && e.msg[0] != '\0', "an empty error", data, size);
		return 0;
	}
	check(f != NULL && f->root != NULL, "no tree", data, size);
	check(f->ncomparisons >= 1 && f->ncomparisons <= FILTER_COMPARISONS_MAX,
	      "a comparison count out of range", data, size);
	char *d = filter_dump(f);
	check(d[0] == '(', "an empty dump", data, size);
	free(d);
	struct filter_sql q;
	check(filter_sql_compile(f, FIRST_PARAM, &q, &e) == 0, "SQL compilation failed", data, size);
	check_sql(&q, data, size);
	filter_sql_release(&q);
	filter_free(f);
	return 0;
}
