#!/usr/bin/env bash
# Builds Dapr's daprd and scheduler at $DAPR_VERSION from the Go module proxy into $DAPR_BIN_DIR.
# Idempotent: returns at once when both binaries exist, daprd reports $DAPR_VERSION and they were
# built by the current recipe (stamp file). Everything it writes lives outside the repository:
#   Go module cache  $(go env GOMODCACHE)       (~/go/pkg/mod, ~3 GB after the first run)
#   Go build cache   $(go env GOCACHE)          (~/.cache/go-build; makes a rebuild take ~1 min)
#   writable source  $TODOD_CACHE/dapr-src/vX   (copy of the read-only module, with the edits below)
#   binaries         $DAPR_BIN_DIR/{daprd,scheduler}
# A cold build takes ~6-8 minutes on 2 cores; the check on a warm machine takes well under a second.
#
# Why not `go install github.com/dapr/dapr/cmd/daprd@vX`: dapr's go.mod has replace directives, which
# `go install pkg@version` refuses. So we download the module, copy it writable, and `go build` in it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Per-version edits to the copied source. Each one must say why it is there. The recipe string is
# written to the stamp file, so changing the edits forces a rebuild of the same version.
#
# All versions: compile the "nameformat" name resolver into daprd. components/daprd-config.yaml
#   selects it so that daprd does not use mDNS (which multicasts on every interface); upstream
#   tags cmd/daprd/components/nameresolution_nameformat.go `allcomponents` only, so we add
#   `stablecomponents` to its build constraint. Additive: no other component changes.
#
# 1.18.2 (default): its whole module graph is served by the module proxy; only the edit above.
#
# 1.18.3: the module proxy available here refuses (403 "This module version is not available")
#   github.com/dapr/durabletask-go v0.12.4 (and v0.12.2, v0.12.3), the pulsar-client-go fork
#   github.com/twmb/pulsar-client-go v0.20.1-0.20260624144353-90eefc81f70a and
#   github.com/iskorotkov/avro/v2 v2.33.1. Two edits make it build:
#   a) delete cmd/daprd/components/pubsub_pulsar.go (+ its test): pulsar is the only importer of the
#      refused fork and of iskorotkov/avro; we do not use pubsub.pulsar. daprd then simply has no
#      "pubsub.pulsar" component type.
#   b) replace durabletask-go v0.12.4 with v0.12.2-0.20260720132056-79042da5fe61, the exact commit
#      dapr 1.18.2 ships. It compiles; what is lost are durabletask-go's own v0.12.3/4 workflow fixes
#      (recursive terminate, ContinueAsNew trace reset, terminate inside a batch). We use no workflows.
dapr_recipe() {
	case $DAPR_VERSION in
	1.18.3) echo "1.18.3: +nr.nameformat; -pubsub_pulsar; durabletask-go=v0.12.2-0.20260720132056-79042da5fe61" ;;
	*) echo "$DAPR_VERSION: +nr.nameformat" ;;
	esac
}

apply_edits() { # run inside the writable copy
	local nf=cmd/daprd/components/nameresolution_nameformat.go
	log "edit: build the nameformat name resolver with stablecomponents too"
	grep -qx '//go:build allcomponents' "$nf" || die "$nf: unexpected build constraint; review the edit"
	sed -i '1s|^//go:build allcomponents$|//go:build allcomponents \|\| stablecomponents|' "$nf"
	case $DAPR_VERSION in
	1.18.3)
		log "edit: drop pubsub.pulsar registration (its deps are not served by the module proxy)"
		rm -f cmd/daprd/components/pubsub_pulsar.go cmd/daprd/components/pubsub_pulsar_test.go
		log "edit: durabletask-go v0.12.4 (not served) -> the commit 1.18.2 uses"
		go mod edit -replace \
			github.com/dapr/durabletask-go=github.com/dapr/durabletask-go@v0.12.2-0.20260720132056-79042da5fe61
		;;
	esac
}

RECIPE=$(dapr_recipe)
STAMP=$DAPR_BIN_DIR/.recipe

# Fast path: nothing to do.
if [ -x "$DAPR_BIN_DIR/daprd" ] && [ -x "$DAPR_BIN_DIR/scheduler" ] &&
	[ "$("$DAPR_BIN_DIR/daprd" --version 2>/dev/null)" = "$DAPR_VERSION" ] &&
	[ "$(cat "$STAMP" 2>/dev/null)" = "$RECIPE" ]; then
	log "dapr $DAPR_VERSION ready in $DAPR_BIN_DIR"
	exit 0
fi

# Go toolchain: the machine image provides one; never download a toolchain (GOTOOLCHAIN=local).
if ! command -v go >/dev/null; then
	[ -x /usr/local/go/bin/go ] || die "go not found (expected on PATH or at /usr/local/go/bin/go)"
	PATH=/usr/local/go/bin:$PATH
fi
export GOTOOLCHAIN=local
# Static binaries like upstream's release builds (no C toolchain needed); -mod=mod lets go record
# the go.sum lines that an edit (replace) needs; -buildvcs=false: the copy is no git checkout.
export CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false"
export GOPROXY=${GOPROXY:-https://proxy.golang.org,direct}

start=$SECONDS
log "building dapr $DAPR_VERSION ($RECIPE) with $(go version | cut -d' ' -f3); takes minutes on a cold cache"

log "downloading github.com/dapr/dapr@v$DAPR_VERSION"
json=$(go mod download -json "github.com/dapr/dapr@v$DAPR_VERSION") ||
	die "go mod download github.com/dapr/dapr@v$DAPR_VERSION failed: $(grep '"Error"' <<<"$json")"
moddir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")
if [ -z "$moddir" ] || [ ! -f "$moddir/go.mod" ]; then die "no module directory in: $json"; fi

need=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$moddir/go.mod")
have=$(go env GOVERSION | sed 's/^go//')
if [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -1)" != "$need" ]; then
	die "dapr $DAPR_VERSION needs go >= $need, have $have"
fi

# Fresh writable copy every time we build (cheap, and no half-edited leftovers from an older run).
src=$TODOD_CACHE/dapr-src/v$DAPR_VERSION
rm -rf "$src" "$src.tmp"
mkdir -p "$(dirname "$src")"
cp -r "$moddir" "$src.tmp"
chmod -R u+w "$src.tmp"
mv "$src.tmp" "$src"
cd "$src"
apply_edits

ldflags="-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=$DAPR_VERSION"
ldflags+=" -X github.com/dapr/dapr/pkg/buildinfo.gitversion=v$DAPR_VERSION"
mkdir -p "$DAPR_BIN_DIR"
rm -f "$STAMP"

# Dependencies are fetched by go build itself ("go: downloading ..."): `go mod download` with no
# arguments would also try modules no built package imports, e.g. the refused pulsar fork.
build() { # build NAME PKG [TAGS]
	local name=$1 pkg=$2 tags=${3:-} t=$SECONDS
	log "go build $pkg${tags:+ (tags $tags)}"
	go build ${tags:+-tags "$tags"} -ldflags "$ldflags" -o "$DAPR_BIN_DIR/.$name.tmp" "$pkg" ||
		die "building $name failed (see above)"
	mv "$DAPR_BIN_DIR/.$name.tmp" "$DAPR_BIN_DIR/$name"
	log "built $name in $((SECONDS - t))s"
}
# daprd refuses to run without a component set tag; stablecomponents includes pubsub.kafka,
# pubsub.in-memory, state.in-memory, state.postgresql, secretstores.local.file/.env (plus
# nameresolution.nameformat through the edit above).
build daprd ./cmd/daprd stablecomponents
build scheduler ./cmd/scheduler

got=$("$DAPR_BIN_DIR/daprd" --version)
[ "$got" = "$DAPR_VERSION" ] || die "built daprd reports version '$got', expected $DAPR_VERSION"
echo "$RECIPE" >"$STAMP"
log "dapr $DAPR_VERSION built into $DAPR_BIN_DIR in $((SECONDS - start))s"
