/*
 * gateway.h - todod's own HTTP port (libwebsockets): the one plain-HTTP
 * surface of the service, beside the gRPC app port that only daprd uses.
 *
 * Today it serves the operational endpoints, answered on the gateway's own
 * service thread and never queued behind request work:
 *     GET /livez    200 "ok" while the process runs
 *     GET /readyz   200 "ok", or 503 with the reasons, one per line
 *     GET /metrics  Prometheus text exposition (base/metrics.h)
 * Anything else is 404; a verb other than GET/HEAD is 405.
 *
 * It also serves the real-time WebSocket, GET /realtime?ticket=... (README
 * "Real-time sync"), once gateway_attach_hub has given it the hub: the
 * upgrade is refused with 401 (no or malformed ticket) or 503 (not ready,
 * or TODOD_RT_MAX_CONNECTIONS sockets open); the hub redeems the ticket
 * and runs the protocol. The service thread never blocks: it takes frames
 * from the hub and is woken (lws_cancel_service) when there are new ones.
 *
 * Only src/realtime/ includes <libwebsockets.h>. libwebsockets 4.1 has one
 * service thread: gateway_start() creates it; other threads never call into
 * lws except through the hub's wake callback (lws_cancel_service) and
 * gateway_stop().
 */
#ifndef TODOD_REALTIME_GATEWAY_H
#define TODOD_REALTIME_GATEWAY_H

#include <stddef.h>

struct strbuf;

/* gateway_ready_fn - append why the service is not ready, one reason per
 * line, to @why; leave it empty when ready. Runs on the service thread:
 * must not block. */
typedef void (*gateway_ready_fn)(void *ctx, struct strbuf *why);

struct gateway_opts {
	const char *address;          /* "127.0.0.1", or NULL for every interface */
	int port;                     /* 0: any free port */
	int ping_s;                   /* WebSocket ping interval; no pong in 2x: dropped */
	gateway_ready_fn ready;
	void *ctx;
};

struct gateway;
struct hub;

/* gateway_start - listen and start the service thread. Stores the bound
 * port in *@port (if non-NULL). Returns 0, or TODO_EUNAVAIL when the port
 * cannot be bound. */
int gateway_start(const struct gateway_opts *opts, struct gateway **out, int *port);

/* gateway_attach_hub - start serving /realtime with @h (which must outlive
 * the gateway: stop the gateway first). */
void gateway_attach_hub(struct gateway *g, struct hub *h);

/* gateway_stop - close every WebSocket with 1001 (waiting at most 2 s),
 * stop serving, join the thread, free @g (NULL is fine). */
void gateway_stop(struct gateway *g);

#endif
