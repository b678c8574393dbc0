/**
 * End to end through the real `rlab` bundle (built by the global setup): what a
 * user or a script sees — exit codes, JSON lines, one-line errors.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CORPORA, rlab, tempDir, type Run } from './run';
import { readModelFileFromDisk } from '../../src/node/atomicWrite';
import { decodeSafetensors, encodeSafetensors } from '../../src/core/io/safetensors';

const TINY = ['--backend', 'reference', '--hidden', '16', '--embed', '8', '--seq', '16', '--batch', '4'];
const REF = ['--backend', 'reference'];

const dir = tempDir();
const corpus = join(dir, 'shakespeare.txt');
const model = join(dir, 'm.safetensors');
let trained: Run;

function num(v: unknown): number {
  expect(typeof v).toBe('number');
  expect(Number.isFinite(v as number)).toBe(true);
  return v as number;
}

/** Exactly one non-empty line on stderr, no stack trace, and the right exit code. */
function expectOneLineError(r: Run, code: 1 | 2, pattern?: RegExp): string {
  const ctx = `stderr: ${JSON.stringify(r.stderr)}`;
  expect(r.code, ctx).toBe(code);
  expect(r.stderr, ctx).not.toContain('    at ');
  expect(r.stderr, ctx).not.toMatch(/internal error/);
  expect(r.stderr.endsWith('\n'), ctx).toBe(true);
  const lines = r.stderr.slice(0, -1).split('\n');
  expect(lines.length, ctx).toBe(1);
  expect(lines[0].trim().length, ctx).toBeGreaterThan(0);
  if (code === 1) expect(lines[0], ctx).toMatch(/^rlab: error: /);
  if (pattern) expect(lines[0], ctx).toMatch(pattern);
  return lines[0];
}

function lastEvent(r: Run): Record<string, unknown> {
  return r.json[r.json.length - 1];
}

beforeAll(() => {
  writeFileSync(corpus, readFileSync(join(CORPORA, 'tinyshakespeare.txt'), 'utf8').slice(0, 20_000));
  trained = rlab(['train', corpus, ...TINY, '--steps', '20', '--val-every', '10', '--out', model, '--json']);
  if (trained.code !== 0) throw new Error(`training failed: ${trained.stderr}`);
});

describe('train → info, eval, sample, complete, inspect', () => {
  it('trains and reports step, val and done lines with the contract fields', () => {
    expect(trained.code).toBe(0);
    expect(existsSync(model)).toBe(true);
    expect(existsSync(join(dir, 'm.optim.safetensors'))).toBe(true);
    // Every stdout line is JSON.
    expect(trained.stdout.trim().split('\n').length).toBe(trained.json.length);

    const steps = trained.json.filter((e) => e.event === 'step');
    expect(steps.length).toBe(20);
    steps.forEach((e, i) => {
      expect(e.step).toBe(i + 1);
      for (const k of ['loss', 'chars', 'charsPerSec', 'lr', 'gradNorm']) num(e[k]);
      expect(e.chars).toBe((i + 1) * 4 * 16);
      expect(e.lr as number).toBeGreaterThan(0);
    });

    const vals = trained.json.filter((e) => e.event === 'val');
    expect(vals.length).toBeGreaterThanOrEqual(2); // at step 10 and at the end
    for (const v of vals) {
      num(v.step);
      const loss = num(v.valLoss);
      expect(num(v.bpc)).toBeCloseTo(loss / Math.LN2, 9);
    }

    const done = lastEvent(trained);
    expect(done.event).toBe('done');
    expect(done.steps).toBe(20);
    for (const k of ['loss', 'valLoss', 'bpc', 'chars', 'charsPerSec', 'seconds']) num(done[k]);
    expect(done.model).toBe(model);
    expect(done.backend).toBe('reference');
    expect(done.chars).toBe(20 * 4 * 16);
    // An untrained char model is near ln(V); 20 steps must not have made it worse than uniform.
    expect(done.valLoss as number).toBeLessThan(Math.log(70));
  });

  it('info describes the model', () => {
    const r = rlab(['info', model, '--json']);
    expect(r.code).toBe(0);
    const i = r.json[0] as { config: Record<string, unknown>; vocabSize: number; parameters: number; training: Record<string, unknown> };
    expect(i.config).toEqual({ cell: 'lstm', layers: 1, hidden: 16, embed: 8, dropout: 0, tokenizer: 'char' });
    expect(i.vocabSize).toBeGreaterThan(30);
    const V = i.vocabSize;
    expect(i.parameters).toBe(V * 8 + 64 * 8 + 64 * 16 + 64 + 64 + V * 16 + V);
    expect(i.training.steps).toBe(20);
    expect(i.training.backend).toBe('reference');
    const human = rlab(['info', model]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/lstm/);
    expect(human.stdout).toMatch(/hidden 16/);
    expect(human.stdout).toMatch(/trained 20 steps on reference/);
    expect(human.stdout).toMatch(/seed 1\b/);
  });

  it('eval --json gives loss, bpc and tokens over the whole file', () => {
    const r = rlab(['eval', model, corpus, '--json', ...REF]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.length).toBe(1);
    const e = r.json[0];
    const loss = num(e.loss);
    expect(num(e.bpc)).toBeCloseTo(loss / Math.LN2, 9);
    expect(e.tokens).toBe(20_000 - 1);
    expect(loss).toBeGreaterThan(0);
    expect(loss).toBeLessThan(Math.log(70));
    // Human output too.
    const h = rlab(['eval', model, corpus, ...REF]);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/bits\/char/);
  });

  it('sample --json: the same seed gives the same text; temperature 0 ignores the seed', () => {
    const a = rlab(['sample', model, '--json', '--length', '40', '--seed', '3', ...REF]);
    expect(a.code, a.stderr).toBe(0);
    const text = a.json[0].text as string;
    expect(typeof text).toBe('string');
    expect(Array.from(text).length).toBe(40);
    const b = rlab(['sample', model, '--json', '--length', '40', '--seed', '3', ...REF]);
    expect(b.json[0].text).toBe(text);
    const c = rlab(['sample', model, '--json', '--length', '40', '--seed', '4', ...REF]);
    expect(c.json[0].text).not.toBe(text);
    const g1 = rlab(['sample', model, '--json', '--length', '30', '--temperature', '0', '--seed', '1', '--prompt', 'ROMEO:', ...REF]);
    const g2 = rlab(['sample', model, '--json', '--length', '30', '--temperature', '0', '--seed', '2', '--prompt', 'ROMEO:', ...REF]);
    expect(g1.code).toBe(0);
    expect(g1.json[0].text).toBe(g2.json[0].text);
    // top-k / top-p flags accepted
    const k = rlab(['sample', model, '--json', '--length', '10', '--top-k', '3', '--top-p', '0.9', ...REF]);
    expect(k.code, k.stderr).toBe(0);
    // Human output prints prompt + text.
    const h = rlab(['sample', model, '--length', '10', '--prompt', 'ROMEO:', ...REF]);
    expect(h.code).toBe(0);
    expect(h.stdout.startsWith('ROMEO:')).toBe(true);
  });

  it('complete --json gives a deterministic completion', () => {
    const args = ['complete', model, '--prefix', 'First Citizen:\nBefore we proceed', '--json', '--min-confidence', '0', '--max', '5', ...REF];
    const a = rlab(args);
    expect(a.code, a.stderr).toBe(0);
    const completion = a.json[0].completion;
    expect(typeof completion).toBe('string');
    expect((completion as string).includes('\n')).toBe(false);
    expect(Array.from(completion as string).length).toBeLessThanOrEqual(5);
    expect(rlab(args).json[0].completion).toBe(completion);
  });

  it('inspect --json gives per-step h, c and the LSTM gates', () => {
    const text = 'the Citizen';
    const r = rlab(['inspect', model, '--text', text, '--json', ...REF]);
    expect(r.code, r.stderr).toBe(0);
    const o = r.json[0] as { tokens: string[]; probability: Array<number | null>; layers: Array<Record<string, number[][]>> };
    expect(o.tokens).toEqual(Array.from(text));
    expect(o.probability.length).toBe(text.length);
    expect(o.probability[0]).toBeNull();
    expect(o.layers.length).toBe(1);
    for (const q of ['h', 'c', 'i', 'f', 'g', 'o']) {
      const rows = o.layers[0][q];
      expect(rows, q).toBeDefined();
      expect(rows.length).toBe(text.length);
      for (const row of rows) {
        expect(row.length).toBe(16);
        for (const v of row) expect(Number.isFinite(v)).toBe(true);
      }
    }
    // Gates are sigmoids, g and h are tanh-bounded.
    for (const q of ['i', 'f', 'o']) for (const row of o.layers[0][q]) for (const v of row) expect(v >= 0 && v <= 1).toBe(true);
    for (const q of ['g', 'h']) for (const row of o.layers[0][q]) for (const v of row) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    expect(rlab(['inspect', model, '--text', text, ...REF]).code).toBe(0);
  });

  it('trains gru and rnn models too (inspect shows their quantities)', () => {
    for (const [cell, quantities] of [
      ['gru', ['h', 'r', 'z', 'n']],
      ['rnn', ['h']],
    ] as const) {
      const out = join(dir, `${cell}.safetensors`);
      const r = rlab(['train', corpus, ...TINY, '--cell', cell, '--layers', '2', '--steps', '5', '--out', out, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(lastEvent(r).steps).toBe(5);
      const i = rlab(['inspect', out, '--text', 'abc', '--json', ...REF]);
      expect(i.code, i.stderr).toBe(0);
      const layers = (i.json[0] as { layers: Array<Record<string, number[][]>> }).layers;
      expect(layers.length).toBe(2);
      for (const q of quantities) expect(layers[1][q]?.length, `${cell} ${q}`).toBe(3);
    }
  });
});

describe('resume and reproducibility', () => {
  it('--resume continues the step count, keeps the architecture and writes the optimizer sidecar', () => {
    const out = join(dir, 'r.safetensors');
    const sidecar = join(dir, 'r.optim.safetensors');
    const first = rlab(['train', corpus, ...TINY, '--steps', '10', '--out', out, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(lastEvent(first).steps).toBe(10);
    expect(existsSync(sidecar)).toBe(true);
    const sidecarBefore = readFileSync(sidecar);

    // Different architecture flags are ignored: the model's own wins.
    const second = rlab(['train', corpus, '--backend', 'reference', '--hidden', '32', '--cell', 'gru', '--seq', '16', '--batch', '4', '--steps', '5', '--resume', out, '--json']);
    expect(second.code, second.stderr).toBe(0);
    const start = second.json.find((e) => e.event === 'start')!;
    expect(start.resumedFrom).toBe(10);
    expect(start.cell).toBe('lstm');
    expect(start.hidden).toBe(16);
    const steps = second.json.filter((e) => e.event === 'step');
    expect(steps.map((e) => e.step)).toEqual([11, 12, 13, 14, 15]);
    const done = lastEvent(second);
    expect(done.event).toBe('done');
    expect(done.steps).toBe(15);
    expect(done.model).toBe(out); // saved back to the resumed file
    // The optimizer moments were restored, not restarted.
    const notices = second.json.filter((e) => e.event === 'notice').map((e) => String(e.message));
    expect(notices.some((m) => /optimizer/.test(m))).toBe(false);

    const c = readModelFileFromDisk(out);
    expect(c.config).toEqual({ cell: 'lstm', layers: 1, hidden: 16, embed: 8, dropout: 0, tokenizer: 'char' });
    expect(c.training.steps).toBe(15);
    expect(existsSync(sidecar)).toBe(true);
    const sidecarAfter = readFileSync(sidecar);
    expect(Buffer.compare(sidecarAfter, sidecarBefore)).not.toBe(0);
    const opt = decodeSafetensors(sidecarAfter);
    expect(opt.metadata.optimizer).toBe('adam');
    expect(opt.metadata.steps).toBe('15');
    expect(opt.tensors.size).toBeGreaterThan(0);
  });

  it('the same seed and settings give identical weights; another seed does not', () => {
    const run = (name: string, seed: string) => {
      const out = join(dir, name);
      const r = rlab(['train', corpus, ...TINY, '--cell', 'gru', '--steps', '8', '--seed', seed, '--dropout', '0', '--out', out, '--json']);
      expect(r.code, r.stderr).toBe(0);
      return readModelFileFromDisk(out);
    };
    const a = run('a.safetensors', '7');
    const b = run('b.safetensors', '7');
    const c = run('c.safetensors', '8');
    expect(a.config).toEqual(b.config);
    expect(a.vocab).toEqual(b.vocab);
    expect([...a.tensors.keys()]).toEqual([...b.tensors.keys()]);
    for (const [name, t] of a.tensors) {
      const u = b.tensors.get(name)!;
      expect(Buffer.from(u.buffer, u.byteOffset, u.byteLength).equals(Buffer.from(t.buffer, t.byteOffset, t.byteLength)), name).toBe(true);
    }
    const strip = (t: Record<string, unknown>) => {
      const { date: _d, seconds: _s, charsPerSec: _c, ...rest } = t;
      return rest;
    };
    expect(strip(a.training)).toEqual(strip(b.training));
    expect(Array.from(c.tensors.get('decoder.weight')!)).not.toEqual(Array.from(a.tensors.get('decoder.weight')!));
  });
});

describe('Japanese', () => {
  it('trains on kokoro.txt, samples Japanese and evaluates', () => {
    const ja = join(dir, 'kokoro.txt');
    writeFileSync(ja, Array.from(readFileSync(join(CORPORA, 'kokoro.txt'), 'utf8')).slice(0, 20_000).join(''));
    const out = join(dir, 'ja.safetensors');
    const t = rlab(['train', ja, ...TINY, '--steps', '15', '--out', out, '--json']);
    expect(t.code, t.stderr).toBe(0);
    expect(lastEvent(t).steps).toBe(15);
    const c = readModelFileFromDisk(out);
    expect(c.vocab.length).toBeGreaterThan(500);
    expect(c.vocab.every((v) => Array.from(v).length === 1)).toBe(true);

    const s = rlab(['sample', out, '--json', '--length', '60', '--prompt', '先生は', ...REF]);
    expect(s.code, s.stderr).toBe(0);
    const text = s.json[0].text as string;
    expect(Array.from(text).length).toBe(60);
    expect(text).toMatch(/[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u);
    const human = rlab(['sample', out, '--length', '20', ...REF]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u);

    const e = rlab(['eval', out, ja, '--json', ...REF]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.json[0].tokens).toBe(20_000 - 1);
    num(e.json[0].loss);
    expect(e.json[0].loss as number).toBeLessThan(Math.log(c.vocab.length) + 0.5);

    const comp = rlab(['complete', out, '--prefix', '私は', '--json', ...REF]);
    expect(comp.code, comp.stderr).toBe(0);
    expect(typeof comp.json[0].completion).toBe('string');
  });
});

describe('bad input: exit code and exactly one line on stderr', () => {
  const train = (file: string, ...extra: string[]) => rlab(['train', file, ...TINY, '--steps', '3', '--out', join(dir, 'bad-out.safetensors'), ...extra]);

  it('refuses texts that cannot be trained on (exit 1)', () => {
    const f = (name: string, content: string | Uint8Array) => {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    };
    expectOneLineError(train(f('empty.txt', '')), 1, /empty/);
    expectOneLineError(train(f('one.txt', 'a')), 1);
    expectOneLineError(train(f('same.txt', 'a'.repeat(500))), 1, /2/);
    expectOneLineError(train(f('binary.txt', new Uint8Array([0x61, 0x62, 0x00, 0x63, 0x64, 0x0a]))), 1, /binary|NUL/i);
    expectOneLineError(train(f('latin1.txt', new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x61, 0x62, 0x0a]))), 1, /not UTF-8.*0xe9 at offset 3/);
    // A sequence cut off at the end of the file is named by its first byte.
    expectOneLineError(train(f('cut-utf8.txt', new Uint8Array([0x61, 0x62, 0x20, 0xe3, 0x81]))), 1, /not UTF-8.*0xe3 at offset 3/);
    // A large Latin-1 file is refused at once (the offending offset is found in one pass).
    const big = new Uint8Array(300_001).fill(0x61);
    big[300_000] = 0xe9;
    expectOneLineError(train(f('big-latin1.txt', big)), 1, /0xe9 at offset 300000/);
    expectOneLineError(train(join(dir, 'does-not-exist.txt')), 1, /does-not-exist\.txt/);
    const sub = join(dir, 'a-directory');
    mkdirSync(sub, { recursive: true });
    expectOneLineError(train(sub), 1, /director/);
    expect(existsSync(join(dir, 'bad-out.safetensors'))).toBe(false);
  });

  it('refuses an --out it could not write before training starts (exit 1)', () => {
    const f = join(dir, 'ok.txt');
    writeFileSync(f, 'abcabcabd\n'.repeat(100));
    expectOneLineError(rlab(['train', f, ...TINY, '--steps', '3', '--out', join(dir, 'no-such-folder', 'm.safetensors')]), 1, /no-such-folder.*does not exist/);
    const folder = join(dir, 'out-is-a-folder');
    mkdirSync(folder, { recursive: true });
    expectOneLineError(rlab(['train', f, ...TINY, '--steps', '3', '--out', folder]), 1, /is a folder/);
  });

  it('an explicit backend that is not available here is one clear line (exit 1), naming why', () => {
    const f = join(dir, 'ok2.txt');
    writeFileSync(f, 'abcabcabd\n'.repeat(100));
    // On this machine WebGPU has no adapter (and Node's N-API binding may not load); elsewhere it cannot
    // serve synchronous training yet. Either way: refused before training, with the reason.
    expectOneLineError(rlab(['train', f, '--hidden', '8', '--steps', '1', '--backend', 'webgpu', '--out', join(dir, 'wg.safetensors')]), 1, /backend webgpu is not available here: webgpu: /);
    expect(existsSync(join(dir, 'wg.safetensors'))).toBe(false);
  });

  it('usage errors exit 2', () => {
    expectOneLineError(rlab(['frobnicate']), 2, /frobnicate/);
    expectOneLineError(train(corpus, '--no-such-flag'), 2, /--no-such-flag/);
    expectOneLineError(train(corpus, '--hidden', 'abc'), 2, /hidden/);
    for (const [flag, value] of [
      ['--hidden', '0'],
      ['--hidden', '100000'],
      ['--lr', '-1'],
      ['--dropout', '2'],
      ['--val', '0.9'],
      ['--cell', 'foo'],
      ['--backend', 'foo'],
      ['--layers', '2.5'],
    ]) {
      expectOneLineError(train(corpus, flag, value), 2, new RegExp(flag.slice(2)));
    }
    expectOneLineError(rlab(['train', corpus, '--steps']), 2, /--steps/);
    expectOneLineError(rlab(['train']), 2);
    expectOneLineError(rlab(['eval', model]), 2);
    expectOneLineError(rlab(['sample']), 2);
    expectOneLineError(rlab(['info', model, 'extra']), 2);
    expectOneLineError(rlab(['sample', model, '--top-p', '0', ...REF]), 2, /top-p/);
    expectOneLineError(rlab(['sample', model, '--temperature', '-1', ...REF]), 2, /temperature/);
    expectOneLineError(rlab(['complete', model, ...REF]), 2, /prefix/);
    expectOneLineError(rlab(['inspect', model, ...REF]), 2, /text/);
    expectOneLineError(rlab(['bench', '--backends', 'nope']), 2, /nope/);
    expect(rlab([]).code).toBe(2);
  });

  describe('broken model files (exit 1, one line, names the problem)', () => {
    let good: Uint8Array;
    let headerLen: number;
    beforeAll(() => {
      good = readFileSync(model);
      headerLen = Number(Buffer.from(good).readBigUInt64LE(0));
    });
    const write = (name: string, bytes: Uint8Array | string) => {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      return p;
    };
    /** The model commands all refuse the file the same way. */
    const refuse = (file: string, pattern?: RegExp) => {
      expectOneLineError(rlab(['info', file]), 1, pattern);
      expectOneLineError(rlab(['sample', file, '--length', '5', ...REF]), 1, pattern);
      expectOneLineError(rlab(['eval', file, corpus, ...REF]), 1, pattern);
    };

    it('missing model', () => refuse(join(dir, 'nope.safetensors'), /nope\.safetensors.*(does not exist|no such)/));

    it('a directory', () => refuse(dir, /director/));

    it('truncated in the header and in the data', () => {
      refuse(write('cut-header.safetensors', good.subarray(0, 8 + Math.floor(headerLen / 2))), /header/);
      refuse(write('cut-8.safetensors', good.subarray(0, 5)), /short|header/);
      refuse(write('cut-data.safetensors', good.subarray(0, good.length - 100)));
    });

    it('a text file passed as a model', () => refuse(corpus, /shakespeare\.txt/));

    it('a hostile header length (2^60)', () => {
      const b = Uint8Array.from(good);
      new DataView(b.buffer).setBigUint64(0, 2n ** 60n, true);
      refuse(write('hostile.safetensors', b), /header length/);
    });

    it('a JSON header that is an array', () => {
      const json = new TextEncoder().encode('[1,2,3]');
      const b = new Uint8Array(8 + json.length);
      new DataView(b.buffer).setBigUint64(0, BigInt(json.length), true);
      b.set(json, 8);
      refuse(write('array.safetensors', b), /object/);
    });

    it('a tensor whose shape does not match the config names the tensor', () => {
      const { metadata, tensors } = decodeSafetensors(good);
      const list = [...tensors].map(([name, t]) => ({
        name,
        // Same number of values, dims swapped: consistent file, wrong for the config.
        shape: name === 'rnn.weight_hh_l0' ? [t.shape[1], t.shape[0]] : t.shape,
        data: t.data,
      }));
      refuse(write('shape.safetensors', encodeSafetensors(list, metadata)), /rnn\.weight_hh_l0/);
    });

    it('NaN and infinite weights', () => {
      const { metadata, tensors } = decodeSafetensors(good);
      const list = [...tensors].map(([name, t]) => ({ name, shape: t.shape, data: Float32Array.from(t.data) }));
      list.find((t) => t.name === 'rnn.weight_ih_l0')!.data[5] = NaN;
      refuse(write('nan.safetensors', encodeSafetensors(list, metadata)), /rnn\.weight_ih_l0.*NaN|NaN.*rnn\.weight_ih_l0/);
      list.find((t) => t.name === 'rnn.weight_ih_l0')!.data[5] = 0;
      list.find((t) => t.name === 'decoder.bias')!.data[0] = Infinity;
      refuse(write('inf.safetensors', encodeSafetensors(list, metadata)), /decoder\.bias/);
    });

    it('--resume with a broken model', () => {
      const bad = write('resume-bad.safetensors', good.subarray(0, 100));
      expectOneLineError(rlab(['train', corpus, ...TINY, '--steps', '2', '--resume', bad]), 1, /resume-bad/);
    });
  });

  it('eval with symbols outside the vocabulary names them, unless --skip-unknown', () => {
    const p = join(dir, 'unknown.txt');
    writeFileSync(p, 'First Citizen: € and 😀 cost\n');
    const line = expectOneLineError(rlab(['eval', model, p, ...REF]), 1, /vocabulary/);
    expect(line).toContain('€');
    expect(line).toContain('😀');
    const ok = rlab(['eval', model, p, '--skip-unknown', '--json', ...REF]);
    expect(ok.code, ok.stderr).toBe(0);
    num(ok.json[0].loss);
    expect(ok.json[0].tokens).toBe(Array.from('First Citizen:  and  cost\n').length - 1);
  });
});

describe('help and bench', () => {
  it('rlab --help lists every command', () => {
    const r = rlab(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['train', 'eval', 'sample', 'complete', 'inspect', 'bench', 'info']) expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
  });

  it('each command --help lists the flags of the CLI contract', () => {
    const contract: Record<string, string[]> = {
      train: ['cell', 'layers', 'hidden', 'embed', 'dropout', 'tokenizer', 'seq', 'batch', 'lr', 'optimizer', 'clip', 'steps', 'epochs', 'time', 'val', 'seed', 'backend', 'out', 'resume', 'json'],
      eval: ['json', 'skip-unknown'],
      sample: ['prompt', 'length', 'temperature', 'top-k', 'top-p', 'seed', 'json'],
      complete: ['prefix', 'max', 'json'],
      inspect: ['text', 'json'],
      bench: ['json'],
      info: [],
    };
    for (const [cmd, flags] of Object.entries(contract)) {
      const r = rlab([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout, cmd).toMatch(new RegExp(`rlab ${cmd}`));
      for (const f of flags) expect(r.stdout, `${cmd} --${f}`).toMatch(new RegExp(`--${f}(\\s|$)`, 'm'));
    }
    // The choices of the train contract are shown.
    const t = rlab(['train', '--help']).stdout;
    for (const choice of ['lstm', 'gru', 'rnn', 'char', 'word', 'adam', 'sgd', 'reference', 'cpu', 'webasm', 'auto']) expect(t).toContain(choice);
  });

  it('bench --json --quick measures training and completion', () => {
    const r = rlab(['bench', '--json', '--quick', '--backends', 'reference', '--hidden', '16']);
    expect(r.code, r.stderr).toBe(0);
    const trainLines = r.json.filter((e) => e.task === undefined);
    expect(trainLines.length).toBe(1);
    const t = trainLines[0];
    for (const k of ['backend', 'cell', 'layers', 'hidden', 'embed', 'seq', 'batch', 'charsPerSec']) expect(t[k], k).toBeDefined();
    expect(t.backend).toBe('reference');
    expect(t.cell).toBe('lstm');
    expect(t.hidden).toBe(16);
    expect(num(t.charsPerSec)).toBeGreaterThan(0);
    for (const k of ['layers', 'embed', 'seq', 'batch']) expect(num(t[k])).toBeGreaterThan(0);
    const comp = r.json.filter((e) => e.task === 'complete');
    expect(comp.length).toBe(1);
    const c = comp[0];
    expect(c.backend).toBe('reference');
    for (const k of ['cell', 'hidden']) expect(c[k], k).toBeDefined();
    expect(num(c.chars)).toBeGreaterThan(0);
    expect(num(c.medianMs)).toBeGreaterThan(0);
    expect(num(c.p95Ms)).toBeGreaterThanOrEqual(c.medianMs as number);
  });
});
