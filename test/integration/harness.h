/*
 * harness.h - run the real todod binary as a child process and talk to its
 * AppCallback service over gRPC with the project's own rpc client, the way
 * daprd does. Used by the integration suites only.
 *
 * Children get the test's environment without any TODOD_*, DAPR_* or
 * APP_API_TOKEN variable (so a developer's shell cannot change what is
 * tested), plus the variables the suite passes. Their stdout goes to the
 * test's stderr: stdout carries TAP. Each child gets PR_SET_PDEATHSIG, so a
 * crashed test leaves no todod behind.
 *
 * Every wait has a deadline; nothing sleeps a fixed time.
 */
#ifndef TODOD_TEST_HARNESS_H
#define TODOD_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

#include "rpc/rpc.h"

#define HARNESS_HEALTH_METHOD "/dapr.proto.runtime.v1.AppCallbackHealthCheck/HealthCheck"
#define HARNESS_CALL_TIMEOUT_MS 10000

/* A running todod server. */
struct harness_todod {
	pid_t pid;                  /* 0 once reaped */
	int port;                   /* its gRPC app port on 127.0.0.1 */
	char target[64];            /* "127.0.0.1:<port>" */
	struct rpc_client *client;  /* a client without dapr-api-token */
};

/* The outcome of one OnInvoke call. */
struct harness_reply {
	int status;                 /* enum rpc_code */
	char *msg;                  /* status message (malloc'd), "" when none */
	char *body;                 /* InvokeResponse data.value, NUL-terminated (malloc'd), or NULL */
	size_t body_len;
	char *content_type;         /* InvokeResponse content_type (malloc'd), or NULL */
	json_t *json;               /* body parsed as JSON, or NULL */
};

/* harness_free_port - a TCP port on 127.0.0.1 that nothing listened on a
 * moment ago (bind to port 0, read it, close). Returns -1 on failure. */
int harness_free_port(void);

/* harness_run - run @bin with @argv (argv[0] included, NULL-terminated) and
 * the extra environment @env ("K=V", NULL-terminated) to completion, for at
 * most @timeout_ms. Stores the wait status in *@status and returns 0, or
 * returns -1 (spawn failure or timeout; the child is killed). */
int harness_run(const char *bin, const char *const *argv, const char *const *env,
		int timeout_ms, int *status);

/* harness_start - start `@bin` (serve) on a fresh port with the extra
 * environment @env; TODOD_APP_PORT is added here, and TODOD_HTTP_PORT=0
 * (any free port) unless @env sets it. Does not wait for
 * readiness. Returns 0 or -1; on success the caller owns @t and ends it
 * with harness_stop() or harness_kill(). */
int harness_start(struct harness_todod *t, const char *bin, const char *const *env);

/* harness_health - one HealthCheck call; returns its rpc status and, if
 * @msg is non-NULL, the status message (malloc'd or NULL). */
int harness_health(struct harness_todod *t, char **msg);

/* harness_wait_healthy - poll HealthCheck until it answers OK, the child
 * exits, or @timeout_ms pass. Returns 0 when healthy, else -1 with the
 * reason in @why. */
int harness_wait_healthy(struct harness_todod *t, int timeout_ms, char *why, size_t whysz);

/* harness_alive - true while the child has not exited (reaps it if it has,
 * storing its wait status in *@status when non-NULL). */
bool harness_alive(struct harness_todod *t, int *status);

/* harness_stop - send @sig and wait up to @timeout_ms for the child to exit.
 * Returns 0 with the wait status in *@status, or -1 on timeout (the child is
 * still running). Frees the client either way. */
int harness_stop(struct harness_todod *t, int sig, int timeout_ms, int *status);

/* harness_kill - SIGKILL and reap, if still running; free the client.
 * For clean-up paths. Safe to call twice. */
void harness_kill(struct harness_todod *t);

/* harness_invoke - one OnInvoke call: InvokeRequest{method = @path,
 * data = Any{type_url "", value = @body}, content_type application/json,
 * http_extension = {@verb, @query}} with metadata `authorization:
 * @authorization` (when non-NULL) and the @nextra pairs of @extra.
 * Always fills @r (release with harness_reply_release); returns r->status. */
int harness_invoke(struct harness_todod *t, int verb, const char *path, const char *query,
		   const void *body, size_t body_len, const char *authorization,
		   const struct rpc_md *extra, size_t nextra, struct harness_reply *r);
void harness_reply_release(struct harness_reply *r);

#endif
