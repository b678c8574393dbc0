import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** The CLI tests run the real bundle: build it once before any test file runs (unless RLAB_SKIP_BUILD=1: npm test has just built it). */
export default function setup(): void {
  if (process.env.RLAB_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, [resolve(__dirname, '../../esbuild.js')], { stdio: 'inherit' });
}
