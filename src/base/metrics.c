#include "base/metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/log.h"
#include "base/strbuf.h"

const double METRICS_LATENCY_BUCKETS[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};
const size_t METRICS_LATENCY_NBUCKETS = sizeof(METRICS_LATENCY_BUCKETS) / sizeof(double);

struct family;

struct series {
	struct series *next;      /* in the family, in creation order */
	struct series *hnext;     /* in its hash bucket */
	struct family *family;
	char *labels;
	double value;             /* counter, gauge; histogram: sum */
	uint64_t count;           /* histogram */
	uint64_t *bucket_counts;  /* histogram: per bucket (not cumulative) */
};

struct family {
	struct family *next;
	char *name;
	char *help;
	enum metric_type type;
	double *buckets;
	size_t nbuckets;
	struct series *series, *last;
	size_t nseries;
};

#define MAX_COLLECTORS 16
/* Buckets of the (family, labels) -> series table; chains stay short, as
 * label values are bounded (a few hundred series in all). */
#define SERIES_BUCKETS 1024

static struct {
	pthread_mutex_t lock;
	struct family *families, *last;
	struct series *buckets[SERIES_BUCKETS];
	struct { void (*fn)(void *); void *ctx; } collectors[MAX_COLLECTORS];
	size_t ncollectors;
} M = { .lock = PTHREAD_MUTEX_INITIALIZER };

static atomic_bool disabled;

void metrics_enable(bool on)
{
	atomic_store_explicit(&disabled, !on, memory_order_relaxed);
}

bool metrics_enabled(void)
{
	return !atomic_load_explicit(&disabled, memory_order_relaxed);
}

/* FNV-1a over the family name, a separator, and the labels. */
static size_t series_hash(const char *name, const char *labels)
{
	uint32_t h = 2166136261u;
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ 0xffu) * 16777619u;
	for (const char *p = labels; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h % SERIES_BUCKETS;
}

static struct family *find_family(const char *name)
{
	for (struct family *f = M.families; f; f = f->next)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

void metrics_define(const char *name, enum metric_type type, const char *help,
		    const double *buckets, size_t nbuckets)
{
	pthread_mutex_lock(&M.lock);
	if (!find_family(name)) {
		struct family *f = xcalloc(1, sizeof(*f));
		f->name = xstrdup(name);
		f->help = xstrdup(help);
		f->type = type;
		if (type == METRIC_HISTOGRAM && nbuckets) {
			f->buckets = xmalloc(nbuckets * sizeof(double));
			memcpy(f->buckets, buckets, nbuckets * sizeof(double));
			f->nbuckets = nbuckets;
		}
		if (M.last)
			M.last->next = f;
		else
			M.families = f;
		M.last = f;
	}
	pthread_mutex_unlock(&M.lock);
}

/* A new series of @labels in @f, in hash bucket @h. Called locked. */
static struct series *new_series(struct family *f, const char *labels, size_t h)
{
	struct series *s = xcalloc(1, sizeof(*s));
	s->family = f;
	s->labels = xstrdup(labels);
	s->hnext = M.buckets[h];
	M.buckets[h] = s;
	if (f->type == METRIC_HISTOGRAM)
		s->bucket_counts = xcalloc(f->nbuckets + 1, sizeof(uint64_t));
	if (f->last)
		f->last->next = s;
	else
		f->series = s;
	f->last = s;
	f->nseries++;
	return s;
}

/* The series of (@name, @labels): one hash probe once it exists; the
 * family is looked up by name only when the series is first used. Called
 * locked. */
static struct series *lookup(const char *name, const char *labels, enum metric_type type,
			     struct family **fam)
{
	labels = labels ? labels : "";
	size_t h = series_hash(name, labels);
	struct series *s = M.buckets[h];
	while (s && (strcmp(s->labels, labels) != 0 || strcmp(s->family->name, name) != 0))
		s = s->hnext;
	struct family *f = s ? s->family : find_family(name);
	if (!f || f->type != type) {
		log_warn("metric used before it was defined, or as the wrong type", "name=%s", name);
		return NULL;
	}
	*fam = f;
	return s ? s : new_series(f, labels, h);
}

static void update(const char *name, const char *labels, enum metric_type type, double v, bool set)
{
	if (!metrics_enabled())
		return;
	struct family *f;
	pthread_mutex_lock(&M.lock);
	struct series *s = lookup(name, labels, type, &f);
	if (s) {
		if (type == METRIC_HISTOGRAM) {
			size_t i = 0;
			while (i < f->nbuckets && v > f->buckets[i])
				i++;
			s->bucket_counts[i]++;
			s->count++;
			s->value += v;
		} else if (set) {
			s->value = v;
		} else {
			s->value += v;
		}
	}
	pthread_mutex_unlock(&M.lock);
}

void metrics_counter_add(const char *name, const char *labels, double v)
{
	update(name, labels, METRIC_COUNTER, v, false);
}

void metrics_counter_set(const char *name, const char *labels, double total)
{
	update(name, labels, METRIC_COUNTER, total, true);
}

void metrics_gauge_set(const char *name, const char *labels, double v)
{
	update(name, labels, METRIC_GAUGE, v, true);
}

void metrics_gauge_add(const char *name, const char *labels, double v)
{
	update(name, labels, METRIC_GAUGE, v, false);
}

void metrics_observe(const char *name, const char *labels, double v)
{
	update(name, labels, METRIC_HISTOGRAM, v, false);
}

void metrics_collector(void (*fn)(void *ctx), void *ctx)
{
	pthread_mutex_lock(&M.lock);
	if (M.ncollectors < MAX_COLLECTORS) {
		M.collectors[M.ncollectors].fn = fn;
		M.collectors[M.ncollectors].ctx = ctx;
		M.ncollectors++;
	}
	pthread_mutex_unlock(&M.lock);
}

/* A sample value: integers without a fraction, +Inf/-Inf/NaN spelled out. */
static void put_value(struct strbuf *b, double v)
{
	if (isnan(v))
		strbuf_puts(b, "NaN");
	else if (isinf(v))
		strbuf_puts(b, v > 0 ? "+Inf" : "-Inf");
	else if (v == floor(v) && fabs(v) < 1e15)
		strbuf_printf(b, "%.0f", v);
	else
		strbuf_printf(b, "%.9g", v);
}

static void put_sample(struct strbuf *b, const char *name, const char *suffix, const char *labels,
		       const char *extra, double v)
{
	strbuf_puts(b, name);
	strbuf_puts(b, suffix);
	bool l = labels && *labels, x = extra && *extra;
	if (l || x) {
		strbuf_putc(b, '{');
		if (l)
			strbuf_puts(b, labels);
		if (l && x)
			strbuf_putc(b, ',');
		if (x)
			strbuf_puts(b, extra);
		strbuf_putc(b, '}');
	}
	strbuf_putc(b, ' ');
	put_value(b, v);
	strbuf_putc(b, '\n');
}

char *metrics_render(void)
{
	pthread_mutex_lock(&M.lock);
	size_t n = M.ncollectors;
	pthread_mutex_unlock(&M.lock);
	for (size_t i = 0; i < n; i++)   /* outside the lock: they set gauges */
		M.collectors[i].fn(M.collectors[i].ctx);

	struct strbuf b = STRBUF_INIT;
	static const char *const types[] = { "counter", "gauge", "histogram" };
	pthread_mutex_lock(&M.lock);
	for (struct family *f = M.families; f; f = f->next) {
		strbuf_printf(&b, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help, f->name, types[f->type]);
		for (struct series *s = f->series; s; s = s->next) {
			if (f->type != METRIC_HISTOGRAM) {
				put_sample(&b, f->name, "", s->labels, NULL, s->value);
				continue;
			}
			uint64_t cum = 0;
			char le[48];
			for (size_t i = 0; i < f->nbuckets; i++) {
				cum += s->bucket_counts[i];
				snprintf(le, sizeof(le), "le=\"%.9g\"", f->buckets[i]);
				put_sample(&b, f->name, "_bucket", s->labels, le, (double)cum);
			}
			cum += s->bucket_counts[f->nbuckets];
			put_sample(&b, f->name, "_bucket", s->labels, "le=\"+Inf\"", (double)cum);
			put_sample(&b, f->name, "_sum", s->labels, NULL, s->value);
			put_sample(&b, f->name, "_count", s->labels, NULL, (double)s->count);
		}
	}
	pthread_mutex_unlock(&M.lock);
	return strbuf_detach(&b);
}

void metrics_label_escape(const char *v, char *out, size_t size)
{
	size_t o = 0;
	if (!size)
		return;
	for (; *v && o + 2 < size; v++) {
		if (*v == '\\' || *v == '"') {
			out[o++] = '\\';
			out[o++] = *v;
		} else if (*v == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = *v;
		}
	}
	out[o] = '\0';
}

void metrics_label(char *out, size_t size, const char *key, const char *value)
{
	char v[128];
	metrics_label_escape(value, v, sizeof(v));
	snprintf(out, size, "%s=\"%s\"", key, v);
}

void metrics_reset(void)
{
	pthread_mutex_lock(&M.lock);
	struct family *f = M.families, *fn;
	for (; f; f = fn) {
		fn = f->next;
		struct series *s = f->series, *sn;
		for (; s; s = sn) {
			sn = s->next;
			free(s->labels);
			free(s->bucket_counts);
			free(s);
		}
		free(f->name);
		free(f->help);
		free(f->buckets);
		free(f);
	}
	M.families = M.last = NULL;
	memset(M.buckets, 0, sizeof(M.buckets));
	M.ncollectors = 0;
	pthread_mutex_unlock(&M.lock);
}
