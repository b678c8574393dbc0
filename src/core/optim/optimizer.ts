import type { Arr } from '../backend/backend';
import type { Param } from '../nn/param';

export type OptimizerKind = 'adam' | 'sgd';

export interface Optimizer {
  readonly kind: OptimizerKind;
  /** Applies one update with learning rate lr to every parameter from its gradient. */
  step(lr: number): void;
  /** Moment buffers by parameter name, for saving and resuming a run. */
  state(): Map<string, Arr>;
  readonly steps: number;
}

/**
 * Adam (Kingma & Ba) with bias correction, as torch.optim.Adam with weight_decay 0:
 *   m ← β1 m + (1−β1) g     v ← β2 v + (1−β2) g²
 *   θ ← θ − lr · m̂ / (√v̂ + ε),  m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ)
 */
export class Adam implements Optimizer {
  readonly kind = 'adam' as const;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  steps = 0;
  constructor(
    private readonly params: Param[],
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.m = params.map((p) => new Float32Array(p.data.length));
    this.v = params.map((p) => new Float32Array(p.data.length));
  }
  step(lr: number): void {
    this.steps++;
    const { beta1: b1, beta2: b2, eps } = this;
    const c1 = 1 - b1 ** this.steps;
    const c2 = 1 - b2 ** this.steps;
    const a = lr / c1;
    const sc2 = 1 / Math.sqrt(c2);
    for (let k = 0; k < this.params.length; k++) {
      const { data, grad } = this.params[k];
      const m = this.m[k];
      const v = this.v[k];
      for (let i = 0; i < data.length; i++) {
        const g = grad[i];
        const mi = (m[i] = b1 * m[i] + (1 - b1) * g);
        const vi = (v[i] = b2 * v[i] + (1 - b2) * g * g);
        data[i] -= (a * mi) / (Math.sqrt(vi) * sc2 + eps);
      }
    }
  }
  state(): Map<string, Arr> {
    const s = new Map<string, Arr>();
    this.params.forEach((p, k) => {
      s.set(`optimizer.exp_avg.${p.name}`, this.m[k]);
      s.set(`optimizer.exp_avg_sq.${p.name}`, this.v[k]);
    });
    return s;
  }
  load(steps: number, tensors: Map<string, Float32Array>): boolean {
    const ms = this.params.map((p) => tensors.get(`optimizer.exp_avg.${p.name}`));
    const vs = this.params.map((p) => tensors.get(`optimizer.exp_avg_sq.${p.name}`));
    if (ms.some((m, k) => m?.length !== this.m[k].length) || vs.some((v, k) => v?.length !== this.v[k].length)) return false;
    ms.forEach((m, k) => this.m[k].set(m!));
    vs.forEach((v, k) => this.v[k].set(v!));
    this.steps = steps;
    return true;
  }
}

/** SGD with (heavy-ball) momentum, as torch.optim.SGD: b ← μ b + g; θ ← θ − lr b. */
export class Sgd implements Optimizer {
  readonly kind = 'sgd' as const;
  private readonly b: Float32Array[];
  steps = 0;
  constructor(
    private readonly params: Param[],
    private readonly momentum = 0.9,
  ) {
    this.b = params.map((p) => new Float32Array(p.data.length));
  }
  step(lr: number): void {
    this.steps++;
    const mu = this.momentum;
    for (let k = 0; k < this.params.length; k++) {
      const { data, grad } = this.params[k];
      const b = this.b[k];
      for (let i = 0; i < data.length; i++) {
        const bi = (b[i] = mu * b[i] + grad[i]);
        data[i] -= lr * bi;
      }
    }
  }
  state(): Map<string, Arr> {
    return new Map(this.params.map((p, k) => [`optimizer.momentum_buffer.${p.name}`, this.b[k]]));
  }
  load(steps: number, tensors: Map<string, Float32Array>): boolean {
    const bs = this.params.map((p) => tensors.get(`optimizer.momentum_buffer.${p.name}`));
    if (bs.some((b, k) => b?.length !== this.b[k].length)) return false;
    bs.forEach((b, k) => this.b[k].set(b!));
    this.steps = steps;
    return true;
  }
}

export function makeOptimizer(kind: OptimizerKind, params: Param[]): Adam | Sgd {
  return kind === 'adam' ? new Adam(params) : new Sgd(params);
}

/**
 * Scales all gradients together so their global L2 norm is at most maxNorm
 * (torch.nn.utils.clip_grad_norm_). Returns the norm before clipping.
 */
export function clipGradNorm(params: Param[], maxNorm: number): number {
  let sq = 0;
  for (const p of params) for (let i = 0; i < p.grad.length; i++) sq += p.grad[i] * p.grad[i];
  const norm = Math.sqrt(sq);
  if (maxNorm > 0 && norm > maxNorm) {
    const s = maxNorm / (norm + 1e-6);
    for (const p of params) for (let i = 0; i < p.grad.length; i++) p.grad[i] *= s;
  }
  return norm;
}
