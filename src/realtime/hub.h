/*
 * hub.h - the real-time hub: every open WebSocket of this replica, its
 * queue and subscription, and the one worker thread that does the blocking
 * work for them (README "Real-time sync").
 *
 * Threads and locks. The hub has one mutex. The gateway's lws thread calls
 * the hub_conn_* functions (open, receive, next frame, close); the worker
 * thread redeems tickets (Dapr), reads the change feed (its own database
 * connection), prunes it, and appends frames; gRPC threads call
 * hub_notify. No function here blocks on I/O while holding the lock, and
 * none that the lws thread calls blocks at all. When the worker queues
 * frames it marks the connection dirty and calls the wake callback (the
 * gateway's lws_cancel_service); the lws thread then takes the dirty list
 * (hub_take_dirty) and asks lws for writable callbacks.
 *
 * Delivery. Every frame a client gets comes from the change feed, in
 * cursor order: a connection remembers the last cursor it was sent, and a
 * broadcast notice (user, cursor) only makes the worker read the feed past
 * that point. So replay and live events merge by cursor, with nothing lost
 * and nothing repeated. A replay is paced by the queue (the rest is read
 * as the client drains it); a connection that is live and falls
 * TODOD_RT_QUEUE_MAX frames behind is closed with 4001.
 *
 * Connections are created and freed on the lws thread only; the worker
 * finds them by id under the lock, so it never holds a stale pointer.
 */
#ifndef TODOD_REALTIME_HUB_H
#define TODOD_REALTIME_HUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "realtime/frame_queue.h"

struct dapr_client;

/* Close codes of the protocol. */
#define RT_CLOSE_GOING_AWAY 1001
#define RT_CLOSE_POLICY 1008       /* abuse: too many bad messages */
#define RT_CLOSE_TOO_BIG 1009
#define RT_CLOSE_INTERNAL 1011
#define RT_CLOSE_LAGGING 4001
#define RT_CLOSE_TICKET 4401       /* ticket refused after the store lookup */
#define RT_CLOSE_USER_LIMIT 4429

#define RT_FRAME_MAX 4096          /* bytes of one client message */
#define RT_ABUSE_ERRORS 10         /* error frames allowed per window */
#define RT_ABUSE_WINDOW_S 60

struct hub_opts {
	struct dapr_client *dapr;
	const char *state_store;
	int max_connections;
	int max_per_user;
	int queue_max;
	long feed_retention_s;
	long feed_retention_count;
	void (*wake)(void *ctx);       /* any thread: make the lws thread call hub_take_dirty */
	void *wake_ctx;
};

struct hub;
struct rt_conn;

/* hub_start - start the worker thread; NULL when it cannot be created. */
struct hub *hub_start(const struct hub_opts *opts);
/* hub_stop - stop and join the worker, free the hub. Every connection must
 * have been closed (hub_conn_close) first. NULL is fine. */
void hub_stop(struct hub *h);
/* hub_set_wake - (re)point the wake callback; before any connection opens. */
void hub_set_wake(struct hub *h, void (*wake)(void *ctx), void *ctx);

/* hub_metrics_define - the todod_realtime_* metrics. */
void hub_metrics_define(void);

/* hub_notify - a broadcast event for @user_id up to @cursor arrived (any
 * thread; never blocks on I/O). */
void hub_notify(struct hub *h, const char *user_id, int64_t cursor);

/* --- lws thread only --- */

/* hub_admit - whether one more socket fits under TODOD_RT_MAX_CONNECTIONS. */
bool hub_admit(struct hub *h);

/* hub_conn_open - a new socket (upgrade done) presenting @ticket; the
 * worker redeems it. @wsi is the gateway's handle, given back by
 * hub_conn_wsi. */
struct rt_conn *hub_conn_open(struct hub *h, const char *ticket, void *wsi);

/* hub_conn_receive - one whole client message (text of @len bytes). */
void hub_conn_receive(struct hub *h, struct rt_conn *c, const char *text, size_t len);

/* hub_conn_too_big - the client sent a message over RT_FRAME_MAX. */
void hub_conn_too_big(struct hub *h, struct rt_conn *c);

/* hub_conn_next - the next frame to write (the caller owns the reference
 * and unrefs it), or NULL. *@more: frames remain after it. */
struct frame *hub_conn_next(struct hub *h, struct rt_conn *c, bool *more);

/* hub_conn_close - the socket is gone; @idle_dead: lws dropped it for a
 * missing pong. Frees @c. */
void hub_conn_close(struct hub *h, struct rt_conn *c, bool idle_dead);

/* hub_conn_wsi - the handle given to hub_conn_open. */
void *hub_conn_wsi(const struct rt_conn *c);

/* hub_take_dirty - up to @max connections with new frames, oldest first;
 * returns how many were stored in @out. */
size_t hub_take_dirty(struct hub *h, struct rt_conn **out, size_t max);

/* hub_shutdown - queue a 1001 close on every socket (server going away);
 * returns how many sockets are open. */
size_t hub_shutdown(struct hub *h);

/* hub_open_count - sockets open now. */
size_t hub_open_count(struct hub *h);

#endif
