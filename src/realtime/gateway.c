#include "realtime/gateway.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/strbuf.h"
#include "changes/ticket.h"
#include "realtime/hub.h"

_Static_assert(LWS_PRE <= FRAME_HEADROOM, "frames keep too little headroom for lws");

struct gateway {
	struct gateway_opts opts;
	struct lws_context *ctx;
	pthread_t thread;
	atomic_bool stop;
	_Atomic(struct hub *) hub;    /* NULL until gateway_attach_hub */
	lws_retry_bo_t keepalive;
};

/* One connection: an HTTP transaction (the whole answer is made up front,
 * then written in pieces as the socket takes them), or a WebSocket. */
struct session {
	char *body;
	size_t len, off;
	/* WebSocket only */
	struct rt_conn *conn;
	char *rx;                     /* the message being received (RT_FRAME_MAX + 1) */
	size_t rx_len;
	bool rx_too_big;
	time_t last_seen;             /* last frame or pong from the client */
};

#define CHUNK 16384

static int answer(struct lws *wsi, struct session *s, unsigned status, const char *type, char *body)
{
	unsigned char buf[LWS_PRE + 512], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof(buf) - 1;
	s->body = body;
	s->len = strlen(body);
	s->off = 0;
	if (lws_add_http_common_headers(wsi, status, type, s->len, &p, end) ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
					 (const unsigned char *)"no-store", 8, &p, end) ||
	    lws_finalize_write_http_header(wsi, start, &p, end))
		return 1;
	lws_callback_on_writable(wsi);
	return 0;
}

static char *render(struct gateway *g, const char *path, unsigned *status, const char **type)
{
	*type = "text/plain; charset=utf-8";
	*status = 200;
	if (strcmp(path, "/livez") == 0)
		return xstrdup("ok\n");
	if (strcmp(path, "/readyz") == 0) {
		struct strbuf why = STRBUF_INIT;
		if (g->opts.ready)
			g->opts.ready(g->opts.ctx, &why);
		if (why.len == 0) {
			strbuf_release(&why);
			return xstrdup("ok\n");
		}
		*status = 503;
		return strbuf_detach(&why);
	}
	if (strcmp(path, "/metrics") == 0) {
		*type = "text/plain; version=0.0.4; charset=utf-8";
		return metrics_render();
	}
	*status = 404;
	return xasprintf("no such endpoint: %.100s (try /livez, /readyz, /metrics)\n", path);
}

/* Refuse an upgrade with @status and a one-line reason (never the ticket). */
static int refuse(struct lws *wsi, unsigned status, const char *why)
{
	log_info("realtime upgrade refused", "status=%u reason=\"%s\"", status, why);
	/* Written by hand: lws_return_http_status answers "HTTP/1.0" on this
	 * path, which WebSocket clients refuse to read. */
	const char *text = status == 401 ? "Unauthorized" : status == 404 ? "Not Found"
		: status == 503 ? "Service Unavailable" : "Bad Request";
	unsigned char buf[LWS_PRE + 512];
	int n = snprintf((char *)buf + LWS_PRE, sizeof(buf) - LWS_PRE,
			 "HTTP/1.1 %u %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
			 "Content-Length: %zu\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n%s\n",
			 status, text, strlen(why) + 1, why);
	if (n < 0 || (size_t)n >= sizeof(buf) - LWS_PRE ||
	    lws_write(wsi, buf + LWS_PRE, (size_t)n, LWS_WRITE_HTTP_HEADERS) < n)
		return -1;
	return 1;
}

/* LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: everything that can be decided
 * without blocking (path, ticket shape, capacity). The ticket itself is
 * redeemed by the hub's worker after the upgrade. */
static int confirm_upgrade(struct gateway *g, struct lws *wsi, const char *proto)
{
	char uri[128], arg[TICKET_LEN + 16];
	const char *ticket;
	struct hub *h = atomic_load(&g->hub);
	if (!proto || strcmp(proto, "websocket") != 0)
		return refuse(wsi, 400, "only WebSocket upgrades are served");
	if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) <= 0 || strcmp(uri, "/realtime") != 0)
		return refuse(wsi, 404, "no WebSocket here: connect to /realtime?ticket=...");
	if (!(ticket = lws_get_urlarg_by_name(wsi, "ticket=", arg, sizeof(arg))) || !*ticket) {
		metrics_counter_add("todod_realtime_tickets_total", "result=\"refused\"", 1);
		return refuse(wsi, 401, "no ticket: connect with ?ticket= from POST /api/{user_id}/realtime/tickets");
	}
	if (strlen(ticket) != TICKET_LEN || strspn(ticket, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != TICKET_LEN) {
		metrics_counter_add("todod_realtime_tickets_total", "result=\"refused\"", 1);
		return refuse(wsi, 401, "ticket is malformed: expected 43 base64url characters");
	}
	if (!h)
		return refuse(wsi, 503, "real-time service is starting");
	if (atomic_load(&g->stop) || !hub_admit(h))
		return refuse(wsi, 503, "too many real-time connections on this replica");
	return 0;
}

static void flush_dirty(struct hub *h)
{
	struct rt_conn *batch[256];
	size_t n;
	while ((n = hub_take_dirty(h, batch, 256)) > 0)
		for (size_t i = 0; i < n; i++)
			lws_callback_on_writable(hub_conn_wsi(batch[i]));
}

static int ws_receive(struct gateway *g, struct lws *wsi, struct session *s, const void *in, size_t len)
{
	struct hub *h = atomic_load(&g->hub);
	s->last_seen = time(NULL);
	if (!s->conn || !h)
		return -1;
	if (!s->rx)
		s->rx = xmalloc(RT_FRAME_MAX + 1);
	if (!s->rx_too_big && s->rx_len + len <= RT_FRAME_MAX) {
		memcpy(s->rx + s->rx_len, in, len);
		s->rx_len += len;
	} else if (!s->rx_too_big) {
		s->rx_too_big = true;
		hub_conn_too_big(h, s->conn);
	}
	if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
		return 0;
	if (!s->rx_too_big)
		hub_conn_receive(h, s->conn, s->rx, s->rx_len);
	s->rx_len = 0;
	flush_dirty(h);
	return 0;
}

static int ws_writeable(struct gateway *g, struct lws *wsi, struct session *s)
{
	struct hub *h = atomic_load(&g->hub);
	if (!s->conn || !h)
		return 0;
	bool more = false;
	struct frame *f = hub_conn_next(h, s->conn, &more);
	if (!f)
		return 0;
	unsigned char *text = f->data + FRAME_HEADROOM;
	if (f->close_code) {
		lws_close_reason(wsi, (enum lws_close_status)f->close_code, text, f->len);
		frame_unref(f);
		return -1;
	}
	int w = lws_write(wsi, text, f->len, LWS_WRITE_TEXT);
	char label[48];
	snprintf(label, sizeof(label), "type=\"%s\"", f->type);
	frame_unref(f);
	if (w < 0)
		return -1;
	metrics_counter_add("todod_realtime_messages_sent_total", label, 1);
	if (more)
		lws_callback_on_writable(wsi);
	return 0;
}

static void ws_closed(struct gateway *g, struct session *s)
{
	struct hub *h = atomic_load(&g->hub);
	if (s->conn && h) {
		bool dead = time(NULL) - s->last_seen >= 2 * (time_t)g->keepalive.secs_since_valid_ping;
		hub_conn_close(h, s->conn, dead);
	}
	s->conn = NULL;
	free(s->rx);
	s->rx = NULL;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct session *s = user;
	struct gateway *g = lws_context_user(lws_get_context(wsi));
	switch (reason) {
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		return confirm_upgrade(g, wsi, in);
	case LWS_CALLBACK_ESTABLISHED: {
		/* The upgrade's headers are still readable here (detached right after). */
		char arg[TICKET_LEN + 16];
		const char *ticket;
		struct hub *h = atomic_load(&g->hub);
		if (!h || !(ticket = lws_get_urlarg_by_name(wsi, "ticket=", arg, sizeof(arg))))
			return -1;
		memset(s, 0, sizeof(*s));
		s->last_seen = time(NULL);
		s->conn = hub_conn_open(h, ticket, wsi);
		break;
	}
	case LWS_CALLBACK_RECEIVE:
		return ws_receive(g, wsi, s, in, len);
	case LWS_CALLBACK_RECEIVE_PONG:
		s->last_seen = time(NULL);
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return ws_writeable(g, wsi, s);
	case LWS_CALLBACK_CLOSED:
		ws_closed(g, s);
		break;
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED: {
		struct hub *h = atomic_load(&g->hub);
		if (h)
			flush_dirty(h);
		break;
	}
	case LWS_CALLBACK_HTTP: {
		const char *path = in ? in : "/";
		unsigned status;
		const char *type;
		char *body;
		if (!lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) &&
		    !lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI)) {
			status = 405;
			type = "text/plain; charset=utf-8";
			body = xstrdup("only GET and HEAD are allowed\n");
		} else {
			body = render(g, path, &status, &type);
		}
		return answer(wsi, s, status, type, body);
	}
	case LWS_CALLBACK_HTTP_WRITEABLE: {
		if (!s || !s->body)
			break;
		size_t n = s->len - s->off < CHUNK ? s->len - s->off : CHUNK;
		unsigned char *buf = xmalloc(LWS_PRE + n + 1);
		memcpy(buf + LWS_PRE, s->body + s->off, n);
		bool last = s->off + n == s->len;
		int w = lws_write(wsi, buf + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP);
		free(buf);
		if (w < (int)n)
			return -1;
		s->off += n;
		if (!last) {
			lws_callback_on_writable(wsi);
			break;
		}
		free(s->body);
		s->body = NULL;
		if (lws_http_transaction_completed(wsi))
			return -1;
		break;
	}
	case LWS_CALLBACK_CLOSED_HTTP:
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
		if (s) {
			free(s->body);
			s->body = NULL;
		}
		break;
	default:
		break;
	}
	(void)len;
	return 0;
}

static const struct lws_protocols protocols[] = {
	/* One protocol for HTTP and WebSocket: a WebSocket without a
	 * subprotocol binds to the vhost's first protocol. */
	{ "http", callback, sizeof(struct session), RT_FRAME_MAX, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 },
};

static void *service(void *arg)
{
	struct gateway *g = arg;
	while (!atomic_load(&g->stop))
		if (lws_service(g->ctx, 0) < 0)
			break;
	return NULL;
}

static void lws_to_our_log(int level, const char *line)
{
	size_t n = strlen(line);
	while (n && line[n - 1] == '\n')
		n--;
	if (level & LLL_ERR)
		log_warn("http gateway", "lws=\"%.*s\"", (int)n, line);
}

int gateway_start(const struct gateway_opts *opts, struct gateway **out, int *port)
{
	lws_set_log_level(LLL_ERR, lws_to_our_log);
	struct gateway *g = xcalloc(1, sizeof(*g));
	g->opts = *opts;
	atomic_init(&g->stop, false);
	atomic_init(&g->hub, NULL);
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof(info));
	info.port = opts->port;   /* 0: a free port */
	info.iface = opts->address;
	info.protocols = protocols;
	info.user = g;
	info.options = LWS_SERVER_OPTION_DISABLE_IPV6 | LWS_SERVER_OPTION_HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE;
	info.timeout_secs = 10;
	int ping = opts->ping_s > 0 ? opts->ping_s : 30;
	g->keepalive.secs_since_valid_ping = (uint16_t)ping;
	g->keepalive.secs_since_valid_hangup = (uint16_t)(2 * ping);
	info.retry_and_idle_policy = &g->keepalive;
	g->ctx = lws_create_context(&info);
	if (!g->ctx) {
		free(g);
		return TODO_EUNAVAIL;
	}
	struct lws_vhost *vh = lws_get_vhost_by_name(g->ctx, "default");
	int bound = vh ? lws_get_vhost_listen_port(vh) : opts->port;
	if (pthread_create(&g->thread, NULL, service, g) != 0) {
		lws_context_destroy(g->ctx);
		free(g);
		return TODO_EINTERNAL;
	}
	if (port)
		*port = bound;
	*out = g;
	return 0;
}

static void wake(void *ctx)
{
	struct gateway *g = ctx;
	lws_cancel_service(g->ctx);
}

void gateway_attach_hub(struct gateway *g, struct hub *h)
{
	hub_set_wake(h, wake, g);
	atomic_store(&g->hub, h);
}

void gateway_stop(struct gateway *g)
{
	if (!g)
		return;
	struct hub *h = atomic_load(&g->hub);
	if (h && hub_shutdown(h) > 0) {
		/* Let the service thread send the 1001 closes, for at most 2 s. */
		lws_cancel_service(g->ctx);
		for (int i = 0; i < 200 && hub_open_count(h) > 0; i++)
			usleep(10 * 1000);
	}
	atomic_store(&g->stop, true);
	lws_cancel_service(g->ctx);
	pthread_join(g->thread, NULL);
	lws_context_destroy(g->ctx);
	free(g);
}
