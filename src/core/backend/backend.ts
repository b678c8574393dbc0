/**
 * The compute interface every backend implements: three matrix products, which
 * are all the heavy work of training a recurrent net (forward x·Wᵀ, backward
 * dY·W and the weight gradient dYᵀ·X). Elementwise cell math stays in fused
 * plain-JS loops in nn/, where it is fastest.
 *
 * All arrays a model uses are allocated through `alloc`, so a backend may keep
 * them in its own memory (a WebAssembly heap) and skip copies. Arrays are flat,
 * row-major; offsets are expressed with `subarray` views of allocated arrays.
 */
export type Arr = Float32Array | Float64Array;

export type BackendName = 'webgpu' | 'webgl2' | 'headlessgl' | 'webasm' | 'cpu' | 'reference';
export type BackendChoice = BackendName | 'auto';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgpu', 'webgl2', 'headlessgl', 'webasm', 'cpu', 'reference'];

export interface Backend {
  readonly name: BackendName;
  /** Element type of every array this backend allocates. f64 only for the reference backend (gradient checks). */
  readonly dtype: 'f32' | 'f64';
  /** A zero-filled array of n elements. */
  alloc(n: number): Arr;
  /** C[M,N] = A[M,K] · B[N,K]ᵀ, or C += … when accumulate. */
  matmulNT(a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): void;
  /** C[M,N] = A[M,K] · B[K,N], or C += … when accumulate. */
  matmulNN(a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): void;
  /** C[M,N] = A[K,M]ᵀ · B[K,N], or C += … when accumulate. */
  matmulTN(a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): void;
  /** Release GPU contexts, workers, memory. */
  dispose(): void;
}
