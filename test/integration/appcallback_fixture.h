/* appcallback_fixture.h - see appcallback_fixture.c. */
#ifndef TODOD_TEST_APPCALLBACK_FIXTURE_H
#define TODOD_TEST_APPCALLBACK_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <jansson.h>
#include <jwt.h>
#include <libpq-fe.h>

#include "auth/jwt.h"
#include "dapr/proto/common/v1/common.pb-c.h"
#include "dapr/proto/runtime/v1/appcallback.pb-c.h"
#include "harness.h"
#include "http/http.h"
#include "base/strbuf.h"
#include "rpc/rpc.h"
#include "service/filter.h"
#include "todod_build.h"

#define TEST_KEY "todod-integration-test-hs256-key-0123456789"
#define OTHER_KEY "some-other-hs256-key-that-todod-does-not-know"
#define READY_TIMEOUT_MS 30000
#define STOP_TIMEOUT_MS 5000
#define PG_RESTART_TIMEOUT_MS 60000
#define MAX_BODY 65536   /* todod's default TODOD_MAX_BODY_BYTES */
#define SVC "/dapr.proto.runtime.v1.AppCallback/"

extern const char *todod_bin;
extern const char *db_url;
extern const char *source_root;
extern char db_kv[1024];
extern char dapr_port_kv[64];
extern struct harness_todod srv;        /* the instance most tests talk to */
extern char *auth_alice;                /* "Bearer <token for alice>" */
extern char *auth_bob;
extern const char *missing_env;

void server_env(const char *env[8], const char *extra);
int migrate(const char *a1, const char *a2);
void start_server(struct harness_todod *t, const char *extra_env);
void stop_server_cleanly(struct harness_todod *t);
char *bearer(char *token);
char *craft(jwt_alg_t alg, const char *key, const char *claims);
char *mint(const char *sub, time_t now, long ttl);
const char *verb_name(int verb);
int invoke(struct harness_todod *t, int verb, const char *path, const char *query,
		  const char *body, size_t len, const char *auth, struct harness_reply *r);
json_t *call_ok(int verb, const char *path, const char *query, const char *body,
		       const char *auth);
void call_err_on(struct harness_todod *t, int verb, const char *path, const char *query,
			const char *body, size_t len, const char *auth, int code, const char *want);
void call_err(int verb, const char *path, const char *query, const char *body,
		     const char *auth, int code, const char *want);
int call_method(struct harness_todod *t, const char *method, const ProtobufCMessage *msg,
		       const struct rpc_md *md, size_t nmd, struct rpc_reply *reply);
json_int_t jint(json_t *o, const char *key);
const char *jstr(json_t *o, const char *key);
bool jbool(json_t *o, const char *key);
void task_path(char *buf, size_t size, const char *user, json_int_t id, const char *tail);
void tasks_path(char *buf, size_t size, const char *user);
json_t *create_task(const char *user, const char *auth, const char *title,
			   const char *description);
json_t *get_task(const char *user, const char *auth, json_int_t id);
json_t *list_tasks(const char *user, const char *auth, const char *query);
bool list_has(json_t *list, json_int_t id);
char *db_fingerprint(void);
void assert_fingerprint(const char *before);
char *repeat(const char *ch, size_t n);
char *body_with(const char *key, const char *value);
int group_setup(void **state);
int group_teardown(void **state);
void test_environment(void **state);

/* job_event - OnJobEvent(Alpha1) @method for job @name; the status. */
int job_event(struct harness_todod *t, const char *method, const char *name,
	      const struct rpc_md *md, size_t nmd);

int fixture_run(const char *name, const struct CMUnitTest *tests, size_t n);

#endif
