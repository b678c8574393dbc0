import type { Arr, Backend } from '../backend/backend';
import type { Rng } from '../rng';

/** A parameter tensor with its gradient, named as PyTorch names it. */
export interface Param {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Arr;
  readonly grad: Arr;
}

export function makeParam(backend: Backend, name: string, shape: number[]): Param {
  const n = shape.reduce((a, b) => a * b, 1);
  return { name, shape, data: backend.alloc(n), grad: backend.alloc(n) };
}

/** Fills with U(-bound, bound): PyTorch's default for RNN weights (bound 1/√H) and Linear (1/√in). */
export function initUniform(p: Param, bound: number, rng: Rng): void {
  for (let i = 0; i < p.data.length; i++) p.data[i] = rng.uniform(-bound, bound);
}

/** Fills with N(0, 1): PyTorch's default for nn.Embedding. */
export function initNormal(p: Param, rng: Rng, std = 1): void {
  for (let i = 0; i < p.data.length; i++) p.data[i] = rng.normal() * std;
}
