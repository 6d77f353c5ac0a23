#!/usr/bin/env bash
# build.sh [DIR [meson options...]]: configure once and compile (default DIR: build).
#   scripts/build.sh build
#   scripts/build.sh build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
source "$(dirname "$0")/lib.sh"
dir=${1:-build}
shift || true
cd "$TODOD_ROOT"
if [ ! -f "$dir/build.ninja" ]; then
	log "meson setup $dir $*"
	meson setup "$dir" "$@" >/dev/null
fi
log "compiling $dir"
ninja -C "$dir" >/dev/null
