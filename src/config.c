#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "todod_build.h"

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && *v ? v : def;
}

static int env_long(const char *name, long def, long min, long max, long *out, struct err *e)
{
	const char *v = getenv(name);
	if (!v || !*v) {
		*out = def;
		return 0;
	}
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || *end || n < min || n > max)
		return err_set(e, TODO_EINVAL, name, "%s=\"%s\" is not an integer in [%ld, %ld]",
			       name, v, min, max);
	*out = n;
	return 0;
}

int config_load(struct config *c, struct err *e)
{
	memset(c, 0, sizeof(*c));
	/* Zeroed: gcc -O3 cannot see that env_long sets them whenever it returns 0. */
	long queue = 0, rps = 0, burst = 0, lag = 0, health = 0, http_port = 0;
	long port = 0, workers = 0, maxmsg = 0, maxbody = 0, grace = 0, startup = 0, dapr_port = 0;
	long batch = 0, poll = 0, rpar = 0, recon = 0, rgrace = 0;
	long ttl = 0, rtmax = 0, rtuser = 0, rtq = 0, rtping = 0, fage = 0, fcount = 0;
	int rc;
	if ((rc = env_long("TODOD_APP_PORT", 50051, 0, 65535, &port, e)) ||
	    (rc = env_long("DAPR_GRPC_PORT", 50001, 1, 65535, &dapr_port, e)) ||
	    (rc = env_long("TODOD_WORKERS", 16, 1, 1024, &workers, e)) ||
	    (rc = env_long("TODOD_MAX_MESSAGE_BYTES", 4L << 20, 4096, 64L << 20, &maxmsg, e)) ||
	    (rc = env_long("TODOD_MAX_BODY_BYTES", 64L << 10, 1024, 16L << 20, &maxbody, e)) ||
	    (rc = env_long("TODOD_SHUTDOWN_GRACE_MS", 10000, 0, 600000, &grace, e)) ||
	    (rc = env_long("TODOD_STARTUP_TIMEOUT_MS", 60000, 0, 3600000, &startup, e)) ||
	    (rc = env_long("TODOD_RELAY_BATCH", 500, 1, 10000, &batch, e)) ||
	    (rc = env_long("TODOD_RELAY_POLL_MS", 50, 1, 60000, &poll, e)) ||
	    (rc = env_long("TODOD_RELAY_PARALLEL", 8, 1, 64, &rpar, e)) ||
	    (rc = env_long("TODOD_RECONCILE_INTERVAL_MS", 15000, 100, 3600000, &recon, e)) ||
	    (rc = env_long("TODOD_REMINDER_GRACE_S", 10, 1, 3600, &rgrace, e)) ||
	    (rc = env_long("TODOD_QUEUE_MAX", 128, 1, 100000, &queue, e)) ||
	    (rc = env_long("TODOD_RATE_LIMIT_RPS", 50, 0, 1000000, &rps, e)) ||
	    (rc = env_long("TODOD_RATE_LIMIT_BURST", 200, 1, 1000000, &burst, e)) ||
	    (rc = env_long("TODOD_MAX_EVENT_LAG_MS", 10000, 0, 3600000, &lag, e)) ||
	    (rc = env_long("TODOD_HEALTH_INTERVAL_MS", 1000, 50, 60000, &health, e)) ||
	    (rc = env_long("TODOD_HTTP_PORT", 8080, -1, 65535, &http_port, e)) ||
	    (rc = env_long("TODOD_TICKET_TTL_S", 30, 1, 3600, &ttl, e)) ||
	    (rc = env_long("TODOD_RT_MAX_CONNECTIONS", 10000, 1, 1000000, &rtmax, e)) ||
	    (rc = env_long("TODOD_RT_MAX_PER_USER", 20, 1, 100000, &rtuser, e)) ||
	    (rc = env_long("TODOD_RT_QUEUE_MAX", 256, 4, 100000, &rtq, e)) ||
	    (rc = env_long("TODOD_RT_PING_S", 30, 1, 3600, &rtping, e)) ||
	    (rc = env_long("TODOD_FEED_RETENTION_S", 86400, 0, 365L * 86400, &fage, e)) ||
	    (rc = env_long("TODOD_FEED_RETENTION_COUNT", 10000, 0, 100000000, &fcount, e)))
		return rc;
	snprintf(c->listen_addr, sizeof(c->listen_addr), "%s:%ld",
		 env_or("TODOD_APP_ADDRESS", "127.0.0.1"), port);
	const char *dapr_addr = getenv("TODOD_DAPR_ADDRESS");
	if (dapr_addr && *dapr_addr)
		snprintf(c->dapr_addr, sizeof(c->dapr_addr), "%s", dapr_addr);
	else
		snprintf(c->dapr_addr, sizeof(c->dapr_addr), "127.0.0.1:%ld", dapr_port);
	c->http_address = env_or("TODOD_HTTP_ADDRESS", "127.0.0.1");
	c->http_port = (int)http_port;
	c->dapr_api_token = env_or("DAPR_API_TOKEN", NULL);
	c->app_api_token = env_or("APP_API_TOKEN", NULL);
	c->database_url = env_or("TODOD_DATABASE_URL", NULL);
	c->secret_store = env_or("TODOD_SECRET_STORE", "secretstore");
	c->database_secret = env_or("TODOD_DATABASE_SECRET_KEY", "database-url");
	c->jwt_secret_key = env_or("TODOD_JWT_SECRET_KEY", "jwt-secret");
	c->jwt_secret_env = env_or("TODOD_JWT_SECRET", NULL);
	c->pubsub_name = env_or("TODOD_PUBSUB", "pubsub");
	c->migrations_dir = env_or("TODOD_MIGRATIONS_DIR", TODOD_DEFAULT_MIGRATIONS_DIR);
	c->workers = (int)workers;
	c->queue_max = (int)queue;
	c->rate_limit_rps = (int)rps;
	c->rate_limit_burst = (int)burst;
	c->max_event_lag_ms = (int)lag;
	c->health_interval_ms = (int)health;
	c->max_message_bytes = (size_t)maxmsg;
	c->max_body_bytes = (size_t)maxbody;
	c->shutdown_grace_ms = (int)grace;
	c->startup_timeout_ms = (int)startup;
	c->relay_batch = (int)batch;
	c->relay_poll_ms = (int)poll;
	c->relay_parallel = (int)rpar;
	c->reconcile_interval_ms = (int)recon;
	c->reminder_grace_s = (int)rgrace;
	c->broadcast_pubsub = env_or("TODOD_BROADCAST_PUBSUB", "pubsub-broadcast");
	c->state_store = env_or("TODOD_STATE_STORE", "statestore");
	const char *rurl = getenv("TODOD_REALTIME_PUBLIC_URL");
	if (rurl && *rurl)
		snprintf(c->realtime_url, sizeof(c->realtime_url), "%s", rurl);
	else
		snprintf(c->realtime_url, sizeof(c->realtime_url), "ws://127.0.0.1:%ld/realtime",
			 http_port > 0 ? http_port : 8080);
	c->ticket_ttl_s = (int)ttl;
	c->rt_max_connections = (int)rtmax;
	c->rt_max_per_user = (int)rtuser;
	c->rt_queue_max = (int)rtq;
	c->rt_ping_s = (int)rtping;
	c->feed_retention_s = fage;
	c->feed_retention_count = fcount;
	const char *lvl = env_or("TODOD_LOG_LEVEL", "info");
	c->log_level = log_parse_level(lvl);
	if (c->log_level < 0)
		return err_set(e, TODO_EINVAL, "TODOD_LOG_LEVEL",
			       "TODOD_LOG_LEVEL=\"%s\" is not one of debug, info, warn, error, off", lvl);
	const char *diag = env_or("TODOD_DIAGNOSTICS", "0");
	if (strcmp(diag, "0") != 0 && strcmp(diag, "1") != 0)
		return err_set(e, TODO_EINVAL, "TODOD_DIAGNOSTICS",
			       "TODOD_DIAGNOSTICS=\"%s\" must be 0 or 1", diag);
	c->diagnostics = diag[0] == '1';
	const char *met = env_or("TODOD_METRICS", "1");
	if (strcmp(met, "0") != 0 && strcmp(met, "1") != 0)
		return err_set(e, TODO_EINVAL, "TODOD_METRICS",
			       "TODOD_METRICS=\"%s\" must be 0 or 1", met);
	c->metrics = met[0] == '1';
	return 0;
}

void config_usage(FILE *out)
{
	fputs(
"usage: todod                       serve (the Dapr app; daprd connects to it)\n"
"       todod migrate up            apply pending migrations\n"
"       todod migrate down [N]      revert the N latest migrations (default 1)\n"
"       todod migrate status        list migrations as applied or pending\n"
"       todod token SUBJECT [TTL]   print a development HS256 JWT for SUBJECT,\n"
"                                   valid TTL seconds (default 3600); needs TODOD_JWT_SECRET\n"
"       todod --help | --version\n"
"\n"
"environment (default in brackets):\n"
"  TODOD_APP_ADDRESS        address the gRPC app server binds [127.0.0.1]\n"
"  TODOD_APP_PORT           its port; daprd's --app-port [50051]\n"
"  TODOD_HTTP_ADDRESS       address of todod's own HTTP port (/livez, /readyz, /metrics) [127.0.0.1]\n"
"  TODOD_HTTP_PORT          its port; 0 = any free port, -1 = off [8080]\n"
"  DAPR_GRPC_PORT           daprd's gRPC API port on 127.0.0.1 [50001]\n"
"  TODOD_DAPR_ADDRESS       daprd's gRPC API as host:port (overrides DAPR_GRPC_PORT)\n"
"  DAPR_API_TOKEN           sent as dapr-api-token on calls to daprd [unset]\n"
"  APP_API_TOKEN            required as dapr-api-token on calls from daprd [unset]\n"
"  TODOD_DATABASE_URL       libpq connection string [unset: read from the secret store]\n"
"  TODOD_SECRET_STORE       Dapr secret store holding the secrets [secretstore]\n"
"  TODOD_DATABASE_SECRET_KEY  secret holding the database URL [database-url]\n"
"  TODOD_JWT_SECRET_KEY     secret holding the HS256 key [jwt-secret]\n"
"  TODOD_JWT_SECRET         HS256 key from the environment instead (development only)\n"
"  TODOD_PUBSUB             Dapr pub/sub component name [pubsub]\n"
"  TODOD_BROADCAST_PUBSUB   pub/sub component with a consumer group per replica, for real-time\n"
"                           fan-out of task-updates and reminders [pubsub-broadcast]\n"
"  TODOD_STATE_STORE        Dapr state store holding real-time tickets [statestore]\n"
"  TODOD_REALTIME_PUBLIC_URL  WebSocket URL handed out with a ticket\n"
"                           [ws://127.0.0.1:$TODOD_HTTP_PORT/realtime]\n"
"  TODOD_TICKET_TTL_S       lifetime of a real-time ticket, seconds [30]\n"
"  TODOD_RT_MAX_CONNECTIONS open WebSockets per process; beyond it the upgrade gets 503 [10000]\n"
"  TODOD_RT_MAX_PER_USER    open WebSockets per user; beyond it the new socket is closed 4429 [20]\n"
"  TODOD_RT_QUEUE_MAX       frames queued per WebSocket; a live client that falls further\n"
"                           behind is closed with 4001 and resumes by cursor [256]\n"
"  TODOD_RT_PING_S          WebSocket ping interval; no pong within one more: dropped [30]\n"
"  TODOD_FEED_RETENTION_S   change-feed rows kept this long (seconds), 0 = no age bound [86400]\n"
"  TODOD_FEED_RETENTION_COUNT  change-feed rows kept per user, 0 = no count bound [10000]\n"
"  TODOD_MIGRATIONS_DIR     folder of NNNN_name.{up,down}.sql [the source tree's migrations/]\n"
"  TODOD_WORKERS            gRPC worker threads = database connections [16]\n"
"  TODOD_QUEUE_MAX          calls waiting for a worker; beyond it a call is refused at once\n"
"                           with RESOURCE_EXHAUSTED (HTTP 429 through daprd) [128]\n"
"  TODOD_RATE_LIMIT_RPS     requests per second per user (token bucket), 0 = off [50]\n"
"  TODOD_RATE_LIMIT_BURST   bucket size: requests a user may make at once [200]\n"
"  TODOD_MAX_EVENT_LAG_MS   refuse writes (429) while the oldest unpublished event is older,\n"
"                           0 = never [10000]\n"
"  TODOD_HEALTH_INTERVAL_MS how often the health checker pings the database [1000]\n"
"  TODOD_MAX_MESSAGE_BYTES  gRPC message limit, match daprd --max-body-size [4194304]\n"
"  TODOD_MAX_BODY_BYTES     REST request body limit [65536]\n"
"  TODOD_SHUTDOWN_GRACE_MS  time in-flight calls get on SIGTERM [10000]\n"
"  TODOD_STARTUP_TIMEOUT_MS how long start-up waits for daprd and the database [60000]\n"
"  TODOD_RELAY_BATCH        outbox rows published per relay round [500]\n"
"  TODOD_RELAY_POLL_MS      relay poll interval when idle (local commits wake it at once) [50]\n"
"  TODOD_RELAY_PARALLEL     bulk publish calls of a relay round in flight at once [8]\n"
"  TODOD_RECONCILE_INTERVAL_MS  how often overdue reminders are looked for [15000]\n"
"  TODOD_REMINDER_GRACE_S   a pending reminder this overdue lost its job: fire it late [10]\n"
"  TODOD_LOG_LEVEL          debug|info|warn|error|off [info]\n"
"  TODOD_DIAGNOSTICS        1 enables the self-test routes and subscription [0]\n"
"  TODOD_METRICS            0 stops every metric update (/metrics then lists empty families;\n"
"                           for measuring what metrics cost) [1]\n",
	out);
}
