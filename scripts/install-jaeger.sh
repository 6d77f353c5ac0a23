#!/usr/bin/env bash
# Builds Jaeger (the all-in-one `jaeger` binary of Jaeger v2: an OpenTelemetry collector with the
# OTLP receivers, in-memory trace storage and the query API/UI) at $JAEGER_VERSION from the Go
# module proxy into $JAEGER_BIN_DIR. Only the tracing tests need it (scripts/jaeger.sh starts it
# when TODOD_TRACING_BACKEND=jaeger); the dev stack and README command 1 do not.
# Idempotent: returns at once when the binary exists and was built by the current recipe (stamp).
# Everything it writes lives outside the repository:
#   Go module cache  $(go env GOMODCACHE)   (~1 GB more after the first run)
#   Go build cache   $(go env GOCACHE)
#   build module     $TODOD_CACHE/jaeger/src-$JAEGER_VERSION (a two-line go.mod that requires jaeger)
#   binary           $JAEGER_BIN_DIR/jaeger
# A cold build takes several minutes on 2 cores; the check on a warm machine well under a second.
#
# Why a module of our own: `go install github.com/jaegertracing/jaeger/cmd/jaeger@v1.75.0` is the
# obvious command, but the module's versions are tagged v1.x while the binary is Jaeger v2 (the
# v2 line lives in the same module); `go get -tool` in a throw-away module pins exactly that
# version together with the versions of its dependencies that its own go.mod selects.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RECIPE="jaeger $JAEGER_VERSION: go get -tool github.com/jaegertracing/jaeger/cmd/jaeger; CGO_ENABLED=0"
STAMP=$JAEGER_BIN_DIR/.recipe

if [ -x "$JAEGER_BIN_DIR/jaeger" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$RECIPE" ]; then
	log "jaeger $JAEGER_VERSION ready in $JAEGER_BIN_DIR"
	exit 0
fi

if ! command -v go >/dev/null; then
	[ -x /usr/local/go/bin/go ] || die "go not found (expected on PATH or at /usr/local/go/bin/go)"
	PATH=/usr/local/go/bin:$PATH
fi
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false"
export GOPROXY=${GOPROXY:-https://proxy.golang.org,direct}

start=$SECONDS
log "building jaeger $JAEGER_VERSION with $(go version | cut -d' ' -f3); takes minutes on a cold cache"
src=$TODOD_CACHE/jaeger/src-$JAEGER_VERSION
rm -rf "$src"
mkdir -p "$src" "$JAEGER_BIN_DIR"
cd "$src"
go mod init todod.local/jaeger-build >/dev/null 2>&1
go get -tool "github.com/jaegertracing/jaeger/cmd/jaeger@v$JAEGER_VERSION" ||
	die "go get github.com/jaegertracing/jaeger/cmd/jaeger@v$JAEGER_VERSION failed"
rm -f "$STAMP"
go build -ldflags "-s -w" -o "$JAEGER_BIN_DIR/.jaeger.tmp" github.com/jaegertracing/jaeger/cmd/jaeger ||
	die "building jaeger failed (see above)"
mv "$JAEGER_BIN_DIR/.jaeger.tmp" "$JAEGER_BIN_DIR/jaeger"
echo "$RECIPE" >"$STAMP"
log "jaeger $JAEGER_VERSION built into $JAEGER_BIN_DIR in $((SECONDS - start))s"
