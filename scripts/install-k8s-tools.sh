#!/usr/bin/env bash
# Builds the Kubernetes tools the chart checks use, from the Go module proxy, into
# $TODOD_CACHE/k8s/<tool>-<version>/ (outside the repository, reused by the next run):
#   helm            helm.sh/helm/v4/cmd/helm            (go install; lint, template, install)
#   kubeconform     github.com/yannh/kubeconform        (go install; strict schema validation)
#   kube-apiserver  k8s.io/kubernetes/cmd/kube-apiserver (module copy + go.mod rewrite, see below)
#   etcd            go.etcd.io/etcd/server/v3            (module copy + go.mod rewrite, see below)
#
#   scripts/install-k8s-tools.sh [static|server|all]   (default all)
#     static  helm + kubeconform (what chart-check.sh static needs; ~1-2 min cold)
#     server  kube-apiserver + etcd (~5-6 min cold on 2 cores, peak RSS ~3 GB, ~3 GB of Go caches)
# Idempotent: each tool is skipped when its binary exists and its stamp names the current recipe.
# The fast path takes well under a second.
#
# Why not `go install` for the server parts:
#   k8s.io/kubernetes's go.mod replaces every k8s.io/<staging> module with ./staging/src/..., which the
#   module zip does not contain; go.etcd.io/etcd/server/v3 replaces its siblings with ../api etc.
#   `go install pkg@version` refuses modules with replace directives, so we copy the module writable,
#   drop the replaces (requiring the published versions instead) and `go build` in the copy.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/k8s-env.sh"

what=${1:-all}

if ! command -v go >/dev/null; then
	[ -x /usr/local/go/bin/go ] || die "go not found (expected on PATH or at /usr/local/go/bin/go)"
	PATH=/usr/local/go/bin:$PATH
fi
export GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off
export GOPROXY=${GOPROXY:-https://proxy.golang.org,direct}

# fresh NAME RECIPE BIN...: true when every BIN exists and NAME's stamp holds RECIPE.
fresh() {
	local name=$1 recipe=$2 b
	shift 2
	for b in "$@"; do [ -x "$b" ] || return 1; done
	[ "$(cat "$K8S_CACHE/.$name.recipe" 2>/dev/null)" = "$recipe" ]
}
stamp() { mkdir -p "$K8S_CACHE" && echo "$2" >"$K8S_CACHE/.$1.recipe"; }

# module_copy MODULE@VERSION DEST: download a module and copy it writable to DEST (fresh each time).
module_copy() {
	local mv=$1 dest=$2 json dir
	json=$(go mod download -json "$mv") || die "go mod download $mv failed: $(grep '"Error"' <<<"$json")"
	dir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")
	[ -n "$dir" ] && [ -f "$dir/go.mod" ] || die "no module directory in: $json"
	rm -rf "$dest" "$dest.tmp"
	mkdir -p "$(dirname "$dest")"
	cp -r "$dir" "$dest.tmp"
	chmod -R u+w "$dest.tmp"
	mv "$dest.tmp" "$dest"
}

install_helm() {
	local recipe="go install helm.sh/helm/v4/cmd/helm@$HELM_VERSION" t=$SECONDS
	fresh helm "$recipe" "$HELM" && return 0
	log "building helm $HELM_VERSION (go install)"
	mkdir -p "$(dirname "$HELM")"
	# Version metadata comes from ldflags; without it `helm version` says v4.x-dev.
	GOFLAGS=-buildvcs=false GOBIN=$(dirname "$HELM") go install \
		-ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" \
		"helm.sh/helm/v4/cmd/helm@$HELM_VERSION"
	stamp helm "$recipe"
	log "helm: $("$HELM" version --short) in $((SECONDS - t))s"
}

install_kubeconform() {
	local recipe="go install -X main.version github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION" t=$SECONDS
	fresh kubeconform "$recipe" "$KUBECONFORM" && return 0
	log "building kubeconform $KUBECONFORM_VERSION (go install)"
	mkdir -p "$(dirname "$KUBECONFORM")"
	GOFLAGS=-buildvcs=false GOBIN=$(dirname "$KUBECONFORM") go install \
		-ldflags "-s -w -X main.version=$KUBECONFORM_VERSION" "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
	stamp kubeconform "$recipe"
	log "kubeconform: $("$KUBECONFORM" -v) in $((SECONDS - t))s"
}

# go.mod rewrite shared by both server builds: drop every local (./ or ../) replace and, for
# k8s.io/kubernetes, turn the `k8s.io/<staging> v0.0.0` requires into the published v0.MINOR.PATCH.
rewrite_gomod() { # rewrite_gomod STAGING_VERSION|""
	local staging=$1 old new
	rm -f go.work go.work.sum
	while read -r old; do
		go mod edit -dropreplace "$old"
	done < <(go mod edit -json | python3 -c '
import json, sys
for r in json.load(sys.stdin).get("Replace") or []:
    if r["New"]["Path"].startswith((".", "/")):
        print(r["Old"]["Path"])')
	if [ -n "$staging" ]; then
		while read -r old; do
			go mod edit -require "$old@$staging"
		done < <(go mod edit -json | python3 -c '
import json, sys
for r in json.load(sys.stdin).get("Require") or []:
    if r["Path"].startswith("k8s.io/") and r["Version"] == "v0.0.0":
        print(r["Path"])')
	fi
}

install_apiserver() {
	local v=${KUBE_VERSION#v} recipe="k8s.io/kubernetes@$KUBE_VERSION: drop ./staging replaces, require v0.${KUBE_VERSION#v1.}" t=$SECONDS
	fresh kube-apiserver "$recipe" "$KUBE_APISERVER" && return 0
	local src=$K8S_CACHE/src/kubernetes-$KUBE_VERSION major=${v%%.*} minor
	minor=${v#*.}
	minor=${minor%%.*}
	log "building kube-apiserver $KUBE_VERSION (module copy; ~5 min cold)"
	module_copy "k8s.io/kubernetes@$KUBE_VERSION" "$src"
	cd "$src"
	rewrite_gomod "v0.${KUBE_VERSION#v1.}"
	# Without the version stamp the server says v0.0.0-master and kubeVersion constraints fail.
	local ld="-s -w" pkg
	for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
		ld+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
		ld+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
	done
	mkdir -p "$(dirname "$KUBE_APISERVER")"
	GOFLAGS="-mod=mod -buildvcs=false" go build -ldflags "$ld" -o "$KUBE_APISERVER.tmp" ./cmd/kube-apiserver
	mv "$KUBE_APISERVER.tmp" "$KUBE_APISERVER"
	cd /
	rm -rf "$src" # 100+ MB of source; the module cache keeps the zip
	stamp kube-apiserver "$recipe"
	log "kube-apiserver: $("$KUBE_APISERVER" --version) in $((SECONDS - t))s"
}

install_etcd() {
	local recipe="go.etcd.io/etcd/server/v3@$ETCD_VERSION: drop ../ replaces" t=$SECONDS
	fresh etcd "$recipe" "$ETCD" && return 0
	local src=$K8S_CACHE/src/etcd-server-$ETCD_VERSION
	log "building etcd $ETCD_VERSION (module copy)"
	module_copy "go.etcd.io/etcd/server/v3@$ETCD_VERSION" "$src"
	cd "$src"
	rewrite_gomod ""
	go mod edit -toolchain=none
	mkdir -p "$(dirname "$ETCD")"
	GOFLAGS="-mod=mod -buildvcs=false" go build -ldflags "-s -w" -o "$ETCD.tmp" .
	mv "$ETCD.tmp" "$ETCD"
	cd /
	rm -rf "$src"
	stamp etcd "$recipe"
	log "etcd: $("$ETCD" --version | head -1) in $((SECONDS - t))s"
}

case $what in
static) install_helm && install_kubeconform ;;
server) install_etcd && install_apiserver ;;
all) install_helm && install_kubeconform && install_etcd && install_apiserver ;;
*) die "usage: $0 [static|server|all]" ;;
esac
log "k8s tools ($what) ready in $K8S_CACHE"
