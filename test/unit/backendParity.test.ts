import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/core/backend/backend';
import { createCpuBackend } from '../../src/core/backend/cpu';
import { createGpujsBackend } from '../../src/core/backend/gpujs';
import { ReferenceBackend } from '../../src/core/backend/reference';
import type { CellType } from '../../src/core/nn/config';
import { RecurrentLM } from '../../src/core/nn/model';
import { Rng } from '../../src/core/rng';

/**
 * Whole-model parity: every backend gives the reference backend's forward
 * outputs (logits, loss) and every parameter gradient of a full training step
 * to rtol 1e-4. Float32 sums in a different order differ by rounding that
 * scales with the magnitudes summed, so each tensor is compared relative to
 * its own largest magnitude (plus a small absolute floor).
 */
function run(backend: Backend, cell: CellType) {
  const V = 11, T = 7, B = 3;
  const model = new RecurrentLM(backend, { cell, layers: 2, hidden: 24, embed: 10, dropout: 0, tokenizer: 'char' }, V);
  model.init(4);
  const rng = new Rng(8);
  const inputs = Int32Array.from({ length: B * T }, () => rng.int(V));
  const targets = Int32Array.from({ length: B * T }, () => rng.int(V));
  const logits = Float32Array.from(model.logits(inputs, T, B, model.newState(B)));
  model.zeroGrad();
  const loss = model.trainStep(inputs, targets, T, B, model.newState(B), new Rng(1));
  const grads = new Map(model.params.map((p) => [p.name, Float32Array.from(p.grad)]));
  return { logits, loss, grads };
}

function expectClose(name: string, got: Float32Array, want: Float32Array): void {
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want.length; i++) {
    if (Math.abs(got[i] - want[i]) > 1e-4 * scale + 1e-7) expect.fail(`${name}[${i}]: ${got[i]} vs reference ${want[i]} (scale ${scale})`);
  }
}

const backends: Array<[string, () => Promise<Backend>]> = [
  ['cpu', () => createCpuBackend()],
  ['webasm', () => createGpujsBackend('webasm')],
];

describe.each(backends)('%s backend', (_name, make) => {
  it.each(['rnn', 'lstm', 'gru'] as const)('matches the reference on logits, loss and every gradient (%s, 2 layers)', async (cell) => {
    const want = run(new ReferenceBackend(), cell);
    const backend = await make();
    try {
      const got = run(backend, cell);
      expectClose('logits', got.logits, want.logits);
      expect(Math.abs(got.loss - want.loss)).toBeLessThan(1e-4 * Math.abs(want.loss));
      for (const [name, g] of want.grads) expectClose(name, got.grads.get(name)!, g);
    } finally {
      backend.dispose();
    }
  });
});
