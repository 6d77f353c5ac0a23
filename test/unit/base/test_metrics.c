/* Unit tests for base/metrics.c: families, series and the text exposition. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/metrics.h"

static int reset(void **state)
{
	(void)state;
	metrics_reset();
	return 0;
}

static void test_counter_and_gauge(void **state)
{
	(void)state;
	metrics_define("t_requests_total", METRIC_COUNTER, "Requests.", NULL, 0);
	metrics_define("t_inflight", METRIC_GAUGE, "In flight.", NULL, 0);
	metrics_counter_add("t_requests_total", "status=\"200\"", 1);
	metrics_counter_add("t_requests_total", "status=\"200\"", 2);
	metrics_counter_add("t_requests_total", "status=\"404\"", 1);
	metrics_gauge_add("t_inflight", NULL, 3);
	metrics_gauge_add("t_inflight", NULL, -1);
	char *out = metrics_render();
	assert_string_equal(out,
		"# HELP t_requests_total Requests.\n"
		"# TYPE t_requests_total counter\n"
		"t_requests_total{status=\"200\"} 3\n"
		"t_requests_total{status=\"404\"} 1\n"
		"# HELP t_inflight In flight.\n"
		"# TYPE t_inflight gauge\n"
		"t_inflight 2\n");
	free(out);
}

static void test_histogram_is_cumulative(void **state)
{
	(void)state;
	static const double b[] = { 0.01, 0.1, 1 };
	metrics_define("t_seconds", METRIC_HISTOGRAM, "Latency.", b, 3);
	metrics_observe("t_seconds", "route=\"r\"", 0.005);
	metrics_observe("t_seconds", "route=\"r\"", 0.05);
	metrics_observe("t_seconds", "route=\"r\"", 0.1);   /* le is inclusive */
	metrics_observe("t_seconds", "route=\"r\"", 7);
	char *out = metrics_render();
	assert_non_null(strstr(out, "t_seconds_bucket{route=\"r\",le=\"0.01\"} 1\n"));
	assert_non_null(strstr(out, "t_seconds_bucket{route=\"r\",le=\"0.1\"} 3\n"));
	assert_non_null(strstr(out, "t_seconds_bucket{route=\"r\",le=\"1\"} 3\n"));
	assert_non_null(strstr(out, "t_seconds_bucket{route=\"r\",le=\"+Inf\"} 4\n"));
	assert_non_null(strstr(out, "t_seconds_sum{route=\"r\"} 7.155\n"));
	assert_non_null(strstr(out, "t_seconds_count{route=\"r\"} 4\n"));
	free(out);
}

static void collect(void *ctx)
{
	metrics_gauge_set("t_backlog", NULL, *(double *)ctx);
}

static void test_collector_runs_at_render_and_misuse_is_ignored(void **state)
{
	(void)state;
	static double backlog = 41;
	metrics_define("t_backlog", METRIC_GAUGE, "Backlog.", NULL, 0);
	metrics_collector(collect, &backlog);
	metrics_counter_add("t_undefined_total", NULL, 1);   /* ignored, no crash */
	metrics_observe("t_backlog", NULL, 1);                /* wrong type: ignored */
	backlog = 42;
	char *out = metrics_render();
	assert_non_null(strstr(out, "t_backlog 42\n"));
	assert_null(strstr(out, "t_undefined_total"));
	free(out);
}

static void test_label_escape(void **state)
{
	(void)state;
	char out[32];
	metrics_label_escape("a\"b\\c\nd", out, sizeof(out));
	assert_string_equal(out, "a\\\"b\\\\c\\nd");
	metrics_label_escape("abcdefgh", out, 5);
	assert_string_equal(out, "abc");
}

/* Series are keyed by family and labels: equal labels in two families are
 * two series, and more series than hash buckets are all kept apart. */
static void test_series_keyed_by_family_and_labels(void **state)
{
	(void)state;
	metrics_define("t_a_total", METRIC_COUNTER, "A.", NULL, 0);
	metrics_define("t_b_total", METRIC_COUNTER, "B.", NULL, 0);
	metrics_counter_add("t_a_total", "k=\"x\"", 1);
	metrics_counter_add("t_b_total", "k=\"x\"", 5);
	char labels[32];
	for (int i = 0; i < 3000; i++) {
		snprintf(labels, sizeof(labels), "i=\"%d\"", i);
		metrics_counter_add("t_a_total", labels, i);
		metrics_counter_add("t_a_total", labels, 1);
	}
	char *out = metrics_render();
	assert_non_null(strstr(out, "t_a_total{k=\"x\"} 1\n"));
	assert_non_null(strstr(out, "t_b_total{k=\"x\"} 5\n"));
	assert_non_null(strstr(out, "t_a_total{i=\"0\"} 1\n"));
	assert_non_null(strstr(out, "t_a_total{i=\"2999\"} 3000\n"));
	assert_non_null(strstr(out, "t_a_total{i=\"1024\"} 1025\n"));
	free(out);
}

/* Switched off, updates change nothing; the families are still listed. */
static void test_disabled_updates_are_ignored(void **state)
{
	(void)state;
	metrics_define("t_off_total", METRIC_COUNTER, "Off.", NULL, 0);
	metrics_counter_add("t_off_total", NULL, 1);
	metrics_enable(false);
	assert_false(metrics_enabled());
	metrics_counter_add("t_off_total", NULL, 1);
	metrics_counter_add("t_new_total", "a=\"b\"", 1);   /* undefined: not even a warning path */
	char *out = metrics_render();
	metrics_enable(true);
	assert_non_null(strstr(out, "# TYPE t_off_total counter\nt_off_total 1\n"));
	free(out);
	metrics_counter_add("t_off_total", NULL, 1);
	out = metrics_render();
	assert_non_null(strstr(out, "t_off_total 2\n"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_counter_and_gauge, reset),
		cmocka_unit_test_setup(test_histogram_is_cumulative, reset),
		cmocka_unit_test_setup(test_collector_runs_at_render_and_misuse_is_ignored, reset),
		cmocka_unit_test_setup(test_label_escape, reset),
		cmocka_unit_test_setup(test_series_keyed_by_family_and_labels, reset),
		cmocka_unit_test_setup(test_disabled_updates_are_ignored, reset),
	};
	return cmocka_run_group_tests(tests, NULL, reset);
}
