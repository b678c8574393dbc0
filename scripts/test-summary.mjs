// Prints the closing line of a test run ("tests: N passed, N failed, N skipped") from vitest's JSON
// report plus the host suites' result files (test/artifacts/host-*.json, written by
// scripts/host/run-*.mjs: { passed, failed, skipped }).
//   node scripts/test-summary.mjs VITEST_JSON [HOST_JSON...]
// Every named file must exist: a host suite that did not run at all counts as one failure.
import { readFileSync } from 'node:fs';

const [vitestFile, ...hostFiles] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

const read = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`test-summary: no readable report at ${file} (${e.message})`);
    return undefined;
  }
};

const report = read(vitestFile);
if (report) {
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  if ((report.numPassedTests ?? 0) === 0) failed += 1; // vitest ran nothing
} else failed += 1;

for (const file of hostFiles) {
  const r = read(file);
  const ok = r && Number.isInteger(r.passed) && Number.isInteger(r.failed);
  if (!ok) {
    if (r) console.error(`test-summary: ${file} has no passed/failed counts`);
    failed += 1;
    continue;
  }
  passed += r.passed;
  failed += r.failed + (r.passed === 0 && r.failed === 0 ? 1 : 0); // a suite that ran no test
  skipped += r.skipped ?? 0;
}

console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (passed === 0 || failed > 0) process.exit(1);
