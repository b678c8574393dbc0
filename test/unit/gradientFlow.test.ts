import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReferenceBackend } from '../../src/core/backend/reference';
import { VocabTokenizer } from '../../src/core/data/tokenizer';
import { backThroughTime, gradientFlow, sameSizeModel } from '../../src/core/inspect/gradientFlow';
import type { CellType } from '../../src/core/nn/config';
import { RecurrentLM } from '../../src/core/nn/model';
import { Rng } from '../../src/core/rng';

const text = readFileSync(resolve(__dirname, '../../media/sample/sonnets.txt'), 'utf8').slice(0, 6000);
const tokenizer = new VocabTokenizer('char', [...new Set(Array.from(text))]);
const ids = tokenizer.encode(text);

function model(cell: CellType, layers = 1, hidden = 32): RecurrentLM {
  const m = new RecurrentLM(new ReferenceBackend('f64'), { cell, layers, hidden, embed: 8, dropout: 0, tokenizer: 'char' }, tokenizer.vocab.length);
  m.init(1);
  return m;
}

/** Decades lost per step back, fitted between k = 10 and k = 40. */
const decay = (n: number[]) => (Math.log10(n[10]) - Math.log10(n[40])) / 30;

describe('gradient flow through time', () => {
  it('vanishes faster through a plain RNN than through an LSTM or a GRU of the same size', () => {
    const r = gradientFlow(model('rnn'), ids, { maxK: 40, windows: 8 });
    const l = gradientFlow(model('lstm'), ids, { maxK: 40, windows: 8 });
    const g = gradientFlow(model('gru'), ids, { maxK: 40, windows: 8 });
    for (const x of [r, l, g]) {
      expect(x.norms).toHaveLength(1);
      expect(x.norms[0]).toHaveLength(41);
      expect(x.norms[0].every((v) => Number.isFinite(v) && v > 0)).toBe(true);
      // it does fall with distance for every cell at initialisation
      expect(x.norms[0][40]).toBeLessThan(x.norms[0][1]);
    }
    expect(decay(r.norms[0])).toBeGreaterThan(decay(l.norms[0]));
    expect(decay(r.norms[0])).toBeGreaterThan(decay(g.norms[0]));
  });

  it.each(['rnn', 'lstm', 'gru'] as const)('%s: one ∂loss_t/∂h_{t−k} entry matches finite differences', (cell) => {
    const m = model(cell, 1, 6);
    const T = 9, back = 3, unit = 2;
    const inputs = Int32Array.from(ids.subarray(100, 100 + T));
    const targets = Int32Array.of(ids[100 + T]);
    let analytic = NaN;
    backThroughTime(m, inputs, targets, T, 1, (layer, k, dh) => {
      if (layer === 0 && k === back) analytic = dh[unit];
    });
    // loss_t as a function of h_{t−k}: read up to step t−k, nudge the carried state, read the rest.
    const lossWith = (delta: number) => {
      const s = m.newState(1);
      m.logits(inputs.slice(0, T - back), T - back, 1, s);
      s.h[0][unit] += delta;
      const z = m.logits(inputs.slice(T - back), back, 1, s);
      const V = m.vocabSize;
      const row = Array.from(z.subarray((back - 1) * V, back * V));
      const max = Math.max(...row);
      return Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0)) + max - row[targets[0]];
    };
    const eps = 1e-6;
    const numeric = (lossWith(eps) - lossWith(-eps)) / (2 * eps);
    expect(Math.abs(numeric)).toBeGreaterThan(1e-6);
    expect(Math.abs(analytic - numeric)).toBeLessThan(1e-7 + 1e-5 * Math.abs(numeric));
  });

  it('leaves parameter gradients as they were and handles two layers and short text', () => {
    const m = model('lstm', 2, 8);
    const rng = new Rng(2);
    for (const p of m.params) for (let i = 0; i < p.grad.length; i++) p.grad[i] = rng.uniform(-1, 1);
    const before = m.params.map((p) => Float64Array.from(p.grad));
    const r = gradientFlow(m, ids.subarray(0, 20), { maxK: 64, windows: 4 });
    m.params.forEach((p, i) => expect(Array.from(p.grad)).toEqual(Array.from(before[i])));
    expect(r.norms).toHaveLength(2);
    expect(r.maxK).toBe(18);
    expect(r.norms[1].every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    expect(() => gradientFlow(m, ids.subarray(0, 1))).toThrow(RangeError);
  });

  it('sameSizeModel swaps only the recurrent cell', () => {
    const m = model('lstm', 1, 8);
    const g = sameSizeModel(m, 'gru', 3);
    expect(g.config.cell).toBe('gru');
    expect(Array.from(g.param('decoder.weight').data)).toEqual(Array.from(m.param('decoder.weight').data));
    expect(g.param('rnn.weight_hh_l0').data.length).toBe(3 * 8 * 8);
  });
});
