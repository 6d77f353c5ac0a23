#!/usr/bin/env bash
# Throughput and latency of the task routes through daprd, beside a no-database baseline.
#   test/bench/bench_api.sh            (starts the local-profile stack if it is not up)
# Env: BENCH_DURATION (seconds per run, default 10), BENCH_CONNECTIONS ("1 16 256").
# For each concurrency it runs, in this order, with wrk on loopback:
#   baseline  GET  /api/version                 (daprd + todod, no auth, no database)
#   get       GET  /api/<user>/tasks/<id>       (JWT check + one indexed SELECT)
#   post      POST /api/<user>/tasks            (JWT check + JSON parse + INSERT, fsync on)
# and prints req/s, p50 and p99, and the ratio of each to the baseline of the same run.
source "$(dirname "$0")/../../scripts/lib.sh"
S=$TODOD_ROOT/scripts
DUR=${BENCH_DURATION:-10}
CONNS=${BENCH_CONNECTIONS:-1 16 256}
HTTP=http://127.0.0.1:${DAPR_HTTP_PORT:-3500}
BASE=$HTTP/v1.0/invoke/${APP_ID:-todod}/method
command -v wrk >/dev/null || die "wrk missing: scripts/install-deps.sh installs it"

started=0
if ! curl -fsS -o /dev/null "$BASE/api/version" 2>/dev/null; then
	"$S/build.sh" build
	"$S/stack.sh" up
	started=1
fi
cleanup() { ((started)) && "$S/stack.sh" down; }
trap cleanup EXIT

USER_ID=bench-$(date +%s)
export BENCH_USER=$USER_ID
export BENCH_TOKEN=$(DAPR_GRPC_PORT=${DAPR_GRPC_PORT:-50001} "$TODOD_ROOT/build/src/todod" token "$USER_ID" 3600)
TASK_ID=$(curl -fsS -H "Authorization: Bearer $BENCH_TOKEN" -H 'Content-Type: application/json' \
	-d '{"title":"bench target"}' "$BASE/api/$USER_ID/tasks" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

tmp=$(mktemp -d)
trap 'cleanup; rm -rf "$tmp"' EXIT
cat "$(dirname "$0")/get_task.lua" "$(dirname "$0")/report.lua" >"$tmp/get.lua"
cat "$(dirname "$0")/post_task.lua" "$(dirname "$0")/report.lua" >"$tmp/post.lua"

one() { # one SCRIPT CONNS PATH -> "rps p50 p99 non2xx"
	local threads=$(($2 < 2 ? 1 : 2))
	wrk -t "$threads" -c "$2" -d "${DUR}s" --timeout 10s -s "$1" "$BASE/$3" 2>&1 |
		sed -n 's/^RESULT //p'
}
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }

echo "todod API benchmark: ${DUR}s per run, wrk on loopback, $(nproc) cores, $(date -u +%FT%TZ)"
printf '%-5s %-9s %10s %9s %9s %8s %8s\n' conns route req/s p50_ms p99_ms vs_base non2xx
for c in $CONNS; do
	base=$(one "$tmp/get.lua" "$c" api/version)
	get=$(one "$tmp/get.lua" "$c" "api/$USER_ID/tasks/$TASK_ID")
	post=$(one "$tmp/post.lua" "$c" "api/$USER_ID/tasks")
	brps=$(field rps "$base")
	for row in "baseline:$base" "get:$get" "post:$post"; do
		name=${row%%:*}
		r=${row#*:}
		printf '%-5s %-9s %10s %9s %9s %7.2fx %8s\n' "$c" "$name" "$(field rps "$r")" \
			"$(field p50_ms "$r")" "$(field p99_ms "$r")" \
			"$(python3 -c "print($(field rps "$r")/$brps)")" "$(field non2xx "$r")"
	done
done
