/*
 * Unit tests for src/json/task_json.c.
 *
 * The parser is tested from a golden directory, as in jansson's
 * test/suites: each folder under TASK_JSON_CASES_DIR is one case (one TAP
 * test) holding the request body in `input` and either
 *   `output` - the parsed struct task_input: always the four lines
 *              has_title=true|false, title="..."|null,
 *              has_description=true|false, description="..."|null,
 *              then one line per other field the body gave, in the order
 *              of struct task_input: due_datetime=, priority=, timezone=,
 *              recurrence_pattern=, recurrence_interval=N,
 *              recurrence_weekdays=MO,WE (bits in ISO order),
 *              recurrence_rule=, recurrence_end_date=, parent_task_id=N
 *              (0 for null), tags=[#7,"home"] (ids and names)
 *              (strings escaped: \" \\ \n \t, other control bytes \xNN), or
 *   `error`  - field=<expected err.field> and message=<substring of err.msg>;
 *              the code is always TODO_EINVAL.
 * The encoders are tested by parsing their output back with jansson.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/alloc.h"
#include "json/task_json.h"

#define assert_has_substring(s, sub) do { \
	if (!strstr((s), (sub))) \
		fail_msg("\"%s\" does not contain \"%s\"", (s), (sub)); \
} while (0)

/* ---- golden cases ---------------------------------------------------- */

/* Read @dir/@name whole; NULL if it does not exist. malloc'd and
 * NUL-terminated, the length without the NUL in @len. */
static char *read_case_file(const char *dir, const char *name, size_t *len)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno != ENOENT)
			fail_msg("could not open \"%s\": %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	size_t cap = 256, n = 0;
	char *buf = xmalloc(cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0)
			buf = xrealloc(buf, cap *= 2);
	}
	assert_false(ferror(f));
	fclose(f);
	free(path);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static void put_value(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '\t')
			fputs("\\t", out);
		else if (*p < 0x20 || *p == 0x7F)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* The normalized text of a parsed input, as in the `output` files. */
static char *render_input(const struct task_input *in)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_non_null(out);
	fprintf(out, "has_title=%s\ntitle=", in->has_title ? "true" : "false");
	put_value(out, in->title);
	fprintf(out, "\nhas_description=%s\ndescription=", in->has_description ? "true" : "false");
	put_value(out, in->description);
	fputc('\n', out);
	const struct { bool has; const char *name; const char *value; } strs[] = {
		{ in->has_due, "due_datetime", in->due_datetime },
		{ in->has_priority, "priority", in->priority },
		{ in->has_timezone, "timezone", in->timezone },
		{ in->has_pattern, "recurrence_pattern", in->recurrence_pattern },
	};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		if (!strs[i].has)
			continue;
		fprintf(out, "%s=", strs[i].name);
		put_value(out, strs[i].value);
		fputc('\n', out);
	}
	if (in->has_interval)
		fprintf(out, "recurrence_interval=%d\n", in->recurrence_interval);
	if (in->has_weekdays) {
		static const char *const days[] = { "MO", "TU", "WE", "TH", "FR", "SA", "SU" };
		fputs("recurrence_weekdays=", out);
		for (unsigned i = 0, n = 0; i < 7; i++)
			if (in->recurrence_weekdays & (1u << i))
				fprintf(out, "%s%s", n++ ? "," : "", days[i]);
		fputc('\n', out);
	}
	if (in->has_rule) {
		fputs("recurrence_rule=", out);
		put_value(out, in->recurrence_rule);
		fputc('\n', out);
	}
	if (in->has_end_date) {
		fputs("recurrence_end_date=", out);
		put_value(out, in->recurrence_end_date);
		fputc('\n', out);
	}
	if (in->has_parent)
		fprintf(out, "parent_task_id=%lld\n", (long long)in->parent_task_id);
	if (in->has_tags) {
		fputs("tags=[", out);
		for (size_t i = 0; i < in->ntags; i++) {
			if (i)
				fputc(',', out);
			if (in->tags[i].name)
				put_value(out, in->tags[i].name);
			else
				fprintf(out, "#%lld", (long long)in->tags[i].id);
		}
		fputs("]\n", out);
	}
	fclose(out);
	return text;
}

/* The value of line "@key=..." in @text, malloc'd; fails the test if absent. */
static char *line_value(const char *text, const char *key, const char *dir)
{
	size_t klen = strlen(key);
	for (const char *line = text; *line; ) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		if (len > klen && strncmp(line, key, klen) == 0 && line[klen] == '=')
			return xstrndup(line + klen + 1, len - klen - 1);
		line += len + (eol ? 1 : 0);
	}
	fail_msg("%s/error: no \"%s=\" line", dir, key);
	return NULL;
}

static void test_golden_case(void **state)
{
	const char *dir = *state;
	size_t in_len;
	char *input = read_case_file(dir, "input", &in_len);
	if (!input)
		fail_msg("%s: no input file", dir);
	char *want_output = read_case_file(dir, "output", NULL);
	char *want_error = read_case_file(dir, "error", NULL);
	if (!want_output == !want_error)
		fail_msg("%s: needs exactly one of output and error", dir);

	struct task_input in;
	struct err e;
	err_clear(&e);
	int rc = task_json_parse_input((const uint8_t *)input, in_len, &in, &e);
	if (want_output) {
		if (rc != 0)
			fail_msg("%s: want success, got %d field=%s msg=%s", dir, rc, e.field, e.msg);
		assert_int_equal(e.code, TODO_OK);
		char *got = render_input(&in);
		assert_string_equal(got, want_output);
		free(got);
	} else {
		char *field = line_value(want_error, "field", dir);
		char *message = line_value(want_error, "message", dir);
		if (rc != TODO_EINVAL)
			fail_msg("%s: want TODO_EINVAL, got %d", dir, rc);
		assert_int_equal(e.code, TODO_EINVAL);
		assert_string_equal(e.field, field);
		assert_has_substring(e.msg, message);
		free(field);
		free(message);
	}
	task_input_release(&in);
	free(input);
	free(want_output);
	free(want_error);
}

/* ---- encoders ---------------------------------------------------------- */

static void fill_task(struct task *t, int64_t id, const char *title, const char *description,
		      bool completed)
{
	task_defaults(t);
	t->id = id;
	snprintf(t->user_id, sizeof(t->user_id), "alice");
	t->title = xstrdup(title);
	t->description = description ? xstrdup(description) : NULL;
	t->completed = completed;
	t->version = id + 1;
	snprintf(t->created_at, sizeof(t->created_at), "2024-05-01T10:00:00.000001Z");
	snprintf(t->updated_at, sizeof(t->updated_at), "2024-05-02T11:30:00.123456Z");
}

static json_t *load(const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		fail_msg("encoder output \"%s\" is not JSON: %s", text, jerr.text);
	return j;
}

static void assert_task_json(json_t *o, const struct task *t)
{
	assert_true(json_is_object(o));
	assert_int_equal(json_object_size(o), 20);
	assert_string_equal(json_string_value(json_object_get(o, "priority")), "Medium");
	assert_string_equal(json_string_value(json_object_get(o, "timezone")), "UTC");
	assert_string_equal(json_string_value(json_object_get(o, "recurrence_pattern")), "none");
	assert_true(json_is_null(json_object_get(o, "due_datetime")));
	assert_true(json_is_array(json_object_get(o, "tags")));
	assert_true(json_is_integer(json_object_get(o, "id")));
	assert_int_equal(json_integer_value(json_object_get(o, "id")), t->id);
	assert_string_equal(json_string_value(json_object_get(o, "user_id")), t->user_id);
	assert_string_equal(json_string_value(json_object_get(o, "title")), t->title);
	json_t *d = json_object_get(o, "description");
	if (t->description)
		assert_string_equal(json_string_value(d), t->description);
	else
		assert_true(json_is_null(d));
	assert_true(json_is_boolean(json_object_get(o, "completed")));
	assert_int_equal(json_is_true(json_object_get(o, "completed")), t->completed);
	assert_true(json_is_integer(json_object_get(o, "version")));
	assert_int_equal(json_integer_value(json_object_get(o, "version")), t->version);
	assert_string_equal(json_string_value(json_object_get(o, "created_at")), t->created_at);
	assert_string_equal(json_string_value(json_object_get(o, "updated_at")), t->updated_at);
}

static void test_encode_task(void **state)
{
	(void)state;
	struct task t;
	fill_task(&t, 42, "Buy milk", "2 litres", true);
	char *text = task_json_encode(&t);
	assert_string_equal(text,
		"{\"id\":42,\"user_id\":\"alice\",\"title\":\"Buy milk\",\"description\":\"2 litres\","
		"\"completed\":true,\"version\":43,\"created_at\":\"2024-05-01T10:00:00.000001Z\","
		"\"updated_at\":\"2024-05-02T11:30:00.123456Z\",\"due_datetime\":null,"
		"\"priority\":\"Medium\",\"timezone\":\"UTC\",\"recurrence_pattern\":\"none\","
		"\"recurrence_interval\":1,\"recurrence_weekdays\":[],\"recurrence_rule\":null,"
		"\"recurrence_end_date\":null,\"parent_task_id\":null,\"occurrence_index\":1,"
		"\"skipped\":false,\"tags\":[]}");
	json_t *o = load(text);
	assert_task_json(o, &t);
	json_decref(o);
	free(text);
	task_release(&t);
}

static void test_encode_task_null_description(void **state)
{
	(void)state;
	struct task t;
	fill_task(&t, 1, "t", NULL, false);
	char *text = task_json_encode(&t);
	assert_has_substring(text, "\"description\":null");
	json_t *o = load(text);
	assert_task_json(o, &t);
	json_decref(o);
	free(text);
	task_release(&t);
}

/* Quotes, backslashes, control characters and non-ASCII survive a round
 * trip, and ids and versions use all 63 bits. */
static void test_encode_task_escapes(void **state)
{
	(void)state;
	struct task t;
	fill_task(&t, INT64_MAX - 1, "say \"hi\" \\ caf\xC3\xA9 \xF0\x9F\x98\x80", "line1\nline2\ttab\x01", false);
	char *text = task_json_encode(&t);
	assert_null(strchr(text, '\n'));
	json_t *o = load(text);
	assert_task_json(o, &t);
	json_decref(o);
	free(text);
	task_release(&t);
}

static void test_encode_list(void **state)
{
	(void)state;
	struct task tasks[2];
	fill_task(&tasks[0], 3, "first", NULL, false);
	fill_task(&tasks[1], 9, "second", "d", true);
	char *text = task_json_encode_list(tasks, 2);
	json_t *o = load(text);
	assert_int_equal(json_object_size(o), 2);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 2);
	json_t *arr = json_object_get(o, "tasks");
	assert_true(json_is_array(arr));
	assert_int_equal(json_array_size(arr), 2);
	assert_task_json(json_array_get(arr, 0), &tasks[0]);
	assert_task_json(json_array_get(arr, 1), &tasks[1]);
	json_decref(o);
	free(text);
	task_release(&tasks[0]);
	task_release(&tasks[1]);
}

static void test_encode_list_empty(void **state)
{
	(void)state;
	char *text = task_json_encode_list(NULL, 0);
	assert_string_equal(text, "{\"tasks\":[],\"count\":0}");
	free(text);
}

static void test_encode_deleted(void **state)
{
	(void)state;
	char *text = task_json_encode_deleted(7);
	assert_string_equal(text, "{\"id\":7,\"deleted\":true}");
	json_t *o = load(text);
	assert_int_equal(json_integer_value(json_object_get(o, "id")), 7);
	assert_true(json_is_true(json_object_get(o, "deleted")));
	json_decref(o);
	free(text);
}

static void test_encode_object_kv(void **state)
{
	(void)state;
	static const char *const pairs[] = { "status", "ok", "version", "0.1.0", NULL };
	char *text = json_encode_object_kv(pairs);
	assert_string_equal(text, "{\"status\":\"ok\",\"version\":\"0.1.0\"}");
	free(text);
	static const char *const none[] = { NULL };
	text = json_encode_object_kv(none);
	assert_string_equal(text, "{}");
	free(text);
}

/* ---- runner ------------------------------------------------------------ */

static int is_case(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int main(void)
{
	static const struct CMUnitTest encoders[] = {
		cmocka_unit_test(test_encode_task),
		cmocka_unit_test(test_encode_task_null_description),
		cmocka_unit_test(test_encode_task_escapes),
		cmocka_unit_test(test_encode_list),
		cmocka_unit_test(test_encode_list_empty),
		cmocka_unit_test(test_encode_deleted),
		cmocka_unit_test(test_encode_object_kv),
	};
	const size_t nenc = sizeof(encoders) / sizeof(encoders[0]);
	struct dirent **cases;
	int ncases = scandir(TASK_JSON_CASES_DIR, &cases, is_case, alphasort);
	if (ncases <= 0) {
		printf("Bail out! no cases in \"%s\": %s\n", TASK_JSON_CASES_DIR,
		       ncases < 0 ? strerror(errno) : "empty");
		return 1;
	}

	/* One test per case directory, named after it, then the encoders. */
	size_t ntests = (size_t)ncases + nenc;
	struct CMUnitTest *tests = xcalloc(ntests, sizeof(*tests));
	for (int i = 0; i < ncases; i++) {
		tests[i].name = xasprintf("parse %s", cases[i]->d_name);
		tests[i].test_func = test_golden_case;
		tests[i].initial_state = xasprintf("%s/%s", TASK_JSON_CASES_DIR, cases[i]->d_name);
	}
	memcpy(tests + ncases, encoders, sizeof(encoders));

	int failed = _cmocka_run_group_tests("json/task_json", tests, ntests, NULL, NULL);

	for (int i = 0; i < ncases; i++) {
		free((char *)tests[i].name);
		free(tests[i].initial_state);
		free(cases[i]);
	}
	free(cases);
	free(tests);
	return failed;
}
