#!/usr/bin/env bash
# README command 1: set up this machine and run todod behind a real daprd, until Ctrl-C.
#   scripts/run.sh                       light default: in-memory pub/sub (components/local)
#   TODOD_PROFILE=kafka scripts/run.sh   Kafka pub/sub (components/kafka), broker started too
source "$(dirname "$0")/lib.sh"
export TODOD_PROFILE=${TODOD_PROFILE:-local}
S=$TODOD_ROOT/scripts
t0=$SECONDS

"$S/install-deps.sh"
"$S/install-dapr.sh"
[ "$TODOD_PROFILE" = kafka ] && "$S/install-kafka.sh"
"$S/build.sh" build

stopping=0
cleanup() {
	((stopping)) && return
	stopping=1
	log "stopping the stack"
	"$S/stack.sh" down
}
trap cleanup EXIT
trap 'exit 0' INT TERM

"$S/stack.sh" up
TOKEN=$(DAPR_GRPC_PORT=${DAPR_GRPC_PORT:-50001} "$TODOD_ROOT/build/src/todod" token alice 86400)
base="http://127.0.0.1:${DAPR_HTTP_PORT:-3500}/v1.0/invoke/${APP_ID:-todod}/method"
cat <<MSG

todod is running behind daprd ($TODOD_PROFILE profile), ready in $((SECONDS - t0))s.
A development token for user "alice" (valid 24 h; mint others with
  DAPR_GRPC_PORT=${DAPR_GRPC_PORT:-50001} build/src/todod token <user> [ttl-seconds]):

  TOKEN=$TOKEN

  curl -s -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
       -d '{"title":"buy milk"}' $base/api/alice/tasks
  curl -s -H "Authorization: Bearer \$TOKEN" $base/api/alice/tasks

Logs: $TODOD_WORK/logs/{todod,daprd,scheduler,pg}.log   Ctrl-C stops everything.
MSG
# Follow todod's log until it exits or Ctrl-C arrives.
tail -n 0 -F "$TODOD_WORK/logs/todod.log" --pid="$(cat "$TODOD_WORK/todod.pid")" &
wait $!
