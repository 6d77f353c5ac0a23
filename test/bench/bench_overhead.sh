#!/usr/bin/env bash
# What metrics and tracing cost: the request benchmark's task read and create (bench_api.sh's
# get and post) with both on and with both off, in interleaved rounds (on, off, on, off, ...), so
# drift in the shared machine's load hits both alike.
#   test/bench/bench_overhead.sh
# Env: BENCH_DURATION (seconds per run, default 10), BENCH_ROUNDS (rounds of on+off, default 3),
#      BENCH_CONNECTIONS (default 16), BENCH_WARMUP (seconds of unmeasured load after each
#      restart, default 3), plus the stack's ports (source an env file to use a private stack).
# "off" restarts daprd and todod with TODOD_METRICS=0 (todod skips every metric update) and
# TODOD_TRACE_SAMPLING=0 (the Dapr Configuration's sampling rate; scripts/daprd.sh renders it);
# "on" restarts them with TODOD_METRICS=1 and sampling rate BENCH_ON_SAMPLING (default 1: every
# request, the local stack's default; the chart's is 0.1). The per-user rate limit and
# the event-lag pause are off in both (TODOD_RATE_LIMIT_RPS=0 TODOD_MAX_EVENT_LAG_MS=0).
# Prints each run, then per route the median req/s of each setting and on/off - 1 (the cost),
# and the CPU time todod and daprd spent per request (from /proc/PID/stat around each run): on a
# machine shared with other work, throughput swings with their load, CPU per request much less.
source "$(dirname "$0")/../../scripts/lib.sh"
S=$TODOD_ROOT/scripts
DUR=${BENCH_DURATION:-10}
ROUNDS=${BENCH_ROUNDS:-3}
CONNS=${BENCH_CONNECTIONS:-16}
WARMUP=${BENCH_WARMUP:-3}
HTTP=http://127.0.0.1:${DAPR_HTTP_PORT:-3500}
BASE=$HTTP/v1.0/invoke/${APP_ID:-todod}/method
command -v wrk >/dev/null || die "wrk missing: scripts/install-deps.sh installs it"
[ -x "$TODOD_ROOT/build/src/todod" ] || "$S/build.sh" build
export TODOD_RATE_LIMIT_RPS=0 TODOD_MAX_EVENT_LAG_MS=0

tmp=$(mktemp -d)
trap '"$S/stack.sh" down >/dev/null 2>&1; rm -rf "$tmp"' EXIT
cat "$(dirname "$0")/get_task.lua" "$(dirname "$0")/report.lua" >"$tmp/get.lua"
cat "$(dirname "$0")/post_task.lua" "$(dirname "$0")/report.lua" >"$tmp/post.lua"

ON_SAMPLING=${BENCH_ON_SAMPLING:-1}
# restart on|off: daprd (its Configuration) and todod (its environment) with that setting.
restart() {
	if [ "$1" = on ]; then
		export TODOD_METRICS=1 TODOD_TRACE_SAMPLING=$ON_SAMPLING
	else
		export TODOD_METRICS=0 TODOD_TRACE_SAMPLING=0
	fi
	stop_pidfile "$TODOD_WORK/todod.pid" 15
	"$S/daprd.sh" stop >/dev/null
	"$S/stack.sh" up >/dev/null
}

cpu_ticks() { # cpu_ticks PIDFILE -> utime + stime of that process, in clock ticks
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$(cat "$1")/stat"
}
one() { # one SCRIPT PATH -> "rps=... p50_ms=... requests=... ... todod_us=... daprd_us=..."
	local t0 d0 t1 d1 hz res
	hz=$(getconf CLK_TCK)
	t0=$(cpu_ticks "$TODOD_WORK/todod.pid") d0=$(cpu_ticks "$TODOD_WORK/daprd.pid")
	res=$(wrk -t 2 -c "$CONNS" -d "${DUR}s" --timeout 10s -s "$1" "$BASE/$2" 2>&1 | sed -n 's/^RESULT //p')
	t1=$(cpu_ticks "$TODOD_WORK/todod.pid") d1=$(cpu_ticks "$TODOD_WORK/daprd.pid")
	python3 -c 'import sys; r, t, d, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
n = int(r.split("requests=")[1].split()[0])
print(r, "todod_us=%.1f daprd_us=%.1f" % (t * 1e6 / hz / n, d * 1e6 / hz / n))' "$res" $((t1 - t0)) $((d1 - d0)) "$hz"
}
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }

restart on
USER_ID=bench-$(date +%s)
export BENCH_USER=$USER_ID
BENCH_TOKEN=$(DAPR_GRPC_PORT=${DAPR_GRPC_PORT:-50001} "$TODOD_ROOT/build/src/todod" token "$USER_ID" 7200)
export BENCH_TOKEN
TASK_ID=$(curl -fsS -H "Authorization: Bearer $BENCH_TOKEN" -H 'Content-Type: application/json' \
	-d '{"title":"bench target"}' "$BASE/api/$USER_ID/tasks" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

echo "todod metrics+tracing overhead: ${DUR}s per run, $CONNS connections, $ROUNDS rounds, $(nproc) cores, $(date -u +%FT%TZ)"
printf '%-5s %-4s %-5s %10s %9s %9s %7s %9s %9s\n' round set route req/s p50_ms p99_ms non2xx todod_us daprd_us
: >"$tmp/results"
for r in $(seq 1 "$ROUNDS"); do
	for set in on off; do
		[ "$r" = 1 ] && [ "$set" = on ] || restart "$set"
		wrk -t 2 -c "$CONNS" -d "${WARMUP}s" -s "$tmp/get.lua" "$BASE/api/$USER_ID/tasks/$TASK_ID" >/dev/null 2>&1
		counted=$(curl -fsS "http://127.0.0.1:${TODOD_HTTP_PORT:-8080}/metrics" | grep -c '^todod_http_requests_total{' || true)
		if [ "$set" = on ] && [ "$counted" = 0 ]; then die "metrics on, but no request counted"; fi
		if [ "$set" = off ] && [ "$counted" != 0 ]; then die "TODOD_METRICS=0, but requests were counted"; fi
		for route in get post; do
			if [ "$route" = get ]; then res=$(one "$tmp/get.lua" "api/$USER_ID/tasks/$TASK_ID"); else res=$(one "$tmp/post.lua" "api/$USER_ID/tasks"); fi
			printf '%-5s %-4s %-5s %10s %9s %9s %7s %9s %9s\n' "$r" "$set" "$route" "$(field rps "$res")" \
				"$(field p50_ms "$res")" "$(field p99_ms "$res")" "$(field non2xx "$res")" \
				"$(field todod_us "$res")" "$(field daprd_us "$res")"
			echo "$set $route $(field rps "$res") $(field non2xx "$res") $(field todod_us "$res") $(field daprd_us "$res")" >>"$tmp/results"
		done
	done
done
python3 - "$tmp/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
bad = sum(int(r[3]) for r in rows)
for route in ("get", "post"):
    on = statistics.median(float(r[2]) for r in rows if r[0] == "on" and r[1] == route)
    off = statistics.median(float(r[2]) for r in rows if r[0] == "off" and r[1] == route)
    print(f"{route:5} median req/s: on {on:.0f}, off {off:.0f}; on/off = {on / off:.3f} (cost {100 * (1 - on / off):+.1f} %)")
    for i, who in ((4, "todod"), (5, "daprd")):
        con = statistics.median(float(r[i]) for r in rows if r[0] == "on" and r[1] == route)
        coff = statistics.median(float(r[i]) for r in rows if r[0] == "off" and r[1] == route)
        print(f"{route:5} {who} CPU per request: on {con:.1f} us, off {coff:.1f} us ({100 * (con / coff - 1):+.1f} %)")
if bad:
    sys.exit(f"{bad} non-2xx answers: the figures are not comparable")
PY
