#!/usr/bin/env bash
# Builds the todod container image without a container engine or registry, and proves it runs.
#   scripts/image.sh [build|check|all|dockerfile]     (default all; test.sh runs all)
#     build  root file system from Debian packages (mmdebstrap --variant=extract: image/runtime-packages
#            and their dependencies, nothing else: no shell, no apt, no dpkg), plus the todod binary,
#            the migrations and a passwd entry for 65532, assembled with umoci into an OCI image:
#              $IMAGE_OUT/todod-<version>.oci.tar     OCI archive (skopeo/podman/containerd)
#              $IMAGE_OUT/todod-<version>.docker.tar  docker-archive (`minikube image load` this)
#     dockerfile  (optional, slow: ~6-10 min) proves the Dockerfile builds the same image: makes a
#            local stand-in for debian:bookworm-slim (mmdebstrap minbase; no registry here), then
#            `buildah bud` (vfs storage, chroot isolation) into $IMAGE_OUT/todod-<version>-dockerfile.oci.tar
#            and runs `check` on that archive (the bookworm-slim base has a shell, so that rule is off)
#     check  unpacks the OCI archive with umoci and runs the image's entrypoint with its config's
#            environment and user (65532) in a chroot: `todod --help`, then `todod migrate status`
#            against the test PostgreSQL (scripts/pg.sh; TODOD_IMAGE_DATABASE_URL overrides).
# Same content as the Dockerfile's image (which needs an engine that can pull debian:bookworm-slim).
# Caches: the package root file system in $TODOD_CACHE/image/ (keyed by the package list), so a
# warm build only re-adds the binary layer. Needs root (chroot, file ownership in the layers).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

what=${1:-all}
t0=$SECONDS
VERSION=$(sed -n "s/^  version : '\(.*\)',$/\1/p" "$TODOD_ROOT/meson.build")
[ -n "$VERSION" ] || die "no version in meson.build"
IMAGE_NAME=${IMAGE_NAME:-todod}
IMAGE_OUT=${IMAGE_OUT:-$TODOD_WORK/image}
SUITE=bookworm
OCI_ARCHIVE=$IMAGE_OUT/$IMAGE_NAME-$VERSION.oci.tar
DOCKER_ARCHIVE=$IMAGE_OUT/$IMAGE_NAME-$VERSION.docker.tar
UIDGID=65532:65532
CHROOT=$(command -v chroot)

((EUID == 0)) || die "image.sh needs root (chroot and root-owned files in the layers)"

need_tools() {
	local missing=() t
	for t in mmdebstrap umoci skopeo; do command -v "$t" >/dev/null || missing+=("$t"); done
	if ((${#missing[@]})); then
		log "installing: ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
			{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive \
				apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; } ||
			die "could not install ${missing[*]}"
	fi
}

# The package closure: the runtime packages and their Depends/Pre-Depends, without the packaging
# machinery only maintainer scripts need (extract mode runs no maintainer scripts).
package_closure() {
	local pkgs
	pkgs=$(grep -v '^#' "$TODOD_ROOT/image/runtime-packages" | tr '\n' ' ')
	# shellcheck disable=SC2086
	apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
		--no-replaces --no-enhances $pkgs 2>/dev/null | grep -v '^ ' | grep -v '^<' |
		grep -vxE 'debconf|cdebconf|dpkg|install-info|tar|libdebian-installer4|libnewt0.52|libslang2|libtextwrap1|readline-common|libreadline8|libtinfo6|libglib2.0-0' |
		sort -u
}

rootfs_tar() { # prints the cached package root file system tarball, building it if needed
	local list key tar
	list=$(package_closure)
	[ -n "$list" ] || die "empty package closure (apt-cache depends failed?)"
	key=$(printf '%s\n' "$SUITE" "$list" | sha256sum | cut -c1-16)
	tar=$TODOD_CACHE/image/rootfs-$SUITE-$key.tar
	if [ ! -f "$tar" ]; then
		log "mmdebstrap: $(wc -w <<<"$list") packages ($SUITE) -> $tar"
		mkdir -p "$(dirname "$tar")"
		local t=$SECONDS
		# extract: unpack exactly these packages, run no maintainer scripts (there is no shell).
		mmdebstrap --quiet --mode=root --variant=extract --format=tar \
			--include="$(tr '\n' ',' <<<"$list" | sed 's/,$//')" \
			--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
			--dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
			"$SUITE" "$tar.tmp" \
			"deb http://deb.debian.org/debian $SUITE main" \
			"deb http://deb.debian.org/debian $SUITE-updates main" \
			"deb http://deb.debian.org/debian-security $SUITE-security main" >&2 ||
			die "mmdebstrap failed"
		mv "$tar.tmp" "$tar"
		log "mmdebstrap done in $((SECONDS - t))s"
	fi
	echo "$tar"
}

build() {
	local t=$SECONDS base app oci=$IMAGE_OUT/oci tag=$VERSION
	need_tools
	"$TODOD_ROOT/scripts/build.sh" build
	base=$(rootfs_tar)
	mkdir -p "$IMAGE_OUT"
	app=$(mktemp -d "$IMAGE_OUT/app.XXXXXX")
	# Layer 2: the binary (debug info stripped), the migrations, the user.
	install -D -m 0755 "$TODOD_ROOT/build/src/todod" "$app/usr/bin/todod"
	strip --strip-debug "$app/usr/bin/todod"
	mkdir -p "$app/usr/share/todod" "$app/etc" "$app/tmp"
	cp -r "$TODOD_ROOT/migrations" "$app/usr/share/todod/migrations"
	install -m 0644 "$TODOD_ROOT/image/passwd" "$TODOD_ROOT/image/group" "$TODOD_ROOT/image/nsswitch.conf" "$app/etc/"
	chmod 1777 "$app/tmp"
	chmod 0755 "$app" # the layer's "./" entry becomes the image root's mode
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$app" -cf "$app.tar" .

	rm -rf "$oci"
	umoci init --layout "$oci"
	umoci new --image "$oci:$tag"
	umoci raw add-layer --image "$oci:$tag" "$base"
	umoci raw add-layer --image "$oci:$tag" "$app.tar"
	umoci config --image "$oci:$tag" \
		--config.entrypoint /usr/bin/todod --config.user "$UIDGID" --config.workingdir / \
		--config.env TODOD_MIGRATIONS_DIR=/usr/share/todod/migrations \
		--config.env PATH=/usr/local/bin:/usr/bin:/bin \
		--config.exposedports 50051/tcp --config.exposedports 8080/tcp \
		--config.label "org.opencontainers.image.title=todod" \
		--config.label "org.opencontainers.image.version=$VERSION" \
		--architecture amd64 --os linux --author "todod project" \
		--history.created_by "scripts/image.sh"
	umoci gc --layout "$oci"
	rm -rf "$app" "$app.tar" "$OCI_ARCHIVE" "$DOCKER_ARCHIVE"
	skopeo copy --quiet "oci:$oci:$tag" "oci-archive:$OCI_ARCHIVE:$IMAGE_NAME:$tag"
	skopeo copy --quiet "oci:$oci:$tag" "docker-archive:$DOCKER_ARCHIVE:$IMAGE_NAME:$tag"
	log "image $IMAGE_NAME:$tag built in $((SECONDS - t))s: $(du -h "$OCI_ARCHIVE" | cut -f1) $OCI_ARCHIVE," \
		"$(du -h "$DOCKER_ARCHIVE" | cut -f1) $DOCKER_ARCHIVE"
}

check() {
	local t=$SECONDS dir bundle rootfs url rc=0
	[ -f "$OCI_ARCHIVE" ] || die "no image at $OCI_ARCHIVE (run scripts/image.sh build)"
	need_tools
	dir=$(mktemp -d "$IMAGE_OUT/check.XXXXXX")
	bundle=$dir/bundle
	rootfs=$bundle/rootfs
	# From the archive, not the build directory: what users load is what runs here.
	skopeo copy --quiet "oci-archive:$OCI_ARCHIVE:$IMAGE_NAME:$VERSION" "oci:$dir/oci:check"
	umoci unpack --image "$dir/oci:check" "$bundle" >/dev/null
	# The image's own entrypoint, environment and user, from the runtime config umoci wrote.
	local -a entry env
	mapfile -t entry < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["process"]["args"]))' "$bundle/config.json")
	mapfile -t env < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["process"]["env"]))' "$bundle/config.json")
	local user
	user=$(python3 -c 'import json,sys; u=json.load(open(sys.argv[1]))["process"]["user"]; print("%d:%d" % (u["uid"], u["gid"]))' "$bundle/config.json")
	[ "$user" = "$UIDGID" ] || { log "FAIL: image user is $user, expected $UIDGID"; rc=$((rc + 1)); }
	if [ "${IMAGE_ALLOW_SHELL:-0}" = 0 ]; then
		[ ! -e "$rootfs/bin/sh" ] && [ ! -e "$rootfs/usr/bin/apt" ] && [ ! -e "$rootfs/usr/bin/dpkg" ] ||
			{ log "FAIL: the image contains a shell or package manager"; rc=$((rc + 1)); }
	fi
	log "image: $(du -sh "$rootfs" | cut -f1) unpacked, entrypoint ${entry[*]}, user $user"

	# The image has no env or shell: the host runs chroot with the image's environment, and
	# chroot execs the entrypoint inside as the image's user.
	if out=$(env -i "${env[@]}" "$CHROOT" --userspec="$user" "$rootfs" "${entry[@]}" --help 2>&1) &&
		grep -q 'todod migrate status' <<<"$out"; then
		log "ok: todod --help in the image"
	else
		log "FAIL: todod --help in the image: $out"
		rc=$((rc + 1))
	fi
	if [ -n "${TODOD_IMAGE_DATABASE_URL:-}" ]; then
		url=$TODOD_IMAGE_DATABASE_URL
	else
		"$TODOD_ROOT/scripts/pg.sh" start >/dev/null
		url=$("$TODOD_ROOT/scripts/pg.sh" url)
	fi
	if out=$(env -i "${env[@]}" TODOD_DATABASE_URL="$url" "$CHROOT" --userspec="$user" "$rootfs" "${entry[@]}" migrate status 2>&1) &&
		grep -qE '(applied|pending)' <<<"$out"; then
		log "ok: todod migrate status in the image against ${url%%@*}@...:"
		printf '%s\n' "$out" | sed 's/^/    /' >&2
	else
		log "FAIL: todod migrate status in the image: $out"
		rc=$((rc + 1))
	fi
	rm -rf "$dir"
	log "image check done in $((SECONDS - t))s"
	# The summary line scripts/test.sh picks up (4 checks: user, no shell, --help, migrate status).
	echo "$((4 - rc)) passed, $rc failed in $((SECONDS - t0))s"
	((rc == 0))

}

dockerfile() {
	local t=$SECONDS base c root=$IMAGE_OUT/buildah
	command -v buildah >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends buildah >/dev/null
	need_tools
	local -a B=(buildah --root "$root/storage" --runroot "$root/run" --storage-driver vfs)
	base=$TODOD_CACHE/image/minbase-$SUITE.tar
	if [ ! -f "$base" ]; then
		log "mmdebstrap minbase ($SUITE): the stand-in for debian:$SUITE-slim"
		mkdir -p "$(dirname "$base")"
		mmdebstrap --quiet --mode=root --variant=minbase --format=tar "$SUITE" "$base.tmp" \
			"deb http://deb.debian.org/debian $SUITE main" \
			"deb http://deb.debian.org/debian $SUITE-updates main" \
			"deb http://deb.debian.org/debian-security $SUITE-security main" >&2
		mv "$base.tmp" "$base"
	fi
	if ! "${B[@]}" inspect "docker.io/library/debian:$SUITE-slim" >/dev/null 2>&1; then
		c=$("${B[@]}" from scratch)
		"${B[@]}" add "$c" "$base" /
		"${B[@]}" commit --rm "$c" "docker.io/library/debian:$SUITE-slim" >/dev/null
	fi
	log "buildah bud -f Dockerfile (compiles todod inside; minutes)"
	"${B[@]}" bud --layers --isolation chroot --pull=never -t "$IMAGE_NAME:$VERSION-dockerfile" -f "$TODOD_ROOT/Dockerfile" "$TODOD_ROOT"
	OCI_ARCHIVE=$IMAGE_OUT/$IMAGE_NAME-$VERSION-dockerfile.oci.tar
	rm -f "$OCI_ARCHIVE"
	"${B[@]}" push --quiet "$IMAGE_NAME:$VERSION-dockerfile" "oci-archive:$OCI_ARCHIVE:$IMAGE_NAME:$VERSION"
	log "Dockerfile image built in $((SECONDS - t))s: $(du -h "$OCI_ARCHIVE" | cut -f1) $OCI_ARCHIVE"
	# vfs keeps a full copy per layer (~8 GB here): drop the storage, the archive is what counts.
	"${B[@]}" rmi --all --force >/dev/null 2>&1 || true
	rm -rf "$root"
	IMAGE_ALLOW_SHELL=1 check
}

case $what in
build) build ;;
dockerfile) dockerfile ;;
check) check ;;
all) build && check ;;
*) die "usage: $0 [build|check|all|dockerfile]" ;;
esac
