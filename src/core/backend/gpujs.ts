import * as gpujs from 'gpu.js';
import type { Arr, Backend } from './backend';
import { checkSmoke, copyRows, exact, KernelCache, oneLine, smokeProduct } from './gpujsKernels';
import { hostNote } from './hostNotes';

/**
 * Backends on gpu.js: WebGL2 (browser / web worker with OffscreenCanvas),
 * headless-gl (only when the optional native `gl` module loads) and gpu.js's
 * own WebAssembly kernels. WebGPU is probed and reported but cannot serve the
 * synchronous Backend interface by itself: select.ts runs it on a GPU thread
 * through gpuBridge.ts where the host can start one.
 *
 * Each product is one kernel per (product, m, n, k): gpu.js caps loop bounds
 * that come from arguments at 1000 iterations, so K lives in `constants`, and
 * webasm bakes argument sizes into its module anyway. Results come back as
 * rows of Float32Array and are copied (or added) into C on the JS side.
 */

export type GpujsBackendName = 'webgpu' | 'webgl2' | 'headlessgl' | 'webasm';

/** The kernel shortcut as we use it: callable, with the live kernel behind it. */
interface KernelRun {
  (a: Float32Array, b: Float32Array): unknown;
  kernel: { constructor: unknown; destroy(removeCanvasReferences?: boolean): void; fallbackReason?: string | null };
}

// WebGPUKernel is exported by gpu.js at runtime but missing from its index.d.ts.
type KernelClass = abstract new (...args: never[]) => unknown;
const kernelClasses = gpujs as unknown as Record<string, KernelClass | undefined>;

const expectedClass: Record<GpujsBackendName, string> = {
  webgpu: 'WebGPUKernel',
  webgl2: 'WebGL2Kernel',
  headlessgl: 'HeadlessGLKernel',
  webasm: 'WebAssemblyKernel',
};

export type Product = 'NT' | 'NN' | 'TN';

// Kernel sources as strings: gpu.js parses kernel source text, and a string
// survives bundling/minification unchanged. Output is [n, m], so thread.x is
// the column j and thread.y the row i.
export const SOURCES: Record<Product, string> = {
  // C[i,j] = Σp A[i,p]·B[j,p]
  NT: `function (a, b) {
    let s = 0;
    const ia = this.thread.y * this.constants.K;
    const jb = this.thread.x * this.constants.K;
    for (let p = 0; p < this.constants.K; p++) {
      s += a[ia + p] * b[jb + p];
    }
    return s;
  }`,
  // C[i,j] = Σp A[i,p]·B[p,j]
  NN: `function (a, b) {
    let s = 0;
    const ia = this.thread.y * this.constants.K;
    for (let p = 0; p < this.constants.K; p++) {
      s += a[ia + p] * b[p * this.constants.N + this.thread.x];
    }
    return s;
  }`,
  // C[i,j] = Σp A[p,i]·B[p,j]
  TN: `function (a, b) {
    let s = 0;
    for (let p = 0; p < this.constants.K; p++) {
      s += a[p * this.constants.M + this.thread.y] * b[p * this.constants.N + this.thread.x];
    }
    return s;
  }`,
};


function hasGlobal(name: string): boolean {
  return typeof (globalThis as Record<string, unknown>)[name] !== 'undefined';
}

/** Why `name` cannot run here, or null if the static checks pass (webgpu still needs an adapter). */
function staticUnavailable(name: GpujsBackendName): string | null {
  const G = gpujs.GPU;
  switch (name) {
    case 'webgpu':
      if (G.isWebGPUSupported) return null;
      return `webgpu: no adapter (GPU.isWebGPUSupported is false: navigator.gpu is missing${hostNote('webgpu') ? `; ${hostNote('webgpu')}` : ''})`;
    case 'webgl2':
      if (G.isWebGL2Supported) return null;
      return hasGlobal('OffscreenCanvas') || hasGlobal('document')
        ? 'webgl2: no WebGL2 context (GPU.isWebGL2Supported is false)'
        : 'webgl2: no canvas here (neither document nor OffscreenCanvas exists; GPU.isWebGL2Supported is false)';
    case 'headlessgl':
      return G.isHeadlessGLSupported ? null : "headlessgl: the optional 'gl' module is not installed or cannot create a context (GPU.isHeadlessGLSupported is false)";
    case 'webasm':
      return G.isWebAssemblySupported ? null : 'webasm: WebAssembly is not available (GPU.isWebAssemblySupported is false)';
  }
}

function kernelClassName(run: KernelRun): string {
  const ctor = run.kernel.constructor;
  // compare against gpu.js's exported classes, not constructor.name, which a minifier may rename
  for (const cls of Object.values(expectedClass)) {
    const C = kernelClasses[cls];
    if (C && ctor === C) return cls;
  }
  if (ctor === kernelClasses.CPUKernel) return 'CPUKernel';
  if (ctor === kernelClasses.WebGLKernel) return 'WebGLKernel';
  return (ctor as { name?: string }).name || 'unknown kernel';
}

class GpujsBackend implements Backend {
  readonly dtype = 'f32' as const;
  private readonly cache: KernelCache<KernelRun>;
  private readonly checked = new WeakSet<KernelRun>();
  private disposed = false;

  constructor(
    readonly name: GpujsBackendName,
    private readonly gpu: gpujs.GPU,
    private readonly log?: (line: string) => void,
  ) {
    this.cache = new KernelCache<KernelRun>(gpu, SOURCES, { tactic: 'precision' });
  }

  alloc(n: number): Float32Array {
    return new Float32Array(n);
  }

  matmulNT(a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): void {
    this.product('NT', a, b, c, m, n, k, accumulate);
  }

  matmulNN(a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): void {
    this.product('NN', a, b, c, m, n, k, accumulate);
  }

  matmulTN(a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): void {
    this.product('TN', a, b, c, m, n, k, accumulate);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cache.clear();
    // gpu.destroy() defers its work a tick and returns a Promise; nobody waits on teardown
    void this.gpu.destroy().catch(() => undefined);
  }

  /** Build (or fetch) the kernel for one product shape; exposed so creation can verify the kernel class. */
  kernelFor(p: Product, m: number, n: number, k: number): KernelRun {
    return this.cache.get(p, m, n, k);
  }

  private product(p: Product, a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): void {
    if (this.disposed) throw new Error(`${this.name}: backend used after dispose()`);
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!accumulate) c.fill(0, 0, m * n);
      return;
    }
    const run = this.kernelFor(p, m, n, k);
    // exact-length f32 arguments: webasm bakes argument sizes into its module,
    // so a longer view would trigger a rebuild per call
    const rows = run(exact(a, m * k), exact(b, k * n)) as ArrayLike<ArrayLike<number>>;
    if (!this.checked.has(run)) {
      this.checked.add(run);
      const cls = kernelClassName(run);
      // a silent CPU fallback would still be correct, just far slower; say so once per kernel
      if (cls !== expectedClass[this.name]) this.log?.(`${this.name}: ${p} ${m}x${n}x${k} ran on ${cls}${run.kernel.fallbackReason ? ` (${run.kernel.fallbackReason})` : ''}`);
    }
    copyRows(rows, c, m, n, accumulate);
  }
}

/**
 * Create a gpu.js backend in exactly the requested mode, or throw an Error
 * whose message is a one-line reason ("<name>: …"). After creating the GPU
 * instance a tiny kernel is built and run, and its class is checked: gpu.js
 * may otherwise silently fall back to another kernel type.
 */
export async function createGpujsBackend(
  name: GpujsBackendName,
  opts: { log?: (line: string) => void } = {},
): Promise<Backend> {
  if (!(name in expectedClass)) throw new Error(`${String(name)}: not a gpu.js backend`);
  const why = staticUnavailable(name);
  if (why) throw new Error(why);

  if (name === 'webgpu') {
    if (!(await gpujs.GPU.isWebGPUAvailable())) {
      throw new Error('webgpu: no adapter (navigator.gpu.requestAdapter() returned null)');
    }
    // gpu.js reads WebGPU results back with mapAsync, so every kernel call
    // returns a Promise; the Backend interface is synchronous and a Promise
    // cannot be waited on without yielding the event loop.
    const why = hostNote('webgpu') ?? 'this host has not registered a GPU thread (core/backend/gpuBridge.ts)';
    throw new Error(`webgpu: an adapter exists, but gpu.js reads WebGPU results back asynchronously, so training needs a GPU thread: ${why}`);
  }

  const settings: { mode: GpujsBackendName; canvas?: object } = { mode: name };
  if (name === 'webgl2' && !hasGlobal('document') && hasGlobal('OffscreenCanvas')) {
    // in a (web) worker there is no document: give gpu.js the canvas to draw on
    const OC = (globalThis as unknown as { OffscreenCanvas: new (w: number, h: number) => object }).OffscreenCanvas;
    settings.canvas = new OC(1, 1);
  }

  let gpu: gpujs.GPU;
  try {
    gpu = new gpujs.GPU(settings);
  } catch (e) {
    throw new Error(`${name}: gpu.js refused the mode (${oneLine(e)})`);
  }
  if (gpu.Kernel !== (kernelClasses[expectedClass[name]] as unknown)) {
    void gpu.destroy().catch(() => undefined);
    throw new Error(`${name}: gpu.js picked ${(gpu.Kernel as { name?: string } | null)?.name ?? 'no kernel class'} instead of ${expectedClass[name]}`);
  }

  const backend = new GpujsBackend(name, gpu, opts.log);
  try {
    // tiny smoke product: proves the kernel builds, runs on the requested class, and is right
    const { a, b, c } = smokeProduct();
    backend.matmulNT(a, b, c, 2, 2, 3, false);
    const cls = kernelClassName(backend.kernelFor('NT', 2, 2, 3));
    if (cls !== expectedClass[name]) {
      throw new Error(`${name}: gpu.js ran the test kernel on ${cls} instead of ${expectedClass[name]}`);
    }
    checkSmoke(name, c);
  } catch (e) {
    backend.dispose();
    const msg = oneLine(e);
    throw new Error(msg.startsWith(`${name}:`) ? msg : `${name}: test kernel failed (${msg})`);
  }
  return backend;
}
