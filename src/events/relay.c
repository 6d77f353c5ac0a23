#include "events/relay.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/trace.h"
#include "dapr/dapr_client.h"
#include "store/db.h"
#include "store/outbox_repo.h"

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool running;
	bool stopping;
	bool nudged;
	struct relay_opts opts;
	struct relay_stats stats;
	int batch;                /* rows claimed per round now (adapted) */
	_Atomic int64_t lag_ms;   /* age of the oldest waiting row, as last measured */
} R = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

int64_t relay_lag_ms(void)
{
	return atomic_load_explicit(&R.lag_ms, memory_order_relaxed);
}

void relay_nudge(void)
{
	pthread_mutex_lock(&R.lock);
	R.nudged = true;
	pthread_cond_signal(&R.cond);
	pthread_mutex_unlock(&R.lock);
}

void relay_get_stats(struct relay_stats *out)
{
	pthread_mutex_lock(&R.lock);
	*out = R.stats;
	pthread_mutex_unlock(&R.lock);
}

static const double BATCH_BUCKETS[] = { 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000 };

void relay_metrics_define(void)
{
	metrics_define("todod_outbox_backlog", METRIC_GAUGE,
		       "Outbox rows waiting to be published (counted at most every 0.5 s).", NULL, 0);
	metrics_define("todod_outbox_oldest_age_seconds", METRIC_GAUGE,
		       "Age of the oldest unpublished outbox row, as the relay last measured it.", NULL, 0);
	metrics_define("todod_outbox_projected_lag_seconds", METRIC_GAUGE,
		       "The event lag writes are paused on (TODOD_MAX_EVENT_LAG_MS): the oldest row's age "
		       "or, when longer, the backlog over the relay's publish rate.", NULL, 0);
	metrics_define("todod_outbox_published_total", METRIC_COUNTER,
		       "Outbox rows published (or run, for the @jobs command topic), by topic.", NULL, 0);
	metrics_define("todod_outbox_failed_total", METRIC_COUNTER,
		       "Outbox rows deferred after a failed publish attempt, by topic.", NULL, 0);
	metrics_define("todod_relay_rounds_total", METRIC_COUNTER, "Relay rounds that claimed rows.", NULL, 0);
	metrics_define("todod_relay_batch_size", METRIC_HISTOGRAM, "Outbox rows claimed per relay round.",
		       BATCH_BUCKETS, sizeof(BATCH_BUCKETS) / sizeof(BATCH_BUCKETS[0]));
	metrics_define("todod_relay_round_duration_seconds", METRIC_HISTOGRAM,
		       "Time of a relay round that claimed rows: claim, publish, delete, commit.",
		       METRICS_LATENCY_BUCKETS, METRICS_LATENCY_NBUCKETS);
	metrics_counter_add("todod_relay_rounds_total", NULL, 0);
}

/* The rows of one topic in a round: how many were published and failed. */
struct topic_tally {
	const char *topic;
	const size_t *sel;        /* its rows: rows[sel[0..n)] */
	size_t n;
	size_t ok, failed;
};

static void count_topics(const struct topic_tally *t, size_t n)
{
	char labels[160];
	for (size_t i = 0; i < n; i++) {
		metrics_label(labels, sizeof(labels), "topic", t[i].topic);
		if (t[i].ok)
			metrics_counter_add("todod_outbox_published_total", labels, (double)t[i].ok);
		if (t[i].failed)
			metrics_counter_add("todod_outbox_failed_total", labels, (double)t[i].failed);
	}
}

/* The CloudEvent metadata of one row: the event id becomes the CloudEvent
 * id, the task id the Kafka key; a row whose trace daprd does not record
 * (not sampled) names its trace in the CloudEvent itself, so the consumer's
 * log lines still carry the request's trace id. */
#define ROW_MD_MAX 5
static size_t row_metadata(const struct outbox_row *r, bool in_call_trace, struct dapr_kv *md)
{
	size_t k = 0;
	md[k++] = (struct dapr_kv){ "partitionKey", r->partition_key };
	md[k++] = (struct dapr_kv){ "cloudevent.id", r->event_id };
	md[k++] = (struct dapr_kv){ "cloudevent.type", r->event_type };
	if (r->traceparent[0] && !in_call_trace) {
		md[k++] = (struct dapr_kv){ "cloudevent.traceparent", r->traceparent };
		if (r->tracestate)
			md[k++] = (struct dapr_kv){ "cloudevent.tracestate", r->tracestate };
	}
	return k;
}

/* A row is published inside its trace when daprd records that trace
 * (sampled flag): the bulk call carries the row's traceparent, so daprd's
 * publish span is a child of the request's span and the CloudEvent it
 * builds names that publish span, under which daprd then records the
 * consumer's delivery. Rows of one call share a trace, so sampled rows are
 * published one trace per call; the rest (tracing off, or not sampled) go
 * together in one call. */
static const char *call_trace(const struct outbox_row *r)
{
	trace_set(r->traceparent, r->tracestate);
	const char *tp = trace_sampled() ? r->traceparent : "";
	trace_clear();
	return tp;
}

/* One bulk publish call of a round: rows of one topic and one trace. */
struct pub_call {
	const char *topic;
	const char *tp, *ts;              /* the call's trace context ("": none) */
	struct dapr_bulk_entry *entries;
	bool *f;                          /* f[k]: entries[k] not taken */
	size_t m;
	struct err e;
};

/* The calls of one topic's rows (see call_trace), with the memory behind
 * them; plan_topic fills it, finish_topic reads the outcome and frees it. */
struct topic_plan {
	struct dapr_bulk_entry *entries;
	struct dapr_kv (*md)[ROW_MD_MAX];
	char (*ids)[24];
	bool *f;
	size_t *pick;
	const size_t *sel;
	size_t n;
};

/* Plan the calls for the rows @sel[0..n) (all of one topic) into
 * @calls[*ncalls...]: one bulk call per trace. */
static void plan_topic(struct outbox_row *rows, const size_t *sel, size_t n, struct topic_plan *tp_out,
		       struct pub_call *calls, size_t *ncalls)
{
	struct topic_plan p = {
		.entries = xcalloc(n, sizeof(*p.entries)), .md = xcalloc(n, sizeof(*p.md)),
		.ids = xcalloc(n, sizeof(*p.ids)), .f = xcalloc(n, sizeof(*p.f)),
		.pick = xcalloc(n, sizeof(*p.pick)), .sel = sel, .n = n,
	};
	bool *sent = xcalloc(n, sizeof(*sent));
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (sent[i])
			continue;
		const char *tp = call_trace(&rows[sel[i]]);
		struct pub_call *c = &calls[(*ncalls)++];
		*c = (struct pub_call){ .topic = rows[sel[i]].topic, .tp = tp, .ts = rows[sel[i]].tracestate,
					.entries = &p.entries[m], .f = &p.f[m] };
		for (size_t j = i; j < n; j++) {
			if (sent[j] || strcmp(call_trace(&rows[sel[j]]), tp) != 0)
				continue;
			struct outbox_row *r = &rows[sel[j]];
			snprintf(p.ids[m], sizeof(p.ids[m]), "%lld", (long long)r->id);
			p.entries[m] = (struct dapr_bulk_entry){
				.entry_id = p.ids[m], .data = r->payload, .len = strlen(r->payload),
				.content_type = "application/json", .metadata = p.md[m],
				.nmetadata = row_metadata(r, tp[0] != '\0', p.md[m]),
			};
			p.pick[m++] = j;
			c->m++;
			sent[j] = true;
		}
	}
	free(sent);
	*tp_out = p;
}

/* The outcome of @p's calls: failed[row] for the rows daprd did not take. */
static void finish_topic(struct outbox_row *rows, struct topic_plan *p, bool *failed)
{
	for (size_t k = 0; k < p->n; k++) {
		struct outbox_row *r = &rows[p->sel[p->pick[k]]];
		failed[p->sel[p->pick[k]]] = p->f[k];
		trace_set(r->traceparent, r->tracestate);
		/* debug: a broker outage fails every row of every round (the
		 * relay's own warning, every 5 s, reports the backlog) */
		if (p->f[k])
			log_debug("event not published, will retry", "topic=%s event_id=%s task_id=%s attempts=%d",
				  r->topic, r->event_id, r->partition_key, r->attempts + 1);
		else
			log_debug("event published", "topic=%s event_id=%s task_id=%s",
				  r->topic, r->event_id, r->partition_key);
		trace_clear();
	}
	free(p->pick);
	free(p->f);
	free(p->ids);
	free(p->md);
	free(p->entries);
}

/* The publishers: the calls of a round go out in parallel, the relay's
 * thread and TODOD_RELAY_PARALLEL - 1 helpers taking them in turn. That is
 * safe for ordering: a round claims at most one row per (topic, key) (the
 * oldest waiting, outbox_claim), and the next round starts only once every
 * call of this one has answered. It matters because each call waits for
 * Kafka's acknowledgement from two replicas (acks all), and a round holds
 * several calls: one per topic, and one per sampled trace (call_trace). */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	pthread_t *threads;
	int nthreads;
	bool stop;
	struct pub_call *calls;
	size_t n, next, finished;
} P = { .lock = PTHREAD_MUTEX_INITIALIZER, .work = PTHREAD_COND_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER };

static void do_call(struct pub_call *c)
{
	if (c->tp[0])
		trace_set(c->tp, c->ts);
	dapr_bulk_publish(R.opts.dapr, R.opts.pubsub, c->topic, c->entries, c->m, c->f, &c->e);
	trace_clear();
}

static void *publisher_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&P.lock);
	for (;;) {
		while (!P.stop && P.next >= P.n)
			pthread_cond_wait(&P.work, &P.lock);
		if (P.stop)
			break;
		struct pub_call *c = &P.calls[P.next++];
		pthread_mutex_unlock(&P.lock);
		do_call(c);
		pthread_mutex_lock(&P.lock);
		if (++P.finished == P.n)
			pthread_cond_signal(&P.done);
	}
	pthread_mutex_unlock(&P.lock);
	return NULL;
}

/* Make @calls[0..n) and return when all have answered. */
static void run_calls(struct pub_call *calls, size_t n)
{
	if (n <= 1 || P.nthreads == 0) {
		for (size_t i = 0; i < n; i++)
			do_call(&calls[i]);
		return;
	}
	pthread_mutex_lock(&P.lock);
	P.calls = calls;
	P.n = n;
	P.next = P.finished = 0;
	pthread_cond_broadcast(&P.work);
	while (P.next < P.n) {
		struct pub_call *c = &P.calls[P.next++];
		pthread_mutex_unlock(&P.lock);
		do_call(c);
		pthread_mutex_lock(&P.lock);
		P.finished++;
	}
	while (P.finished < P.n)
		pthread_cond_wait(&P.done, &P.lock);
	P.calls = NULL;
	P.n = P.next = P.finished = 0;
	pthread_mutex_unlock(&P.lock);
}

static void publishers_start(int parallel)
{
	P.stop = false;
	P.nthreads = 0;
	if (parallel <= 1)
		return;
	P.threads = xcalloc((size_t)parallel - 1, sizeof(*P.threads));
	for (int i = 0; i < parallel - 1; i++) {
		if (pthread_create(&P.threads[i], NULL, publisher_main, NULL) != 0)
			break;   /* fewer helpers: slower, not wrong */
		P.nthreads++;
	}
}

static void publishers_stop(void)
{
	pthread_mutex_lock(&P.lock);
	P.stop = true;
	pthread_cond_broadcast(&P.work);
	pthread_mutex_unlock(&P.lock);
	for (int i = 0; i < P.nthreads; i++)
		pthread_join(P.threads[i], NULL);
	free(P.threads);
	P.threads = NULL;
	P.nthreads = 0;
}

/* Rows of a command topic ("@jobs") are calls to make, one by one, in
 * order, through the owner's command callback, inside the row's trace; a
 * failed one is deferred like a failed publish. */
static void run_commands(struct outbox_row *rows, const size_t *sel, size_t n, bool *failed,
			 struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		struct outbox_row *r = &rows[sel[i]];
		trace_set(r->traceparent, r->tracestate);
		failed[sel[i]] = !R.opts.run_command ||
				 R.opts.run_command(R.opts.command_ctx, r->topic, r->payload, e) != 0;
		if (failed[sel[i]])
			log_debug("outbox command failed, will retry", "topic=%s event_id=%s job=%s attempts=%d",
				 r->topic, r->event_id, r->partition_key, r->attempts + 1);
		else
			log_debug("outbox command done", "topic=%s event_id=%s job=%s",
				  r->topic, r->event_id, r->partition_key);
		trace_clear();
	}
}

static int64_t mono_ms(void);
static int64_t mono_us(void);

/* A claim slower than this means the planner misjudges the outbox (see
 * relay_main); its statistics are refreshed at most every ANALYZE_EVERY_MS. */
#define SLOW_CLAIM_MS 50
#define ANALYZE_EVERY_MS 10000

/* One round: claim, publish (one bulk call per topic), delete what was
 * published and defer the rest, commit. Returns the number of rows claimed
 * or a negative error; *had_failure tells whether anything failed, and
 * *claim_ms how long the claim took. */
static int round_once(bool *had_failure, char *last_error, size_t errsz, int64_t *claim_ms)
{
	struct err e = { 0 }, pe = { 0 };
	struct outbox_row *rows = NULL;
	size_t n = 0;
	*had_failure = false;
	*claim_ms = 0;
	int rc = db_tx_begin(&e);
	if (rc)
		goto out_fail;
	int64_t t0 = mono_ms();
	rc = outbox_repo_claim(R.batch, &rows, &n, &e);
	*claim_ms = mono_ms() - t0;
	if (rc || n == 0)
		goto out_rollback;

	bool *failed = xcalloc(n, sizeof(*failed));
	bool *done = xcalloc(n, sizeof(*done));
	size_t *sel = xcalloc(n, sizeof(*sel));   /* the rows grouped by topic, topic after topic */
	struct topic_tally *tally = xcalloc(n, sizeof(*tally));
	struct topic_plan *plans = xcalloc(n, sizeof(*plans));
	struct pub_call *calls = xcalloc(n, sizeof(*calls));
	size_t ntopics = 0, nplans = 0, ncalls = 0, used = 0;
	for (size_t i = 0; i < n; i++) {
		if (done[i])
			continue;
		size_t *tsel = &sel[used], m = 0;
		for (size_t j = i; j < n; j++) {
			if (!done[j] && strcmp(rows[j].topic, rows[i].topic) == 0) {
				tsel[m++] = j;
				done[j] = true;
			}
		}
		used += m;
		tally[ntopics++] = (struct topic_tally){ .topic = rows[i].topic, .sel = tsel, .n = m };
		if (rows[i].topic[0] == '@')
			run_commands(rows, tsel, m, failed, &pe);
		else
			plan_topic(rows, tsel, m, &plans[nplans++], calls, &ncalls);
	}
	int64_t tp0 = mono_us();
	run_calls(calls, ncalls);
	int64_t tp1 = mono_us();
	for (size_t i = 0; i < ncalls; i++)
		if (calls[i].e.code && !pe.code)
			pe = calls[i].e;
	for (size_t i = 0; i < nplans; i++)
		finish_topic(rows, &plans[i], failed);
	for (size_t t = 0; t < ntopics; t++)
		for (size_t k = 0; k < tally[t].n; k++)
			failed[tally[t].sel[k]] ? tally[t].failed++ : tally[t].ok++;
	free(calls);
	free(plans);
	int64_t *ok_ids = xcalloc(n, sizeof(*ok_ids)), *bad_ids = xcalloc(n, sizeof(*bad_ids));
	size_t nok = 0, nbad = 0;
	for (size_t i = 0; i < n; i++) {
		if (failed[i])
			bad_ids[nbad++] = rows[i].id;
		else
			ok_ids[nok++] = rows[i].id;
	}
	rc = outbox_repo_delete(ok_ids, nok, &e);
	if (rc == 0)
		rc = outbox_repo_defer(bad_ids, nbad, pe.msg, &e);
	if (rc == 0)
		rc = db_tx_commit(&e);
	log_debug("relay round", "rows=%zu calls=%zu claim_ms=%lld publish_ms=%.1f finish_ms=%.1f", n, ncalls,
		  (long long)*claim_ms, (double)(tp1 - tp0) / 1000.0, (double)(mono_us() - tp1) / 1000.0);
	if (rc == 0)
		count_topics(tally, ntopics);   /* before the rows (and topic names) are freed */
	free(tally);
	free(ok_ids);
	free(bad_ids);
	free(sel);
	free(done);
	free(failed);
	if (rc)
		goto out_rollback;
	outbox_repo_rows_free(rows, n);
	pthread_mutex_lock(&R.lock);
	R.stats.published += nok;
	R.stats.failed += nbad;
	R.stats.rounds++;
	pthread_mutex_unlock(&R.lock);
	metrics_counter_add("todod_relay_rounds_total", NULL, 1);
	metrics_observe("todod_relay_batch_size", NULL, (double)n);
	if (nbad) {
		*had_failure = true;
		snprintf(last_error, errsz, "%s", pe.msg);
	}
	return (int)n;

out_rollback:
	db_tx_rollback();
	outbox_repo_rows_free(rows, n);
out_fail:
	if (rc) {
		*had_failure = true;
		snprintf(last_error, errsz, "%s", e.msg);
	}
	return rc;
}

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t mono_ms(void)
{
	return mono_us() / 1000;
}

static void wait_for_work(int ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += (long)ms * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&R.lock);
	while (!R.nudged && !R.stopping)
		if (pthread_cond_timedwait(&R.cond, &R.lock, &until) != 0)
			break;
	R.nudged = false;
	pthread_mutex_unlock(&R.lock);
}

/* The lag figure (relay_lag_ms) is refreshed at most this often. */
#define LAG_EVERY_MS 100
/* The backlog is counted (a scan of the outbox) at most this often. */
#define COUNT_EVERY_MS 500
/* A round should take well under the publish deadline of the Dapr client
 * (5 s): a batch so large that its bulk publish nears the deadline fails
 * whole and is retried whole, which is how the backlog once stalled. */
#define ROUND_SLOW_MS 1000
#define ROUND_FAST_MS 250
#define BATCH_MIN 10

/* Adapt the batch to the time a round takes: halve it after a slow or
 * failed full round, double it (up to the configured batch) after a fast
 * full one. */
static void adapt_batch(int n, int64_t round_ms, bool failure)
{
	if (n <= 0)
		return;
	int b = R.batch;
	if ((round_ms > ROUND_SLOW_MS || failure) && b > BATCH_MIN)
		b = b / 2 > BATCH_MIN ? b / 2 : BATCH_MIN;
	else if (!failure && n == b && round_ms < ROUND_FAST_MS && b < R.opts.batch)
		b = 2 * b < R.opts.batch ? 2 * b : R.opts.batch;
	if (b != R.batch)
		log_debug("relay batch adapted", "batch=%d round_ms=%lld", b, (long long)round_ms);
	R.batch = b;
}

static void *relay_main(void *arg)
{
	(void)arg;
	int64_t next_warn = 0, next_analyze = 0, next_lag = 0, next_count = 0, backlog = 0;
	double rate = 0;   /* rows published per second while busy (moving average) */
	char last_error[ERR_MSG_MAX] = "";
	for (;;) {
		pthread_mutex_lock(&R.lock);
		bool stop = R.stopping;
		pthread_mutex_unlock(&R.lock);
		if (stop)
			break;
		bool failure = false;
		int64_t claim_ms, t0 = mono_us();
		int n = round_once(&failure, last_error, sizeof(last_error), &claim_ms);
		int64_t round_us = mono_us() - t0, round_ms = round_us / 1000;
		if (n > 0)
			metrics_observe("todod_relay_round_duration_seconds", NULL, (double)round_us / 1e6);
		bool full = n > 0 && n == R.batch;
		adapt_batch(n, round_ms, failure);
		if (full && !failure) {
			/* Rows per second with a backlog: only full rounds say what the
			 * relay can do (a round of two rows measures latency, not rate). */
			double inst = (double)n * 1000.0 / (double)(round_ms > 0 ? round_ms : 1);
			rate = rate > 0 ? 0.8 * rate + 0.2 * inst : inst;
		}
		if (mono_ms() >= next_lag) {
			struct err le;
			int64_t age, count;
			if (mono_ms() >= next_count) {
				if (outbox_repo_backlog(&count, &age, &le) == 0)
					backlog = count;
				next_count = mono_ms() + COUNT_EVERY_MS;
			}
			if (outbox_repo_oldest_age(&age, &le) == 0) {
				/* The lag a write accepted now would see: the oldest row's
				 * age, or, when longer, the time to publish what waits
				 * ahead of it at the rate the relay achieves. An age alone
				 * reacts too late: a backlog that grows faster than it
				 * drains is seconds of future lag long before its oldest
				 * row is that old. */
				int64_t lag = age;
				if (rate > 0 && backlog > 0 && (int64_t)((double)backlog / rate * 1000.0) > lag)
					lag = (int64_t)((double)backlog / rate * 1000.0);
				if (age == 0)
					lag = 0, backlog = 0;
				atomic_store_explicit(&R.lag_ms, lag, memory_order_relaxed);
				metrics_gauge_set("todod_outbox_backlog", NULL, (double)backlog);
				metrics_gauge_set("todod_outbox_oldest_age_seconds", NULL, (double)age / 1000.0);
				metrics_gauge_set("todod_outbox_projected_lag_seconds", NULL, (double)lag / 1000.0);
			}
			next_lag = mono_ms() + LAG_EVERY_MS;
		}
		/* The outbox is a queue: autovacuum often records it nearly empty
		 * (reltuples ~0) over many pages left by an earlier backlog, and
		 * with that estimate the planner may probe "an older row of the
		 * same key" with a scan of a whole index instead of
		 * outbox_head_idx, which makes each claim quadratic in the
		 * backlog (measured: 3 ms growing to 2 s per claim within
		 * seconds at 250 writes/s). Fresh statistics restore the plan. */
		if (claim_ms >= SLOW_CLAIM_MS && mono_ms() >= next_analyze) {
			struct err ae;
			if (outbox_repo_analyze(&ae) == 0)
				log_info("outbox statistics refreshed after a slow claim",
					 "claim_ms=%lld", (long long)claim_ms);
			next_analyze = mono_ms() + ANALYZE_EVERY_MS;
		}
		if (failure && mono_ms() >= next_warn) {
			struct err e;
			int64_t waiting = -1, age = 0;
			outbox_repo_backlog(&waiting, &age, &e);
			char q[600];
			log_warn("outbox relay cannot publish, will retry", "backlog=%lld oldest_ms=%lld error=%s",
				 (long long)waiting, (long long)age, log_quote(q, sizeof(q), last_error));
			next_warn = mono_ms() + 5000;
		}
		if (n > 0 && !failure)
			continue;              /* more may be waiting: go again at once */
		wait_for_work(failure ? 200 : R.opts.idle_poll_ms);
	}
	db_thread_release();
	return NULL;
}

int relay_start(const struct relay_opts *opts)
{
	pthread_mutex_lock(&R.lock);
	R.opts = *opts;
	R.batch = opts->batch;
	R.stopping = false;
	R.running = true;
	pthread_mutex_unlock(&R.lock);
	publishers_start(opts->parallel);
	if (pthread_create(&R.thread, NULL, relay_main, NULL) != 0) {
		R.running = false;
		publishers_stop();
		return -1;
	}
	return 0;
}

void relay_stop(void)
{
	pthread_mutex_lock(&R.lock);
	bool running = R.running;
	R.stopping = true;
	pthread_cond_signal(&R.cond);
	pthread_mutex_unlock(&R.lock);
	if (running) {
		pthread_join(R.thread, NULL);
		publishers_stop();
	}
	R.running = false;
}
