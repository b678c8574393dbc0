#!/usr/bin/env bash
# npm test: the system packages, the bundle, the type check and every suite
# (unit, CLI end to end, PyTorch oracle), ending with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/system-deps.sh
node esbuild.js
npx tsc -p . --noEmit
mkdir -p test/artifacts
rc=0
npx vitest run --reporter=default --reporter=json --outputFile=test/artifacts/vitest.json || rc=$?
node scripts/test-summary.mjs test/artifacts/vitest.json || rc=1
exit $rc
