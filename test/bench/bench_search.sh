#!/usr/bin/env bash
# Search, filter + sort and paging latency at scale, through daprd.
#   test/bench/bench_search.sh          (needs the local PostgreSQL up: scripts/pg.sh start)
# Data: database $BENCH_DB (default todod_bench) on the local cluster, 1,000 users x 1,000
# tasks plus user "heavy" with 100,000 tasks (test/bench/search_load.sql; words from
# search_words.txt). It is created, migrated and loaded on the first run (1-2 minutes;
# the load time is printed) and reused after, when its task count still matches;
# BENCH_RELOAD=1 drops and reloads it. Other databases are not touched.
# Stack: its own todod + daprd (app id todod-bench) on free ports, against that database;
# both are stopped on exit. The scheduler address is passed as usual (127.0.0.1:50006).
# Cases (test/bench/search_client.py): for the heavy user and for typical users in turn,
# keyword search (common, medium, rare word; partial word), filter + sort (status +
# priority by due date, tag by priority, the filter language), paging to the end with
# limit=200; a GET api/version baseline in the same run. One keep-alive client,
# BENCH_REQUESTS (300) measured requests per case after BENCH_WARMUP (30).
# Env: TODOD_BUILD (build dir of the todod measured, default build), BENCH_DB, BENCH_RELOAD,
# BENCH_USERS (1000), BENCH_PER_USER (1000), BENCH_HEAVY (100000), BENCH_SEED (0.42), and those
# of search_client.py (BENCH_REQUESTS, BENCH_WARMUP, BENCH_WORDS, BENCH_ONLY, BENCH_PAGE_WALKS,
# BENCH_TYPICAL_WALKS). Migrations come from the source tree (TODOD_MIGRATIONS_DIR overrides).
source "$(dirname "$0")/../../scripts/lib.sh"
HERE=$TODOD_ROOT/test/bench
PG_PORT=${PGPORT_TODOD:-55432}
PG_SOCK=$TODOD_WORK/pg/run
DB=${BENCH_DB:-todod_bench}
[[ $DB =~ ^[a-z_][a-z0-9_]*$ ]] || die "BENCH_DB must be a plain lower-case name"
case $DB in todod | todod_test | postgres | template*) die "BENCH_DB=$DB is not a benchmark database" ;; esac
URL=postgres://todod:todod@127.0.0.1:$PG_PORT/$DB # DEVELOPMENT-ONLY credentials (scripts/pg.sh)
USERS=${BENCH_USERS:-1000}
PER_USER=${BENCH_PER_USER:-1000}
HEAVY=${BENCH_HEAVY:-100000}
EXPECTED=$((USERS * PER_USER + HEAVY))
BIN_SRC=${TODOD_BUILD:-$TODOD_ROOT/build}/src/todod
DAPRD=$DAPR_BIN_DIR/daprd
JWT_SECRET=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["jwt-secret"])' \
	"$TODOD_ROOT/components/local/dev-secrets.json")
[ -x "$BIN_SRC" ] || die "$BIN_SRC missing: scripts/build.sh build"
[ -x "$DAPRD" ] || die "$DAPRD missing: scripts/install-dapr.sh"
export PGPASSWORD=todod PGCONNECT_TIMEOUT=5
export TODOD_MIGRATIONS_DIR=${TODOD_MIGRATIONS_DIR:-$TODOD_ROOT/migrations} # also for a TODOD_BUILD elsewhere
psql_todod() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U todod "$@"; }
psql_todod -d todod -Atc 'SELECT 1' >/dev/null 2>&1 ||
	die "PostgreSQL is not answering on 127.0.0.1:$PG_PORT (scripts/pg.sh start)"

tmp=$(mktemp -d)
pids=()
cleanup() {
	local pid
	for pid in "${pids[@]}"; do # exactly what this script started, newest first
		kill -TERM "$pid" 2>/dev/null || continue
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the database --------------------------------------------------------------------
# admin SQL: as todod if it may create databases, else as the cluster's superuser over the socket.
admin_sql() {
	if psql_todod -d todod -c "$1" 2>/dev/null; then return 0; fi
	((EUID == 0)) || die "role todod cannot run \"$1\" and we are not root to ask postgres"
	(cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U postgres -c "$1")
}

exists=$(psql_todod -d todod -Atc "SELECT count(*) FROM pg_database WHERE datname = '$DB'")
have=$(psql_todod -d "$DB" -Atc 'SELECT count(*) FROM tasks' 2>/dev/null || echo none)
if [ "${BENCH_RELOAD:-0}" = 1 ] || [ "$have" != "$EXPECTED" ]; then
	log "loading $DB: $USERS users x $PER_USER tasks + heavy user x $HEAVY (had: $have)"
	[ "$exists" = 0 ] || admin_sql "DROP DATABASE $DB"
	admin_sql "CREATE DATABASE $DB OWNER todod"
	TODOD_DATABASE_URL=$URL "$BIN_SRC" migrate up >/dev/null
	words=$(grep -v '^#' "$HERE/search_words.txt" | paste -sd, -)
	nwords=$(grep -vc '^#' "$HERE/search_words.txt")
	t0=$(date +%s.%N)
	# Echo each phase with the seconds since the start of the load.
	if ! psql_todod -d "$DB" -v word="('{$words}'::text[])[floor(exp(random() * ln($nwords + 1)))::int]" \
		-v users="$USERS" -v per_user="$PER_USER" -v heavy_tasks="$HEAVY" -v seed="${BENCH_SEED:-0.42}" \
		-f "$HERE/search_load.sql" | while IFS= read -r line; do
		printf '[%6.1fs] %s\n' "$(echo "$(date +%s.%N) - $t0" | bc)" "$line"
	done; then
		die "load failed (a rerun reloads)"
	fi
	LOAD_S=$(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)")
	log "$DB loaded in ${LOAD_S}s (insert + tags + index rebuild + VACUUM ANALYZE)"
else
	log "reusing $DB ($have tasks; BENCH_RELOAD=1 reloads)"
fi
TODOD_DATABASE_URL=$URL "$BIN_SRC" migrate up | sed 's/^/migrate: /' # new index migrations

# ---- todod + daprd on free ports -----------------------------------------------------------
cp "$BIN_SRC" "$tmp/todod" # a rebuild under us must not change the binary mid-run
# daprd hot-reloads (restarts its runtime, dropping in-flight calls) when a file in its resources
# folder changes: give it a snapshot of components/local so edits elsewhere cannot disturb the run.
mkdir "$tmp/components"
cp "$TODOD_ROOT"/components/local/*.yaml "$tmp/components/"
cp "$TODOD_ROOT/components/daprd-config.yaml" "$tmp/daprd-config.yaml"
APP_PORT=$(free_port)
GRPC_PORT=$(free_port)
HTTP_PORT=$(free_port)
INTERNAL_PORT=$(free_port)
APP_ID=todod-bench
LOGS=$TODOD_WORK/logs
mkdir -p "$LOGS"
log "starting todod :$APP_PORT and daprd http :$HTTP_PORT grpc :$GRPC_PORT (logs $LOGS/bench_search_{todod,daprd}.log)"
(TODOD_APP_PORT=$APP_PORT DAPR_GRPC_PORT=$GRPC_PORT TODOD_DATABASE_URL=$URL TODOD_JWT_SECRET=$JWT_SECRET \
	TODOD_LOG_LEVEL=${TODOD_LOG_LEVEL:-warn} exec "$tmp/todod" >"$LOGS/bench_search_todod.log" 2>&1 </dev/null) &
pids=($! "${pids[@]}")
(cd "$TODOD_ROOT" && exec "$DAPRD" --mode standalone --app-id "$APP_ID" --app-port "$APP_PORT" \
	--app-protocol grpc --app-channel-address 127.0.0.1 \
	--dapr-grpc-port "$GRPC_PORT" --dapr-http-port "$HTTP_PORT" --dapr-listen-addresses 127.0.0.1 \
	--dapr-internal-grpc-listen-address 127.0.0.1 --dapr-internal-grpc-port "$INTERNAL_PORT" \
	--resources-path "$tmp/components" --config "$tmp/daprd-config.yaml" \
	--enable-mtls=false --enable-metrics=false --scheduler-host-address 127.0.0.1:${SCHEDULER_PORT:-50006} \
	--log-level "${BENCH_DAPR_LOG_LEVEL:-warn}" >"$LOGS/bench_search_daprd.log" 2>&1 </dev/null) &
pids=($! "${pids[@]}")
BASE=http://127.0.0.1:$HTTP_PORT/v1.0/invoke/$APP_ID/method
deadline=$((SECONDS + 60))
until curl -fsS -o /dev/null "$BASE/api/version" 2>/dev/null; do
	for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || {
		tail -n 20 "$LOGS/bench_search_todod.log" "$LOGS/bench_search_daprd.log" >&2
		die "todod or daprd exited during start"
	}; done
	((SECONDS < deadline)) || die "no answer at $BASE/api/version within 60s"
	sleep 0.2
done

# Tokens: the heavy user, then 50 typical users spread over the range.
step=$((USERS / 50 > 0 ? USERS / 50 : 1))
for u in heavy $(seq -f 'user%04g' 1 "$step" "$USERS" | head -n 50); do
	echo "$u $(TODOD_JWT_SECRET=$JWT_SECRET "$tmp/todod" token "$u" 7200 2>/dev/null)"
done >"$tmp/tokens"

echo "todod search benchmark: $EXPECTED tasks ($USERS users x $PER_USER + heavy x $HEAVY), $(nproc) cores," \
	"$(date -u +%FT%TZ), $(git -C "$TODOD_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "one keep-alive client through daprd; ms from request sent to body read; 'typical' rotates over $(($(wc -l <"$tmp/tokens") - 1)) users"
[ -n "${LOAD_S:-}" ] && echo "load: ${LOAD_S}s"
BENCH_PSQL="psql -h 127.0.0.1 -p $PG_PORT -U todod -d $DB" python3 "$HERE/search_client.py" "$BASE" "$tmp/tokens"
