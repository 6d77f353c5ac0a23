#include "realtime/gateway.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/strbuf.h"

struct gateway {
	struct gateway_opts opts;
	struct lws_context *ctx;
	pthread_t thread;
	atomic_bool stop;
};

/* One HTTP transaction: the whole answer is made up front, then written
 * in pieces as the socket takes them. */
struct session {
	char *body;
	size_t len, off;
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

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct session *s = user;
	struct gateway *g = lws_context_user(lws_get_context(wsi));
	switch (reason) {
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
	{ "http", callback, sizeof(struct session), 0, 0, NULL, 0 },
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
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof(info));
	info.port = opts->port;   /* 0: a free port */
	info.iface = opts->address;
	info.protocols = protocols;
	info.user = g;
	info.options = LWS_SERVER_OPTION_DISABLE_IPV6 | LWS_SERVER_OPTION_HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE;
	info.timeout_secs = 10;
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

void gateway_stop(struct gateway *g)
{
	if (!g)
		return;
	atomic_store(&g->stop, true);
	lws_cancel_service(g->ctx);
	pthread_join(g->thread, NULL);
	lws_context_destroy(g->ctx);
	free(g);
}
