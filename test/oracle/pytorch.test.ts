import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReferenceBackend } from '../../src/core/backend/reference';
import { loadModel } from '../../src/core/io/modelContents';
import { readModelFileFromDisk } from '../../src/node/atomicWrite';
import { rlab, tempDir } from '../cli/run';

/**
 * PyTorch is the oracle for model semantics: a model written by rlab must load
 * into torch.nn.Embedding + nn.RNN/LSTM/GRU(batch_first=True) + nn.Linear and
 * give the same logits and loss, and a model written from PyTorch must give
 * rlab the same loss. Needs Debian's python3-torch (npm test installs it).
 */
const PYTHON = process.env.RLAB_TORCH_PYTHON ?? '/usr/bin/python3';
const ORACLE = resolve(__dirname, 'torch_oracle.py');

function torch(args: string[]): Record<string, unknown> {
  const r = spawnSync(PYTHON, [ORACLE, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.error || r.status !== 0) {
    throw new Error(`PyTorch oracle failed (${PYTHON} ${args[0]}): ${r.error?.message ?? r.stderr.trim().split('\n').pop()}\n` + 'Install it with: apt-get install -y python3-torch python3-numpy');
  }
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

// Long enough that `rlab eval` carries its state across a chunk boundary (256 tokens); mixes Japanese, emoji and English.
const TEXT = (
  '先生と私\n私はその人を常に先生と呼んでいた。だからここでもただ先生と書くだけで本名は打ち明けない。🙂 ' +
  'To be, or not to be, that is the question:\nWhether tis nobler in the mind to suffer\n'
).repeat(4);

describe.each(['rnn', 'lstm', 'gru'] as const)('PyTorch oracle: %s', (cell) => {
  const dir = tempDir();
  const textFile = join(dir, 'text.txt');
  writeFileSync(textFile, TEXT);

  it('a model written by rlab gives PyTorch the same logits and loss', () => {
    const model = join(dir, `${cell}.safetensors`);
    const t = rlab(['train', textFile, '--cell', cell, '--layers', '2', '--hidden', '12', '--embed', '8', '--dropout', '0.1', '--steps', '15', '--seq', '16', '--batch', '4', '--val', '0', '--backend', 'reference', '--out', model, '--json']);
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    const ev = rlab(['eval', model, textFile, '--json', '--backend', 'reference']);
    expect(ev.code).toBe(0);
    const ours = ev.json[0] as { loss: number; tokens: number };
    const theirs = torch(['read', model, textFile]) as { loss: number; tokens: number; logits: number[][] };
    expect(ours.tokens).toBe(theirs.tokens);
    expect(Math.abs(ours.loss - theirs.loss)).toBeLessThan(1e-4);

    // Position-by-position logits from the engine itself, from a zero state, in one pass.
    const { model: lm, tokenizer } = loadModel(readModelFileFromDisk(model), new ReferenceBackend());
    const ids = tokenizer.encode(TEXT);
    const n = ids.length - 1;
    const logits = lm.logits(ids.subarray(0, n), n, 1, lm.newState(1));
    let worst = 0;
    theirs.logits.forEach((row, t) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - logits[t * row.length + j])))));
    expect(theirs.logits.length).toBe(n);
    expect(worst).toBeLessThan(1e-4);
  });

  it('a model written from PyTorch is read by rlab with the same loss', () => {
    const model = join(dir, `${cell}-torch.safetensors`);
    const theirs = torch(['write', model, textFile, cell, '2', '10', '6', '5']) as { loss: number; tokens: number };
    const ev = rlab(['eval', model, textFile, '--json', '--backend', 'reference']);
    expect(ev.stderr).toBe('');
    const ours = ev.json[0] as { loss: number; tokens: number };
    expect(ours.tokens).toBe(theirs.tokens);
    expect(Math.abs(ours.loss - theirs.loss)).toBeLessThan(1e-4);
    // And it is a working model for every other command.
    expect(rlab(['sample', model, '--length', '20', '--json']).code).toBe(0);
    expect(readFileSync(model).length).toBeGreaterThan(100);
  });
});
