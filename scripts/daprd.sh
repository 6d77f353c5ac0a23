#!/usr/bin/env bash
# daprd.sh start|stop|status: the Dapr sidecar for todod, standalone (self-hosted) mode.
#   cwd $TODOD_ROOT (component files use repo-relative paths), log $TODOD_WORK/logs/daprd.log,
#   pid $TODOD_WORK/daprd.pid. `start` returns once /v1.0/healthz/outbound answers 2xx (the Dapr
#   HTTP/gRPC APIs serve and the components are loaded) and /v1.0/metadata shows the scheduler
#   connected; the app need not be up yet. daprd keeps polling the app port and only then
#   subscribes to topics and opens its job streams: jobs due earlier are delivered once the app is up.
# Env: APP_ID (todod), APP_PORT (50051), DAPR_GRPC_PORT (50001), DAPR_HTTP_PORT (3500),
#   DAPR_RESOURCES (components/local), SCHEDULER_PORT (50006), DAPR_LISTEN_ADDRESSES (127.0.0.1),
#   DAPR_LOG_LEVEL (info), DAPRD_START_TIMEOUT (60 s), DAPRD_EXTRA_ARGS (appended, word-split),
#   DAPR_CONFIG (daprd Configuration file; default components/daprd-config.yaml, see below),
#   TODOD_TRACE_SAMPLING (tracing samplingRate, "1" = every request, "0" = off; default 1) and
#   JAEGER_OTLP_PORT (4317, where spans are exported; scripts/jaeger.sh): written into a copy of
#   the default Configuration under $TODOD_WORK/daprd-config.yaml (see render_config),
#   PGPORT_TODOD (55432) and KAFKA_BROKERS (127.0.0.1:${KAFKA_PORT:-9092}; for components/kafka3 the
#   three brokers of KAFKA3_PORTS): written into a copy of
#   the components under $TODOD_WORK/resources/ (see render_resources).
#   DAPR_API_TOKEN / APP_API_TOKEN are inherited by daprd when set (it reads them from its env).
# App health: a probe every 3 s; unhealthy after 3 misses in a row. A miss is an answer slower
# than DAPR_APP_HEALTH_TIMEOUT_MS (2000, below the interval as daprd requires; its default is 500). todod answers HealthCheck on its
# gRPC poller, never behind request work (measured directly under a 1000-connection load on a
# saturated 2-core box: worst 373 ms); what the probe sees on top is daprd's own scheduling
# delay when the machine is saturated, which a 500 ms budget does not cover.
# Metrics are off (their default port 9090 clashes too easily); no placement (no actors/workflows);
# no mTLS (no sentry). The internal (daprd-to-daprd) gRPC port is daprd's "stable random" pick in
# 47300-65535 from app id, cwd, uid and hostname (54000 here; a free port if that one is taken;
# DAPR_INTERNAL_GRPC_PORT fixes it), bound to 127.0.0.1.
# Name resolution: standalone daprd defaults to mDNS, which multicasts an announcement on every
# network interface. components/daprd-config.yaml picks the "nameformat" resolver instead (which
# install-dapr.sh compiles in). Should that file be missing, we write a stand-in to
# $TODOD_WORK/daprd-config.yaml using the stock "kubernetes" resolver with a template that maps
# any app id to 127.0.0.1: no multicast, no DNS either. (Calls to our own app id never consult it.)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

APP_ID=${APP_ID:-todod}
APP_PORT=${APP_PORT:-50051}
DAPR_GRPC_PORT=${DAPR_GRPC_PORT:-50001}
DAPR_HTTP_PORT=${DAPR_HTTP_PORT:-3500}
DAPR_RESOURCES=${DAPR_RESOURCES:-$TODOD_ROOT/components/local}
SCHEDULER_PORT=${SCHEDULER_PORT:-50006}
PIDFILE=$TODOD_WORK/daprd.pid
LOGFILE=$TODOD_WORK/logs/daprd.log
BIN=$DAPR_BIN_DIR/daprd
PGPORT_TODOD=${PGPORT_TODOD:-55432}
# The kafka3 profile's components name its three brokers (KAFKA3_PORTS of lib.sh).
case $(basename "$DAPR_RESOURCES") in
kafka3) KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:${KAFKA3_PORTS//,/,127.0.0.1:}} ;;
*) KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}} ;;
esac

# render_resources DIR: print a copy of the components in DIR under $TODOD_WORK/resources/ with
# this stack's ports (PGPORT_TODOD, KAFKA_BROKERS) and an absolute secrets file, so several
# stacks can run side by side. The files in components/ keep the default ports.
render_resources() {
	local src=$1 dst f
	dst=$TODOD_WORK/resources/$(basename "$src")
	rm -rf "$dst"
	mkdir -p "$dst"
	for f in "$src"/*.yaml; do
		sed -e "s|127\.0\.0\.1:9092|$KAFKA_BROKERS|g" \
			-e "s|components/local/dev-secrets\.json|$dst.dev-secrets.json|" "$f" >"$dst/$(basename "$f")"
	done
	# Beside the folder, not in it: daprd warns about every non-YAML file it finds there.
	sed -e "s|127\.0\.0\.1:55432|127.0.0.1:$PGPORT_TODOD|" \
		"$TODOD_ROOT/components/local/dev-secrets.json" >"$dst.dev-secrets.json"
	echo "$dst"
}

# render_config FILE: print a copy of daprd Configuration FILE under $TODOD_WORK with this stack's
# tracing: the sampling rate and the OTLP exporter's port. The file in components/ keeps the defaults.
render_config() {
	local src=$1 dst=$TODOD_WORK/daprd-config.yaml rate=${TODOD_TRACE_SAMPLING:-1}
	[[ $rate =~ ^(0|1|0?\.[0-9]+|1\.0*)$ ]] || die "TODOD_TRACE_SAMPLING must be a number from 0 to 1, not '$rate'"
	[[ ${JAEGER_OTLP_PORT:-4317} =~ ^[0-9]+$ ]] || die "JAEGER_OTLP_PORT must be a port number"
	sed -e "s|^\(    samplingRate: \).*|\1\"$rate\"|" \
		-e "s|127\.0\.0\.1:4317|127.0.0.1:${JAEGER_OTLP_PORT:-4317}|" "$src" >"$dst"
	echo "$dst"
}

# running: the pid file names a live daprd of ours (a stale file whose pid was reused by another
# program is removed, so `stop` never signals a stranger).
running() {
	[ -f "$PIDFILE" ] || return 1
	case $(readlink "/proc/$(cat "$PIDFILE")/exe" 2>/dev/null) in
	*/daprd | *"/daprd (deleted)") return 0 ;; # any DAPR_VERSION; "(deleted)": rebuilt under it
	esac
	rm -f "$PIDFILE"
	return 1
}

start() {
	if running; then
		log "daprd already running (pid $(cat "$PIDFILE"))"
		return 0
	fi
	[ -x "$BIN" ] || die "$BIN missing: run scripts/install-dapr.sh"
	[ -d "$DAPR_RESOURCES" ] || die "resources dir $DAPR_RESOURCES missing"
	local resources
	resources=$(render_resources "$DAPR_RESOURCES")
	mkdir -p "$(dirname "$LOGFILE")"
	local config=${DAPR_CONFIG:-$TODOD_ROOT/components/daprd-config.yaml}
	if [ -z "${DAPR_CONFIG:-}" ] && [ -f "$config" ]; then
		config=$(render_config "$config")
	elif [ -z "${DAPR_CONFIG:-}" ]; then
		config=$TODOD_WORK/daprd-config.yaml
		cat >"$config" <<-'YAML'
			apiVersion: dapr.io/v1alpha1
			kind: Configuration
			metadata:
			  name: todod-daprd
			spec:
			  nameResolution:
			    component: kubernetes
			    configuration:
			      template: "127.0.0.1:{{.Port}}"
		YAML
	fi
	[ -f "$config" ] || die "daprd config $config missing"
	local -a args=(
		--mode standalone
		--app-id "$APP_ID"
		--app-port "$APP_PORT"
		--app-protocol grpc
		--app-channel-address 127.0.0.1
		--enable-app-health-check
		--app-health-probe-interval 3
		--app-health-probe-timeout "${DAPR_APP_HEALTH_TIMEOUT_MS:-2000}"
		--app-health-threshold 3
		--dapr-grpc-port "$DAPR_GRPC_PORT"
		--dapr-http-port "$DAPR_HTTP_PORT"
		--dapr-listen-addresses "${DAPR_LISTEN_ADDRESSES:-127.0.0.1}"
		--dapr-internal-grpc-listen-address 127.0.0.1
		${DAPR_INTERNAL_GRPC_PORT:+--dapr-internal-grpc-port "$DAPR_INTERNAL_GRPC_PORT"}
		--resources-path "$resources"
		--config "$config"
		--enable-mtls=false
		--enable-metrics=false
		--scheduler-host-address "127.0.0.1:$SCHEDULER_PORT"
		--log-level "${DAPR_LOG_LEVEL:-info}"
	)
	# shellcheck disable=SC2206
	args+=(${DAPRD_EXTRA_ARGS:-})
	log "starting daprd $APP_ID: http $DAPR_HTTP_PORT, grpc $DAPR_GRPC_PORT, app grpc $APP_PORT (log $LOGFILE)"
	echo "=== $(date -Is) cd $TODOD_ROOT && $BIN ${args[*]}" >>"$LOGFILE"
	# DAPR_API_TOKEN / APP_API_TOKEN pass through the environment when the caller exported them.
	(cd "$TODOD_ROOT" && exec setsid "$BIN" "${args[@]}" >>"$LOGFILE" 2>&1 </dev/null) &
	echo $! >"$PIDFILE"
	local pid=$! url="http://127.0.0.1:$DAPR_HTTP_PORT/v1.0/healthz/outbound"
	local deadline=$((SECONDS + ${DAPRD_START_TIMEOUT:-60}))
	until curl -fsS -o /dev/null "$url" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null; then
			rm -f "$PIDFILE"
			tail -n 20 "$LOGFILE" >&2
			die "daprd exited during start (log $LOGFILE)"
		fi
		if ((SECONDS >= deadline)); then
			tail -n 20 "$LOGFILE" >&2
			stop_pidfile "$PIDFILE"
			die "daprd did not answer $url within ${DAPRD_START_TIMEOUT:-60}s (log $LOGFILE)"
		fi
		sleep 0.2
	done
	# The Jobs API needs the scheduler connection, which daprd makes in the background (its first
	# attempt often lands ~1 s after the APIs are up). Wait for /v1.0/metadata to list it, so a
	# caller may schedule jobs at once. DAPRD_WAIT_SCHEDULER=0 skips this (stack without scheduler).
	if [ "${DAPRD_WAIT_SCHEDULER:-1}" = 1 ]; then
		until curl -fsS "http://127.0.0.1:$DAPR_HTTP_PORT/v1.0/metadata" 2>/dev/null |
			grep -q '"connected_addresses":\["'; do
			if ((SECONDS >= deadline)) || ! kill -0 "$pid" 2>/dev/null; then
				tail -n 20 "$LOGFILE" >&2
				stop_pidfile "$PIDFILE"
				die "daprd did not connect to the scheduler at 127.0.0.1:$SCHEDULER_PORT (scripts/scheduler.sh start?)"
			fi
			sleep 0.2
		done
	fi
	log "daprd ready (pid $pid)"
}

stop() {
	running || return 0
	log "stopping daprd (pid $(cat "$PIDFILE"))"
	# daprd's graceful shutdown is 5 s by default; allow a little more before SIGKILL.
	stop_pidfile "$PIDFILE" 15
}

case ${1:-} in
start) start ;;
stop) stop ;;
status) if running; then echo "running (pid $(cat "$PIDFILE"))"; else echo stopped; exit 1; fi ;;
*) die "usage: $0 start|stop|status" ;;
esac
