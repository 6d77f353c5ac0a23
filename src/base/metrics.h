/*
 * metrics.h - process-wide Prometheus metrics: counters, gauges and
 * histograms, rendered in the text exposition format (version 0.0.4).
 *
 * A family is defined once (name, type, help, and for a histogram its
 * bucket bounds) before use; samples are then addressed by the family name
 * and a label string in exposition syntax, e.g.
 *     metrics_counter_add("todod_requests_total",
 *                         "route=\"api/{user_id}/tasks\",method=\"GET\",status=\"200\"", 1);
 * Label values must be bounded (route templates, status codes, topic
 * names — never raw paths or user ids): every distinct label string is a
 * series kept for the life of the process. Use metrics_label_escape() for
 * values that could hold a quote or a backslash.
 *
 * Thread-safe (one mutex; an update is a hash probe and an add). Updates
 * can be switched off as a whole (metrics_enable(false), TODOD_METRICS=0):
 * each is then one relaxed atomic load, and /metrics lists the families
 * without samples. Names
 * and units follow Prometheus conventions: base units (`_seconds`,
 * `_bytes`), `_total` for counters. Using an undefined family, or a family
 * as the wrong type, is a bug and is ignored with a warning, never a crash.
 *
 * Gauges that are cheaper to read at scrape time than to keep current
 * (queue depth, outbox backlog, process RSS) register a collector, which
 * metrics_render() calls first.
 */
#ifndef TODOD_BASE_METRICS_H
#define TODOD_BASE_METRICS_H

#include <stdbool.h>
#include <stddef.h>

enum metric_type { METRIC_COUNTER, METRIC_GAUGE, METRIC_HISTOGRAM };

/* metrics_define - declare a family; @buckets (ascending upper bounds,
 * +Inf implied) for a histogram only. Defining it again is a no-op. */
void metrics_define(const char *name, enum metric_type type, const char *help,
		    const double *buckets, size_t nbuckets);

/* metrics_enable - turn every update on (the default) or off; process-wide.
 * metrics_enabled - whether updates are on: callers that build a label
 * string per update may skip that work when they are off. */
void metrics_enable(bool on);
bool metrics_enabled(void);

void metrics_counter_add(const char *name, const char *labels, double v);
/* metrics_counter_set - a counter whose total another module keeps (it must
 * never decrease), copied in by a collector. */
void metrics_counter_set(const char *name, const char *labels, double total);
void metrics_gauge_set(const char *name, const char *labels, double v);
void metrics_gauge_add(const char *name, const char *labels, double v);
void metrics_observe(const char *name, const char *labels, double v);

/* metrics_collector - @fn runs at the start of every render (to set
 * gauges); at most 16 collectors. */
void metrics_collector(void (*fn)(void *ctx), void *ctx);

/* metrics_render - the whole exposition text, malloc'd (the caller frees it). */
char *metrics_render(void);

/* metrics_label_escape - @v with \ " and newline escaped for a label value,
 * into @out (at most @size bytes, truncated, always terminated). */
void metrics_label_escape(const char *v, char *out, size_t size);

/* metrics_label - `@key="@value"` with @value escaped, into @out (at most
 * @size bytes, truncated, always terminated): a one-label string. */
void metrics_label(char *out, size_t size, const char *key, const char *value);

/* metrics_reset - forget every family and collector (tests only). */
void metrics_reset(void);

/* Common bucket sets (seconds). */
extern const double METRICS_LATENCY_BUCKETS[];
extern const size_t METRICS_LATENCY_NBUCKETS;

#endif
