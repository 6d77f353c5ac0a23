#!/usr/bin/env bash
# Overload benchmark (issue 9): how the service degrades when clients outnumber its capacity.
#   test/bench/bench_overload.sh
# Env: BENCH_PROFILES    profiles to run, each on a fresh stack ("local kafka")
#      BENCH_CONNECTIONS connection counts ("1 16 256 1000 2000")
#      BENCH_DURATION    seconds per run (10)
#      BENCH_USERS       distinct users the requests rotate over (1000; 1 = single-user mode,
#                        where a per-user rate limit dominates)
#      BENCH_TASKS       tasks per user seeded before the runs, so GET list returns a page (10)
#      BENCH_DRAIN_S     how long to wait for the outbox to drain after a POST run (120)
# Plus the port/work-dir variables of scripts/stack.sh (the stack of $TODOD_WORK is taken
# over: brought down, started per profile, brought down at the end).
#
# For each profile and connection count it runs, through daprd on loopback, 10 s of
#   get   GET  api/<user>/tasks   (JWT check + a page of the user's tasks)
#   post  POST api/<user>/tasks   (JWT check + INSERT + an outbox event, fsync on)
# with test/bench/loadgen (closed loop: each connection sends its next request when the
# previous one is answered; the k-th request goes to user k mod BENCH_USERS; tokens are
# minted from the development key of components/local/dev-secrets.json). wrk is not used
# because it keeps one latency histogram over all answers, and the successes' latency is
# what matters once the service sheds load with fast 429s. loadgen prints the first body of
# each non-2xx status on stderr, so the log tells which 5xx a run got.
#
# Columns: ok/s successful (2xx) answers per second; p50/p99 of the successes' latency;
# 429 and 5xx answers (daprd's 500 "app is not in a healthy state" counts as 5xx); err =
# requests without an HTTP answer (timeouts after 10 s, connection errors); lag p99/max =
# the outbox's oldest unpublished event's age (the oldest_age_ms of GET api/ops/outbox,
# same SQL) sampled from PostgreSQL every 250 ms during the run and, after a POST run, until
# the outbox is empty again - read from the database, not through daprd, so the samples do
# not queue behind the load; drain = seconds after a POST run until the outbox is empty
# (the next run starts only then).
source "$(dirname "$0")/../../scripts/lib.sh"
S=$TODOD_ROOT/scripts
B=$TODOD_ROOT/test/bench
PROFILES=${BENCH_PROFILES:-local kafka}
CONNS=${BENCH_CONNECTIONS:-1 16 256 1000 2000}
DUR=${BENCH_DURATION:-10}
NUSERS=${BENCH_USERS:-1000}
NTASKS=${BENCH_TASKS:-10}
DRAIN_S=${BENCH_DRAIN_S:-120}
export DAPR_HTTP_PORT=${DAPR_HTTP_PORT:-3500}
BASE=http://127.0.0.1:$DAPR_HTTP_PORT/v1.0/invoke/${APP_ID:-todod}/method/
DB=postgres://todod:todod@127.0.0.1:${PGPORT_TODOD:-55432}/todod

# 2000 client connections plus as many in daprd: raise the descriptor limit before the
# stack starts, so daprd and todod inherit it too.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
maxc=$(tr ' ' '\n' <<<"$CONNS" | sort -n | tail -1)
need=$((2 * maxc + 1024))   # the clients' sockets and daprd's, plus everything else
(($(ulimit -n) >= need)) || die "ulimit -n is $(ulimit -n); $maxc connections need at least $need"

tmp=$(mktemp -d)
sampler=
cleanup() {
	[ -n "$sampler" ] && { kill "$sampler" 2>/dev/null || true; }
	"$S/stack.sh" down >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

command -v go >/dev/null || PATH=$PATH:/usr/local/go/bin
command -v go >/dev/null || die "go missing (scripts/install-dapr.sh uses the same toolchain)"
(cd "$B/loadgen" && GOFLAGS=-mod=mod go build -o "$tmp/loadgen" .) || die "building loadgen failed"
"$S/build.sh" build >&2

# Users and tokens (valid for 2 hours): "user token" lines.
python3 -c '
import json, os, sys, time
sys.path.insert(0, os.path.join(os.environ["TODOD_ROOT"], "test/e2e"))
from conftest import mint
secret = json.load(open(os.path.join(os.environ["TODOD_ROOT"], "components/local/dev-secrets.json")))["jwt-secret"]
n, out = int(sys.argv[1]), sys.argv[2]
run = int(time.time())
with open(out, "w") as f:
    for i in range(n):
        u = f"ovl{run}-{i:04d}"
        f.write(f"{u} {mint(secret, u, exp_in=7200)}\n")
' "$NUSERS" "$tmp/users.txt"

# LAG_SAMPLER FILE: the outbox's oldest age in ms every 250 ms, one number a line, until
# killed (one psql session; it ends when the sampler's pipe closes).
LAG_SAMPLER=(python3 -c '
import subprocess, sys, time
out = open(sys.argv[2], "w")
p = subprocess.Popen(["psql", "-X", "-q", "-A", "-t", sys.argv[1]], stdin=subprocess.PIPE,
                     stdout=out, stderr=subprocess.DEVNULL, text=True)
while True:
    p.stdin.write("SELECT coalesce((extract(epoch FROM clock_timestamp() - min(created_at))"
                  " * 1000)::bigint, 0) FROM outbox;\n")
    p.stdin.flush()
    time.sleep(0.25)
' "$DB")

# lag_stats FILE -> "p99 max" in ms
lag_stats() {
	python3 -c '
import sys
v = sorted(int(x) for x in open(sys.argv[1]).read().split() if x.strip().lstrip("-").isdigit())
if not v: print("- -"); sys.exit()
print(v[min(len(v) - 1, max(0, int(len(v) * 0.99 + 0.5) - 1))], v[-1])' "$1"
}

backlog() { psql -X -q -A -t -c "SELECT count(*) FROM outbox" "$DB"; }

# drain: seconds until the outbox is empty (or "gt<N>" after BENCH_DRAIN_S)
drain() {
	local t0=$SECONDS
	while (($(backlog) > 0)); do
		((SECONDS - t0 < DRAIN_S)) || { echo "gt$DRAIN_S"; return; }
		sleep 0.5
	done
	echo $((SECONDS - t0))
}

field() { sed -n "s/.*[ ^]$1=\([^ ]*\).*/\1/p" <<<" $2"; }

load0=$(cut -d' ' -f1-3 /proc/loadavg)
results=$tmp/results.txt
: >"$results"
for profile in $PROFILES; do
	log "=== profile $profile: fresh stack"
	"$S/stack.sh" down >/dev/null 2>&1 || true
	TODOD_PROFILE=$profile "$S/stack.sh" up >&2
	# Seed every user's tasks straight into PostgreSQL (reads need rows; no events wanted).
	cut -d' ' -f1 "$tmp/users.txt" >"$tmp/names.txt"
	{
		echo "CREATE TEMP TABLE bench_users (u text);"
		echo "\\copy bench_users FROM '$tmp/names.txt'"
		echo "INSERT INTO tasks (user_id, title, description)"
		echo "  SELECT u, 'seeded task ' || g, 'seeded by bench_overload.sh'"
		echo "  FROM bench_users, generate_series(1, $NTASKS) g;"
	} >"$tmp/seed.sql"
	psql -X -q -v ON_ERROR_STOP=1 "$DB" -f "$tmp/seed.sql" >/dev/null
	for c in $CONNS; do
		for mode in get post; do
			log "$profile $mode c=$c ${DUR}s"
			"${LAG_SAMPLER[@]}" "$tmp/lag.txt" &
			sampler=$!
			r=$("$tmp/loadgen" -base "$BASE" -mode "$mode" -c "$c" -d "${DUR}s" -users "$tmp/users.txt" |
				sed -n 's/^RESULT //p')
			# For POST the samples go on until the outbox has drained: the events written
			# late in the run are still waiting then, and their lag counts too.
			d=-
			[ "$mode" = post ] && d=$(drain)
			kill "$sampler" 2>/dev/null || true
			wait "$sampler" 2>/dev/null || true
			sampler=
			read -r lp99 lmax <<<"$(lag_stats "$tmp/lag.txt")"
			echo "$profile $c $mode $r lag_p99=$lp99 lag_max=$lmax drain=$d" >>"$results"
			log "  $r lag_p99=${lp99}ms lag_max=${lmax}ms drain=${d}s"
			# Let daprd's health probe recover before the next run (it may have marked the app
			# unhealthy); give up after 60 s and run anyway (the next row will show it).
			local_deadline=$((SECONDS + 60))
			until curl -fsS -o /dev/null "${BASE}api/version" 2>/dev/null || ((SECONDS > local_deadline)); do
				sleep 0.5
			done
		done
	done
	"$S/stack.sh" down >&2
done

echo
echo "todod overload benchmark: ${DUR}s per run, $NUSERS users, through daprd on loopback,"
echo "$(nproc) cores, $(date -u +%FT%TZ), commit $(git -C "$TODOD_ROOT" rev-parse --short HEAD),"
echo "load average at the start $load0 (other work on the machine skews every figure)"
echo
echo "| profile | conns | route | ok/s | p50 ms | p99 ms | 429 | 5xx | err | lag p99 ms | lag max ms | drain s |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
while read -r profile c mode rest; do
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$profile" "$c" \
		"$([ "$mode" = get ] && echo 'GET list' || echo POST)" \
		"$(field ok_rps "$rest")" "$(field p50_ms "$rest")" "$(field p99_ms "$rest")" \
		"$(field n429 "$rest")" "$(field n5xx "$rest")" "$(field errors "$rest")" \
		"$(field lag_p99 "$rest")" "$(field lag_max "$rest")" "$(field drain "$rest")"
done <"$results"
