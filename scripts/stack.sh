#!/usr/bin/env bash
# stack.sh up|down|status: the whole service on this machine, behind a real daprd.
#   up    PostgreSQL, [Kafka], Dapr scheduler, daprd, migrations, todod; returns when a
#         request through daprd's HTTP port reaches todod (GET /api/version answers 200)
#   down  stops them in reverse order (each stop is a no-op when not running), a replica first
#   replica up|down  a second todod + daprd pair (app id todod, as a second pod would be) beside the
#         running stack on the kafka/kafka3 profile, sharing its PostgreSQL, Kafka and scheduler:
#         ports REPLICA_APP_PORT, REPLICA_HTTP_PORT, REPLICA_DAPR_GRPC_PORT, REPLICA_DAPR_HTTP_PORT,
#         REPLICA_DAPR_INTERNAL_GRPC_PORT (defaults in scripts/lib.sh: 50052, 8081, 50002, 3501, 50003); its pid files
#         (todod.pid, daprd.pid: kill -9 them to kill the replica), logs and rendered components are
#         under $TODOD_WORK/replica/ (the same start/stop code, run with that TODOD_WORK and those
#         ports). `replica up` starts what is down and returns when a request through the replica's
#         daprd reaches its todod; REPLICA_REALTIME_PUBLIC_URL is its TODOD_REALTIME_PUBLIC_URL.
# Env: TODOD_PROFILE=local|kafka|kafka3 (components/<profile>; default local: in-memory pub/sub;
#      kafka: one Kafka node; kafka3: three Kafka nodes as production runs them, see scripts/kafka.sh),
#      TODOD_DIAGNOSTICS=1 (self-test routes), TODOD_BUILD (build dir, default $TODOD_ROOT/build),
#      TODOD_HTTP_PORT (todod's /livez, /readyz, /metrics; default 8080),
#      TODOD_TRACING_BACKEND=jaeger (also start a local Jaeger that daprd exports its spans to,
#      scripts/jaeger.sh; built by scripts/install-jaeger.sh; default none: the spans are dropped),
#      TODOD_TRACE_SAMPLING (daprd's tracing samplingRate, default 1; 0 turns tracing off),
#      plus the ports of scripts/{pg,daprd,scheduler}.sh. todod logs to $TODOD_WORK/logs/todod.log.
source "$(dirname "$0")/lib.sh"

TODOD_PROFILE=${TODOD_PROFILE:-local}
TODOD_BUILD=${TODOD_BUILD:-$TODOD_ROOT/build}
TODOD_BIN=$TODOD_BUILD/src/todod
TODOD_PID=$TODOD_WORK/todod.pid
TODOD_LOG=$TODOD_WORK/logs/todod.log
export APP_ID=${APP_ID:-todod}
export APP_PORT=${APP_PORT:-50051}
export DAPR_GRPC_PORT=${DAPR_GRPC_PORT:-50001}
export DAPR_HTTP_PORT=${DAPR_HTTP_PORT:-3500}
# todod's own HTTP port (/livez, /readyz, /metrics): 8080 for the default stack; a stack on
# other ports (side by side with another) gets APP_PORT - 40000 unless TODOD_HTTP_PORT is set.
export TODOD_HTTP_PORT=${TODOD_HTTP_PORT:-$((APP_PORT == 50051 ? 8080 : APP_PORT - 40000))}
export DAPR_RESOURCES=$TODOD_ROOT/components/$TODOD_PROFILE
S=$TODOD_ROOT/scripts

case $TODOD_PROFILE in local | kafka | kafka3) ;; *) die "TODOD_PROFILE must be local, kafka or kafka3, not '$TODOD_PROFILE'" ;; esac
TODOD_TRACING_BACKEND=${TODOD_TRACING_BACKEND:-none}
case $TODOD_TRACING_BACKEND in none | jaeger) ;; *) die "TODOD_TRACING_BACKEND must be none or jaeger, not '$TODOD_TRACING_BACKEND'" ;; esac
export TODOD_PROFILE # scripts/kafka.sh picks its layout (one node or three) from it
# Real-time fan-out: the local profile's in-memory pub/sub already delivers to every subscriber.
[ "$TODOD_PROFILE" = local ] && export TODOD_BROADCAST_PUBSUB=${TODOD_BROADCAST_PUBSUB:-pubsub}

# todod_running: the pid file names a live process (a zombie, e.g. just after a test's kill -9, is not).
todod_running() {
	local pid state
	[ -f "$TODOD_PID" ] && pid=$(cat "$TODOD_PID") && kill -0 "$pid" 2>/dev/null || return 1
	read -r _ _ state _ 2>/dev/null <"/proc/$pid/stat" && [ "$state" != Z ]
}

# todod reads its secrets (JWT key, database URL) from daprd's secret store.
start_todod() {
	if todod_running; then
		log "todod already running (pid $(cat "$TODOD_PID"))"
		return 0
	fi
	[ -x "$TODOD_BIN" ] || die "$TODOD_BIN missing: build first (meson setup build && ninja -C build)"
	mkdir -p "$(dirname "$TODOD_LOG")"
	log "migrating the database (secrets through daprd)"
	TODOD_APP_PORT=$APP_PORT "$TODOD_BIN" migrate up >>"$TODOD_LOG" 2>&1 || {
		tail -n 20 "$TODOD_LOG" >&2
		die "todod migrate up failed (log $TODOD_LOG)"
	}
	log "starting todod on 127.0.0.1:$APP_PORT (log $TODOD_LOG)"
	(TODOD_APP_PORT=$APP_PORT exec setsid "$TODOD_BIN" >>"$TODOD_LOG" 2>&1 </dev/null) &
	echo $! >"$TODOD_PID"
}

# Poll a request through daprd until todod answers it.
wait_ready() {
	local url="http://127.0.0.1:$DAPR_HTTP_PORT/v1.0/invoke/$APP_ID/method/api/version"
	local deadline=$((SECONDS + ${STACK_READY_TIMEOUT:-90}))
	until curl -fsS -o /dev/null "$url" 2>/dev/null; do
		if ! todod_running; then
			tail -n 30 "$TODOD_LOG" >&2
			die "todod exited during start (log $TODOD_LOG)"
		fi
		((SECONDS < deadline)) || {
			tail -n 20 "$TODOD_LOG" >&2
			tail -n 20 "$TODOD_WORK/logs/daprd.log" >&2
			die "no answer from todod through daprd at $url within ${STACK_READY_TIMEOUT:-90}s"
		}
		sleep 0.2
	done
}

up() {
	local t0=$SECONDS
	reserve_ports
	"$S/pg.sh" start
	case $TODOD_PROFILE in kafka | kafka3) "$S/kafka.sh" start ;; esac
	"$S/scheduler.sh" start
	# before daprd, so its first spans have somewhere to go
	[ "$TODOD_TRACING_BACKEND" = jaeger ] && "$S/jaeger.sh" start
	"$S/daprd.sh" start
	start_todod
	wait_ready
	log "stack up ($TODOD_PROFILE profile) in $((SECONDS - t0))s: http://127.0.0.1:$DAPR_HTTP_PORT/v1.0/invoke/$APP_ID/method/api/..."
}

# replica up|down: run this script's replica-up|replica-down with the replica's TODOD_WORK and ports.
replica() {
	case ${1:-} in up | down) ;; *) die "usage: $0 replica up|down" ;; esac
	if [ "$1" = up ]; then
		case $TODOD_PROFILE in kafka | kafka3) ;; *) die "a replica shares Kafka with the stack: TODOD_PROFILE=kafka or kafka3, not '$TODOD_PROFILE'" ;; esac
		"$S/pg.sh" status >/dev/null 2>&1 || die "the stack is not running: $0 up first (TODOD_PROFILE=$TODOD_PROFILE)"
	fi
	(
		unset TODOD_REALTIME_PUBLIC_URL
		[ -z "${REPLICA_REALTIME_PUBLIC_URL:-}" ] || export TODOD_REALTIME_PUBLIC_URL=$REPLICA_REALTIME_PUBLIC_URL
		export TODOD_WORK=$TODOD_WORK/replica APP_PORT=$REPLICA_APP_PORT TODOD_HTTP_PORT=$REPLICA_HTTP_PORT \
			DAPR_GRPC_PORT=$REPLICA_DAPR_GRPC_PORT DAPR_HTTP_PORT=$REPLICA_DAPR_HTTP_PORT \
			DAPR_INTERNAL_GRPC_PORT=$REPLICA_DAPR_INTERNAL_GRPC_PORT
		exec "$0" "replica-$1"
	)
}

down() {
	[ ! -d "$TODOD_WORK/replica" ] || replica down
	if todod_running; then log "stopping todod (pid $(cat "$TODOD_PID"))"; fi
	stop_pidfile "$TODOD_PID" 15
	"$S/daprd.sh" stop
	"$S/jaeger.sh" stop # a no-op when it was not started
	"$S/scheduler.sh" stop
	"$S/kafka.sh" stop
	"$S/pg.sh" stop
}

case ${1:-} in
up) up ;;
down) down ;;
replica) replica "${2:-}" ;;
replica-up) # (internal: see replica)
	"$S/daprd.sh" start
	start_todod
	wait_ready
	log "replica up: http://127.0.0.1:$DAPR_HTTP_PORT/v1.0/invoke/$APP_ID/method/api/..., todod HTTP $TODOD_HTTP_PORT"
	;;
replica-down) # (internal: see replica)
	if todod_running; then log "stopping the replica's todod (pid $(cat "$TODOD_PID"))"; fi
	stop_pidfile "$TODOD_PID" 15
	"$S/daprd.sh" stop
	;;
restart-todod)
	stop_pidfile "$TODOD_PID" 15
	start_todod
	wait_ready
	;;
status)
	for s in pg kafka scheduler jaeger daprd; do # kafka: the profile's layout (all three nodes for kafka3)
		printf '%-10s ' "$s"
		if "$S/$s.sh" status >/dev/null 2>&1; then echo running; else echo stopped; fi
	done
	printf '%-10s ' todod
	if todod_running; then echo "running (pid $(cat "$TODOD_PID"))"; else echo stopped; fi
	if [ -d "$TODOD_WORK/replica" ]; then
		for f in todod daprd; do
			printf '%-10s ' "replica-$f"
			pid=$(cat "$TODOD_WORK/replica/$f.pid" 2>/dev/null) && [ -e "/proc/$pid/exe" ] &&
				echo "running (pid $pid)" || echo stopped
		done
	fi
	;;
*) die "usage: $0 up|down|status|restart-todod|replica up|down" ;;
esac
