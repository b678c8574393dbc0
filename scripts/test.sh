#!/usr/bin/env bash
# npm test: the system packages, the bundle, the type check and every suite
# (unit, CLI end to end, PyTorch oracle, then the extension in real VS Code
# extension hosts: web worker host and Node host), ending with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/system-deps.sh
node esbuild.js
npm run --silent typecheck
mkdir -p test/artifacts
rc=0
RLAB_SKIP_BUILD=1 npx vitest run --reporter=default --reporter=json --outputFile=test/artifacts/vitest.json || rc=$?
# Host suites (scripts/host/run-all.sh): web (plain and cross-origin isolated) and Node.
bash scripts/host/run-all.sh || rc=$?
node scripts/test-summary.mjs test/artifacts/vitest.json test/artifacts/host-web.json test/artifacts/host-web-coi.json test/artifacts/host-node.json || rc=1
exit $rc
