import { describe, expect, it } from 'vitest';
import { splitValidation, StreamBatcher } from '../../src/core/data/streams';
import { ReferenceBackend } from '../../src/core/backend/reference';
import type { Arr } from '../../src/core/backend/backend';
import { RecurrentLM, type RecurrentState } from '../../src/core/nn/model';
import type { CellType } from '../../src/core/nn/config';
import { Rng } from '../../src/core/rng';

const iota = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('StreamBatcher', () => {
  it('lays out B contiguous streams: stream b, chunk k = tokens[b*L + k*T ...]', () => {
    const B = 3;
    const T = 4;
    const tokens = iota(50); // L = 16, chunks = floor(15/4) = 3
    const sb = new StreamBatcher(tokens, B, T);
    expect(sb.streamLength).toBe(16);
    expect(sb.chunksPerEpoch).toBe(3);
    const L = sb.streamLength;
    for (let k = 0; k < sb.chunksPerEpoch; k++) {
      const c = sb.chunk(k);
      expect(c.index).toBe(k);
      expect(c.inputs.length).toBe(B * T);
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          expect(c.inputs[b * T + t]).toBe(b * L + k * T + t);
          // targets: the next token
          expect(c.targets[b * T + t]).toBe(b * L + k * T + t + 1);
          // never reading into the next stream
          expect(c.targets[b * T + t]).toBeLessThan((b + 1) * L);
        }
      }
    }
  });

  it('continues each stream exactly where the previous chunk ended', () => {
    const B = 2;
    const T = 5;
    const sb = new StreamBatcher(iota(64), B, T);
    const first = Int32Array.from(sb.chunk(0).inputs);
    const firstTargets = Int32Array.from(sb.chunk(0).targets);
    const second = sb.chunk(1).inputs;
    for (let b = 0; b < B; b++) {
      expect(second[b * T]).toBe(first[b * T + T - 1] + 1);
      expect(second[b * T]).toBe(firstTargets[b * T + T - 1]);
    }
  });

  it('wraps the chunk index at chunksPerEpoch', () => {
    const sb = new StreamBatcher(iota(40), 2, 3); // L = 20, chunks = 6
    expect(sb.chunksPerEpoch).toBe(6);
    const c0 = Array.from(sb.chunk(0).inputs);
    const c2 = Array.from(sb.chunk(2).inputs);
    const w = sb.chunk(6);
    expect(w.index).toBe(0);
    expect(Array.from(w.inputs)).toEqual(c0);
    const w2 = sb.chunk(6 * 5 + 2);
    expect(w2.index).toBe(2);
    expect(Array.from(w2.inputs)).toEqual(c2);
  });

  it('refuses input too short for one chunk, with a clear message', () => {
    // B × (T + 1) tokens are needed: 2 × 5 = 10.
    expect(() => new StreamBatcher(iota(9), 2, 4)).toThrow(RangeError);
    expect(() => new StreamBatcher(iota(9), 2, 4)).toThrow(/too short.*need at least 10/);
    expect(() => new StreamBatcher(iota(0), 1, 1)).toThrow(RangeError);
    const ok = new StreamBatcher(iota(10), 2, 4);
    expect(ok.chunksPerEpoch).toBe(1);
  });
});

describe('splitValidation', () => {
  it('holds out the last fraction of the tokens', () => {
    const { train, val } = splitValidation(iota(100), 0.1);
    expect(Array.from(train)).toEqual(Array.from(iota(90)));
    expect(Array.from(val)).toEqual(Array.from({ length: 10 }, (_, i) => 90 + i));
  });

  it('rounds the validation part down and allows 0', () => {
    const a = splitValidation(iota(37), 0.25);
    expect(a.val.length).toBe(9);
    expect(a.train.length).toBe(28);
    expect(a.val[0]).toBe(28);
    const b = splitValidation(iota(10), 0);
    expect(b.train.length).toBe(10);
    expect(b.val.length).toBe(0);
  });

  it('refuses fractions outside [0, 1)', () => {
    expect(() => splitValidation(iota(10), 1)).toThrow(RangeError);
    expect(() => splitValidation(iota(10), -0.1)).toThrow(RangeError);
    expect(() => splitValidation(iota(10), NaN)).toThrow(RangeError);
  });
});

describe('carried state across chunks (truncated BPTT)', () => {
  const V = 11;
  const B = 3;
  const T = 5;

  function makeModel(cell: CellType): RecurrentLM {
    const model = new RecurrentLM(new ReferenceBackend('f64'), { cell, layers: 2, hidden: 7, embed: 5, dropout: 0, tokenizer: 'char' }, V);
    model.init(42);
    return model;
  }

  function randomState(model: RecurrentLM, seed: number): RecurrentState {
    const s = model.newState(B);
    const rng = new Rng(seed);
    for (const h of s.h) for (let i = 0; i < h.length; i++) h[i] = rng.uniform(-0.5, 0.5);
    for (const c of s.c) if (c) for (let i = 0; i < c.length; i++) c[i] = rng.uniform(-1, 1);
    return s;
  }

  function copyState(model: RecurrentLM, from: RecurrentState): RecurrentState {
    const s = model.newState(from.B);
    from.h.forEach((h, k) => s.h[k].set(h));
    from.c.forEach((c, k) => c && s.c[k]!.set(c));
    return s;
  }

  function stateArrays(s: RecurrentState): number[][] {
    return [...s.h, ...s.c.filter((c): c is Arr => c !== null)].map((a) => Array.from(a));
  }

  const rng = new Rng(7);
  const tokens = Int32Array.from({ length: 200 }, () => rng.int(V));

  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    it(`${cell}: chunk k then k+1 with carried state equals one 2T pass over the same window`, () => {
      const model = makeModel(cell);
      const short = new StreamBatcher(tokens, B, T);
      const long = new StreamBatcher(tokens, B, 2 * T);
      expect(long.streamLength).toBe(short.streamLength);
      const k = 2; // chunks 2 and 3 of length T are chunk 1 of length 2T
      const start = randomState(model, 3);

      // Two chunks, state carried.
      const carried = copyState(model, start);
      const a = short.chunk(k);
      const aIn = Int32Array.from(a.inputs);
      const aTg = Int32Array.from(a.targets);
      const logitsA = Array.from(model.logits(aIn, T, B, carried));
      const endOfK = stateArrays(carried);
      const b = short.chunk(k + 1);
      const bIn = Int32Array.from(b.inputs);
      const bTg = Int32Array.from(b.targets);
      const logitsB = Array.from(model.logits(bIn, T, B, carried));
      const endCarried = stateArrays(carried);

      // One pass over the 2T window.
      const whole = copyState(model, start);
      const w = long.chunk(1);
      expect(w.index).toBe(1);
      // The long chunk is the two short ones side by side, per stream.
      for (let s = 0; s < B; s++) {
        expect(Array.from(w.inputs.subarray(s * 2 * T, s * 2 * T + T))).toEqual(Array.from(aIn.subarray(s * T, s * T + T)));
        expect(Array.from(w.inputs.subarray(s * 2 * T + T, (s + 1) * 2 * T))).toEqual(Array.from(bIn.subarray(s * T, s * T + T)));
      }
      const wIn = Int32Array.from(w.inputs);
      const wTg = Int32Array.from(w.targets);
      const logitsW = Array.from(model.logits(wIn, 2 * T, B, whole));
      const endWhole = stateArrays(whole);

      // Logits are time-major [t·B + b, V]: the first T steps are chunk k, the rest chunk k+1.
      expect(logitsW.slice(0, T * B * V)).toEqual(logitsA);
      expect(logitsW.slice(T * B * V)).toEqual(logitsB);
      expect(endWhole).toEqual(endCarried);

      // The state at the start of chunk k+1 is the state after T steps of the long pass.
      const half = copyState(model, start);
      const firstHalf = new Int32Array(B * T);
      for (let s = 0; s < B; s++) firstHalf.set(wIn.subarray(s * 2 * T, s * 2 * T + T), s * T);
      model.logits(firstHalf, T, B, half);
      expect(stateArrays(half)).toEqual(endOfK);

      // Losses: the 2T mean is the mean of the two T means.
      const s1 = copyState(model, start);
      const lossA = model.evalLoss(aIn, aTg, T, B, s1);
      const lossB = model.evalLoss(bIn, bTg, T, B, s1);
      const s2 = copyState(model, start);
      const lossW = model.evalLoss(wIn, wTg, 2 * T, B, s2);
      expect(Math.abs(lossW - (lossA + lossB) / 2)).toBeLessThan(1e-12);
      expect(stateArrays(s2)).toEqual(stateArrays(s1));

      // And a fresh (zero) start differs, so the carried state really matters.
      const zero = model.newState(B);
      const logitsZero = Array.from(model.logits(bIn, T, B, zero));
      expect(logitsZero).not.toEqual(logitsB);
    });
  }

  it('resetState zeroes every layer (the batcher restarts streams at index 0)', () => {
    const model = makeModel('lstm');
    const s = randomState(model, 5);
    model.resetState(s);
    for (const a of stateArrays(s)) expect(a.every((v) => v === 0)).toBe(true);
  });
});
