#!/usr/bin/env bash
# Installs the Debian packages the build, the stack and the tests need. Idempotent.
source "$(dirname "$0")/lib.sh"

PKGS=(
	build-essential meson ninja-build pkg-config
	libgrpc-dev protobuf-c-compiler libprotobuf-c-dev
	libpq-dev libjansson-dev libcmocka-dev libjwt-dev libssl-dev libwebsockets-dev
	libical-dev tzdata
	postgresql postgresql-contrib
	openjdk-17-jre-headless maven
	openjdk-17-jdk-headless # javac: scripts/kafka.sh compiles scripts/KafkaAdmin.java
	curl python3 wrk
	mmdebstrap umoci skopeo openssl   # scripts/image.sh (container image without an engine)
	clang-14 libclang-rt-14-dev   # optional libFuzzer targets in test/fuzz
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
	log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
log "apt packages ready"

# Go (>= the version dapr's go.mod names) and pytest come with the machine image; check, don't guess.
command -v go >/dev/null || die "go not found on PATH (the machine image provides /usr/local/go)"
python3 -c 'import pytest' 2>/dev/null || python3 -m pip install -q pytest
python3 -c 'import yaml' 2>/dev/null || python3 -m pip install -q pyyaml
python3 -c 'import prometheus_client' 2>/dev/null || python3 -m pip install -q prometheus-client
# The real-time tests' WebSocket client (test/e2e_realtime, test/bench/bench_realtime.py), pinned.
WEBSOCKETS_VERSION=17.4
python3 -c "import websockets, sys; sys.exit(websockets.__version__ != '$WEBSOCKETS_VERSION')" 2>/dev/null ||
	python3 -m pip install -q "websockets==$WEBSOCKETS_VERSION"
