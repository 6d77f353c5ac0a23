/* harness.c - todod child processes and OnInvoke calls for integration tests. */
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dapr/proto/common/v1/common.pb-c.h"

extern char **environ;

#define POLL_INTERVAL_MS 25

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The pause between two polls of a condition that has a deadline. */
static void poll_pause(void)
{
	struct timespec ts = { 0, POLL_INTERVAL_MS * 1000000L };
	nanosleep(&ts, NULL);
}

int harness_free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(a);
	int port = -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static bool inherited(const char *kv)
{
	return strncmp(kv, "TODOD_", 6) != 0 && strncmp(kv, "DAPR_", 5) != 0 &&
	       strncmp(kv, "APP_API_TOKEN=", 14) != 0;
}

/* The child's environment: filtered environ + @extra. Pointers only: the
 * strings stay owned by environ and the caller. Free the array. */
static char **child_env(const char *const *extra)
{
	size_t n = 0, m = 0;
	for (char **p = environ; *p; p++)
		n++;
	for (const char *const *p = extra; p && *p; p++)
		m++;
	char **env = calloc(n + m + 1, sizeof(*env));
	if (!env)
		return NULL;
	size_t k = 0;
	for (char **p = environ; *p; p++)
		if (inherited(*p))
			env[k++] = *p;
	for (const char *const *p = extra; p && *p; p++)
		env[k++] = (char *)*p;
	env[k] = NULL;
	return env;
}

/* fork + execve. Everything is prepared before fork: the test process has
 * gRPC threads, so the child may only make async-signal-safe calls. */
static pid_t spawn(const char *bin, const char *const *argv, const char *const *extra)
{
	char **env = child_env(extra);
	if (!env)
		return -1;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		dup2(STDERR_FILENO, STDOUT_FILENO);   /* stdout is the TAP stream */
		execve(bin, (char *const *)argv, env);
		_exit(127);
	}
	free(env);
	if (pid < 0)
		fprintf(stderr, "# harness: fork failed: %s\n", strerror(errno));
	return pid;
}

/* Wait for @pid until @deadline (monotonic ms). 1 = exited, 0 = timeout. */
static int wait_until(pid_t pid, long long deadline, int *status)
{
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return 1;
		if (mono_ms() >= deadline)
			return 0;
		poll_pause();
	}
}

int harness_run(const char *bin, const char *const *argv, const char *const *env,
		int timeout_ms, int *status)
{
	pid_t pid = spawn(bin, argv, env);
	if (pid < 0)
		return -1;
	if (!wait_until(pid, mono_ms() + timeout_ms, status)) {
		fprintf(stderr, "# harness: %s %s did not finish within %d ms\n", bin,
			argv[1] ? argv[1] : "", timeout_ms);
		kill(pid, SIGKILL);
		waitpid(pid, status, 0);
		return -1;
	}
	return 0;
}

int harness_start(struct harness_todod *t, const char *bin, const char *const *env)
{
	memset(t, 0, sizeof(*t));
	t->port = harness_free_port();
	if (t->port < 0)
		return -1;
	char port_kv[32];
	snprintf(port_kv, sizeof(port_kv), "TODOD_APP_PORT=%d", t->port);
	size_t n = 0;
	bool has_http = false;
	for (const char *const *p = env; p && *p; p++, n++)
		has_http |= strncmp(*p, "TODOD_HTTP_PORT=", 16) == 0;
	const char **all = calloc(n + 3, sizeof(*all));
	if (!all)
		return -1;
	for (size_t i = 0; i < n; i++)
		all[i] = env[i];
	all[n++] = port_kv;
	/* Several servers run at once: their HTTP ports must not collide. */
	if (!has_http)
		all[n++] = "TODOD_HTTP_PORT=0";
	const char *argv[] = { bin, NULL };
	t->pid = spawn(bin, argv, all);
	free(all);
	if (t->pid < 0) {
		t->pid = 0;
		return -1;
	}
	snprintf(t->target, sizeof(t->target), "127.0.0.1:%d", t->port);
	t->client = rpc_client_new(t->target, NULL, 16u << 20);
	return 0;
}

int harness_health(struct harness_todod *t, char **msg)
{
	struct rpc_reply r;
	int st = rpc_client_call(t->client, HARNESS_HEALTH_METHOD, NULL, 0, NULL, 0, 2000, &r);
	if (msg) {
		*msg = r.status_msg;
		r.status_msg = NULL;
	}
	rpc_reply_release(&r);
	return st;
}

bool harness_alive(struct harness_todod *t, int *status)
{
	int st = 0;
	if (t->pid <= 0)
		return false;
	pid_t r = waitpid(t->pid, &st, WNOHANG);
	if (r == 0)
		return true;
	t->pid = 0;
	if (status)
		*status = st;
	return false;
}

/* Whether something accepts TCP connections on 127.0.0.1:@port. */
static bool port_open(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return false;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bool ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

int harness_wait_healthy(struct harness_todod *t, int timeout_ms, char *why, size_t whysz)
{
	long long deadline = mono_ms() + timeout_ms;
	int last = -1;
	char *msg = NULL;
	for (;;) {
		int st;
		if (!harness_alive(t, &st)) {
			snprintf(why, whysz, "todod exited before it was healthy (%s %d)",
				 WIFEXITED(st) ? "exit status" : "signal",
				 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
			free(msg);
			return -1;
		}
		free(msg);
		msg = NULL;
		/* Wait for the port before the first gRPC call: a refused
		 * connection puts the channel into reconnect back-off (1 s,
		 * then longer), which would slow every start by seconds. */
		if (port_open(t->port))
			last = harness_health(t, &msg);
		else
			last = RPC_UNAVAILABLE;
		if (last == RPC_OK) {
			free(msg);
			return 0;
		}
		if (mono_ms() >= deadline)
			break;
		poll_pause();
	}
	snprintf(why, whysz, "HealthCheck still %s (%s) after %d ms", rpc_code_name(last),
		 msg ? msg : "", timeout_ms);
	free(msg);
	return -1;
}

int harness_stop(struct harness_todod *t, int sig, int timeout_ms, int *status)
{
	rpc_client_free(t->client);
	t->client = NULL;
	if (t->pid <= 0)
		return -1;
	kill(t->pid, sig);
	if (!wait_until(t->pid, mono_ms() + timeout_ms, status))
		return -1;
	t->pid = 0;
	return 0;
}

void harness_kill(struct harness_todod *t)
{
	rpc_client_free(t->client);
	t->client = NULL;
	if (t->pid > 0) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, NULL, 0);
		t->pid = 0;
	}
}

int harness_invoke(struct harness_todod *t, int verb, const char *path, const char *query,
		   const void *body, size_t body_len, const char *authorization,
		   const struct rpc_md *extra, size_t nextra, struct harness_reply *r)
{
	memset(r, 0, sizeof(*r));
	Google__Protobuf__Any any = GOOGLE__PROTOBUF__ANY__INIT;
	any.type_url = "";
	any.value.data = (uint8_t *)body;
	any.value.len = body_len;
	Dapr__Proto__Common__V1__HTTPExtension ext = DAPR__PROTO__COMMON__V1__HTTPEXTENSION__INIT;
	ext.verb = (Dapr__Proto__Common__V1__HTTPExtension__Verb)verb;
	ext.querystring = (char *)(query ? query : "");
	Dapr__Proto__Common__V1__InvokeRequest req = DAPR__PROTO__COMMON__V1__INVOKE_REQUEST__INIT;
	req.method = (char *)path;
	req.data = body_len ? &any : NULL;
	req.content_type = "application/json";
	req.http_extension = &ext;

	size_t len = protobuf_c_message_get_packed_size(&req.base);
	uint8_t *buf = malloc(len ? len : 1);
	struct rpc_md *md = calloc(nextra + 1, sizeof(*md));
	if (!buf || !md)
		abort();
	protobuf_c_message_pack(&req.base, buf);
	size_t nmd = 0;
	if (authorization)
		md[nmd++] = (struct rpc_md){ "authorization", authorization };
	for (size_t i = 0; i < nextra; i++)
		md[nmd++] = extra[i];

	struct rpc_reply rr;
	r->status = rpc_client_call(t->client, "/dapr.proto.runtime.v1.AppCallback/OnInvoke",
				    md, nmd, buf, len, HARNESS_CALL_TIMEOUT_MS, &rr);
	free(md);
	free(buf);
	r->msg = rr.status_msg ? rr.status_msg : strdup("");
	rr.status_msg = NULL;
	if (r->status == RPC_OK) {
		Dapr__Proto__Common__V1__InvokeResponse *out =
			dapr__proto__common__v1__invoke_response__unpack(NULL, rr.len, rr.data);
		if (!out) {
			r->status = RPC_DATA_LOSS;   /* the test reports it as a bad reply */
			free(r->msg);
			r->msg = strdup("harness: could not decode InvokeResponse");
		} else {
			if (out->data) {
				r->body_len = out->data->value.len;
				r->body = malloc(r->body_len + 1);
				if (!r->body)
					abort();
				memcpy(r->body, out->data->value.data, r->body_len);
				r->body[r->body_len] = '\0';
				r->json = json_loadb(r->body, r->body_len, 0, NULL);
			}
			if (out->content_type)
				r->content_type = strdup(out->content_type);
			dapr__proto__common__v1__invoke_response__free_unpacked(out, NULL);
		}
	}
	rpc_reply_release(&rr);
	return r->status;
}

void harness_reply_release(struct harness_reply *r)
{
	free(r->msg);
	free(r->body);
	free(r->content_type);
	json_decref(r->json);
	memset(r, 0, sizeof(*r));
}
