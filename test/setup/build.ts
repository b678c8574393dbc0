import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** The CLI tests run the real bundle: build it once before any test file runs. */
export default function setup(): void {
  execFileSync(process.execPath, [resolve(__dirname, '../../esbuild.js')], { stdio: 'inherit' });
}
