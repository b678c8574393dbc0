import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const CORPORA = resolve(ROOT, '../shared/corpora');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON lines. */
  json: Array<Record<string, unknown>>;
}

/** Runs the built `rlab` CLI as a user would. */
export function rlab(args: string[], opts: { cwd?: string; timeout?: number } = {}): Run {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/rlab.js'), ...args], { cwd: opts.cwd, encoding: 'utf8', timeout: opts.timeout ?? 120_000 });
  const stdout = r.stdout ?? '';
  const json = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code: r.status ?? -1, stdout, stderr: r.stderr ?? '', json };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'rlab-test-'));
}
