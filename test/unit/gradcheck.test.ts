import { describe, expect, it } from 'vitest';
import { ReferenceBackend } from '../../src/core/backend/reference';
import type { CellType } from '../../src/core/nn/config';
import { RecurrentLM, type RecurrentState } from '../../src/core/nn/model';
import { Rng } from '../../src/core/rng';

/**
 * Backpropagation through time checked against central finite differences,
 * in float64, for every entry of every parameter tensor of small models.
 */
function setup(cell: CellType, layers: number) {
  const V = 6, E = 3, H = 4, T = 5, B = 2;
  const model = new RecurrentLM(new ReferenceBackend('f64'), { cell, layers, hidden: H, embed: E, dropout: 0, tokenizer: 'char' }, V);
  model.init(7);
  const rng = new Rng(3);
  const inputs = Int32Array.from({ length: B * T }, () => rng.int(V));
  const targets = Int32Array.from({ length: B * T }, () => rng.int(V));
  // A non-zero carried state, so the gradient paths through h0 and c0 are exercised too.
  const init = model.newState(B);
  for (const a of [...init.h, ...init.c]) if (a) for (let i = 0; i < a.length; i++) a[i] = rng.uniform(-0.5, 0.5);
  const fresh = (): RecurrentState => {
    const s = model.newState(B);
    s.h.forEach((h, k) => h.set(init.h[k]));
    s.c.forEach((c, k) => c?.set(init.c[k]!));
    return s;
  };
  return { model, inputs, targets, T, B, fresh };
}

describe.each(['rnn', 'lstm', 'gru'] as const)('%s gradients', (cell) => {
  it.each([1, 2])('match finite differences with %i layer(s), every parameter', (layers) => {
    const { model, inputs, targets, T, B, fresh } = setup(cell, layers);
    model.zeroGrad();
    model.trainStep(inputs, targets, T, B, fresh(), new Rng(1));
    const eps = 1e-6;
    let checked = 0;
    for (const p of model.params) {
      for (let i = 0; i < p.data.length; i++) {
        const keep = p.data[i];
        p.data[i] = keep + eps;
        const up = model.evalLoss(inputs, targets, T, B, fresh());
        p.data[i] = keep - eps;
        const down = model.evalLoss(inputs, targets, T, B, fresh());
        p.data[i] = keep;
        const numeric = (up - down) / (2 * eps);
        const analytic = p.grad[i];
        // Central differences in float64 carry ~1e-10 of rounding noise: an absolute floor plus a relative bound.
        const err = Math.abs(numeric - analytic);
        if (err > 1e-8 + 1e-5 * (Math.abs(numeric) + Math.abs(analytic))) expect.fail(`${p.name}[${i}]: analytic ${analytic} vs numeric ${numeric}`);
        checked++;
      }
    }
    expect(checked).toBe(model.size);
  });
});

describe('dropout between layers', () => {
  it('gradient matches finite differences under a fixed mask', () => {
    const V = 5, T = 4, B = 2;
    const model = new RecurrentLM(new ReferenceBackend('f64'), { cell: 'lstm', layers: 2, hidden: 3, embed: 2, dropout: 0.5, tokenizer: 'char' }, V);
    model.init(1);
    const inputs = Int32Array.from({ length: B * T }, (_, i) => i % V);
    const targets = Int32Array.from({ length: B * T }, (_, i) => (i * 3) % V);
    // The same seed draws the same mask, so the perturbed losses see the same network.
    const lossWithMask = () => model.trainStep(inputs, targets, T, B, model.newState(B), new Rng(42));
    model.zeroGrad();
    lossWithMask();
    const p = model.param('rnn.weight_ih_l1');
    const analytic = Float64Array.from(p.grad);
    const eps = 1e-6;
    for (let i = 0; i < p.data.length; i++) {
      const keep = p.data[i];
      p.data[i] = keep + eps;
      const up = lossWithMask();
      p.data[i] = keep - eps;
      const down = lossWithMask();
      p.data[i] = keep;
      const numeric = (up - down) / (2 * eps);
      expect(Math.abs(numeric - analytic[i])).toBeLessThan(1e-6 + 1e-5 * Math.abs(numeric));
    }
  });
});
