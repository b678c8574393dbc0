#!/usr/bin/env bash
# npm run test:host: both host suites, each run even if the other failed. Exit 0 only if both passed.
set -uo pipefail
cd "$(dirname "$0")/../.."
rc=0
node scripts/host/run-web.mjs || rc=1
node scripts/host/run-node.mjs || rc=1
exit $rc
