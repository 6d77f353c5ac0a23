#!/usr/bin/env bash
# scheduler.sh start|stop|status: Dapr's scheduler (Jobs API backend), standalone, for the local stack.
#   standalone mode (no Kubernetes), no TLS/sentry, embedded etcd with data in $TODOD_WORK/scheduler,
#   gRPC on 127.0.0.1:$SCHEDULER_PORT, healthz (GET /healthz) on $SCHEDULER_HEALTHZ_PORT, metrics off,
#   log $TODOD_WORK/logs/scheduler.log, pid $TODOD_WORK/scheduler.pid.
# Ports (env): SCHEDULER_PORT (50006), SCHEDULER_HEALTHZ_PORT (50007), embedded etcd client/peer
#   SCHEDULER_ETCD_CLIENT_PORT (52379), SCHEDULER_ETCD_PEER_PORT (52380); the etcd ones are moved off
#   2379/2380 so a real etcd on the machine does not clash. SCHEDULER_EXTRA_ARGS is appended.
# Jobs survive a stop/start (and a new clone: $TODOD_WORK is outside the repo), so jobs left by an
# earlier run fire into the app once it connects; SCHEDULER_RESET=1 on start wipes them first.
# Stop: SIGTERM; the scheduler logs "Graceful shutdown timeout is infinite" and 1.18.2 can hang on
# shutdown with a stuck stream (fixed in 1.18.3), so stop_pidfile SIGKILLs it after 15 s.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SCHEDULER_PORT=${SCHEDULER_PORT:-50006}
SCHEDULER_HEALTHZ_PORT=${SCHEDULER_HEALTHZ_PORT:-50007}
SCHEDULER_ETCD_CLIENT_PORT=${SCHEDULER_ETCD_CLIENT_PORT:-52379}
SCHEDULER_ETCD_PEER_PORT=${SCHEDULER_ETCD_PEER_PORT:-52380}
PIDFILE=$TODOD_WORK/scheduler.pid
LOGFILE=$TODOD_WORK/logs/scheduler.log
DATADIR=$TODOD_WORK/scheduler
BIN=$DAPR_BIN_DIR/scheduler

# running: the pid file names a live scheduler of ours (a stale file whose pid was reused by another
# program is removed, so `stop` never signals a stranger).
running() {
	[ -f "$PIDFILE" ] || return 1
	case $(readlink "/proc/$(cat "$PIDFILE")/exe" 2>/dev/null) in
	*/scheduler | *"/scheduler (deleted)") return 0 ;; # any DAPR_VERSION; "(deleted)": rebuilt under it
	esac
	rm -f "$PIDFILE"
	return 1
}

start() {
	if running; then
		log "scheduler already running (pid $(cat "$PIDFILE"))"
		return 0
	fi
	[ -x "$BIN" ] || die "$BIN missing: run scripts/install-dapr.sh"
	[ "${SCHEDULER_RESET:-0}" = 1 ] && rm -rf "$DATADIR"
	mkdir -p "$DATADIR" "$(dirname "$LOGFILE")"
	local -a args=(
		--mode standalone
		--id dapr-scheduler-server-0
		--listen-address 127.0.0.1
		--port "$SCHEDULER_PORT"
		# Address daprd is told to dial for this scheduler (otherwise it broadcasts its hostname).
		--override-broadcast-host-port "127.0.0.1:$SCHEDULER_PORT"
		# 1.18.x ignores --healthz-listen-address (pkg/healthz/server listens on ":port", all
		# interfaces); passed anyway so a release that honours it binds loopback only.
		--healthz-listen-address 127.0.0.1
		--healthz-port "$SCHEDULER_HEALTHZ_PORT"
		--enable-metrics=false
		--tls-enabled=false
		--etcd-embed=true
		--etcd-data-dir "$DATADIR"
		--etcd-client-listen-address 127.0.0.1
		--etcd-client-port "$SCHEDULER_ETCD_CLIENT_PORT"
		--etcd-initial-cluster "dapr-scheduler-server-0=http://127.0.0.1:$SCHEDULER_ETCD_PEER_PORT"
		--log-level "${SCHEDULER_LOG_LEVEL:-info}"
	)
	# shellcheck disable=SC2206
	args+=(${SCHEDULER_EXTRA_ARGS:-})
	log "starting scheduler on 127.0.0.1:$SCHEDULER_PORT (log $LOGFILE)"
	{
		echo "=== $(date -Is) $BIN ${args[*]}"
	} >>"$LOGFILE"
	# setsid: own process group, so the caller's Ctrl-C / job control does not reach it.
	setsid "$BIN" "${args[@]}" >>"$LOGFILE" 2>&1 </dev/null &
	echo $! >"$PIDFILE"
	local pid=$! deadline=$((SECONDS + ${SCHEDULER_START_TIMEOUT:-60}))
	# Ready = healthz 200 (it turns 200 once etcd is up and the gRPC server serves).
	until curl -fsS -o /dev/null "http://127.0.0.1:$SCHEDULER_HEALTHZ_PORT/healthz" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null; then
			rm -f "$PIDFILE"
			tail -n 20 "$LOGFILE" >&2
			die "scheduler exited during start (log $LOGFILE)"
		fi
		if ((SECONDS >= deadline)); then
			tail -n 20 "$LOGFILE" >&2
			stop_pidfile "$PIDFILE"
			die "scheduler not healthy within ${SCHEDULER_START_TIMEOUT:-60}s (log $LOGFILE)"
		fi
		sleep 0.2
	done
	wait_for_port 127.0.0.1 "$SCHEDULER_PORT" 10 scheduler
	log "scheduler ready (pid $pid)"
}

stop() {
	running || return 0
	log "stopping scheduler (pid $(cat "$PIDFILE"))"
	stop_pidfile "$PIDFILE" 15
}

case ${1:-} in
start) start ;;
stop) stop ;;
status) if running; then echo "running (pid $(cat "$PIDFILE"))"; else echo stopped; exit 1; fi ;;
*) die "usage: $0 start|stop|status" ;;
esac
