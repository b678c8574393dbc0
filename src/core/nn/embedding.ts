import type { Arr, Backend } from '../backend/backend';
import type { Rng } from '../rng';
import { ShapeCache } from './layer';
import { initNormal, makeParam, type Param } from './param';

/**
 * What turns a batch of inputs into the vectors the first recurrent layer
 * reads. Pluggable so a numeric time-series input (a linear map of CSV
 * columns) can replace the token embedding.
 */
export interface InputLayer {
  readonly params: Param[];
  readonly outputSize: number;
  init(rng: Rng): void;
  /** inputs [B,T] batch-major (token ids, or [B,T,features] numbers) -> x [T·B, outputSize] time-major. */
  forward(inputs: Int32Array | Float32Array, T: number, B: number): Arr;
  /** Adds the parameter gradients for dx [T·B, outputSize] of the last forward of this shape. */
  backward(inputs: Int32Array | Float32Array, dx: Arr, T: number, B: number): void;
}

/** nn.Embedding: row `id` of the weight is the input vector of token `id`. */
export class Embedding implements InputLayer {
  readonly weight: Param;
  readonly params: Param[];
  private readonly out: ShapeCache<Arr>;

  constructor(
    backend: Backend,
    readonly vocabSize: number,
    readonly outputSize: number,
  ) {
    this.weight = makeParam(backend, 'embedding.weight', [vocabSize, outputSize]);
    this.params = [this.weight];
    this.out = new ShapeCache((T, B) => backend.alloc(T * B * outputSize));
  }

  init(rng: Rng): void {
    initNormal(this.weight, rng);
  }

  forward(inputs: Int32Array | Float32Array, T: number, B: number): Arr {
    const E = this.outputSize;
    const x = this.out.get(T, B);
    const w = this.weight.data;
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const id = inputs[b * T + t];
        if (!(id >= 0 && id < this.vocabSize)) throw new RangeError(`token id ${id} is outside the vocabulary (size ${this.vocabSize})`);
        x.set(w.subarray(id * E, id * E + E), (t * B + b) * E);
      }
    }
    return x;
  }

  backward(inputs: Int32Array | Float32Array, dx: Arr, T: number, B: number): void {
    const E = this.outputSize;
    const g = this.weight.grad;
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const row = inputs[b * T + t] * E;
        const src = (t * B + b) * E;
        for (let j = 0; j < E; j++) g[row + j] += dx[src + j];
      }
    }
  }
}
