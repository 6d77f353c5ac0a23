#include "realtime/hub.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/log.h"
#include "base/metrics.h"
#include "changes/ticket.h"
#include "json/realtime_json.h"
#include "service/task.h"
#include "store/db.h"
#include "store/feed_repo.h"

#define NBUCKETS 4096
#define HELD_MAX 16                /* client messages kept until the ticket is redeemed */
#define JOBS_MAX 65536             /* worker backlog; notices beyond it are dropped */
#define PRUNE_INTERVAL_S 60
#define PRUNE_BATCH 10000
/* Threads redeeming tickets (each blocks on two daprd calls): apart from
 * the feed worker, so a reconnect storm does not hold up live events. */
#define REDEEMERS 4

struct rt_conn {
	uint64_t id;
	void *wsi;
	char ticket[TICKET_LEN + 1];     /* until redeemed; never logged */
	char user_id[USER_ID_MAX + 1];
	bool authed;
	bool closing;                    /* a close is queued: nothing more is */
	bool subscribed;
	unsigned gen;                    /* bumped by every (un)subscribe */
	int64_t last_sent;               /* cursor of the last event queued */
	bool catching_up;                /* feed rows past last_sent wait for queue space */
	bool fill_pending;
	int64_t *task_ids;
	size_t ntask_ids;
	char **tags;
	size_t ntags;
	struct frame_queue q;            /* cap = queue_max + 1: the last slot is for a close */
	char *held[HELD_MAX];
	size_t held_len[HELD_MAX];
	size_t nheld;
	time_t errors[RT_ABUSE_ERRORS];  /* times of the latest error frames (a ring) */
	size_t nerrors;
	bool dirty;
	struct rt_conn *dirty_next;
	struct rt_conn *prev, *next;     /* every connection */
	struct rt_conn *unext;           /* the user's bucket (authed only) */
};

enum job_kind { JOB_REDEEM, JOB_SUBSCRIBE, JOB_FILL, JOB_NOTIFY };

struct job {
	enum job_kind kind;
	uint64_t conn_id;
	unsigned gen;
	bool has_since;
	int64_t since;                   /* JOB_SUBSCRIBE */
	int64_t cursor;                  /* JOB_NOTIFY */
	char user_id[USER_ID_MAX + 1];
	char ticket[TICKET_LEN + 1];     /* JOB_REDEEM */
	struct job *next;
};

struct hub {
	struct hub_opts opts;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	pthread_t thread;
	pthread_t redeemers[REDEEMERS];
	int nredeemers;
	pthread_cond_t redeem_cond;
	bool stop;
	struct job *jobs, *jobs_tail;
	size_t njobs;
	struct job *redeems, *redeems_tail;
	struct rt_conn *all;
	size_t open;
	uint64_t next_id;
	struct rt_conn *buckets[NBUCKETS];
	struct rt_conn *dirty, *dirty_tail;
};

void hub_metrics_define(void)
{
	metrics_define("todod_realtime_sockets_open", METRIC_GAUGE, "Open real-time WebSockets.", NULL, 0);
	metrics_define("todod_realtime_messages_sent_total", METRIC_COUNTER,
		       "Frames written to real-time WebSockets, by frame type.", NULL, 0);
	metrics_define("todod_realtime_clients_culled_total", METRIC_COUNTER,
		       "Real-time WebSockets closed by the server: lagging (4001), abuse (1008), "
		       "too_big (1009), dead (no pong).", NULL, 0);
	metrics_gauge_set("todod_realtime_sockets_open", NULL, 0);
	static const char *const reasons[] = { "lagging", "abuse", "too_big", "dead" };
	for (size_t i = 0; i < 4; i++) {
		char l[40];
		snprintf(l, sizeof(l), "reason=\"%s\"", reasons[i]);
		metrics_counter_add("todod_realtime_clients_culled_total", l, 0);
	}
	metrics_counter_add("todod_realtime_messages_sent_total", "type=\"event\"", 0);
}

static void culled(const char *reason)
{
	char l[40];
	snprintf(l, sizeof(l), "reason=\"%s\"", reason);
	metrics_counter_add("todod_realtime_clients_culled_total", l, 1);
}

static size_t bucket_of(const char *user_id)
{
	uint32_t h = 2166136261u;   /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)user_id; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % NBUCKETS;
}

/* --- jobs (lock held) --- */

static void push_job(struct hub *h, struct job *j)
{
	j->next = NULL;
	if (h->jobs_tail)
		h->jobs_tail->next = j;
	else
		h->jobs = j;
	h->jobs_tail = j;
	h->njobs++;
	pthread_cond_signal(&h->cond);
}

static struct job *new_job(enum job_kind kind, const struct rt_conn *c)
{
	struct job *j = xcalloc(1, sizeof(*j));
	j->kind = kind;
	if (c) {
		j->conn_id = c->id;
		j->gen = c->gen;
		snprintf(j->user_id, sizeof(j->user_id), "%s", c->user_id);
	}
	return j;
}

/* --- queueing frames (lock held) --- */

static void mark_dirty(struct hub *h, struct rt_conn *c)
{
	if (c->dirty)
		return;
	c->dirty = true;
	c->dirty_next = NULL;
	if (h->dirty_tail)
		h->dirty_tail->dirty_next = c;
	else
		h->dirty = c;
	h->dirty_tail = c;
}

/* Queue a close (into the reserved slot) and take nothing more. */
static void close_with(struct hub *h, struct rt_conn *c, int code, const char *reason)
{
	if (c->closing)
		return;
	c->closing = true;
	struct frame *f = frame_new_close(code, reason);
	if (!frame_queue_push(&c->q, f)) {
		/* Full even counting the reserve: drop the oldest to make room. */
		frame_unref(frame_queue_pop(&c->q));
		frame_queue_push(&c->q, f);
	}
	frame_unref(f);
	mark_dirty(h, c);
}

static void cull_lagging(struct hub *h, struct rt_conn *c)
{
	if (c->closing)
		return;
	culled("lagging");
	log_info("realtime client culled", "reason=lagging user_id=%s last_sent=%" PRId64, c->user_id,
		 c->last_sent);
	close_with(h, c, RT_CLOSE_LAGGING, "lagging: queue full; reconnect with your last cursor");
}

/* Queue @f (one reference is taken) unless the queue is full: then the
 * client is lagging and is closed. Returns false when not queued. */
static bool queue_frame(struct hub *h, struct rt_conn *c, struct frame *f)
{
	if (c->closing)
		return false;
	if (c->q.count >= (size_t)h->opts.queue_max) {
		cull_lagging(h, c);
		return false;
	}
	frame_queue_push(&c->q, f);
	mark_dirty(h, c);
	return true;
}

/* Queue the control frame @text (consumed). */
static void queue_text(struct hub *h, struct rt_conn *c, char *text, const char *type)
{
	struct frame *f = frame_new(text, strlen(text));
	f->type = type;
	free(text);
	queue_frame(h, c, f);
	frame_unref(f);
}

static void error_frame(struct hub *h, struct rt_conn *c, enum realtime_error code, const char *msg)
{
	time_t now = time(NULL);
	size_t in_window = 0;
	for (size_t i = 0; i < c->nerrors && i < RT_ABUSE_ERRORS; i++)
		if (now - c->errors[i] < RT_ABUSE_WINDOW_S)
			in_window++;
	if (in_window >= RT_ABUSE_ERRORS) {
		culled("abuse");
		log_info("realtime client culled", "reason=abuse user_id=%s", c->user_id);
		close_with(h, c, RT_CLOSE_POLICY, "too many bad messages: more than 10 errors in 60 s");
		return;
	}
	c->errors[c->nerrors++ % RT_ABUSE_ERRORS] = now;
	queue_text(h, c, realtime_json_error(code, msg), "error");
}

static void clear_filters(struct rt_conn *c)
{
	for (size_t i = 0; i < c->ntags; i++)
		free(c->tags[i]);
	free(c->tags);
	free(c->task_ids);
	c->tags = NULL;
	c->task_ids = NULL;
	c->ntags = c->ntask_ids = 0;
}

static bool matches(const struct rt_conn *c, const struct feed_row *r)
{
	if (!c->ntask_ids && !c->ntags)
		return true;
	for (size_t i = 0; i < c->ntask_ids; i++)
		if (c->task_ids[i] == r->task_id)
			return true;
	return c->ntags && realtime_json_tags_match(r->tags_json, c->tags, c->ntags);
}

/* Handle one client message (lock held; the lws thread, or the worker for
 * messages held until the ticket was redeemed). */
static void process(struct hub *h, struct rt_conn *c, const char *text, size_t len)
{
	if (c->closing)
		return;
	if (!c->authed) {
		if (c->nheld == HELD_MAX) {
			culled("abuse");
			close_with(h, c, RT_CLOSE_POLICY, "too many messages before the ticket was checked");
			return;
		}
		c->held[c->nheld] = xstrndup(text, len);
		c->held_len[c->nheld++] = len;
		return;
	}
	struct realtime_msg m;
	struct err e = { 0 };
	enum realtime_error rc = realtime_json_parse(text, len, &m, &e);
	if (rc != REALTIME_OK) {
		error_frame(h, c, rc, e.msg);
		return;
	}
	switch (m.type) {
	case REALTIME_PING:
		queue_text(h, c, realtime_json_pong(m.ping_id), "pong");
		break;
	case REALTIME_UNSUBSCRIBE:
		c->subscribed = false;
		c->catching_up = false;
		c->gen++;
		clear_filters(c);
		queue_text(h, c, realtime_json_unsubscribed(), "unsubscribed");
		break;
	case REALTIME_SUBSCRIBE: {
		c->subscribed = true;
		c->catching_up = true;   /* live notices wait until the worker has set the start */
		c->gen++;
		clear_filters(c);
		c->task_ids = m.task_ids;
		c->ntask_ids = m.ntask_ids;
		c->tags = m.tags;
		c->ntags = m.ntags;
		m.task_ids = NULL;
		m.tags = NULL;
		m.ntask_ids = m.ntags = 0;
		struct job *j = new_job(JOB_SUBSCRIBE, c);
		j->has_since = m.has_since;
		j->since = m.since;
		push_job(h, j);
		break;
	}
	}
	realtime_msg_release(&m);
}

/* --- lookups (lock held) --- */

static struct rt_conn *find_authed(struct hub *h, const char *user_id, uint64_t id)
{
	for (struct rt_conn *c = h->buckets[bucket_of(user_id)]; c; c = c->unext)
		if (c->id == id)
			return c;
	return NULL;
}

static struct rt_conn *find_any(struct hub *h, uint64_t id)
{
	for (struct rt_conn *c = h->all; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

static size_t user_count(struct hub *h, const char *user_id)
{
	size_t n = 0;
	for (struct rt_conn *c = h->buckets[bucket_of(user_id)]; c; c = c->unext)
		if (strcmp(c->user_id, user_id) == 0)
			n++;
	return n;
}

/* --- worker --- */

static void wake(struct hub *h)
{
	if (h->opts.wake)
		h->opts.wake(h->opts.wake_ctx);
}

/* Queue @rows (frames @f) on @c past its last cursor, in order, narrowed by
 * its filters. @live: a full queue means lagging (else the replay pauses
 * until the client drains it). Lock held. */
static void deliver(struct hub *h, struct rt_conn *c, const struct feed_row *rows, struct frame **f,
		    size_t n, bool live)
{
	for (size_t i = 0; i < n && !c->closing; i++) {
		enum cursor_step step = cursor_decide(c->last_sent, rows[i].cursor);
		if (step == CURSOR_DUPLICATE)
			continue;
		if (step == CURSOR_GAP) {
			/* Rows pruned while the client was reading: it must reload. */
			queue_text(h, c, realtime_json_resync(rows[i].cursor - 1), "resync");
			c->last_sent = rows[i].cursor - 1;
		}
		if (!matches(c, &rows[i])) {
			c->last_sent = rows[i].cursor;
			continue;
		}
		if (c->q.count >= (size_t)h->opts.queue_max) {
			if (live)
				cull_lagging(h, c);
			else
				c->catching_up = true;
			return;
		}
		queue_frame(h, c, f[i]);
		c->last_sent = rows[i].cursor;
	}
}

static struct frame **frames_of(const struct feed_row *rows, size_t n)
{
	struct frame **f = xcalloc(n ? n : 1, sizeof(*f));
	for (size_t i = 0; i < n; i++) {
		f[i] = frame_new(rows[i].payload, strlen(rows[i].payload));
		f[i]->type = strstr(rows[i].payload, "\"type\":\"reminder\"") ? "reminder" : "event";
	}
	return f;
}

static void frames_free(struct frame **f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		frame_unref(f[i]);
	free(f);
}

static void do_fill(struct hub *h, const struct job *j)
{
	pthread_mutex_lock(&h->mu);
	struct rt_conn *c = find_authed(h, j->user_id, j->conn_id);
	if (!c || c->gen != j->gen || c->closing || !c->subscribed) {
		if (c)
			c->fill_pending = false;
		pthread_mutex_unlock(&h->mu);
		return;
	}
	int64_t after = c->last_sent;
	size_t space = c->q.count < (size_t)h->opts.queue_max ? (size_t)h->opts.queue_max - c->q.count : 0;
	if (space == 0) {
		c->fill_pending = false;   /* hub_conn_next asks again once it drains */
		pthread_mutex_unlock(&h->mu);
		return;
	}
	pthread_mutex_unlock(&h->mu);

	struct feed_row *rows = NULL;
	size_t n = 0;
	struct err e = { 0 };
	int rc = feed_repo_read(j->user_id, after, (int)space, &rows, &n, &e);
	struct frame **f = rc ? NULL : frames_of(rows, n);

	pthread_mutex_lock(&h->mu);
	c = find_authed(h, j->user_id, j->conn_id);
	if (c && c->gen == j->gen && !c->closing) {
		c->fill_pending = false;
		if (rc) {
			close_with(h, c, RT_CLOSE_INTERNAL, "change feed unavailable; reconnect with your cursor");
		} else {
			c->catching_up = n == space;   /* a full batch: there may be more */
			deliver(h, c, rows, f, n, false);
			if (c->catching_up && c->q.count <= (size_t)h->opts.queue_max / 2 && !c->closing) {
				c->fill_pending = true;
				push_job(h, new_job(JOB_FILL, c));
			}
		}
	}
	pthread_mutex_unlock(&h->mu);
	if (rc) {
		char q[300];
		log_warn("realtime replay failed", "error=%s", log_quote(q, sizeof(q), e.msg));
	}
	if (f)
		frames_free(f, n);
	feed_repo_rows_free(rows, n);
	wake(h);
}

static void do_subscribe(struct hub *h, const struct job *j)
{
	int64_t head = 0, oldest = 0;
	struct err e = { 0 };
	int rc = feed_repo_bounds(j->user_id, &head, &oldest, &e);
	bool fill = false;
	pthread_mutex_lock(&h->mu);
	struct rt_conn *c = find_authed(h, j->user_id, j->conn_id);
	if (c && c->gen == j->gen && !c->closing) {
		if (rc) {
			close_with(h, c, RT_CLOSE_INTERNAL, "change feed unavailable; reconnect with your cursor");
		} else {
			queue_text(h, c, realtime_json_subscribed(head), "subscribed");
			c->catching_up = false;
			if (!j->has_since) {
				c->last_sent = head;
			} else if (replay_decide(j->since, head, oldest) == REPLAY_RESYNC) {
				queue_text(h, c, realtime_json_resync(head), "resync");
				c->last_sent = head;
			} else {
				c->last_sent = j->since;
				c->catching_up = fill = j->since < head;
				c->fill_pending = fill;
			}
		}
	}
	pthread_mutex_unlock(&h->mu);
	if (rc) {
		char q[300];
		log_warn("realtime subscribe failed", "error=%s", log_quote(q, sizeof(q), e.msg));
	}
	if (fill)
		do_fill(h, j);
	else
		wake(h);
}

static void do_notify(struct hub *h, const struct job *j)
{
	pthread_mutex_lock(&h->mu);
	int64_t after = INT64_MAX;
	for (struct rt_conn *c = h->buckets[bucket_of(j->user_id)]; c; c = c->unext)
		if (strcmp(c->user_id, j->user_id) == 0 && c->subscribed && !c->closing &&
		    !c->catching_up && c->last_sent < j->cursor && c->last_sent < after)
			after = c->last_sent;
	pthread_mutex_unlock(&h->mu);
	if (after == INT64_MAX)
		return;   /* nobody here is behind: nothing to read */

	int limit = h->opts.queue_max + 1;
	struct feed_row *rows = NULL;
	size_t n = 0;
	struct err e = { 0 };
	if (feed_repo_read(j->user_id, after, limit, &rows, &n, &e) != 0) {
		char q[300];
		log_warn("realtime feed read failed", "error=%s", log_quote(q, sizeof(q), e.msg));
		return;   /* the next notice (or a resubscribe) catches up */
	}
	struct frame **f = frames_of(rows, n);
	pthread_mutex_lock(&h->mu);
	for (struct rt_conn *c = h->buckets[bucket_of(j->user_id)]; c; c = c->unext)
		if (strcmp(c->user_id, j->user_id) == 0 && c->subscribed && !c->closing && !c->catching_up)
			deliver(h, c, rows, f, n, true);
	if (n == (size_t)limit) {
		/* More rows than one batch: look again (past the new positions). */
		struct job *again = new_job(JOB_NOTIFY, NULL);
		snprintf(again->user_id, sizeof(again->user_id), "%s", j->user_id);
		again->cursor = j->cursor;
		push_job(h, again);
	}
	pthread_mutex_unlock(&h->mu);
	frames_free(f, n);
	feed_repo_rows_free(rows, n);
	wake(h);
}

static void do_redeem(struct hub *h, const struct job *j)
{
	char user[USER_ID_MAX + 1] = "";
	struct err e = { 0 };
	int rc = ticket_redeem(h->opts.dapr, h->opts.state_store, j->ticket, user, sizeof(user), &e);
	char q[300];
	if (rc)
		log_info("realtime ticket refused", "reason=%s", log_quote(q, sizeof(q), e.msg));
	pthread_mutex_lock(&h->mu);
	struct rt_conn *c = find_any(h, j->conn_id);
	if (c && !c->closing) {
		if (rc == TODO_EUNAUTH) {
			close_with(h, c, RT_CLOSE_TICKET, e.msg);
		} else if (rc) {
			close_with(h, c, RT_CLOSE_INTERNAL, "ticket store unavailable; get a new ticket");
		} else if (user_count(h, user) >= (size_t)h->opts.max_per_user) {
			close_with(h, c, RT_CLOSE_USER_LIMIT, "too many connections for this user");
		} else {
			snprintf(c->user_id, sizeof(c->user_id), "%s", user);
			c->authed = true;
			size_t b = bucket_of(user);
			c->unext = h->buckets[b];
			h->buckets[b] = c;
			for (size_t i = 0; i < c->nheld; i++) {
				process(h, c, c->held[i], c->held_len[i]);
				free(c->held[i]);
			}
			c->nheld = 0;
		}
	}
	pthread_mutex_unlock(&h->mu);
	wake(h);
}

static void prune(struct hub *h)
{
	if (h->opts.feed_retention_s <= 0 && h->opts.feed_retention_count <= 0)
		return;
	int64_t total = 0, n = 0;
	struct err e = { 0 };
	int rc;
	do {
		rc = feed_repo_prune(h->opts.feed_retention_s, h->opts.feed_retention_count, PRUNE_BATCH,
				     &n, &e);
		total += rc ? 0 : n;
	} while (rc == 0 && n == PRUNE_BATCH && total < 50 * PRUNE_BATCH);
	char q[300];
	if (rc)
		log_warn("change feed prune failed", "error=%s", log_quote(q, sizeof(q), e.msg));
	else if (total)
		log_info("change feed pruned", "rows=%" PRId64, total);
}

static void *redeemer(void *arg)
{
	struct hub *h = arg;
	pthread_mutex_lock(&h->mu);
	while (!h->stop) {
		struct job *j = h->redeems;
		if (!j) {
			pthread_cond_wait(&h->redeem_cond, &h->mu);
			continue;
		}
		h->redeems = j->next;
		if (!h->redeems)
			h->redeems_tail = NULL;
		pthread_mutex_unlock(&h->mu);
		do_redeem(h, j);
		free(j);
		pthread_mutex_lock(&h->mu);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

static void free_jobs(struct job *j)
{
	while (j) {
		struct job *next = j->next;
		free(j);
		j = next;
	}
}

static void *worker(void *arg)
{
	struct hub *h = arg;
	time_t next_prune = time(NULL) + 10;
	pthread_mutex_lock(&h->mu);
	while (!h->stop) {
		if (!h->jobs) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += 1;
			pthread_cond_timedwait(&h->cond, &h->mu, &until);
		}
		struct job *j = h->jobs;
		if (j) {
			h->jobs = j->next;
			if (!h->jobs)
				h->jobs_tail = NULL;
			h->njobs--;
		}
		pthread_mutex_unlock(&h->mu);
		if (j) {
			switch (j->kind) {
			case JOB_REDEEM: do_redeem(h, j); break;   /* queued to the redeemers, not here */
			case JOB_SUBSCRIBE: do_subscribe(h, j); break;
			case JOB_FILL: do_fill(h, j); break;
			case JOB_NOTIFY: do_notify(h, j); break;
			}
			free(j);
		}
		if (time(NULL) >= next_prune) {
			prune(h);
			next_prune = time(NULL) + PRUNE_INTERVAL_S;
		}
		pthread_mutex_lock(&h->mu);
	}
	pthread_mutex_unlock(&h->mu);
	db_thread_release();
	return NULL;
}

struct hub *hub_start(const struct hub_opts *opts)
{
	struct hub *h = xcalloc(1, sizeof(*h));
	h->opts = *opts;
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cond, NULL);
	pthread_cond_init(&h->redeem_cond, NULL);
	if (pthread_create(&h->thread, NULL, worker, h) != 0) {
		pthread_cond_destroy(&h->redeem_cond);
		pthread_cond_destroy(&h->cond);
		pthread_mutex_destroy(&h->mu);
		free(h);
		return NULL;
	}
	while (h->nredeemers < REDEEMERS &&
	       pthread_create(&h->redeemers[h->nredeemers], NULL, redeemer, h) == 0)
		h->nredeemers++;
	if (h->nredeemers == 0) {
		hub_stop(h);
		return NULL;
	}
	return h;
}

void hub_set_wake(struct hub *h, void (*fn)(void *ctx), void *ctx)
{
	pthread_mutex_lock(&h->mu);
	h->opts.wake = fn;
	h->opts.wake_ctx = ctx;
	pthread_mutex_unlock(&h->mu);
}

void hub_stop(struct hub *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->stop = true;
	pthread_cond_signal(&h->cond);
	pthread_cond_broadcast(&h->redeem_cond);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->thread, NULL);
	for (int i = 0; i < h->nredeemers; i++)
		pthread_join(h->redeemers[i], NULL);
	free_jobs(h->jobs);
	free_jobs(h->redeems);
	pthread_cond_destroy(&h->redeem_cond);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->mu);
	free(h);
}

void hub_notify(struct hub *h, const char *user_id, int64_t cursor)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	bool anyone = false;
	for (struct rt_conn *c = h->buckets[bucket_of(user_id)]; c && !anyone; c = c->unext)
		anyone = strcmp(c->user_id, user_id) == 0 && c->subscribed;
	if (anyone && h->njobs < JOBS_MAX) {
		struct job *j = new_job(JOB_NOTIFY, NULL);
		snprintf(j->user_id, sizeof(j->user_id), "%s", user_id);
		j->cursor = cursor;
		push_job(h, j);
	} else if (anyone) {
		log_warn("realtime notice dropped", "reason=\"worker backlog full\" user_id=%s", user_id);
	}
	pthread_mutex_unlock(&h->mu);
}

/* --- lws thread --- */

bool hub_admit(struct hub *h)
{
	pthread_mutex_lock(&h->mu);
	bool ok = h->open < (size_t)h->opts.max_connections;
	pthread_mutex_unlock(&h->mu);
	return ok;
}

struct rt_conn *hub_conn_open(struct hub *h, const char *ticket, void *wsi)
{
	struct rt_conn *c = xcalloc(1, sizeof(*c));
	c->wsi = wsi;
	snprintf(c->ticket, sizeof(c->ticket), "%s", ticket);
	frame_queue_init(&c->q, (size_t)h->opts.queue_max + 1);
	pthread_mutex_lock(&h->mu);
	c->id = ++h->next_id;
	c->next = h->all;
	if (h->all)
		h->all->prev = c;
	h->all = c;
	h->open++;
	metrics_gauge_set("todod_realtime_sockets_open", NULL, (double)h->open);
	struct job *j = new_job(JOB_REDEEM, c);
	snprintf(j->ticket, sizeof(j->ticket), "%s", ticket);
	if (h->redeems_tail)
		h->redeems_tail->next = j;
	else
		h->redeems = j;
	h->redeems_tail = j;
	pthread_cond_signal(&h->redeem_cond);
	pthread_mutex_unlock(&h->mu);
	return c;
}

void hub_conn_receive(struct hub *h, struct rt_conn *c, const char *text, size_t len)
{
	pthread_mutex_lock(&h->mu);
	process(h, c, text, len);
	pthread_mutex_unlock(&h->mu);
}

void hub_conn_too_big(struct hub *h, struct rt_conn *c)
{
	pthread_mutex_lock(&h->mu);
	if (!c->closing) {
		culled("too_big");
		close_with(h, c, RT_CLOSE_TOO_BIG, "message too big: at most 4096 bytes");
	}
	pthread_mutex_unlock(&h->mu);
}

struct frame *hub_conn_next(struct hub *h, struct rt_conn *c, bool *more)
{
	pthread_mutex_lock(&h->mu);
	struct frame *f = frame_queue_pop(&c->q);
	*more = c->q.count > 0;
	if (c->catching_up && c->subscribed && !c->fill_pending && !c->closing &&
	    c->q.count <= (size_t)h->opts.queue_max / 2) {
		c->fill_pending = true;
		push_job(h, new_job(JOB_FILL, c));
	}
	pthread_mutex_unlock(&h->mu);
	return f;
}

void hub_conn_close(struct hub *h, struct rt_conn *c, bool idle_dead)
{
	if (idle_dead)
		culled("dead");
	pthread_mutex_lock(&h->mu);
	if (c->prev)
		c->prev->next = c->next;
	else
		h->all = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (c->authed) {
		struct rt_conn **p = &h->buckets[bucket_of(c->user_id)];
		while (*p && *p != c)
			p = &(*p)->unext;
		if (*p)
			*p = c->unext;
	}
	if (c->dirty) {
		struct rt_conn *prev = NULL;
		for (struct rt_conn *d = h->dirty; d; prev = d, d = d->dirty_next) {
			if (d != c)
				continue;
			if (prev)
				prev->dirty_next = d->dirty_next;
			else
				h->dirty = d->dirty_next;
			if (h->dirty_tail == c)
				h->dirty_tail = prev;
			break;
		}
	}
	h->open--;
	metrics_gauge_set("todod_realtime_sockets_open", NULL, (double)h->open);
	pthread_mutex_unlock(&h->mu);
	for (size_t i = 0; i < c->nheld; i++)
		free(c->held[i]);
	clear_filters(c);
	frame_queue_release(&c->q);
	free(c);
}

void *hub_conn_wsi(const struct rt_conn *c)
{
	return c->wsi;
}

size_t hub_take_dirty(struct hub *h, struct rt_conn **out, size_t max)
{
	size_t n = 0;
	pthread_mutex_lock(&h->mu);
	while (h->dirty && n < max) {
		struct rt_conn *c = h->dirty;
		h->dirty = c->dirty_next;
		c->dirty = false;
		c->dirty_next = NULL;
		out[n++] = c;
	}
	if (!h->dirty)
		h->dirty_tail = NULL;
	pthread_mutex_unlock(&h->mu);
	return n;
}

size_t hub_shutdown(struct hub *h)
{
	pthread_mutex_lock(&h->mu);
	for (struct rt_conn *c = h->all; c; c = c->next)
		close_with(h, c, RT_CLOSE_GOING_AWAY, "server shutting down; reconnect with your cursor");
	size_t n = h->open;
	pthread_mutex_unlock(&h->mu);
	return n;
}

size_t hub_open_count(struct hub *h)
{
	pthread_mutex_lock(&h->mu);
	size_t n = h->open;
	pthread_mutex_unlock(&h->mu);
	return n;
}
