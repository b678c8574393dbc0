import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { createCpuBackend, type CpuBackend } from '../../src/core/backend/cpu';
import { ReferenceBackend } from '../../src/core/backend/reference';
import { sleb, uleb } from '../../src/core/backend/wasm/emit';
import { registerThreadSpawner, type ThreadSpawner } from '../../src/core/backend/threads';
import { nodeThreadSpawner } from '../../src/node/threads';

type Op = 'NT' | 'NN' | 'TN';
type Kind = 'heap' | 'plain' | 'view';

// Deterministic PRNG so failures reproduce.
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Places `len` values in an array of the given kind: a backend heap view, a plain array, or a subarray at an odd offset. */
function make(be: CpuBackend, kind: Kind, len: number, rnd: () => number, offset: number): Float32Array {
  let x: Float32Array;
  if (kind === 'heap') x = be.alloc(len);
  else if (kind === 'plain') x = new Float32Array(len);
  else {
    // Heap-backed or plain parent alternately; offsets give 4-byte-only alignment.
    const parent = offset % 2 ? be.alloc(len + offset + 3) : new Float32Array(len + offset + 3);
    parent.fill(Number.NaN); // anything read outside the view would poison the result
    x = parent.subarray(offset, offset + len);
  }
  for (let i = 0; i < len; i++) x[i] = rnd() * 2 - 1;
  return x;
}

/**
 * Compares C against the f64-free reference. Different summation order (SIMD
 * lanes, k-blocking, fused madd) changes the rounding, and the rounding error of
 * a length-K dot product is bounded by ~K·eps·Σ|a_p·b_p|, not by |C| (which can
 * cancel to near zero). So we allow |x−y| ≤ 1e-4·(|y| + S) where S is the
 * per-entry Σ|a||b| (plus |C_old| when accumulating): rtol 1e-4 relative to the
 * magnitude the float accumulation actually works at.
 */
function check(op: Op, a: Float32Array, b: Float32Array, got: Float32Array, want: Float32Array, cOld: Float32Array | null, m: number, n: number, k: number): void {
  const absA = Float32Array.from(a.subarray(0, m * k), Math.abs);
  const absB = Float32Array.from(b.subarray(0, k * n), Math.abs);
  const scale = new Float32Array(m * n);
  const ref = new ReferenceBackend('f32');
  if (op === 'NT') ref.matmulNT(absA, absB, scale, m, n, k, false);
  else if (op === 'NN') ref.matmulNN(absA, absB, scale, m, n, k, false);
  else ref.matmulTN(absA, absB, scale, m, n, k, false);
  let bad = 0;
  let first = '';
  for (let i = 0; i < m * n; i++) {
    const s = scale[i] + (cOld ? Math.abs(cOld[i]) : 0);
    const tol = 1e-4 * (Math.abs(want[i]) + s) + 1e-30;
    if (!(Math.abs(got[i] - want[i]) <= tol)) {
      if (!bad) first = `at ${i} (row ${Math.floor(i / n)}, col ${i % n}): got ${got[i]}, want ${want[i]}, tol ${tol}`;
      bad++;
    }
  }
  expect(bad, `${op} ${m}×${n}×${k}: ${bad} mismatches, first ${first}`).toBe(0);
}

async function parity(be: CpuBackend, op: Op, m: number, n: number, k: number, accumulate: boolean, kinds: [Kind, Kind, Kind], seed: number): Promise<void> {
  const rnd = mulberry32(seed);
  const a = make(be, kinds[0], m * k, rnd, 1 + (seed % 5));
  const b = make(be, kinds[1], k * n, rnd, 3 + (seed % 7));
  const c = make(be, kinds[2], m * n, rnd, 5 + (seed % 3));
  const cOld = Float32Array.from(c);
  const want = Float32Array.from(c);
  const ref = new ReferenceBackend('f32');
  const fa = Float32Array.from(a);
  const fb = Float32Array.from(b);
  if (op === 'NT') {
    ref.matmulNT(fa, fb, want, m, n, k, accumulate);
    be.matmulNT(a, b, c, m, n, k, accumulate);
  } else if (op === 'NN') {
    ref.matmulNN(fa, fb, want, m, n, k, accumulate);
    be.matmulNN(a, b, c, m, n, k, accumulate);
  } else {
    ref.matmulTN(fa, fb, want, m, n, k, accumulate);
    be.matmulTN(a, b, c, m, n, k, accumulate);
  }
  // Inputs must be untouched.
  expect(Array.from(a)).toEqual(Array.from(fa));
  expect(Array.from(b)).toEqual(Array.from(fb));
  check(op, fa, fb, c, want, accumulate ? cOld : null, m, n, k);
}

const OPS: Op[] = ['NT', 'NN', 'TN'];
const KINDS: Kind[] = ['heap', 'plain', 'view'];

// Small and awkward shapes: all remainders of the 4/8-wide tiles and of k mod 4.
const SMALL: [number, number, number][] = [
  [1, 1, 1],
  [7, 13, 29],
  [3, 5, 2],
  [5, 9, 3],
  [4, 8, 4],
  [2, 3, 7],
  [9, 17, 11],
  [13, 7, 1],
  [1, 31, 6],
  [6, 4, 33],
  [17, 12, 300], // k over two gemm k-blocks
  [6, 300, 130], // n over one gemm n-block, with panel leftovers
];

// LSTM LM shapes (B=32, T=64, E=64, V=96; a sample with H=128, one with H=512).
const LSTM: [Op, number, number, number][] = [
  ['NT', 2048, 512, 64],
  ['NT', 32, 512, 128],
  ['NT', 2048, 96, 128],
  ['NT', 1, 2048, 512],
  ['NN', 32, 128, 512],
  ['NN', 2048, 64, 512],
  ['NN', 2048, 128, 96],
  ['TN', 512, 64, 2048],
  ['TN', 512, 128, 2048],
  ['TN', 96, 128, 2048],
  ['NT', 32, 2048, 512],
  ['NN', 1, 512, 2048],
  ['TN', 2048, 512, 64],
];

describe.each([
  ['shared heap', false, false],
  ['non-shared fallback', true, false],
  ['relaxed SIMD where the engine has it', false, true],
])('cpu backend (%s)', (_label, noShared, relaxed) => {
  let bePromise: Promise<CpuBackend> | undefined;
  const get = (): Promise<CpuBackend> => {
    // Node 20 ships relaxed SIMD behind a V8 flag; turn it on so the relaxed_madd kernels get tested too.
    if (relaxed) setFlagsFromString('--experimental-wasm-relaxed-simd');
    return (bePromise ??= createCpuBackend({ initialMB: 1, noShared, relaxed }));
  };

  it('reports name, dtype and heap mode', async () => {
    const be = await get();
    expect(be.name).toBe('cpu');
    expect(be.dtype).toBe('f32');
    if (!noShared && typeof SharedArrayBuffer === 'function') expect(be.sharedHeap).toBe(true);
    if (noShared) expect(be.sharedHeap).toBe(false);
    if (!relaxed) expect(be.relaxedSimd).toBe(false);
  });

  for (const op of OPS) {
    it(`${op}: small and prime shapes, all array kinds, accumulate on/off`, async () => {
      const be = await get();
      let seed = 1;
      for (const [m, n, k] of SMALL) {
        for (const accumulate of [false, true]) {
          for (const kind of KINDS) {
            await parity(be, op, m, n, k, accumulate, [kind, kind, kind], seed++);
          }
          // Mixed kinds in one call.
          await parity(be, op, m, n, k, accumulate, ['view', 'heap', 'plain'], seed++);
        }
      }
    });

    it(`${op}: random shapes`, async () => {
      const be = await get();
      const rnd = mulberry32(op.charCodeAt(0) * 31 + op.charCodeAt(1));
      for (let t = 0; t < 25; t++) {
        const m = 1 + Math.floor(rnd() * 40);
        const n = 1 + Math.floor(rnd() * 40);
        const k = 1 + Math.floor(rnd() * 70);
        const kinds: [Kind, Kind, Kind] = [KINDS[t % 3], KINDS[(t + 1) % 3], KINDS[(t + 2) % 3]];
        await parity(be, op, m, n, k, t % 2 === 1, kinds, 1000 + t);
      }
    });
  }

  it('LSTM language-model shapes', async () => {
    const be = await get();
    let seed = 77;
    // The full list once; a cheaper sample (same code paths) for the other heap/kernel variants.
    const shapes = noShared || relaxed ? LSTM.filter(([, m, n, k]) => m * n * k <= 2 ** 25) : LSTM;
    for (const [op, m, n, k] of shapes) {
      await parity(be, op, m, n, k, seed % 2 === 0, ['heap', seed % 3 === 0 ? 'plain' : 'heap', 'heap'], seed);
      seed++;
    }
  }, 60_000);

  it('k = 0 clears C (or leaves it when accumulating); m = 0 / n = 0 are no-ops', async () => {
    const be = await get();
    for (const op of OPS) {
      const c = be.alloc(6);
      c.fill(3);
      const f = op === 'NT' ? be.matmulNT : op === 'NN' ? be.matmulNN : be.matmulTN;
      f.call(be, be.alloc(0), be.alloc(0), c, 2, 3, 0, true);
      expect(Array.from(c)).toEqual([3, 3, 3, 3, 3, 3]);
      f.call(be, be.alloc(0), be.alloc(0), c, 2, 3, 0, false);
      expect(Array.from(c)).toEqual([0, 0, 0, 0, 0, 0]);
      f.call(be, be.alloc(0), be.alloc(5), new Float32Array(0), 0, 5, 1, false);
    }
  });

  it('rejects Float64Array and too-short arrays with clear errors', async () => {
    const be = await get();
    const a = be.alloc(4);
    const c = be.alloc(4);
    expect(() => be.matmulNN(new Float64Array(4), a, c, 2, 2, 2, false)).toThrow(/f32-only/);
    expect(() => be.matmulNT(a, new Float64Array(4), c, 2, 2, 2, false)).toThrow(/f32-only/);
    expect(() => be.matmulTN(a, a, new Float64Array(4), 2, 2, 2, false)).toThrow(/f32-only/);
    expect(() => be.matmulNN(a, a, c, 3, 2, 2, false)).toThrow(/elements/);
  });

  it('alloc returns zeroed memory, even where scratch was used before', async () => {
    const be = await get();
    // Plain operands go through scratch just above the heap top and dirty it.
    const big = new Float32Array(64 * 64).fill(7);
    const out = new Float32Array(64 * 64);
    be.matmulNN(big, big, out, 64, 64, 64, false);
    const x = be.alloc(3 * 64 * 64);
    expect(x.length).toBe(3 * 64 * 64);
    expect(x.every((v) => v === 0)).toBe(true);
    const z = be.alloc(0);
    expect(z.length).toBe(0);
  });

  it('views stay valid after many allocs force memory growth', async () => {
    const be = await get();
    const first = be.alloc(1000);
    for (let i = 0; i < first.length; i++) first[i] = i;
    const others: Float32Array[] = [];
    for (let i = 0; i < 40; i++) others.push(be.alloc(256 * 1024)); // 40 MiB, well past the 1 MiB initial heap
    for (let i = 0; i < first.length; i++) expect(first[i]).toBe(i);
    others[39][5] = 2;
    expect(others[39][5]).toBe(2);
    // Old (pre-growth) views still work as in-place operands.
    const a = first.subarray(1, 1 + 6 * 5);
    const b = others[0].subarray(3, 3 + 5 * 4);
    b.fill(1);
    const c = first.subarray(500, 500 + 6 * 4);
    const want = new Float32Array(24);
    new ReferenceBackend().matmulNN(Float32Array.from(a), Float32Array.from(b), want, 6, 4, 5, false);
    be.matmulNN(a, b, c, 6, 4, 5, false);
    expect(Array.from(c)).toEqual(Array.from(want));
  });

  it('does not write outside C', async () => {
    const be = await get();
    for (const op of OPS) {
      const m = 5;
      const n = 7;
      const k = 9;
      const rnd = mulberry32(5);
      const a = be.alloc(m * k).map(() => rnd());
      const b = be.alloc(k * n).map(() => rnd());
      const parent = be.alloc(m * n + 20).fill(-5);
      const c = parent.subarray(10, 10 + m * n);
      const f = op === 'NT' ? be.matmulNT : op === 'NN' ? be.matmulNN : be.matmulTN;
      f.call(be, a, b, c, m, n, k, false);
      for (let i = 0; i < 10; i++) expect(parent[i]).toBe(-5);
      for (let i = 10 + m * n; i < parent.length; i++) expect(parent[i]).toBe(-5);
    }
  });
});

describe('wasm emitter', () => {
  it('encodes LEB128', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([127]);
    expect(uleb(128)).toEqual([0x80, 1]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([63]);
    expect(sleb(64)).toEqual([0xc0, 0]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });
});

/** Fills A, B and C with uniform(-1, 1) from `rng`, runs one product on `be` and on the reference; the worst |difference|. */
function worstError(be: CpuBackend, product: 'matmulNT' | 'matmulNN' | 'matmulTN', m: number, n: number, k: number, accumulate: boolean, rng: () => number): number {
  const a = be.alloc(m * k);
  const b = be.alloc(k * n);
  const c = be.alloc(m * n);
  for (const x of [a, b, c]) for (let i = 0; i < x.length; i++) x[i] = rng() * 2 - 1;
  const want = Float32Array.from(c);
  new ReferenceBackend()[product](Float32Array.from(a), Float32Array.from(b), want, m, n, k, accumulate);
  be[product](a, b, c, m, n, k, accumulate);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(c[i] - want[i]));
  return worst;
}

/** A two-thread cpu backend created while `spawner` is the registered one. */
async function withSpawner(spawner: ThreadSpawner): Promise<CpuBackend> {
  registerThreadSpawner(spawner);
  try {
    return await createCpuBackend({ threads: 2 });
  } finally {
    registerThreadSpawner(null);
  }
}

describe('cpu backend on two threads', () => {
  it('splits large products with a helper thread and still matches the reference', async () => {
    const be = await withSpawner(nodeThreadSpawner);
    try {
      expect(be.threads).toBe(2);
      const rng = mulberry32(77);
      // Large enough to be split (≥ 2^19 multiply-adds), with odd column counts.
      for (const [m, n, k] of [
        [32, 2048, 512],
        [2048, 96, 128],
        [64, 1031, 256],
        [512, 200, 2048],
      ] as const) {
        for (const product of ['matmulNT', 'matmulNN', 'matmulTN'] as const) {
          for (const accumulate of [false, true]) {
            // Entries are sums of k products of values in [-1, 1]: compare at that scale.
            expect(worstError(be, product, m, n, k, accumulate, rng), `${product} ${m}x${n}x${k} acc=${accumulate}`).toBeLessThan(1e-4 * k);
          }
        }
      }
    } finally {
      be.dispose();
    }
  });
});

describe('cpu backend helper start-up', () => {
  // large enough to be split
  const product = (be: CpuBackend) => worstError(be, 'matmulNT', 64, 1031, 256, false, mulberry32(5));

  it('waits, yielding, for a helper that starts only when the event loop turns (a browser nested worker)', async () => {
    const be = await withSpawner({
      cores: 2,
      spawn(body) {
        let real: ReturnType<typeof nodeThreadSpawner.spawn> | null = null;
        const pending: unknown[] = [];
        setTimeout(() => {
          real = nodeThreadSpawner.spawn(body);
          for (const m of pending) real.postMessage(m);
        }, 50);
        return { postMessage: (m) => (real ? real.postMessage(m) : pending.push(m)), terminate: () => real?.terminate() };
      },
    });
    try {
      expect(be.threads).toBe(2);
      expect(product(be)).toBeLessThan(1e-4 * 256); // at once: no wait on a thread that is not there
    } finally {
      be.dispose();
    }
  });

  it('goes on with one thread when the helper never starts', async () => {
    let terminated = false;
    const be = await withSpawner({ cores: 2, spawn: () => ({ postMessage: () => {}, terminate: () => void (terminated = true) }) });
    try {
      expect(be.threads).toBe(1);
      expect(terminated).toBe(true);
      expect(product(be)).toBeLessThan(1e-4 * 256);
    } finally {
      be.dispose();
    }
  });
});
