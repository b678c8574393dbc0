import type { Arr } from '../backend/backend';
import type { CellType } from '../nn/config';
import { RecurrentLM } from '../nn/model';

/**
 * Gradient flow through time: how strongly the loss at step t reaches back to
 * the hidden state k steps earlier, ‖∂loss_t / ∂h_{t−k}‖, for k = 0..maxK.
 *
 * B windows of the text are read side by side (one batch), each from a zero
 * state with `warmup` steps before the measured span so h_{t−k} is a state the
 * model really reaches. Only the last position of each window carries a loss;
 * backpropagation through time then visits ∂loss_t/∂h_{t−k} for every k, and
 * each layer's per-step hook records its norm. The result is the mean over the
 * windows, per layer. Parameter gradients are left as they were.
 *
 * A plain RNN multiplies the gradient by W_hhᵀ·diag(tanh') at every step back,
 * so its curve falls off exponentially; the LSTM's additive cell path (scaled
 * by the forget gate) and the GRU's z ⊙ h_{t−1} path let it travel further.
 */
export interface GradientFlowOptions {
  /** Largest k measured (default 64). */
  maxK?: number;
  /** Windows averaged (default 16). */
  windows?: number;
  /** Steps read before the measured span (default 16). */
  warmup?: number;
}

export interface GradientFlowResult {
  /** Per layer (bottom first), mean ‖∂loss_t/∂h_{t−k}‖ for k = 0..maxK. */
  norms: number[][];
  maxK: number;
  windows: number;
}

export function gradientFlow(model: RecurrentLM, ids: ArrayLike<number>, o: GradientFlowOptions = {}): GradientFlowResult {
  const warmup = Math.max(0, Math.floor(o.warmup ?? 16));
  // Each window reads T tokens and predicts the token after them.
  let maxK = Math.max(0, Math.floor(o.maxK ?? 64));
  if (ids.length < 2) throw new RangeError('gradient flow needs at least 2 tokens of text');
  maxK = Math.min(maxK, ids.length - 2);
  const T = Math.min(warmup + maxK + 1, ids.length - 1);
  const room = ids.length - 1 - T; // last possible window start
  const B = Math.max(1, Math.min(Math.floor(o.windows ?? 16), room + 1));
  const H = model.config.hidden;

  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const start = B === 1 ? room : Math.round((b * room) / (B - 1));
    for (let t = 0; t < T; t++) inputs[b * T + t] = ids[start + t];
    targets[b] = ids[start + T];
  }

  const norms = model.layers.map(() => new Array<number>(maxK + 1).fill(0));
  backThroughTime(model, inputs, targets, T, B, (layer, back, dh) => {
    if (back > maxK) return;
    // dh is ∂(mean over the B windows)/∂h, so window b's own gradient is B·dh_b: the mean of the norms is Σ_b ‖dh_b‖.
    let sum = 0;
    for (let b = 0; b < B; b++) {
      let sq = 0;
      for (let j = 0; j < H; j++) sq += dh[b * H + j] ** 2;
      sum += Math.sqrt(sq);
    }
    norms[layer][back] = sum;
  });
  return { norms, maxK, windows: B };
}

/**
 * Reads inputs [B,T] from a zero state, takes the mean loss of the last step's
 * predictions of targets [B], and backpropagates through time, calling `visit`
 * with ∂loss/∂h_{T−1−back} [B,H] of every layer for back = 0..T−1 (a view valid
 * during the call). Parameter gradients are restored afterwards.
 */
export function backThroughTime(
  model: RecurrentLM,
  inputs: Int32Array,
  targets: Int32Array,
  T: number,
  B: number,
  visit: (layer: number, back: number, dh: Arr) => void,
): void {
  const H = model.config.hidden;
  const savedGrads = model.params.map((p) => Float64Array.from(p.grad));
  try {
    const state = model.newState(B);
    let x: Arr = model.input.forward(inputs, T, B);
    const passes = model.layers.map((layer, k) => {
      const u = layer.forward(x, T, B, state.h[k], state.c[k]);
      x = u.output;
      return u;
    });
    // The loss of the last step only: a one-step head pass over its rows.
    const dTop = model.transient(T * B * H);
    const last = (T - 1) * B * H;
    model.head.loss(x.subarray(last, T * B * H), targets, 1, B, dTop.subarray(last));
    let dOut = dTop;
    for (let k = model.layers.length - 1; k >= 0; k--) {
      const dIn = k > 0 ? model.transient(T * B * model.layers[k].inputSize) : null;
      passes[k].backward(dOut, dIn, (t, dh) => visit(k, T - 1 - t, dh));
      if (dIn) dOut = dIn;
    }
  } finally {
    model.params.forEach((p, i) => p.grad.set(savedGrads[i]));
  }
}

const comparisons = new WeakMap<RecurrentLM, Map<string, RecurrentLM>>();

/**
 * A freshly initialised model of the same size as `model` with another cell: the comparison the
 * view offers. Kept with `model` and reused (it is the same model every time), since a model's
 * parameters and workspaces come from backend memory that is never freed.
 */
export function sameSizeModel(model: RecurrentLM, cell: CellType, seed: number): RecurrentLM {
  let made = comparisons.get(model);
  if (!made) comparisons.set(model, (made = new Map()));
  const key = `${cell}:${seed}`;
  let m = made.get(key);
  if (!m) {
    m = new RecurrentLM(model.backend, { ...model.config, cell }, model.vocabSize);
    m.init(seed);
    made.set(key, m);
  }
  // Same embedding and decoder (copied again: `model` may have changed), so only the recurrent cell differs.
  for (const p of m.params) if (!p.name.startsWith('rnn.')) p.data.set(model.param(p.name).data);
  return m;
}
