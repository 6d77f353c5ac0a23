/*
 * rpc_server.c - the gRPC server: completion-queue poller, bounded work
 * queue and worker pool.
 *
 * Shape follows gRPC's test/core/memory_usage/server.c: each call is a
 * struct used as its own tag, its state says which batch just completed,
 * and a call has at most one batch outstanding. A fresh request_call is
 * armed before the received call is handled, so the server never stops
 * listening. Only the POLLERS poller threads read the completion queue
 * (gRPC does the network I/O of every connection on them), and they never
 * run a blocking handler: a received call is queued for a worker,
 * answered inline (health), or shed with RESOURCE_EXHAUSTED when the queue
 * is full. Workers start the send batch of the call they handled; its
 * completion comes back to the poller.
 */
#include "rpc/rpc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/slice.h>
#include <grpc/support/time.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/log.h"
#include "rpc/rpc_internal.h"

enum call_state {
	CALL_REQUESTED,   /* request_call armed; completes when a call arrives */
	CALL_RECEIVING,   /* initial metadata sent, request message being read */
	CALL_SENDING,     /* response and status being sent */
};

struct server_call {
	enum call_state state;
	struct rpc_server *srv;
	grpc_call *call;
	grpc_call_details details;
	grpc_metadata_array req_md;
	grpc_byte_buffer *req_payload;
	grpc_byte_buffer *resp_payload;
	grpc_slice status_details;
	int cancelled;
};

/* Requests armed at any time: the poller re-arms as each one is matched,
 * so this only smooths bursts of new calls. */
#define ARMED_REQUESTS 32
/* Threads reading the completion queue: two, so that one can poll the
 * sockets while the other moves calls along. */
#define POLLERS 2

struct rpc_server {
	struct rpc_server_opts opts;
	grpc_server *server;
	grpc_completion_queue *cq;
	pthread_t pollers[POLLERS];
	pthread_t *threads;       /* workers */
	int nthreads;

	pthread_mutex_t lock;     /* guards everything below */
	pthread_cond_t cond;      /* shutdown_done changed */
	pthread_cond_t work;      /* the queue gained a call or was closed */
	bool shutting_down;       /* no new request_call once set */
	bool shutdown_done;       /* the server's shutdown tag arrived */
	int inflight;             /* calls past CALL_REQUESTED */
	int shutdown_tag;         /* address used as the shutdown tag */

	struct server_call **queue;   /* ring of opts.queue_max calls */
	int qhead, qlen;
	bool qclosed;             /* workers exit once it is empty */
	int busy;
	uint64_t handled, shed;
};

static void arm(struct rpc_server *srv)
{
	struct server_call *c = xcalloc(1, sizeof(*c));
	c->srv = srv;
	c->state = CALL_REQUESTED;
	grpc_call_details_init(&c->details);
	grpc_metadata_array_init(&c->req_md);
	grpc_call_error e = grpc_server_request_call(srv->server, &c->call,
		&c->details, &c->req_md, srv->cq, srv->cq, c);
	if (e != GRPC_CALL_OK) {
		log_error("rpc request_call failed", "error=%d", (int)e);
		grpc_call_details_destroy(&c->details);
		grpc_metadata_array_destroy(&c->req_md);
		free(c);
	}
}

static void call_free(struct server_call *c)
{
	if (c->call)
		grpc_call_unref(c->call);
	grpc_call_details_destroy(&c->details);
	grpc_metadata_array_destroy(&c->req_md);
	if (c->req_payload)
		grpc_byte_buffer_destroy(c->req_payload);
	if (c->resp_payload)
		grpc_byte_buffer_destroy(c->resp_payload);
	grpc_slice_unref(c->status_details);
	free(c);
}

static void call_done(struct server_call *c)
{
	struct rpc_server *srv = c->srv;
	call_free(c);
	pthread_mutex_lock(&srv->lock);
	srv->inflight--;
	pthread_mutex_unlock(&srv->lock);
}

static void start_receive(struct server_call *c)
{
	grpc_op ops[2];
	memset(ops, 0, sizeof(ops));
	ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
	ops[1].op = GRPC_OP_RECV_MESSAGE;
	ops[1].data.recv_message.recv_message = &c->req_payload;
	c->state = CALL_RECEIVING;
	grpc_call_error e = grpc_call_start_batch(c->call, ops, 2, c, NULL);
	if (e != GRPC_CALL_OK) {
		log_error("rpc start_batch (receive) failed", "error=%d", (int)e);
		call_done(c);
	}
}

/* Run the handler on the request bytes and send its answer. */
static void handle(struct server_call *c)
{
	struct rpc_server *srv = c->srv;
	char *method = rpc__slice_dup(c->details.method);
	size_t nmd = c->req_md.count;
	struct rpc_md *md = xcalloc(nmd ? nmd : 1, sizeof(*md));
	for (size_t i = 0; i < nmd; i++) {
		md[i].key = rpc__slice_dup(c->req_md.metadata[i].key);
		md[i].value = rpc__slice_dup(c->req_md.metadata[i].value);
	}
	struct rpc_call call = {
		.method = method,
		.md = md,
		.md_count = nmd,
		.status = RPC_OK,
	};
	uint8_t *req = NULL;
	rpc__bb_read(c->req_payload, &req, &call.req_len);
	call.req = req;

	if (!c->req_payload) {
		call.status = RPC_INVALID_ARGUMENT;
		call.status_msg = xstrdup("unary call without a request message");
	} else {
		srv->opts.handler(srv->opts.handler_ctx, &call);
	}

	grpc_op ops[3];
	memset(ops, 0, sizeof(ops));
	size_t n = 0;
	if (call.status == RPC_OK) {
		c->resp_payload = rpc__bb_new(call.resp, call.resp_len);
		ops[n].op = GRPC_OP_SEND_MESSAGE;
		ops[n].data.send_message.send_message = c->resp_payload;
		n++;
	}
	c->status_details = grpc_slice_from_copied_string(call.status_msg ? call.status_msg : "");
	ops[n].op = GRPC_OP_SEND_STATUS_FROM_SERVER;
	ops[n].data.send_status_from_server.status = (grpc_status_code)call.status;
	ops[n].data.send_status_from_server.status_details = &c->status_details;
	n++;
	ops[n].op = GRPC_OP_RECV_CLOSE_ON_SERVER;
	ops[n].data.recv_close_on_server.cancelled = &c->cancelled;
	n++;
	c->state = CALL_SENDING;
	grpc_call_error e = grpc_call_start_batch(c->call, ops, n, c, NULL);

	free(req);
	free(call.resp);
	free(call.status_msg);
	for (size_t i = 0; i < nmd; i++) {
		free((char *)md[i].key);
		free((char *)md[i].value);
	}
	free(md);
	free(method);
	if (e != GRPC_CALL_OK) {
		log_error("rpc start_batch (send) failed", "error=%d", (int)e);
		call_done(c);
	}
}

/* Answer @c with a status and no message, without a worker. */
static void answer_status(struct server_call *c, int status, const char *msg)
{
	grpc_op ops[2];
	memset(ops, 0, sizeof(ops));
	c->status_details = grpc_slice_from_copied_string(msg);
	ops[0].op = GRPC_OP_SEND_STATUS_FROM_SERVER;
	ops[0].data.send_status_from_server.status = (grpc_status_code)status;
	ops[0].data.send_status_from_server.status_details = &c->status_details;
	ops[1].op = GRPC_OP_RECV_CLOSE_ON_SERVER;
	ops[1].data.recv_close_on_server.cancelled = &c->cancelled;
	c->state = CALL_SENDING;
	if (grpc_call_start_batch(c->call, ops, 2, c, NULL) != GRPC_CALL_OK) {
		log_error("rpc start_batch (status) failed", NULL);
		call_done(c);
	}
}

static bool is_inline(const struct rpc_server *srv, const struct server_call *c)
{
	const char *const *m = srv->opts.inline_methods;
	for (; m && *m; m++)
		if (grpc_slice_str_cmp(c->details.method, *m) == 0)
			return true;
	return false;
}

/* Queue a received call for a worker, or shed it when the queue is full. */
static void dispatch(struct rpc_server *srv, struct server_call *c)
{
	if (is_inline(srv, c)) {
		handle(c);
		pthread_mutex_lock(&srv->lock);
		srv->handled++;
		pthread_mutex_unlock(&srv->lock);
		return;
	}
	pthread_mutex_lock(&srv->lock);
	int waiting = srv->qlen;
	bool full = waiting >= srv->opts.queue_max;
	if (full) {
		srv->shed++;
	} else {
		srv->queue[(srv->qhead + srv->qlen) % srv->opts.queue_max] = c;
		srv->qlen++;
		pthread_cond_signal(&srv->work);
	}
	pthread_mutex_unlock(&srv->lock);
	if (full) {
		char msg[160];
		snprintf(msg, sizeof(msg), "todod is overloaded: %d requests are already waiting "
			 "for %d workers; retry later", waiting, srv->opts.workers);
		answer_status(c, RPC_RESOURCE_EXHAUSTED, msg);
	}
}

static void on_event(struct rpc_server *srv, struct server_call *c, bool ok)
{
	switch (c->state) {
	case CALL_REQUESTED:
		if (!ok) {           /* server shutting down: the request was never matched */
			call_free(c);
			return;
		}
		pthread_mutex_lock(&srv->lock);
		srv->inflight++;
		bool rearm = !srv->shutting_down;
		pthread_mutex_unlock(&srv->lock);
		if (rearm)
			arm(srv);
		start_receive(c);
		return;
	case CALL_RECEIVING:
		if (!ok) {           /* the peer went away before sending the request */
			call_done(c);
			return;
		}
		dispatch(srv, c);
		return;
	case CALL_SENDING:
		call_done(c);
		return;
	}
}

static void *poller(void *arg)
{
	struct rpc_server *srv = arg;
	for (;;) {
		grpc_event ev = grpc_completion_queue_next(srv->cq,
			gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
				     gpr_time_from_millis(1000, GPR_TIMESPAN)), NULL);
		if (ev.type == GRPC_QUEUE_TIMEOUT)
			continue;
		if (ev.type == GRPC_QUEUE_SHUTDOWN)
			break;
		if (ev.tag == &srv->shutdown_tag) {
			/* Every call has finished: no worker starts a batch any more. */
			pthread_mutex_lock(&srv->lock);
			srv->shutdown_done = true;
			pthread_cond_broadcast(&srv->cond);
			pthread_mutex_unlock(&srv->lock);
			grpc_completion_queue_shutdown(srv->cq);
			continue;
		}
		on_event(srv, ev.tag, ev.success != 0);
	}
	return NULL;
}

static void *worker(void *arg)
{
	struct rpc_server *srv = arg;
	pthread_mutex_lock(&srv->lock);
	for (;;) {
		while (srv->qlen == 0 && !srv->qclosed)
			pthread_cond_wait(&srv->work, &srv->lock);
		if (srv->qlen == 0)
			break;
		struct server_call *c = srv->queue[srv->qhead];
		srv->qhead = (srv->qhead + 1) % srv->opts.queue_max;
		srv->qlen--;
		srv->busy++;
		pthread_mutex_unlock(&srv->lock);
		handle(c);
		pthread_mutex_lock(&srv->lock);
		srv->busy--;
		srv->handled++;
	}
	pthread_mutex_unlock(&srv->lock);
	if (srv->opts.thread_exit)
		srv->opts.thread_exit();
	return NULL;
}

int rpc_server_start(const struct rpc_server_opts *opts, struct rpc_server **out, int *port)
{
	struct rpc_server *srv = xcalloc(1, sizeof(*srv));
	srv->opts = *opts;
	if (srv->opts.queue_max < 1)
		srv->opts.queue_max = 1;
	srv->queue = xcalloc((size_t)srv->opts.queue_max, sizeof(*srv->queue));
	pthread_mutex_init(&srv->lock, NULL);
	pthread_cond_init(&srv->cond, NULL);
	pthread_cond_init(&srv->work, NULL);

	grpc_arg args[2];
	memset(args, 0, sizeof(args));
	args[0].type = GRPC_ARG_INTEGER;
	args[0].key = GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH;
	args[0].value.integer = (int)opts->max_message_bytes;
	args[1].type = GRPC_ARG_INTEGER;
	args[1].key = GRPC_ARG_MAX_SEND_MESSAGE_LENGTH;
	args[1].value.integer = (int)opts->max_message_bytes;
	grpc_channel_args chargs = { .num_args = 2, .args = args };

	srv->cq = grpc_completion_queue_create_for_next(NULL);
	srv->server = grpc_server_create(&chargs, NULL);
	grpc_server_register_completion_queue(srv->server, srv->cq, NULL);
	grpc_server_credentials *creds = grpc_insecure_server_credentials_create();
	int bound = grpc_server_add_http2_port(srv->server, opts->listen_addr, creds);
	grpc_server_credentials_release(creds);
	if (bound == 0) {
		grpc_server_destroy(srv->server);
		grpc_completion_queue_shutdown(srv->cq);
		while (grpc_completion_queue_next(srv->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).type != GRPC_QUEUE_SHUTDOWN)
			;
		grpc_completion_queue_destroy(srv->cq);
		pthread_mutex_destroy(&srv->lock);
		pthread_cond_destroy(&srv->cond);
		pthread_cond_destroy(&srv->work);
		free(srv->queue);
		free(srv);
		return TODO_EUNAVAIL;
	}
	grpc_server_start(srv->server);

	for (int i = 0; i < ARMED_REQUESTS; i++)
		arm(srv);

	srv->nthreads = opts->workers;
	srv->threads = xcalloc((size_t)srv->nthreads, sizeof(pthread_t));
	for (int i = 0; i < srv->nthreads; i++)
		pthread_create(&srv->threads[i], NULL, worker, srv);
	for (int i = 0; i < POLLERS; i++)
		pthread_create(&srv->pollers[i], NULL, poller, srv);
	if (port)
		*port = bound;
	*out = srv;
	return 0;
}

void rpc_server_stats(struct rpc_server *srv, struct rpc_server_stats *out)
{
	pthread_mutex_lock(&srv->lock);
	out->inflight = srv->inflight;
	out->queued = srv->qlen;
	out->busy_workers = srv->busy;
	out->handled = srv->handled;
	out->shed = srv->shed;
	pthread_mutex_unlock(&srv->lock);
}

int rpc_server_inflight(struct rpc_server *srv)
{
	pthread_mutex_lock(&srv->lock);
	int n = srv->inflight;
	pthread_mutex_unlock(&srv->lock);
	return n;
}

void rpc_server_stop(struct rpc_server *srv, int grace_ms)
{
	pthread_mutex_lock(&srv->lock);
	srv->shutting_down = true;
	pthread_mutex_unlock(&srv->lock);
	grpc_server_shutdown_and_notify(srv->server, srv->cq, &srv->shutdown_tag);

	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += grace_ms / 1000;
	deadline.tv_nsec += (long)(grace_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&srv->lock);
	int rc = 0;
	while (!srv->shutdown_done && rc == 0)
		rc = pthread_cond_timedwait(&srv->cond, &srv->lock, &deadline);
	bool done = srv->shutdown_done;
	int left = srv->inflight;
	pthread_mutex_unlock(&srv->lock);
	if (!done) {
		log_warn("rpc grace period over, cancelling calls", "inflight=%d", left);
		grpc_server_cancel_all_calls(srv->server);
	}
	/* The poller ends once the shutdown tag has come (every call finished);
	 * only then may the idle workers go. */
	for (int i = 0; i < POLLERS; i++)
		pthread_join(srv->pollers[i], NULL);
	pthread_mutex_lock(&srv->lock);
	srv->qclosed = true;
	pthread_cond_broadcast(&srv->work);
	pthread_mutex_unlock(&srv->lock);
	for (int i = 0; i < srv->nthreads; i++)
		pthread_join(srv->threads[i], NULL);
	grpc_server_destroy(srv->server);
	grpc_completion_queue_destroy(srv->cq);
	pthread_mutex_destroy(&srv->lock);
	pthread_cond_destroy(&srv->cond);
	pthread_cond_destroy(&srv->work);
	free(srv->threads);
	free(srv->queue);
	free(srv);
}
