/** Scalar helpers for the fused cell loops. */
export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
export const tanh = Math.tanh;

/** out[j] += Σ_r m[r, j] over rows: the bias gradient of a batched product. */
export function addColumnSums(m: ArrayLike<number>, rows: number, cols: number, out: { [i: number]: number }): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) out[j] += m[o + j];
  }
}

/** m[r, j] += v[j] for every row. */
export function addRowVector(m: { [i: number]: number }, rows: number, cols: number, v: ArrayLike<number>): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) m[o + j] += v[j];
  }
}
