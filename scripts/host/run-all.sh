#!/usr/bin/env bash
# npm run test:host: every host suite, each run even if another failed; exit 0 only if all passed.
# The web host twice: as most web hosts are, and cross-origin isolated (SharedArrayBuffer, WebGPU).
# Each writes test/artifacts/host-<name>.json; a stale one must not count.
set -uo pipefail
cd "$(dirname "$0")/../.."
rm -f test/artifacts/host-web.json test/artifacts/host-web-coi.json test/artifacts/host-node.json
rc=0
node scripts/host/run-web.mjs || rc=1
RLAB_WEB_COI=1 node scripts/host/run-web.mjs || rc=1
node scripts/host/run-node.mjs || rc=1
exit $rc
