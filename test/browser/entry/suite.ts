/**
 * Browser side of test/browser/gpuParity.test.ts: runs in the page and in a
 * dedicated Worker (bundled by esbuild into page.js / worker.js). Everything is
 * compared here, next to the data, and only small JSON summaries go back to
 * Node, where vitest asserts on them.
 *
 * This file is type-checked with the project's tsconfig (lib ES2022, no DOM),
 * so browser globals are reached through narrow casts of globalThis.
 */
import type { Arr, Backend } from '../../../src/core/backend/backend';
import { createGpujsBackend } from '../../../src/core/backend/gpujs';
import { createGpujsAsyncProducts, type AsyncProducts } from '../../../src/core/backend/gpujsAsync';
import { ReferenceBackend } from '../../../src/core/backend/reference';
import type { ModelConfig } from '../../../src/core/nn/config';
import { RecurrentLM } from '../../../src/core/nn/model';
import { Sgd } from '../../../src/core/optim/optimizer';
import { Rng } from '../../../src/core/rng';

export type Product = 'matmulNT' | 'matmulNN' | 'matmulTN';
export const PRODUCTS: readonly Product[] = ['matmulNT', 'matmulNN', 'matmulTN'];

/** [m, n, k] with a label; the names are shared with the Node side so every case becomes one vitest test. */
export const SHAPES: ReadonlyArray<{ label: string; m: number; n: number; k: number }> = [
  { label: '1x1x1', m: 1, n: 1, k: 1 },
  { label: '7x13x29', m: 7, n: 13, k: 29 },
  // gpu.js silently caps a loop bound taken from a kernel argument at 1000 iterations
  { label: '3x5x1500 (K>1000 loop-bound trap)', m: 3, n: 5, k: 1500 },
  // one LSTM step: h[B=32,H=128] · W_hhᵀ[4H=512,H]
  { label: '32x512x128 (LSTM step)', m: 32, n: 512, k: 128 },
  // the input projection over all steps: x[T·B=256,E=64] · W_ihᵀ[4H=512,E]
  { label: '256x512x64 (input projection)', m: 256, n: 512, k: 64 },
];

/** 'reference' only serves as a timing baseline (the JS loops the engines must beat). */
export type Engine = 'webgl2' | 'webgpu' | 'reference';

export interface CaseResult {
  name: string; // `${product} ${shape.label}`
  ok: boolean;
  /** Largest |got − want| / tolerance seen (≤ 1 passes). */
  worst: number;
  detail: string;
}

export interface SuiteOptions {
  engine: Engine;
  /** Also train the small LSTM on webgl2 and on the reference (page only). */
  model?: boolean;
  /** Run the parity cases (default true). */
  parity?: boolean;
  /** Time a 64×1024×256 NT product. */
  bench?: boolean;
}

export interface ModelResult {
  ok: boolean;
  detail: string;
  losses: { ref: number[]; gpu: number[] };
  /** Per step, per parameter: ‖Δgrad‖∞ / (1e-4·‖grad_ref‖∞ + floor). */
  worst: number;
}

export interface SuiteResult {
  where: 'page' | 'worker';
  engine: Engine;
  /** null when the engine was created; otherwise its one-line reason. */
  unavailable: string | null;
  /** What the engine ran on (kernel class / adapter description). */
  info: string;
  cases: CaseResult[];
  model?: ModelResult;
  bench?: { shape: string; bestMs: number; gflops: number; runs: number };
  /** console.error lines and uncaught errors seen while the suite ran. */
  errors: string[];
}

/** The product interface both engines are tested through. */
type Products = Record<Product, (a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, acc: boolean) => void | Promise<void>>;

let seed = 12345;
function rand(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    x[i] = seed / 2147483648 - 1;
  }
  return x;
}

const ref = new ReferenceBackend('f32');

/** Σp |A·B| terms for every C element: the reference product of |A| and |B|, in f64. */
function magnitudes(p: Product, a: Arr, b: Arr, m: number, n: number, k: number): Float64Array {
  const mag = new Float64Array(m * n);
  ref[p](Float64Array.from(a, Math.abs), Float64Array.from(b, Math.abs), mag, m, n, k, false);
  return mag;
}

/**
 * Tolerance per C element: 1e-4 · (Σp |A[i,p]||B[p,j]| + |C0[i,j]|).
 * The scale is the sum of the magnitudes of the terms, not |C|: float32
 * summation error is bounded by about K·2⁻²⁴·Σ|terms| whatever the order of
 * summation, and does not shrink when the terms cancel. A C element near zero
 * can therefore differ between two correct backends (GPU shader vs JS loop,
 * different summation order and FMA use) by far more than 1e-4·|C|; relative
 * to Σ|a||b| the difference stays ~K·6e-8 ≤ 1e-4 for every K here. The C0
 * term covers accumulate (C += A·B adds one more rounding of C0's size).
 */
function compare(got: Arr, want: Arr, mag: Float64Array, c0: Arr | null, what: string): { worst: number; fail: string | null } {
  let worst = 0;
  let fail: string | null = null;
  for (let i = 0; i < want.length; i++) {
    const tol = 1e-4 * (mag[i] + (c0 ? Math.abs(c0[i]) : 0)) + 1e-30;
    const err = Math.abs(got[i] - want[i]);
    const r = err / tol;
    if (!(r <= 1)) {
      if (!fail) fail = `${what}: C[${i}] = ${got[i]}, want ${want[i]} (|err| ${err.toExponential(2)} > tol ${tol.toExponential(2)})`;
      worst = Number.isFinite(r) ? Math.max(worst, r) : Infinity;
    } else worst = Math.max(worst, r);
  }
  return { worst, fail };
}

/** Overwrite (C starts as garbage), accumulate, and subarray views at odd offsets with slack around C's window. */
async function parityCase(be: Products, p: Product, m: number, n: number, k: number): Promise<{ worst: number; fail: string | null }> {
  const a = rand(m * k);
  const b = rand(k * n);
  const mag = magnitudes(p, a, b, m, n, k);
  let worst = 0;
  const fails: string[] = [];
  const note = (r: { worst: number; fail: string | null }) => {
    worst = Math.max(worst, r.worst);
    if (r.fail) fails.push(r.fail);
  };

  // 1. overwrite
  const want = new Float32Array(m * n);
  ref[p](a, b, want, m, n, k, false);
  const got = rand(m * n);
  await be[p](a, b, got, m, n, k, false);
  note(compare(got, want, mag, null, 'overwrite'));

  // 2. accumulate: C0 + A·B
  const c0 = rand(m * n);
  const wantAcc = Float32Array.from(c0);
  ref[p](a, b, wantAcc, m, n, k, true);
  const gotAcc = Float32Array.from(c0);
  await be[p](a, b, gotAcc, m, n, k, true);
  note(compare(gotAcc, wantAcc, mag, c0, 'accumulate'));

  // 3. views: A and B live at offsets inside longer arrays (A's view runs past its m·k
  //    elements), C is a window of a larger array; nothing outside the window may change
  for (const acc of [false, true]) {
    const A = rand(m * k + 10);
    A.set(a, 3);
    const B = rand(k * n + 10);
    B.set(b, 5);
    const C = rand(m * n + 20);
    const before = Float32Array.from(C);
    const base = before.subarray(7, 7 + m * n);
    const w = Float32Array.from(base);
    ref[p](a, b, w, m, n, k, acc);
    await be[p](A.subarray(3), B.subarray(5, 5 + k * n), C.subarray(7, 7 + m * n), m, n, k, acc);
    note(compare(C.subarray(7, 7 + m * n), w, mag, acc ? base : null, `views (accumulate ${acc})`));
    for (let i = 0; i < C.length; i++) {
      if ((i < 7 || i >= 7 + m * n) && C[i] !== before[i]) {
        fails.push(`views (accumulate ${acc}): C[${i}] outside the window changed`);
        break;
      }
    }
  }
  return { worst, fail: fails.length ? fails.join('; ') : null };
}

function now(): number {
  return performance.now();
}

/** 64×1024×256 NT (the selection probe's shape): one warm-up that builds the kernel, then the best of up to 8 runs in 1.5 s. */
async function bench(be: Products): Promise<SuiteResult['bench']> {
  const m = 64, n = 1024, k = 256;
  const a = rand(m * k), b = rand(n * k), c = new Float32Array(m * n);
  await be.matmulNT(a, b, c, m, n, k, false);
  let best = Infinity;
  let runs = 0;
  const start = now();
  while (runs < 8 && (runs < 2 || now() - start < 1500)) {
    const t = now();
    await be.matmulNT(a, b, c, m, n, k, false);
    best = Math.min(best, now() - t);
    runs++;
  }
  return { shape: `NT ${m}x${n}x${k}`, bestMs: best, gflops: (2 * m * n * k) / (best * 1e6), runs };
}

const LSTM: ModelConfig = { cell: 'lstm', layers: 1, hidden: 16, embed: 8, dropout: 0, tokenizer: 'char' };

/**
 * The small LSTM (V=20, E=8, H=16, T=6, B=3) trained 3 SGD steps on webgl2 and
 * on the reference from the same initialisation and data: losses and every
 * gradient must agree.
 *
 * Loss: relative, 1e-4·|loss|. Gradients: per tensor, relative to that
 * tensor's largest reference entry, ‖g − g_ref‖∞ ≤ 1e-4·‖g_ref‖∞ (+1e-7
 * floor). An element-wise rtol would be wrong here: a gradient entry is a sum
 * over T·B positions and gate paths that often nearly cancels, so a tiny
 * entry carries float32 noise the size of its summands, not of itself; the
 * tensor's own scale bounds those summands. SGD (not Adam) keeps the
 * comparison honest over 3 steps: its update is linear in the gradient, while
 * Adam's first step is ≈ lr·sign(g) and would turn sign noise in near-zero
 * gradients into lr-sized parameter differences.
 */
function modelCheck(gpu: Backend): ModelResult {
  const V = 20, T = 6, B = 3, steps = 3;
  const make = (be: Backend) => {
    const lm = new RecurrentLM(be, LSTM, V);
    lm.init(7);
    return { lm, state: lm.newState(B), opt: new Sgd(lm.params, 0.9) };
  };
  const r = make(new ReferenceBackend('f32'));
  const g = make(gpu);
  const data = new Rng(99);
  const losses = { ref: [] as number[], gpu: [] as number[] };
  let worst = 0;
  const fails: string[] = [];
  for (let s = 0; s < steps; s++) {
    const inputs = new Int32Array(B * T);
    const targets = new Int32Array(B * T);
    for (let i = 0; i < B * T; i++) {
      inputs[i] = data.int(V);
      targets[i] = data.int(V);
    }
    r.lm.zeroGrad();
    g.lm.zeroGrad();
    const lr = r.lm.trainStep(inputs, targets, T, B, r.state, new Rng(s));
    const lg = g.lm.trainStep(inputs, targets, T, B, g.state, new Rng(s));
    losses.ref.push(lr);
    losses.gpu.push(lg);
    const lossRatio = Math.abs(lg - lr) / (1e-4 * Math.abs(lr));
    worst = Math.max(worst, lossRatio);
    if (!(lossRatio <= 1)) fails.push(`step ${s + 1}: loss ${lg} vs ${lr}`);
    for (let q = 0; q < r.lm.params.length; q++) {
      const pr = r.lm.params[q];
      const pg = g.lm.params[q];
      let scale = 0;
      let diff = 0;
      for (let i = 0; i < pr.grad.length; i++) {
        scale = Math.max(scale, Math.abs(pr.grad[i]));
        diff = Math.max(diff, Math.abs(pg.grad[i] - pr.grad[i]));
      }
      const ratio = diff / (1e-4 * scale + 1e-7);
      worst = Math.max(worst, ratio);
      if (!(ratio <= 1)) fails.push(`step ${s + 1}: ${pr.name}.grad differs by ${diff.toExponential(2)} (scale ${scale.toExponential(2)})`);
    }
    r.opt.step(0.1);
    g.opt.step(0.1);
  }
  return { ok: fails.length === 0, detail: fails.slice(0, 5).join('; ') || 'ok', losses, worst };
}

/** gpu.js WebGPU info string: the adapter, as far as the browser says. */
async function adapterInfo(): Promise<string> {
  const nav = (globalThis as unknown as { navigator?: { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string>; isFallbackAdapter?: boolean } | null> } } }).navigator;
  const adapter = await nav?.gpu?.requestAdapter();
  if (!adapter) return 'no adapter';
  const info = adapter.info ?? {};
  return [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ') || 'adapter (no info)';
}

export async function runSuite(where: 'page' | 'worker', opts: SuiteOptions): Promise<SuiteResult> {
  const errors: string[] = [];
  const origError = console.error;
  console.error = (...args: unknown[]) => {
    errors.push(args.map((x) => (x instanceof Error ? x.message : String(x))).join(' '));
    origError.apply(console, args);
  };
  const scope = globalThis as unknown as { addEventListener(t: string, f: (e: { message?: string; reason?: unknown }) => void): void; removeEventListener(t: string, f: unknown): void };
  const onError = (e: { message?: string }) => errors.push(`uncaught: ${e.message}`);
  const onRejection = (e: { reason?: unknown }) => errors.push(`unhandled rejection: ${e.reason instanceof Error ? e.reason.message : String(e.reason)}`);
  scope.addEventListener('error', onError);
  scope.addEventListener('unhandledrejection', onRejection);

  const result: SuiteResult = { where, engine: opts.engine, unavailable: null, info: '', cases: [], errors };
  let dispose = () => {};
  try {
    let products: Products;
    let backend: Backend | null = null;
    try {
      if (opts.engine === 'reference') {
        products = ref;
        result.info = 'ReferenceBackend (JS loops, f32)';
      } else if (opts.engine === 'webgl2') {
        backend = await createGpujsBackend('webgl2', { log: (l) => errors.push(`backend log: ${l}`) });
        products = backend;
        dispose = () => backend!.dispose();
        result.info = 'gpu.js WebGL2Kernel';
      } else {
        const ap: AsyncProducts = await createGpujsAsyncProducts('webgpu');
        products = ap;
        dispose = () => ap.dispose();
        result.info = `gpu.js WebGPUKernel on ${await adapterInfo()}`;
      }
    } catch (e) {
      result.unavailable = e instanceof Error ? e.message : String(e);
      return result;
    }
    for (const p of opts.parity === false ? [] : PRODUCTS) {
      for (const s of SHAPES) {
        const name = `${p} ${s.label}`;
        try {
          const r = await parityCase(products, p, s.m, s.n, s.k);
          result.cases.push({ name, ok: !r.fail, worst: r.worst, detail: r.fail ?? 'ok' });
        } catch (e) {
          result.cases.push({ name, ok: false, worst: Infinity, detail: `threw: ${e instanceof Error ? e.message : String(e)}` });
        }
      }
    }
    if (opts.model && backend) {
      try {
        result.model = modelCheck(backend);
      } catch (e) {
        result.model = { ok: false, detail: `threw: ${e instanceof Error ? e.stack ?? e.message : String(e)}`, losses: { ref: [], gpu: [] }, worst: Infinity };
      }
    }
    if (opts.bench) result.bench = await bench(products);
    return result;
  } finally {
    dispose();
    console.error = origError;
    scope.removeEventListener('error', onError);
    scope.removeEventListener('unhandledrejection', onRejection);
  }
}
