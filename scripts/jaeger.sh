#!/usr/bin/env bash
# jaeger.sh start|stop|status: a local trace backend for daprd's spans (Jaeger v2 all-in-one, in
# memory: traces are gone when it stops). Only the tracing tests need it: scripts/stack.sh starts
# it when TODOD_TRACING_BACKEND=jaeger (scripts/test.sh does), after scripts/install-jaeger.sh.
#   OTLP/gRPC receiver  127.0.0.1:$JAEGER_OTLP_PORT (4317; daprd exports there, see
#                       components/daprd-config.yaml and scripts/daprd.sh)
#   query API and UI    http://127.0.0.1:$JAEGER_QUERY_PORT (16686), e.g. /api/traces/<trace id>
#   query gRPC          127.0.0.1:$JAEGER_QUERY_GRPC_PORT (16685; the UI does not need it, Jaeger
#                       does not start without it)
# Its configuration is written to $TODOD_WORK/jaeger.yaml: Jaeger's stock all-in-one file opens
# ten fixed ports (Zipkin, Jaeger thrift, remote sampling, its own metrics, ...) that would clash
# between stacks side by side; ours opens only the three above, all on loopback.
# Log $TODOD_WORK/logs/jaeger.log, pid $TODOD_WORK/jaeger.pid.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

JAEGER_OTLP_PORT=${JAEGER_OTLP_PORT:-4317}
JAEGER_QUERY_PORT=${JAEGER_QUERY_PORT:-16686}
JAEGER_QUERY_GRPC_PORT=${JAEGER_QUERY_GRPC_PORT:-16685}
PIDFILE=$TODOD_WORK/jaeger.pid
LOGFILE=$TODOD_WORK/logs/jaeger.log
CONFIG=$TODOD_WORK/jaeger.yaml
BIN=$JAEGER_BIN_DIR/jaeger

running() {
	[ -f "$PIDFILE" ] || return 1
	case $(readlink "/proc/$(cat "$PIDFILE")/exe" 2>/dev/null) in
	*/jaeger | *"/jaeger (deleted)") return 0 ;;
	esac
	rm -f "$PIDFILE"
	return 1
}

write_config() {
	cat >"$CONFIG" <<-YAML
		service:
		  extensions: [jaeger_storage, jaeger_query]
		  pipelines:
		    traces:
		      receivers: [otlp]
		      processors: [batch]
		      exporters: [jaeger_storage_exporter]
		  telemetry:
		    metrics:
		      level: none
		    logs:
		      level: warn
		extensions:
		  jaeger_storage:
		    backends:
		      memstore:
		        memory:
		          max_traces: 100000
		  jaeger_query:
		    storage:
		      traces: memstore
		    http:
		      endpoint: 127.0.0.1:$JAEGER_QUERY_PORT
		    grpc:
		      endpoint: 127.0.0.1:$JAEGER_QUERY_GRPC_PORT
		receivers:
		  otlp:
		    protocols:
		      grpc:
		        endpoint: 127.0.0.1:$JAEGER_OTLP_PORT
		processors:
		  batch:
		    timeout: 200ms
		exporters:
		  jaeger_storage_exporter:
		    trace_storage: memstore
	YAML
}

start() {
	if running; then
		log "jaeger already running (pid $(cat "$PIDFILE"))"
		return 0
	fi
	[ -x "$BIN" ] || die "$BIN missing: run scripts/install-jaeger.sh"
	mkdir -p "$(dirname "$LOGFILE")"
	write_config
	log "starting jaeger: OTLP 127.0.0.1:$JAEGER_OTLP_PORT, UI http://127.0.0.1:$JAEGER_QUERY_PORT (log $LOGFILE)"
	echo "=== $(date -Is) $BIN --config $CONFIG" >>"$LOGFILE"
	(exec setsid "$BIN" --config "$CONFIG" >>"$LOGFILE" 2>&1 </dev/null) &
	echo $! >"$PIDFILE"
	local pid=$! deadline=$((SECONDS + 30))
	until curl -fsS -o /dev/null "http://127.0.0.1:$JAEGER_QUERY_PORT/api/services" 2>/dev/null &&
		(exec 3<>"/dev/tcp/127.0.0.1/$JAEGER_OTLP_PORT") 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
			tail -n 20 "$LOGFILE" >&2
			stop_pidfile "$PIDFILE"
			die "jaeger did not start (log $LOGFILE)"
		fi
		sleep 0.2
	done
	log "jaeger ready (pid $pid)"
}

stop() {
	running || return 0
	log "stopping jaeger (pid $(cat "$PIDFILE"))"
	stop_pidfile "$PIDFILE" 10
}

case ${1:-} in
start) start ;;
stop) stop ;;
status) if running; then echo "running (pid $(cat "$PIDFILE"))"; else echo stopped; exit 1; fi ;;
*) die "usage: $0 start|stop|status" ;;
esac
