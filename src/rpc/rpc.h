/*
 * rpc.h - the project's only window onto the gRPC C core.
 *
 * Everything outside src/rpc sees plain bytes, status codes and metadata
 * pairs; only rpc_server.c and rpc_client.c include <grpc/...>. A gRPC
 * upgrade therefore touches this folder alone.
 *
 * Server: one completion queue polled by a poller thread, which only moves
 * calls along (accept, read the request, send the answer) and never blocks
 * on a handler. Each call is a heap struct used as its own completion tag,
 * with a state field and one outstanding batch at a time. A received call
 * goes into a bounded work queue served by a pool of worker threads; a
 * handler runs on a worker and may block (PostgreSQL, daprd calls), so the
 * pool size bounds concurrent work and the queue bounds waiting work. When
 * the queue is full the call is answered RPC_RESOURCE_EXHAUSTED at once
 * ("shed"), so overload turns into quick retryable refusals instead of
 * unbounded waits. Methods listed as inline (health checks) are handled on
 * the poller itself and never wait behind request work; their handler must
 * not block. Methods are not registered: every call reaches the one
 * handler, which answers RPC_UNIMPLEMENTED for methods it does not know
 * (daprd's fall-backs key on that code).
 *
 * Client: blocking unary calls with a deadline over one shared channel, safe
 * to use from any thread.
 */
#ifndef TODOD_RPC_RPC_H
#define TODOD_RPC_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* gRPC status codes (wire values). */
enum rpc_code {
	RPC_OK = 0,
	RPC_CANCELLED = 1,
	RPC_UNKNOWN = 2,
	RPC_INVALID_ARGUMENT = 3,
	RPC_DEADLINE_EXCEEDED = 4,
	RPC_NOT_FOUND = 5,
	RPC_ALREADY_EXISTS = 6,
	RPC_PERMISSION_DENIED = 7,
	RPC_RESOURCE_EXHAUSTED = 8,
	RPC_FAILED_PRECONDITION = 9,
	RPC_ABORTED = 10,
	RPC_OUT_OF_RANGE = 11,
	RPC_UNIMPLEMENTED = 12,
	RPC_INTERNAL = 13,
	RPC_UNAVAILABLE = 14,
	RPC_DATA_LOSS = 15,
	RPC_UNAUTHENTICATED = 16,
};

/* rpc_code_name - "OK", "INVALID_ARGUMENT", ... */
const char *rpc_code_name(int code);

/* One metadata pair. Keys are lower-case ASCII; values NUL-terminated. */
struct rpc_md {
	const char *key;
	const char *value;
};

/*
 * struct rpc_call - one unary call as a handler sees it.
 * Inputs are owned by the server and valid until the handler returns.
 * The handler sets the outputs; the server frees @status_msg and @resp
 * with free() after sending them.
 */
struct rpc_call {
	const char *method;          /* "/dapr.proto.runtime.v1.AppCallback/OnInvoke" */
	const uint8_t *req;          /* request message bytes */
	size_t req_len;
	const struct rpc_md *md;     /* request metadata */
	size_t md_count;

	int status;                  /* enum rpc_code; RPC_OK by default */
	char *status_msg;            /* malloc'd message for a non-OK status, or NULL */
	uint8_t *resp;               /* malloc'd response message, or NULL (empty) */
	size_t resp_len;
};

/* rpc_call_md - first value of metadata @key (lower-case) or NULL. */
const char *rpc_call_md(const struct rpc_call *call, const char *key);

/* Process-wide set-up and tear-down of the gRPC library. */
void rpc_init(void);
void rpc_shutdown(void);

/* ---- server ---- */

typedef void (*rpc_handler_fn)(void *ctx, struct rpc_call *call);

struct rpc_server_opts {
	const char *listen_addr;      /* "127.0.0.1:50051" */
	int workers;                  /* worker threads, >= 1 */
	int queue_max;                /* received calls waiting for a worker, >= 1 */
	size_t max_message_bytes;     /* receive and send limit */
	rpc_handler_fn handler;
	void *handler_ctx;
	/* NULL-terminated full method names handled on the poller thread, never
	 * queued and never shed (the handler must not block for them), or NULL. */
	const char *const *inline_methods;
	void (*thread_exit)(void);    /* called by each worker before it ends, or NULL */
};

/* Counters of a running server (monotonic totals and current gauges). */
struct rpc_server_stats {
	int inflight;                 /* calls accepted and not yet finished */
	int queued;                   /* calls waiting for a worker now */
	int busy_workers;             /* workers running a handler now */
	uint64_t handled;             /* calls answered by a worker or inline */
	uint64_t shed;                /* calls refused because the queue was full */
};

struct rpc_server;

/* rpc_server_start - bind, start the workers and serve. On success stores
 * the server in *@out and the bound port in *@port (if non-NULL) and returns 0;
 * returns TODO_EUNAVAIL if the address cannot be bound. */
int rpc_server_start(const struct rpc_server_opts *opts, struct rpc_server **out, int *port);

/* rpc_server_stop - stop accepting calls, let in-flight calls finish for up
 * to @grace_ms, cancel the rest, join the workers and free the server. */
void rpc_server_stop(struct rpc_server *srv, int grace_ms);

/* rpc_server_inflight - calls being handled right now (for logs and tests). */
int rpc_server_inflight(struct rpc_server *srv);

/* rpc_server_stats - a consistent snapshot of the counters above. */
void rpc_server_stats(struct rpc_server *srv, struct rpc_server_stats *out);

/* ---- client ---- */

struct rpc_client;

/* rpc_client_new - a client for @target ("127.0.0.1:50001"). If @api_token
 * is non-NULL and non-empty every call carries `dapr-api-token: <token>`.
 * The connection is made lazily; this does not fail when daprd is down. */
struct rpc_client *rpc_client_new(const char *target, const char *api_token,
				  size_t max_message_bytes);
void rpc_client_free(struct rpc_client *c);

struct rpc_reply {
	int status;                  /* enum rpc_code */
	char *status_msg;            /* malloc'd, or NULL */
	uint8_t *data;               /* malloc'd response bytes, or NULL */
	size_t len;
};

/* rpc_client_call - one blocking unary call with a deadline of @timeout_ms.
 * @md/@md_count: extra request metadata (may be 0). Always fills @reply
 * (release it with rpc_reply_release) and returns reply->status. */
int rpc_client_call(struct rpc_client *c, const char *method,
		    const struct rpc_md *md, size_t md_count,
		    const uint8_t *req, size_t req_len, int timeout_ms,
		    struct rpc_reply *reply);
void rpc_reply_release(struct rpc_reply *reply);

#endif
