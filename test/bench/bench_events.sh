#!/usr/bin/env bash
# Event backbone benchmark (run outside the test suite; it restarts the stack, several times):
#   test/bench/bench_events.sh
# 1. Relay throughput to Kafka. todod is stopped (nothing drains), BENCH_ROWS outbox rows are inserted
#    with SQL (~650-byte task-updated events, BENCH_KEYS partition keys, unique event ids), todod is
#    started and GET api/ops/outbox is polled until the backlog is 0: events/s.
#    Run twice: to `bench-events`, a topic nobody subscribes to, which measures the relay alone
#    (claim, bulk publish through daprd to Kafka, delete) -- the figure the target is about; and to
#    `task-events`, the rows being valid task events of a throw-away user, which measures the whole
#    pipeline under the same backlog (relay + daprd -> app deliveries + activity consumer, whose own
#    activity-log-created events go through the relay too): it reports when the consumer is done.
# 2. Commit-to-consumer latency: writes (1 POST : 4 PUT) at BENCH_RATE/s for BENCH_SECONDS s through
#    daprd's HTTP port from a small Python load generator (keep-alive connections, fixed schedule);
#    per event, latency = activity_logs.recorded_at - occurred_at (both from PostgreSQL). p50/p99/max
#    and the achieved write rate, on the kafka profile and then on the local (in-memory) profile.
#    (Dapr's in-memory pub/sub hands one message at a time per topic to the app, inside the publish
#    call itself, so there the relay waits for the consumer and a single delivery stream carries all
#    events: a floor, not a like-for-like baseline.)
# Where the time goes in a slow run: the Kafka CreateTime of each task-events message (java -cp
#    "$KAFKA_HOME/libs/*" kafka.tools.DumpLogSegments --print-data-log --files $TODOD_WORK/kafka/
#    task-events-N/*.log, matched by CloudEvent id) splits commit -> Kafka (relay) from
#    Kafka -> activity row (daprd delivery + consumer transaction).
# 3. (BENCH_THROUGHPUT_SECONDS set) Sustained throughput: the same writes at BENCH_THROUGHPUT_RATE/s
#    (1000) for BENCH_THROUGHPUT_SECONDS, sampling outbox backlog, consumer lag and process CPU each second.
# Env: BENCH_PROFILE (kafka; kafka3: three Kafka nodes), BENCH_ROWS (50000), BENCH_KEYS (10000),
#   BENCH_RELAY (1: run part 1), BENCH_RATE (500), BENCH_SECONDS (30), BENCH_RUNS (1: latency runs),
#   BENCH_LOCAL (1: also the local-profile baseline), BENCH_THROUGHPUT_SECONDS (unset: no part 3),
#   BENCH_THROUGHPUT_RATE (1000), BENCH_USERS (100: writes spread over that many users, in turn),
#   BENCH_WARMUP_SECONDS (60: one unreported latency run first; 0: none), BENCH_DATABASE_URL (the stack's PostgreSQL, from PGPORT_TODOD).
#   Prints progress on stderr and the figures at the end, with the load average (the machine may be
#   shared: quote figures with it). A stack running at the start is brought back on its profile at
#   the end; otherwise the stack is left down.
# The README's three-broker runs:
#   BENCH_PROFILE=kafka3 BENCH_RELAY=0 BENCH_LOCAL=0 BENCH_SECONDS=60 BENCH_RUNS=5 test/bench/bench_events.sh
#   BENCH_PROFILE=kafka3 BENCH_RELAY=0 BENCH_LOCAL=0 BENCH_RUNS=0 BENCH_THROUGHPUT_SECONDS=600 test/bench/bench_events.sh
source "$(dirname "$0")/../../scripts/lib.sh"
S=$TODOD_ROOT/scripts
B=$TODOD_ROOT/test/bench
ROWS=${BENCH_ROWS:-50000}
KEYS=${BENCH_KEYS:-10000}
RATE=${BENCH_RATE:-500}
SECS=${BENCH_SECONDS:-30}
USERS=${BENCH_USERS:-100}
PROFILE=${BENCH_PROFILE:-kafka}
HTTP=http://127.0.0.1:${DAPR_HTTP_PORT:-3500}
export BENCH_DATABASE_URL=${BENCH_DATABASE_URL:-postgres://todod:todod@127.0.0.1:${PGPORT_TODOD:-55432}/todod}
export TODOD_DIAGNOSTICS=${TODOD_DIAGNOSTICS:-1}
# The pipeline under the requested load, not the admission controls (bench_overload.sh measures
# those): one user writes 500-1,000/s, far past the per-user rate limit.
export TODOD_RATE_LIMIT_RPS=${TODOD_RATE_LIMIT_RPS:-0} TODOD_MAX_EVENT_LAG_MS=${TODOD_MAX_EVENT_LAG_MS:-0}
command -v psql >/dev/null || die "psql missing: scripts/install-deps.sh installs it"

# The profile of a stack running now (from daprd's metadata), or nothing.
running_profile() {
	curl -fsS "$HTTP/v1.0/metadata" 2>/dev/null | python3 -c '
import json, sys
c = {x["name"]: x["type"] for x in json.load(sys.stdin).get("components", [])}
print({"pubsub.kafka": "kafka", "pubsub.in-memory": "local"}.get(c.get("pubsub"), ""))' 2>/dev/null |
		sed "s/^kafka\$/kafka$([ -f "$TODOD_WORK/kafka3-1.pid" ] && kill -0 "$(cat "$TODOD_WORK/kafka3-1.pid")" 2>/dev/null && echo 3)/" || true
}
stack_on() { # stack_on PROFILE: the stack up on PROFILE (down first if another profile runs)
	local now
	now=$(running_profile)
	if [ -n "$now" ] && [ "$now" != "$1" ]; then TODOD_PROFILE=$now "$S/stack.sh" down >&2; fi
	TODOD_PROFILE=$1 "$S/stack.sh" up >&2
}

"$S/build.sh" build >&2
before=$(running_profile)
cleanup() {
	local now
	now=$(running_profile)
	if [ "$now" != "$before" ]; then
		[ -n "$now" ] && TODOD_PROFILE=$now "$S/stack.sh" down >&2
		[ -n "$before" ] && TODOD_PROFILE=$before "$S/stack.sh" up >&2
	fi
	true
}
trap cleanup EXIT

out=$(mktemp)
result() { sed -n 's/^RESULT //p' | tee -a "$out"; }

stack_on "$PROFILE"
if [ "${BENCH_RELAY:-1}" = 1 ]; then
	log "=== relay throughput: $ROWS rows, $KEYS keys"
	python3 "$B/bench_events.py" relay --rows "$ROWS" --keys "$KEYS" --topic bench-events | result
	python3 "$B/bench_events.py" relay --rows "$ROWS" --keys "$KEYS" --topic task-events | result
fi

if [ "${BENCH_WARMUP_SECONDS:-60}" != 0 ] && [ "${BENCH_RUNS:-1}" != 0 ]; then
	# A fresh cluster's JVMs compile for the first minute or two under load (measured: p99 16 s in a
	# first 20 s run, 0.3-0.4 s from the third on); the reported runs measure the warm pipeline.
	log "=== warm-up (not reported): $RATE writes/s for ${BENCH_WARMUP_SECONDS:-60}s"
	python3 "$B/bench_events.py" latency --rate "$RATE" --seconds "${BENCH_WARMUP_SECONDS:-60}" --label "$PROFILE" \
		--users "$USERS" | sed -n 's/^RESULT .*\(e2e_p99_ms=[^ ]*\).*/warm-up: \1/p' >&2
fi
for ((i = 1; i <= ${BENCH_RUNS:-1}; i++)); do
	log "=== commit-to-consumer latency: $RATE writes/s for ${SECS}s, $PROFILE profile, run $i (load $(cut -d' ' -f1-3 /proc/loadavg))"
	python3 "$B/bench_events.py" latency --rate "$RATE" --seconds "$SECS" --label "$PROFILE" --users "$USERS" | result
done
if [ -n "${BENCH_THROUGHPUT_SECONDS:-}" ]; then
	log "=== sustained throughput: ${BENCH_THROUGHPUT_RATE:-1000} writes/s for ${BENCH_THROUGHPUT_SECONDS}s, $PROFILE profile"
	python3 "$B/bench_events.py" throughput --rate "${BENCH_THROUGHPUT_RATE:-1000}" \
		--seconds "$BENCH_THROUGHPUT_SECONDS" --label "$PROFILE" --users "$USERS" | result
fi
if [ "${BENCH_LOCAL:-1}" = 1 ]; then
	log "=== the same on the local profile (in-memory pub/sub)"
	stack_on local
	python3 "$B/bench_events.py" latency --rate "$RATE" --seconds "$SECS" --label local | result
fi

echo
echo "todod event backbone benchmark: $(nproc) cores, $(date -u +%FT%TZ), Dapr $DAPR_VERSION, Kafka $KAFKA_VERSION"
python3 - "$out" <<'PY'
import sys
rows = [dict(kv.split("=", 1) for kv in line.split()) for line in open(sys.argv[1]) if line.strip()]
print("\nrelay throughput (outbox -> daprd bulk publish -> Kafka), todod started on a full outbox:")
print(f"{'topic':<13}{'rows':>7}{'bytes':>7}{'drain_s':>9}{'events/s':>10}{'10-90%/s':>10}{'api_0_s':>9}"
      f"{'pipeline_s':>12}{'consumed/s':>12}")
for r in rows:
    if "topic" in r:
        print(f"{r['topic']:<13}{r['rows']:>7}{r['payload_bytes']:>7}{r['drain_s']:>9}"
              f"{r['events_per_s']:>10}{r['events_per_s_10_90']:>10}{r['api_reports_0_s']:>9}"
              f"{r.get('pipeline_s', '-'):>12}{r.get('consumed_per_s', '-'):>12}")
print("\ncommit-to-consumer latency (activity_logs.recorded_at - occurred_at):")
print(f"{'profile':<8}{'rate':>6}{'writes':>8}{'achieved/s':>12}{'p50_ms':>9}{'p90_ms':>9}{'p99_ms':>9}"
      f"{'max_ms':>9}{'http_p99':>10}{'load':>7}")
for r in rows:
    if "profile" in r:
        print(f"{r['profile']:<8}{float(r['target_rate']):>6.0f}{r['http_200']:>8}{r['achieved_rate']:>12}"
              f"{r['e2e_p50_ms']:>9}{r['e2e_p90_ms']:>9}{r['e2e_p99_ms']:>9}{r['e2e_max_ms']:>9}"
              f"{r['http_p99_ms']:>10}{r.get('loadavg', '-'):>7}")
for r in rows:
    if "lag_max" in r:
        print("\nsustained run: " + " ".join(f"{k}={v}" for k, v in r.items() if k != "user"))
PY
rm -f "$out"
