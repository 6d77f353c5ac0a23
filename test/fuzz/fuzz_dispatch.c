/*
 * libFuzzer target for the whole request path: the real AppCallback
 * dispatcher (src/callback/appcallback.c) with everything below it — route
 * table, authentication, handlers, codecs, validation, the filter language
 * and the SQL builders — down to the database call, which is the recording
 * stub of db_stub.c (every statement is checked, then fails as if the
 * database were down).
 *
 * An input is text with four header lines, then the body:
 *
 *     VERB or TOPIC:<topic> or JOB:<name> or METHOD:<grpc method>
 *     path                    (OnInvoke: the route; TOPIC/JOB: ignored)
 *     query string
 *     auth: "token" (a valid bearer token for user "fuzz"), "none", or a raw header value
 *     body bytes...
 *
 * Whatever the input, the call must come back with a known status, a
 * message for every failure, and no status that blames the server
 * (INTERNAL, UNKNOWN) — a 5xx on client input is a bug; UNAVAILABLE is the
 * stub's database. ASan/UBSan catch the rest. Seeds for every route are in
 * corpus/dispatch/, the filter language's words in dispatch.dict:
 *
 *     build-fuzz/test/fuzz/fuzz-dispatch -dict=test/fuzz/dispatch.dict \
 *         -max_total_time=600 CORPUS_DIR test/fuzz/corpus/dispatch
 */
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "auth/jwt.h"
#include "base/log.h"
#include "config.h"
#include "callback/appcallback.h"
#include "dapr/dapr_client.h"
#include "dapr/proto/common/v1/common.pb-c.h"
#include "dapr/proto/runtime/v1/appcallback.pb-c.h"
#include "rpc/rpc.h"
#include "service/probe.h"

#define KEY "fuzz-only-hs256-key-0123456789abcdef"
#define USER "fuzz"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct config cfg;
static struct app app;
static char *bearer;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct err e;
	setenv("TODOD_LOG_LEVEL", "off", 1);
	setenv("DAPR_GRPC_PORT", "1", 1);       /* nothing listens: no daprd */
	if (config_load(&cfg, &e) != 0) {
		fprintf(stderr, "fuzz_dispatch: %s\n", e.msg);
		abort();
	}
	log_set_level(LOG_OFF);
	rpc_init();
	app.cfg = &cfg;
	atomic_init(&app.ready, true);
	atomic_init(&app.db_ok_ms, 1);
	app.db_stale_ms = 1000;
	app.jwt_key = (const uint8_t *)KEY;
	app.jwt_key_len = strlen(KEY);
	app.probes = probe_log_new();
	app.dapr = dapr_client_new(cfg.dapr_addr, NULL, cfg.max_message_bytes);
	char *tok = auth_mint_token(USER, app.jwt_key, app.jwt_key_len, time(NULL), 365L * 86400);
	size_t n = strlen(tok) + 8;
	bearer = malloc(n);
	snprintf(bearer, n, "Bearer %s", tok);
	free(tok);
	return 0;
}

/* The next line of [*p, end) as a NUL-terminated copy; advances *p. */
static char *line(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t n = (size_t)((nl ? nl : end) - *p);
	char *s = malloc(n + 1);
	memcpy(s, *p, n);
	s[n] = '\0';
	*p = nl ? nl + 1 : end;
	return s;
}

static int verb_of(const char *s)
{
	static const char *const names[] = { "", "GET", "HEAD", "POST", "PUT", "DELETE",
					     "CONNECT", "OPTIONS", "TRACE", "PATCH" };
	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return atoi(s);   /* out-of-range verbs too */
}

static void run(const char *method, const ProtobufCMessage *msg, const char *auth)
{
	size_t len = protobuf_c_message_get_packed_size(msg);
	uint8_t *buf = malloc(len ? len : 1);
	protobuf_c_message_pack(msg, buf);
	struct rpc_md md[1] = { { "authorization", auth } };
	struct rpc_call call = {
		.method = method, .req = buf, .req_len = len,
		.md = md, .md_count = auth ? 1 : 0, .status = RPC_OK,
	};
	appcallback_handle(&app, &call);
	if (call.status != RPC_OK && (call.status == RPC_INTERNAL || call.status == RPC_UNKNOWN ||
				      !call.status_msg || !call.status_msg[0])) {
		fprintf(stderr, "fuzz_dispatch: %s answered %s \"%s\"\n", method,
			rpc_code_name(call.status), call.status_msg ? call.status_msg : "(none)");
		abort();
	}
	free(call.resp);
	free(call.status_msg);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	char *head = line(&p, end), *path = line(&p, end), *query = line(&p, end);
	char *authmode = line(&p, end);
	const char *auth = strcmp(authmode, "token") == 0 ? bearer
			 : strcmp(authmode, "none") == 0 ? NULL : authmode;
	size_t body_len = (size_t)(end - p);

	if (strncmp(head, "TOPIC:", 6) == 0) {
		Dapr__Proto__Runtime__V1__TopicEventRequest in = DAPR__PROTO__RUNTIME__V1__TOPIC_EVENT_REQUEST__INIT;
		in.id = query;
		in.topic = head + 6;
		in.pubsub_name = "pubsub";
		in.type = "com.example";
		in.data_content_type = path;
		in.data.data = (uint8_t *)p;
		in.data.len = body_len;
		run("/dapr.proto.runtime.v1.AppCallback/OnTopicEvent", &in.base, auth);
	} else if (strncmp(head, "JOB:", 4) == 0) {
		Google__Protobuf__Any any = GOOGLE__PROTOBUF__ANY__INIT;
		any.type_url = path;
		any.value.data = (uint8_t *)p;
		any.value.len = body_len;
		Dapr__Proto__Runtime__V1__JobEventRequest in = DAPR__PROTO__RUNTIME__V1__JOB_EVENT_REQUEST__INIT;
		in.name = head + 4;
		in.method = query;
		in.data = &any;
		run("/dapr.proto.runtime.v1.AppCallback/OnJobEvent", &in.base, auth);
		run("/dapr.proto.runtime.v1.AppCallbackAlpha/OnJobEventAlpha1", &in.base, auth);
	} else if (strncmp(head, "METHOD:", 7) == 0) {
		/* Raw bytes as the request message of any method. */
		Google__Protobuf__Any any = GOOGLE__PROTOBUF__ANY__INIT;
		any.type_url = path;
		any.value.data = (uint8_t *)p;
		any.value.len = body_len;
		run(head + 7, &any.base, auth);
	} else {
		Google__Protobuf__Any any = GOOGLE__PROTOBUF__ANY__INIT;
		any.type_url = "";
		any.value.data = (uint8_t *)p;
		any.value.len = body_len;
		Dapr__Proto__Common__V1__HTTPExtension ext = DAPR__PROTO__COMMON__V1__HTTPEXTENSION__INIT;
		ext.verb = verb_of(head);
		ext.querystring = query;
		Dapr__Proto__Common__V1__InvokeRequest in = DAPR__PROTO__COMMON__V1__INVOKE_REQUEST__INIT;
		in.method = path;
		in.data = &any;
		in.content_type = "application/json";
		in.http_extension = &ext;
		run("/dapr.proto.runtime.v1.AppCallback/OnInvoke", &in.base, auth);
	}
	free(head);
	free(path);
	free(query);
	free(authmode);
	return 0;
}
