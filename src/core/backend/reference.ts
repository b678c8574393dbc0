import type { Arr, Backend } from './backend';

/**
 * The oracle: straightforward loops over plain typed arrays. Every other
 * backend is tested against it. With dtype 'f64' the whole model runs in
 * double precision, which the finite-difference gradient checks need.
 */
export class ReferenceBackend implements Backend {
  readonly name = 'reference' as const;
  constructor(readonly dtype: 'f32' | 'f64' = 'f32') {}

  alloc(n: number): Arr {
    return this.dtype === 'f64' ? new Float64Array(n) : new Float32Array(n);
  }

  matmulNT(a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): void {
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
        c[i * n + j] = accumulate ? c[i * n + j] + s : s;
      }
    }
  }

  matmulNN(a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): void {
    if (!accumulate) c.fill(0, 0, m * n);
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      for (let p = 0; p < k; p++) {
        const aip = a[i * k + p];
        if (aip === 0) continue;
        const bp = p * n;
        for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
      }
    }
  }

  matmulTN(a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): void {
    if (!accumulate) c.fill(0, 0, m * n);
    for (let p = 0; p < k; p++) {
      const ap = p * m;
      const bp = p * n;
      for (let i = 0; i < m; i++) {
        const api = a[ap + i];
        if (api === 0) continue;
        const ci = i * n;
        for (let j = 0; j < n; j++) c[ci + j] += api * b[bp + j];
      }
    }
  }

  dispose(): void {}
}
