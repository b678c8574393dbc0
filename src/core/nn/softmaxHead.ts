import type { Arr, Backend } from '../backend/backend';
import type { Rng } from '../rng';
import { ShapeCache } from './layer';
import { addColumnSums, addRowVector } from './math';
import { initUniform, makeParam, type Param } from './param';

/**
 * What turns the top layer's outputs into a loss. Pluggable so a regression
 * head (mean squared error on numbers) can replace the softmax over tokens.
 */
export interface Head {
  readonly params: Param[];
  /** Width of the scores: the vocabulary for tokens, the number of predicted values for regression. */
  readonly outputSize: number;
  init(rng: Rng): void;
  /** h [T·B, H] time-major -> scores [T·B, outputs]. */
  forward(h: Arr, rows: number): Arr;
  /**
   * Mean loss of the last forward against targets [B,T] batch-major; with
   * backward, also adds parameter gradients and writes dh [T·B, H].
   */
  loss(h: Arr, targets: Int32Array | Float32Array, T: number, B: number, dh: Arr | null): number;
}

/**
 * nn.Linear(H, V) followed by softmax cross-entropy, the mean over positions
 * of −ln p(target). Logits are computed once and turned into the gradient
 * (p − onehot)/N in place.
 */
export class SoftmaxHead implements Head {
  readonly weight: Param;
  readonly bias: Param;
  readonly params: Param[];
  readonly outputSize: number;
  private readonly logits: ShapeCache<Arr>;
  /** exp(z − max) of one row, reused by every loss call. */
  private exps = new Float64Array(0);

  constructor(
    private readonly backend: Backend,
    readonly inputSize: number,
    readonly vocabSize: number,
  ) {
    this.weight = makeParam(backend, 'decoder.weight', [vocabSize, inputSize]);
    this.bias = makeParam(backend, 'decoder.bias', [vocabSize]);
    this.params = [this.weight, this.bias];
    this.outputSize = vocabSize;
    this.logits = new ShapeCache((rows) => backend.alloc(rows * vocabSize));
  }

  init(rng: Rng): void {
    const bound = 1 / Math.sqrt(this.inputSize);
    initUniform(this.weight, bound, rng);
    initUniform(this.bias, bound, rng);
  }

  forward(h: Arr, rows: number): Arr {
    const V = this.vocabSize;
    const z = this.logits.get(rows, 1);
    this.backend.matmulNT(h, this.weight.data, z, rows, V, this.inputSize, false);
    addRowVector(z, rows, V, this.bias.data);
    return z;
  }

  loss(h: Arr, targets: Int32Array | Float32Array, T: number, B: number, dh: Arr | null): number {
    const V = this.vocabSize;
    const N = T * B;
    const z = this.forward(h, N);
    const e = this.exps.length === V ? this.exps : (this.exps = new Float64Array(V));
    let total = 0;
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const o = (t * B + b) * V;
        const y = targets[b * T + t];
        if (!(y >= 0 && y < V)) throw new RangeError(`target id ${y} is outside the vocabulary (size ${V})`);
        let max = -Infinity;
        for (let j = 0; j < V; j++) if (z[o + j] > max) max = z[o + j];
        // each exponential once, kept in float64 for the gradient pass
        let sum = 0;
        for (let j = 0; j < V; j++) sum += e[j] = Math.exp(z[o + j] - max);
        total += Math.log(sum) + max - z[o + y];
        if (dh) {
          const inv = 1 / (sum * N);
          for (let j = 0; j < V; j++) z[o + j] = e[j] * inv;
          z[o + y] -= 1 / N;
        }
      }
    }
    if (dh) {
      this.backend.matmulTN(z, h, this.weight.grad, V, this.inputSize, N, true);
      addColumnSums(z, N, V, this.bias.grad);
      this.backend.matmulNN(z, this.weight.data, dh, N, this.inputSize, V, false);
    }
    return total / N;
  }
}
