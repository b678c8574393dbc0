import type * as gpujs from 'gpu.js';
import type { Arr } from './backend';

type Product = 'NT' | 'NN' | 'TN';

/**
 * One gpu.js kernel per product shape, least recently used first out: the
 * loop bound K lives in `constants` (gpu.js caps argument-bound loops at
 * 1000 iterations), and kernels of evicted shapes are destroyed.
 */
export class KernelCache<K extends { kernel: { destroy(removeCanvasReferences?: boolean): void } }> {
  private readonly map = new Map<string, K>();

  constructor(
    private readonly gpu: gpujs.GPU,
    private readonly sources: Record<Product, string>,
    private readonly extra: Record<string, unknown> = {},
    private readonly limit = 64,
  ) {}

  get(p: Product, m: number, n: number, k: number): K {
    const key = `${p}:${m}:${n}:${k}`;
    const hit = this.map.get(key);
    if (hit) {
      // refresh the LRU position (a Map iterates in insertion order)
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    if (this.map.size >= this.limit) {
      const [oldKey, old] = this.map.entries().next().value as [string, K];
      this.map.delete(oldKey);
      try {
        old.kernel.destroy(false);
      } catch {
        // a kernel that fails to release is garbage anyway
      }
    }
    const run = this.gpu.createKernel(this.sources[p], {
      output: [n, m],
      constants: { M: m, N: n, K: k },
      argumentTypes: { a: 'Array', b: 'Array' },
      dynamicOutput: false,
      dynamicArguments: false,
      precision: 'single',
      pipeline: false,
      immutable: false,
      ...this.extra,
    }) as unknown as K;
    this.map.set(key, run);
    return run;
  }

  clear(): void {
    this.map.clear();
  }
}

/** The first line of an error's message: reasons are reported on one line. */
export function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** The first `len` elements as a Float32Array of exactly that length (webasm bakes argument sizes into its module, so a longer view would rebuild it per call). */
export function exact(x: Arr, len: number): Float32Array {
  if (!(x instanceof Float32Array)) return Float32Array.from(x.subarray(0, len));
  return x.length === len ? x : x.subarray(0, len);
}

/** Writes (or adds, when accumulate) a kernel's m result rows into C[m, n]. */
export function copyRows(rows: ArrayLike<ArrayLike<number>>, c: Arr, m: number, n: number, accumulate: boolean): void {
  for (let i = 0; i < m; i++) {
    const row = rows[i];
    const ci = i * n;
    if (accumulate) {
      for (let j = 0; j < n; j++) c[ci + j] += row[j];
    } else if (row instanceof Float32Array && c instanceof Float32Array) {
      c.set(row.length === n ? row : row.subarray(0, n), ci);
    } else {
      for (let j = 0; j < n; j++) c[ci + j] = row[j];
    }
  }
}

/** The tiny product every gpu.js backend runs before it is used: A[2,3]·B[2,3]ᵀ into a fresh C[2,2]. */
export function smokeProduct(): { a: Float32Array; b: Float32Array; c: Float32Array } {
  return { a: new Float32Array([1, 2, 3, 4, 5, 6]), b: new Float32Array([1, 0, -1, 2, 1, 0]), c: new Float32Array(4) };
}

/** Throws "<name>: the test kernel gave wrong results (…)" unless C holds the smoke product. */
export function checkSmoke(name: string, c: Float32Array): void {
  const want = [-2, 4, -2, 13];
  for (let i = 0; i < 4; i++) {
    if (Math.abs(c[i] - want[i]) > 1e-4) throw new Error(`${name}: the test kernel gave wrong results (${Array.from(c).join(', ')})`);
  }
}
