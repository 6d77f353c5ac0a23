#!/usr/bin/env bash
# Builds promtool (Prometheus's checker of metrics text and rule files) from the Go module proxy,
# pinned, into $TODOD_CACHE/promtool/$PROMETHEUS_VERSION/promtool. A second run is a no-op.
#   scripts/install-promtool.sh          build if missing; prints nothing else on success
#   scripts/install-promtool.sh --path   print the binary's path (building it first if needed)
# Used by test/e2e/test_metrics.py (`promtool check metrics`) and scripts/chart-check.sh
# (`promtool check rules`).
# Go module v0.316.0 is Prometheus 3.16.0 (the Go module numbering is v0.3MM.P for 3.MM.P). Its
# go.mod has no replace or exclude directives, so `go install pkg@version` builds it as released.
# Measured: 10 min 14 s wall (4 min 55 s CPU) with an empty Go build cache on the shared 2-core box
# (GOMAXPROCS=1, load average 6-9); a second run is a no-op (the stamped binary).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PROMETHEUS_VERSION=${PROMETHEUS_VERSION:-0.316.0}
PROMTOOL_DIR=$TODOD_CACHE/promtool/$PROMETHEUS_VERSION
PROMTOOL=$PROMTOOL_DIR/promtool

if [ -x "$PROMTOOL" ] && [ "$(cat "$PROMTOOL_DIR/.version" 2>/dev/null)" = "$PROMETHEUS_VERSION" ]; then
	[ "${1:-}" = --path ] && echo "$PROMTOOL"
	exit 0
fi

if ! command -v go >/dev/null; then
	[ -x /usr/local/go/bin/go ] || die "go not found (expected on PATH or at /usr/local/go/bin/go)"
	PATH=/usr/local/go/bin:$PATH
fi
# Never download a toolchain; a static binary like upstream's release.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
export GOPROXY=${GOPROXY:-https://proxy.golang.org,direct}

t=$SECONDS
log "building promtool (github.com/prometheus/prometheus v$PROMETHEUS_VERSION) with $(go version | cut -d' ' -f3)"
mkdir -p "$PROMTOOL_DIR"
rm -f "$PROMTOOL_DIR/.version"
GOBIN=$PROMTOOL_DIR.tmp go install -ldflags "-s -w" \
	"github.com/prometheus/prometheus/cmd/promtool@v$PROMETHEUS_VERSION" ||
	die "go install promtool@v$PROMETHEUS_VERSION failed (see above)"
mv "$PROMTOOL_DIR.tmp/promtool" "$PROMTOOL"
rmdir "$PROMTOOL_DIR.tmp"
"$PROMTOOL" --version >/dev/null || die "the built promtool does not run"
echo "$PROMETHEUS_VERSION" >"$PROMTOOL_DIR/.version"
log "promtool v$PROMETHEUS_VERSION built into $PROMTOOL_DIR in $((SECONDS - t))s"
[ "${1:-}" = --path ] && echo "$PROMTOOL"
exit 0
