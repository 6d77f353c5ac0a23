#!/usr/bin/env bash
# Installs the official MCP clients the MCP tests drive, into $TODOD_CACHE/mcp
# (kept between runs; a second run only checks the stamps):
#   venv/   Python virtualenv with the `mcp` SDK from PyPI
#   node/   npm prefix with @modelcontextprotocol/sdk (the TypeScript client, Node >= 18),
#           @modelcontextprotocol/conformance and the npm package `node` 22 (the
#           conformance suite needs Node >= 22; the machine has Node 20)
source "$(dirname "$0")/lib.sh"

MCP_PY_VERSION=${MCP_PY_VERSION:-1.29.0}
MCP_TS_VERSION=${MCP_TS_VERSION:-1.32.2}
MCP_CONFORMANCE_VERSION=${MCP_CONFORMANCE_VERSION:-0.1.16}
NODE22_VERSION=${NODE22_VERSION:-22}
dir=$TODOD_CACHE/mcp
mkdir -p "$dir"

py_stamp=$dir/venv/.installed-$MCP_PY_VERSION
if [ ! -f "$py_stamp" ]; then
	log "installing python mcp==$MCP_PY_VERSION into $dir/venv"
	rm -rf "$dir/venv"
	python3 -m venv "$dir/venv"
	"$dir/venv/bin/pip" install -q --disable-pip-version-check "mcp==$MCP_PY_VERSION" pytest
	touch "$py_stamp"
fi

node_stamp=$dir/node/.installed-$MCP_TS_VERSION-$MCP_CONFORMANCE_VERSION-$NODE22_VERSION
if [ ! -f "$node_stamp" ]; then
	command -v npm >/dev/null || die "npm not found (the machine image provides Node 20 and npm)"
	log "installing @modelcontextprotocol/sdk@$MCP_TS_VERSION, conformance@$MCP_CONFORMANCE_VERSION, node@$NODE22_VERSION into $dir/node"
	rm -rf "$dir/node"
	mkdir -p "$dir/node"
	(cd "$dir/node" && echo '{"name":"todod-mcp-clients","private":true,"type":"module"}' >package.json &&
		npm install --no-audit --no-fund --loglevel=error \
			"@modelcontextprotocol/sdk@$MCP_TS_VERSION" \
			"@modelcontextprotocol/conformance@$MCP_CONFORMANCE_VERSION" \
			"node@$NODE22_VERSION" >/dev/null)
	"$dir/node/node_modules/.bin/node" --version >/dev/null || die "node $NODE22_VERSION did not install"
	touch "$node_stamp"
fi
log "mcp clients ready in $dir"

# Dapr's own MCP client (an MCPServer resource) runs on Dapr workflows, which
# need the placement service: build it from the same patched Dapr module copy
# that install-dapr.sh builds daprd from (run install-dapr.sh first).
if [ ! -x "$DAPR_BIN_DIR/placement" ]; then
	src=$TODOD_CACHE/dapr-src/v$DAPR_VERSION
	[ -f "$src/go.mod" ] || die "$src missing: run scripts/install-dapr.sh first"
	log "go build ./cmd/placement (Dapr $DAPR_VERSION, for the MCPServer test)"
	(cd "$src" && GOTOOLCHAIN=local go build -ldflags "-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=$DAPR_VERSION" \
		-o "$DAPR_BIN_DIR/.placement.tmp" ./cmd/placement) || die "building placement failed"
	mv "$DAPR_BIN_DIR/.placement.tmp" "$DAPR_BIN_DIR/placement"
fi
log "dapr placement ready in $DAPR_BIN_DIR"
