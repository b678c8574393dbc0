import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GPU } from 'gpu.js';
import type { Arr, Backend } from '../../src/core/backend/backend';
import { createGpujsBackend } from '../../src/core/backend/gpujs';
import { ReferenceBackend } from '../../src/core/backend/reference';
import { AUTO_ORDER, createBackend } from '../../src/core/backend/select';

// cpu.ts is written in parallel by another engineer. select.ts imports it
// lazily, so while it is absent 'auto' simply reports cpu as unavailable; no
// stub is needed, and once it exists the same tests cover it.

type Product = 'matmulNT' | 'matmulNN' | 'matmulTN';
const PRODUCTS: Product[] = ['matmulNT', 'matmulNN', 'matmulTN'];

let seed = 12345;
function rand(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    x[i] = seed / 2147483648 - 1;
  }
  return x;
}

/** Σp |A[i,p]·B[p,j]| for each C element, in the layout of the given product. */
function magnitudes(p: Product, a: Arr, b: Arr, m: number, n: number, k: number): Float64Array {
  const mag = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) {
        const av = p === 'matmulTN' ? a[q * m + i] : a[i * k + q];
        const bv = p === 'matmulNT' ? b[j * k + q] : b[q * n + j];
        s += Math.abs(av * bv);
      }
      mag[i * n + j] = s;
    }
  return mag;
}

/**
 * Parity to rtol 1e-4, where the scale is Σ|a·b| rather than |C|: float32
 * summation error is bounded by (roughly) K·eps·Σ|terms| and is independent of
 * how much the terms cancel, so a C element near zero can legitimately differ
 * by far more than 1e-4·|C| between two correct backends that sum in different
 * orders. Also accounts for an accumulate base `c0` (its own magnitude).
 */
function expectClose(got: Arr, want: Arr, mag: Float64Array, c0?: Arr): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const tol = 1e-4 * (mag[i] + (c0 ? Math.abs(c0[i]) : 0)) + 1e-6;
    if (!(Math.abs(got[i] - want[i]) <= tol)) {
      throw new Error(`element ${i}: got ${got[i]}, want ${want[i]} (tol ${tol})`);
    }
  }
}

/** Run one product on backend and reference, with and without accumulate, on views inside larger arrays. */
function checkParity(be: Backend, p: Product, m: number, n: number, k: number): void {
  const ref = new ReferenceBackend('f32');
  const aLen = m * k;
  const bLen = k * n;
  const a = rand(aLen);
  const b = rand(bLen);
  const mag = magnitudes(p, a, b, m, n, k);

  // overwrite: C starts as garbage, must end as A·B
  const want = new Float32Array(m * n);
  ref[p](a, b, want, m, n, k, false);
  const got = rand(m * n);
  be[p](a, b, got, m, n, k, false);
  expectClose(got, want, mag);

  // accumulate: C0 + A·B
  const c0 = rand(m * n);
  const wantAcc = Float32Array.from(c0);
  ref[p](a, b, wantAcc, m, n, k, true);
  const gotAcc = Float32Array.from(c0);
  be[p](a, b, gotAcc, m, n, k, true);
  expectClose(gotAcc, wantAcc, mag, c0);

  // subarray views at odd offsets, with slack after them: only C's m·n window may change
  const A = rand(aLen + 10);
  A.set(a, 3);
  const B = rand(bLen + 10);
  B.set(b, 5);
  const C = rand(m * n + 20);
  const before = Float32Array.from(C);
  const cView = C.subarray(7, 7 + m * n);
  be[p](A.subarray(3), B.subarray(5, 5 + bLen), cView, m, n, k, true);
  expectClose(cView, (() => {
    const w = Float32Array.from(before.subarray(7, 7 + m * n));
    ref[p](a, b, w, m, n, k, true);
    return w;
  })(), mag, before.subarray(7, 7 + m * n));
  for (let i = 0; i < 7; i++) expect(C[i]).toBe(before[i]);
  for (let i = 7 + m * n; i < C.length; i++) expect(C[i]).toBe(before[i]);
}

// small shapes only: webasm compiles one module per (product, shape)
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [7, 13, 29],
  [1, 9, 4],
  [6, 1, 5],
  [3, 5, 1500], // K > 1000: a loop bound from an argument would be silently capped
  [16, 24, 40],
];

describe('gpu.js webasm backend', () => {
  let be: Backend;
  beforeAll(async () => {
    be = await createGpujsBackend('webasm');
  });
  afterAll(() => be?.dispose());

  it('is f32 and allocates plain zeroed Float32Arrays', () => {
    expect(be.name).toBe('webasm');
    expect(be.dtype).toBe('f32');
    const x = be.alloc(5);
    expect(x).toBeInstanceOf(Float32Array);
    expect(Array.from(x)).toEqual([0, 0, 0, 0, 0]);
  });

  for (const p of PRODUCTS)
    for (const [m, n, k] of SHAPES)
      it(`${p} ${m}x${n}x${k} matches the reference (overwrite, accumulate, views)`, () => {
        checkParity(be, p, m, n, k);
      });

  it('K > 1000 is summed in full (not capped at 1000 terms)', () => {
    const k = 1500;
    const a = new Float32Array(k).fill(1);
    const b = new Float32Array(k).fill(1);
    const c = new Float32Array(1);
    be.matmulNT(a, b, c, 1, 1, k, false);
    expect(c[0]).toBe(1500);
  });

  it('reuses kernels across calls and survives many shapes (bounded cache)', () => {
    // more distinct shapes than the cache holds: evicted kernels must be rebuilt transparently
    for (let r = 0; r < 2; r++)
      for (let n = 1; n <= 70; n++) {
        const a = new Float32Array(2).fill(1);
        const b = new Float32Array(2 * n).fill(2);
        const c = new Float32Array(n);
        be.matmulNT(a, b, c, 1, n, 2, false);
        expect(c[n - 1]).toBe(4);
      }
  }, 20000);
});

describe('gpu.js modes that are unavailable here fail cleanly', () => {
  async function expectCleanOrParity(name: 'webgpu' | 'webgl2' | 'headlessgl', supported: boolean, expected: RegExp) {
    let be: Backend | undefined;
    let err: Error | undefined;
    try {
      be = await createGpujsBackend(name);
    } catch (e) {
      err = e as Error;
    }
    if (err) {
      expect(err).toBeInstanceOf(Error);
      expect(err.message).not.toContain('\n');
      expect(err.message.startsWith(`${name}: `)).toBe(true);
      // where the static check says no, the reason must say so precisely
      if (!supported) expect(err.message).toMatch(expected);
      return;
    }
    // a machine that has this mode: it must then agree with the reference
    try {
      for (const p of PRODUCTS) checkParity(be!, p, 7, 13, 29);
    } finally {
      be!.dispose();
    }
  }

  it('webgpu', async () => {
    await expectCleanOrParity('webgpu', GPU.isWebGPUSupported, /^webgpu: no adapter/);
  });
  it('headlessgl', async () => {
    await expectCleanOrParity('headlessgl', GPU.isHeadlessGLSupported, /^headlessgl: the optional 'gl' module/);
  });
  it('webgl2', async () => {
    await expectCleanOrParity('webgl2', GPU.isWebGL2Supported, /^webgl2: /);
  });
});

describe('createBackend', () => {
  it('explicit reference', async () => {
    const { backend, report } = await createBackend('reference');
    expect(backend).toBeInstanceOf(ReferenceBackend);
    expect(report.chosen).toBe('reference');
    expect(report.reason.length).toBeGreaterThan(0);
    backend.dispose();
  });

  it('explicit webasm, probed', async () => {
    const { backend, report } = await createBackend('webasm', { probe: true });
    expect(backend.name).toBe('webasm');
    expect(report.candidates[0]).toMatchObject({ name: 'webasm', status: 'chosen' });
    expect(report.candidates[0].gflops).toBeGreaterThan(0);
    console.log(`webasm on the probe (64x256·1024x256 NT): ${report.candidates[0].gflops!.toFixed(2)} GFLOP/s`);
    backend.dispose();
  });

  it('explicit unknown name throws', async () => {
    await expect(createBackend('nope' as never)).rejects.toThrow(/unknown backend "nope"/);
  });

  it('explicit unavailable mode throws its reason', async () => {
    if (GPU.isHeadlessGLSupported) return;
    await expect(createBackend('headlessgl')).rejects.toThrow(/^headlessgl: /);
  });

  it('f64: only reference serves', async () => {
    const { backend, report } = await createBackend('auto', { dtype: 'f64' });
    expect(backend.name).toBe('reference');
    expect(backend.dtype).toBe('f64');
    expect(backend.alloc(2)).toBeInstanceOf(Float64Array);
    expect(report.chosen).toBe('reference');
    expect(report.reason).toMatch(/f64/);
    await expect(createBackend('webasm', { dtype: 'f64' })).rejects.toThrow(/f64/);
  });

  it('auto: probes, picks one, reports every candidate', async () => {
    const lines: string[] = [];
    const { backend, report } = await createBackend('auto', { log: (l) => lines.push(l) });
    try {
      expect(report.choice).toBe('auto');
      expect(report.candidates.map((c) => c.name)).toEqual([...AUTO_ORDER]);
      for (const c of report.candidates) {
        expect(['chosen', 'slower', 'unavailable', 'not-tried']).toContain(c.status);
        expect(c.detail.length).toBeGreaterThan(0);
      }
      const chosen = report.candidates.filter((c) => c.status === 'chosen');
      expect(chosen).toHaveLength(1);
      expect(chosen[0].name).toBe(report.chosen);
      expect(backend.name).toBe(report.chosen);
      expect(report.reason.startsWith(`${report.chosen}: `)).toBe(true);
      // the winner is the fastest of those measured
      const rates = report.candidates.filter((c) => c.gflops !== undefined).map((c) => c.gflops!);
      expect(chosen[0].gflops).toBe(Math.max(...rates));
      if (!GPU.isWebGPUSupported) {
        expect(report.candidates[0]).toMatchObject({ name: 'webgpu', status: 'unavailable' });
        expect(report.reason).toMatch(/webgpu unavailable: no adapter/);
      }
      expect(lines.length).toBeGreaterThan(0);
      console.log(`auto: ${report.reason}`);
      // and the chosen backend works
      checkParity(backend, 'matmulNT', 7, 13, 29);
    } finally {
      backend.dispose();
    }
  }, 15000);
});
