# Shared helpers for the provisioning and run scripts. Source it; do not run it.
#
# Layout outside the repository (so a clean clone reuses the second run's work):
#   $TODOD_CACHE      downloads and builds, kept between runs (default ~/.cache/todod)
#   $TODOD_WORK       runtime state of one stack: pg data, logs, pids (default /tmp/todod-work)

set -euo pipefail

TODOD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TODOD_CACHE=${TODOD_CACHE:-$HOME/.cache/todod}
TODOD_WORK=${TODOD_WORK:-/tmp/todod-work}

# Pinned versions (see README "Pinned versions" for why).
DAPR_VERSION=${DAPR_VERSION:-1.18.3}
KAFKA_VERSION=${KAFKA_VERSION:-3.9.1}
JAEGER_VERSION=${JAEGER_VERSION:-1.75.0}

DAPR_BIN_DIR=$TODOD_CACHE/dapr/$DAPR_VERSION
KAFKA_HOME=$TODOD_CACHE/kafka/$KAFKA_VERSION
JAEGER_BIN_DIR=$TODOD_CACHE/jaeger/$JAEGER_VERSION

# The three-node Kafka of the kafka3 profile (scripts/kafka.sh): broker and controller ports, node 1..3.
KAFKA3_PORTS=${KAFKA3_PORTS:-29092,29093,29094}
KAFKA3_CONTROLLER_PORTS=${KAFKA3_CONTROLLER_PORTS:-29095,29096,29097}

# The second todod + daprd pair of `scripts/stack.sh replica up` (two-replica tests): its ports.
REPLICA_APP_PORT=${REPLICA_APP_PORT:-50052}
REPLICA_HTTP_PORT=${REPLICA_HTTP_PORT:-8081}
REPLICA_DAPR_GRPC_PORT=${REPLICA_DAPR_GRPC_PORT:-50002}
REPLICA_DAPR_HTTP_PORT=${REPLICA_DAPR_HTTP_PORT:-3501}
REPLICA_DAPR_INTERNAL_GRPC_PORT=${REPLICA_DAPR_INTERNAL_GRPC_PORT:-50003}

export REPLICA_APP_PORT REPLICA_HTTP_PORT REPLICA_DAPR_GRPC_PORT REPLICA_DAPR_HTTP_PORT REPLICA_DAPR_INTERNAL_GRPC_PORT
export KAFKA3_PORTS KAFKA3_CONTROLLER_PORTS TODOD_ROOT TODOD_CACHE TODOD_WORK DAPR_VERSION KAFKA_VERSION DAPR_BIN_DIR KAFKA_HOME JAEGER_VERSION JAEGER_BIN_DIR

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# wait_for_port HOST PORT SECONDS [WHAT]: poll a TCP connect until it succeeds or the deadline passes.
wait_for_port() {
	local host=$1 port=$2 secs=$3 what=${4:-$1:$2}
	local deadline=$((SECONDS + secs))
	while ! (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; do
		((SECONDS < deadline)) || die "$what did not open $host:$port within ${secs}s"
		sleep 0.1
	done
}

# wait_for_http URL SECONDS [WHAT]: poll until URL answers 2xx.
wait_for_http() {
	local url=$1 secs=$2 what=${3:-$1}
	local deadline=$((SECONDS + secs))
	while ! curl -fsS -o /dev/null "$url" 2>/dev/null; do
		((SECONDS < deadline)) || die "$what did not answer $url within ${secs}s"
		sleep 0.2
	done
}

# free_port: print a TCP port nobody listens on.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# stop_pidfile FILE [SECONDS]: SIGTERM the process in FILE, SIGKILL it after SECONDS (default 10).
stop_pidfile() {
	local f=$1 secs=${2:-10} pid
	[ -f "$f" ] || return 0
	pid=$(cat "$f")
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		local deadline=$((SECONDS + secs))
		while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$f"
}

# reserve_ports: keep the kernel from handing our fixed service ports (daprd, scheduler and its
# etcd, Kafka, PostgreSQL, the test API server) to outgoing connections as ephemeral ports. A
# load test opens thousands of client sockets; one that lands on, say, 52380 makes the next
# scheduler's etcd fail with "address already in use". Best effort: needs root.
TODOD_RESERVED_PORTS=3500-3600,9092-9099,16443,19090-19400,23790-23800,50000-50100,52370-52420,55432-55480
reserve_ports() {
	local f=/proc/sys/net/ipv4/ip_local_reserved_ports
	[ -w "$f" ] || return 0
	[ "$(cat "$f")" = "$TODOD_RESERVED_PORTS" ] && return 0
	echo "$TODOD_RESERVED_PORTS" >"$f" 2>/dev/null || log "could not reserve ports $TODOD_RESERVED_PORTS (not root?)"
}
