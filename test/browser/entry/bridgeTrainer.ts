/**
 * A training worker as the extension runs one: it registers a GPU thread
 * (gpuThread.js) and asks for the webgpu backend, which it then uses like any
 * synchronous backend — products and a whole LSTM training step — compared
 * with the reference backend.
 */
import { createBridgedBackend, registerGpuThreadSpawner } from '../../../src/core/backend/gpuBridge';
import { ReferenceBackend } from '../../../src/core/backend/reference';
import { createBackend } from '../../../src/core/backend/select';
import type { Backend } from '../../../src/core/backend/backend';
import { RecurrentLM } from '../../../src/core/nn/model';
import { Rng } from '../../../src/core/rng';

interface Scope {
  onmessage: ((e: { data: unknown }) => void) | null;
  postMessage(m: unknown): void;
  crossOriginIsolated?: boolean;
}
const scope = globalThis as unknown as Scope;
const W = (globalThis as unknown as { Worker: new (url: string) => never }).Worker;

registerGpuThreadSpawner(() => new W('gpuThread.js'));

function step(backend: Backend) {
  const V = 11, T = 6, B = 3;
  const model = new RecurrentLM(backend, { cell: 'lstm', layers: 1, hidden: 16, embed: 8, dropout: 0, tokenizer: 'char' }, V);
  model.init(4);
  const rng = new Rng(8);
  const inputs = Int32Array.from({ length: B * T }, () => rng.int(V));
  const targets = Int32Array.from({ length: B * T }, () => rng.int(V));
  model.zeroGrad();
  const loss = model.trainStep(inputs, targets, T, B, model.newState(B), new Rng(1));
  return { loss, grads: model.params.map((p) => Float32Array.from(p.grad)) };
}

scope.onmessage = async () => {
  try {
    const { backend, report } = await createBackend('webgpu');
    // Products against the reference, relative to Σ|a||b| (float32 sums in another order).
    let worst = 0;
    const ref = new ReferenceBackend();
    for (const [m, n, k] of [[7, 13, 29], [32, 64, 48], [5, 9, 1500]]) {
      for (const op of ['matmulNT', 'matmulNN', 'matmulTN'] as const) {
        const rng = new Rng(m * n + k);
        const a = Float32Array.from({ length: m * k }, () => rng.uniform(-1, 1));
        const b = Float32Array.from({ length: k * n }, () => rng.uniform(-1, 1));
        const c1 = Float32Array.from({ length: m * n }, () => rng.uniform(-1, 1));
        const c2 = c1.slice();
        backend[op](a, b, c1, m, n, k, true);
        ref[op](a, b, c2, m, n, k, true);
        for (let i = 0; i < c1.length; i++) worst = Math.max(worst, Math.abs(c1[i] - c2[i]) / (k + 1));
      }
    }
    const got = step(backend);
    const want = step(ref);
    let gradWorst = 0;
    want.grads.forEach((g, t) => {
      let scale = 1e-12;
      for (const v of g) scale = Math.max(scale, Math.abs(v));
      for (let i = 0; i < g.length; i++) gradWorst = Math.max(gradWorst, Math.abs(got.grads[t][i] - g[i]) / scale);
    });
    backend.dispose();
    // A tiny exchange buffer forces the grow-and-hand-over path on the first product.
    const small = await createBridgedBackend(new W('gpuThread.js') as never, 16);
    const rng = new Rng(5);
    const [m, n, k] = [9, 17, 33];
    const a = Float32Array.from({ length: m * k }, () => rng.uniform(-1, 1));
    const b = Float32Array.from({ length: n * k }, () => rng.uniform(-1, 1));
    const c1 = new Float32Array(m * n);
    const c2 = new Float32Array(m * n);
    small.matmulNT(a, b, c1, m, n, k, false);
    ref.matmulNT(a, b, c2, m, n, k, false);
    let grownWorst = 0;
    for (let i = 0; i < c1.length; i++) grownWorst = Math.max(grownWorst, Math.abs(c1[i] - c2[i]) / k);
    small.dispose();
    scope.postMessage({ ok: true, grownWorst, isolated: scope.crossOriginIsolated === true, chosen: report.chosen, productWorst: worst, lossDiff: Math.abs(got.loss - want.loss), loss: want.loss, gradWorst });
  } catch (e) {
    scope.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
};
