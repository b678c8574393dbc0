import type * as gpujs from 'gpu.js';

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
