import * as gpujs from 'gpu.js';
import type { Arr } from './backend';
import { SOURCES, type Product } from './gpujs';
import { checkSmoke, copyRows, exact, KernelCache, oneLine, smokeProduct } from './gpujsKernels';

/**
 * The three products on gpu.js's WebGPU mode, as Promises.
 *
 * gpu.js's WebGPUKernel reads results back with mapAsync, so every kernel call
 * returns a Promise and cannot serve the synchronous Backend interface. This
 * is the async face of the same kernels (the very sources gpujs.ts compiles
 * for WebGL2/webasm; K in `constants`, since gpu.js caps argument-bound loops
 * at 1000): each product resolves once C holds the result. The arguments are
 * snapshotted synchronously when the call is made, so A and B may be reused
 * as soon as the call returns; C must not be touched until it resolves.
 */

export interface AsyncProducts {
  readonly name: 'webgpu';
  /** C[M,N] = A[M,K] · B[N,K]ᵀ, or C += … when accumulate. */
  matmulNT(a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): Promise<void>;
  /** C[M,N] = A[M,K] · B[K,N], or C += … when accumulate. */
  matmulNN(a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): Promise<void>;
  /** C[M,N] = A[K,M]ᵀ · B[K,N], or C += … when accumulate. */
  matmulTN(a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): Promise<void>;
  dispose(): void;
}

interface AsyncKernelRun {
  (a: Float32Array, b: Float32Array): Promise<unknown>;
  kernel: { constructor: unknown; destroy(removeCanvasReferences?: boolean): void };
}

const kernelClasses = gpujs as unknown as Record<string, unknown>;

class GpujsAsyncProducts implements AsyncProducts {
  readonly name = 'webgpu' as const;
  private readonly cache: KernelCache<AsyncKernelRun>;
  private disposed = false;

  constructor(private readonly gpu: gpujs.GPU) {
    this.cache = new KernelCache<AsyncKernelRun>(gpu, SOURCES);
  }

  matmulNT(a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): Promise<void> {
    return this.product('NT', a, b, c, m, n, k, accumulate);
  }
  matmulNN(a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): Promise<void> {
    return this.product('NN', a, b, c, m, n, k, accumulate);
  }
  matmulTN(a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): Promise<void> {
    return this.product('TN', a, b, c, m, n, k, accumulate);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cache.clear();
    // the shared GPUDevice outlives this instance (gpu.js keeps one per page)
    void this.gpu.destroy().catch(() => undefined);
  }

  kernelFor(p: Product, m: number, n: number, k: number): AsyncKernelRun {
    return this.cache.get(p, m, n, k);
  }

  private async product(p: Product, a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): Promise<void> {
    if (this.disposed) throw new Error('webgpu: products used after dispose()');
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!accumulate) c.fill(0, 0, m * n);
      return;
    }
    const run = this.kernelFor(p, m, n, k);
    const rows = (await run(exact(a, m * k), exact(b, k * n))) as ArrayLike<ArrayLike<number>>;
    copyRows(rows, c, m, n, accumulate);
  }
}

/**
 * gpu.js in WebGPU mode with the three products as Promises, or an Error whose
 * message is a one-line reason ("webgpu: …"). A 2×2×3 product is run and
 * checked before returning, and the kernel class is verified (gpu.js must not
 * silently fall back to another mode).
 */
export async function createGpujsAsyncProducts(name: 'webgpu' = 'webgpu'): Promise<AsyncProducts> {
  if (name !== 'webgpu') throw new Error(`${String(name)}: only webgpu has async products`);
  const G = gpujs.GPU as unknown as { isWebGPUSupported: boolean; isWebGPUAvailable(): Promise<boolean> };
  if (!G.isWebGPUSupported) throw new Error('webgpu: no adapter (GPU.isWebGPUSupported is false: navigator.gpu is missing)');
  if (!(await G.isWebGPUAvailable())) throw new Error('webgpu: no adapter (navigator.gpu.requestAdapter() returned null)');
  let gpu: gpujs.GPU;
  try {
    gpu = new gpujs.GPU({ mode: 'webgpu' } as unknown as ConstructorParameters<typeof gpujs.GPU>[0]);
  } catch (e) {
    throw new Error(`webgpu: gpu.js refused the mode (${oneLine(e)})`);
  }
  const WebGPUKernel = kernelClasses.WebGPUKernel;
  if (!WebGPUKernel || (gpu.Kernel as unknown) !== WebGPUKernel) {
    void gpu.destroy().catch(() => undefined);
    throw new Error(`webgpu: gpu.js picked ${(gpu.Kernel as { name?: string } | null)?.name ?? 'no kernel class'} instead of WebGPUKernel`);
  }
  const products = new GpujsAsyncProducts(gpu);
  try {
    const { a, b, c } = smokeProduct();
    await products.matmulNT(a, b, c, 2, 2, 3, false);
    if (products.kernelFor('NT', 2, 2, 3).kernel.constructor !== WebGPUKernel) {
      throw new Error('webgpu: gpu.js ran the test kernel on another kernel class than WebGPUKernel');
    }
    checkSmoke('webgpu', c);
  } catch (e) {
    products.dispose();
    const msg = oneLine(e);
    throw new Error(msg.startsWith('webgpu:') ? msg : `webgpu: test kernel failed (${msg})`);
  }
  return products;
}
