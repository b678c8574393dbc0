import type { Arr, Backend } from '../backend/backend';
import { addColumnSums } from './math';
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

/** A recurrent layer's four tensors as PyTorch names them: W_ih [G·H, in], W_hh [G·H, H], b_ih, b_hh [G·H]. */
export function cellParams(backend: Backend, layer: number, gates: number, inputSize: number, hidden: number): [Param, Param, Param, Param] {
  const G = gates * hidden;
  return [
    makeParam(backend, `rnn.weight_ih_l${layer}`, [G, inputSize]),
    makeParam(backend, `rnn.weight_hh_l${layer}`, [G, hidden]),
    makeParam(backend, `rnn.bias_ih_l${layer}`, [G]),
    makeParam(backend, `rnn.bias_hh_l${layer}`, [G]),
  ];
}

/** PyTorch's recurrent-layer initialisation: every tensor U(−1/√H, 1/√H). */
export function initCell(params: Param[], hidden: number, rng: Rng): void {
  const bound = 1 / Math.sqrt(hidden);
  for (const p of params) initUniform(p, bound, rng);
}

/**
 * A recurrent layer's weight gradients once the pre-activation gradients of all `rows` = T·B
 * positions are known (dZi feeds W_ih·x, dZh feeds W_hh·h_{t−1}; the same array for RNN and LSTM):
 * ∂W_ih += dZiᵀ·x, ∂W_hh += dZhᵀ·h_prev, ∂b_ih += Σ dZi, ∂b_hh += Σ dZh, and ∂x = dZi·W_ih if asked.
 */
export function addCellGrads(be: Backend, [wIh, wHh, bIh, bHh]: Param[], dZi: Arr, dZh: Arr, x: Arr, hPrev: Arr, rows: number, dX: Arr | null): void {
  const [G, I] = wIh.shape;
  const H = wHh.shape[1];
  be.matmulTN(dZi, x, wIh.grad, G, I, rows, true);
  be.matmulTN(dZh, hPrev, wHh.grad, G, H, rows, true);
  addColumnSums(dZi, rows, G, bIh.grad);
  addColumnSums(dZh, rows, G, bHh.grad);
  if (dX) be.matmulNN(dZi, wIh.data, dX, rows, I, G, false);
}
