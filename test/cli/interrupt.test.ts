import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelFileFromDisk } from '../../src/node/atomicWrite';
import { CORPORA, ROOT, rlab, tempDir } from './run';

/** Ctrl-C during training saves a resumable model and exits 0; --resume continues from it. */
describe('Ctrl-C during rlab train', () => {
  it('stops after the current step, saves model and optimizer state, and the run resumes', async () => {
    const dir = tempDir();
    const text = join(dir, 'text.txt');
    writeFileSync(text, readFileSync(join(CORPORA, 'tinyshakespeare.txt'), 'utf8').slice(0, 30_000));
    const model = join(dir, 'm.safetensors');
    const child = spawn(process.execPath, [join(ROOT, 'bin/rlab.js'), 'train', text, '--steps', '1000000', '--hidden', '16', '--embed', '8', '--seq', '16', '--batch', '4', '--backend', 'cpu', '--out', model, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let steps = 0;
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        steps = (stdout.match(/"event":"step"/g) ?? []).length;
        if (steps >= 5) resolve();
      });
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    });
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(stderr).toMatch(/stopping after this step and saving/);
    const events = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const done = events[events.length - 1];
    expect(done.event).toBe('done');
    expect(done.reason).toBe('cancelled');
    const saved = done.steps as number;
    expect(saved).toBeGreaterThanOrEqual(5);
    expect(readModelFileFromDisk(model).training.steps).toBe(saved);
    expect(existsSync(join(dir, 'm.optim.safetensors'))).toBe(true);

    const resumed = rlab(['train', text, '--resume', model, '--steps', '3', '--backend', 'cpu', '--json']);
    expect(resumed.code).toBe(0);
    expect(resumed.json[resumed.json.length - 1].steps).toBe(saved + 3);
    // Adam's moments came back, so no "fresh moments" notice.
    expect(resumed.json.some((e) => e.event === 'notice' && /optimizer state not restored/.test(String(e.message)))).toBe(false);
  });
});
