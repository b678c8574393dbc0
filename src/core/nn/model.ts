import type { Arr, Backend } from '../backend/backend';
import { Rng } from '../rng';
import type { ModelConfig } from './config';
import { Embedding, type InputLayer } from './embedding';
import { GruLayer } from './gru';
import { ShapeCache, type RecurrentLayer, type UnrolledLayer } from './layer';
import { LstmLayer } from './lstm';
import type { Param } from './param';
import { RnnLayer } from './rnn';
import { SoftmaxHead, type Head } from './softmaxHead';

/** The carried recurrent state of B streams: per layer h [B,H] (and c for LSTM). */
export interface RecurrentState {
  readonly B: number;
  readonly h: Arr[];
  readonly c: (Arr | null)[];
}

/**
 * Embedding → N recurrent layers (dropout between them) → Linear → softmax:
 * the same stack as torch.nn.Embedding + nn.RNN/LSTM/GRU(batch_first=True) +
 * nn.Linear, with the same parameter names, so weights move between the two.
 */
export class RecurrentLM {
  readonly input: InputLayer;
  readonly layers: RecurrentLayer[];
  readonly head: Head;
  readonly params: Param[];
  /** The unrolled layers of the most recent pass, for inspection. */
  lastPass: UnrolledLayer[] = [];
  private readonly dropped: ShapeCache<{ masks: Arr[]; outs: Arr[] }>;
  private readonly grads: ShapeCache<{ dTop: Arr; dIn: Arr[] }>;

  constructor(
    readonly backend: Backend,
    readonly config: ModelConfig,
    readonly vocabSize: number,
    /** Replace the token embedding or the softmax head (e.g. a linear input and a regression head for numeric series). */
    parts: { input?: InputLayer; head?: Head } = {},
  ) {
    const { layers, hidden: H, cell } = config;
    this.input = parts.input ?? new Embedding(backend, vocabSize, config.embed);
    const E = this.input.outputSize;
    this.layers = [];
    for (let k = 0; k < layers; k++) {
      const inSize = k === 0 ? E : H;
      const Layer = cell === 'lstm' ? LstmLayer : cell === 'gru' ? GruLayer : RnnLayer;
      this.layers.push(new Layer(backend, k, inSize, H));
    }
    this.head = parts.head ?? new SoftmaxHead(backend, H, vocabSize);
    this.params = [...this.input.params, ...this.layers.flatMap((l) => l.params), ...this.head.params];
    this.dropped = new ShapeCache((T, B) => ({
      masks: this.layers.slice(1).map(() => backend.alloc(T * B * H)),
      outs: this.layers.slice(1).map(() => backend.alloc(T * B * H)),
    }));
    this.grads = new ShapeCache((T, B) => ({
      dTop: backend.alloc(T * B * H),
      dIn: this.layers.map((l, k) => (k === 0 ? backend.alloc(T * B * E) : backend.alloc(T * B * H))),
    }));
  }

  /** PyTorch's default initialisation, drawn from a seeded generator. */
  init(seed: number): void {
    const rng = new Rng(seed);
    this.input.init(rng);
    for (const l of this.layers) l.init(rng);
    this.head.init(rng);
  }

  param(name: string): Param {
    const p = this.params.find((q) => q.name === name);
    if (!p) throw new Error(`no parameter ${name}`);
    return p;
  }

  newState(B: number): RecurrentState {
    const H = this.config.hidden;
    return {
      B,
      h: this.layers.map(() => this.transient(B * H)),
      c: this.layers.map(() => (this.config.cell === 'lstm' ? this.transient(B * H) : null)),
    };
  }

  /**
   * A zeroed array of the backend's element type that the garbage collector reclaims: for
   * buffers that live as long as one generator, evaluation or inspection, which must not come
   * from backend.alloc (the cpu backend's heap only grows). The layers copy states in and out
   * of their own workspaces, so these never need to be backend memory.
   */
  transient(n: number): Arr {
    return this.backend.dtype === 'f64' ? new Float64Array(n) : new Float32Array(n);
  }

  resetState(s: RecurrentState): void {
    for (const h of s.h) h.fill(0);
    for (const c of s.c) c?.fill(0);
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }

  /** Runs inputs [B,T] through the stack from `state`, leaves the final state in it, returns the top outputs [T·B, H]. */
  private run(inputs: Int32Array | Float32Array, T: number, B: number, state: RecurrentState, dropoutRng: Rng | null): Arr {
    if (state.B !== B) throw new Error(`state is for ${state.B} streams, batch has ${B}`);
    let x = this.input.forward(inputs, T, B);
    const p = this.config.dropout;
    const drop = dropoutRng && p > 0 ? this.dropped.get(T, B) : null;
    this.lastPass = [];
    for (let k = 0; k < this.layers.length; k++) {
      const u = this.layers[k].forward(x, T, B, state.h[k], state.c[k]);
      this.lastPass.push(u);
      state.h[k].set(u.hT);
      if (u.cT) state.c[k]!.set(u.cT);
      x = u.output;
      if (drop && k < this.layers.length - 1) {
        // Inverted dropout between layers, as nn.LSTM(dropout=p) applies it in training.
        const mask = drop.masks[k];
        const out = drop.outs[k];
        const keep = 1 / (1 - p);
        for (let i = 0; i < out.length; i++) {
          const m = dropoutRng!.next() < p ? 0 : keep;
          mask[i] = m;
          out[i] = x[i] * m;
        }
        x = out;
      }
    }
    return x;
  }

  /** One forward and backward pass: returns the mean loss and adds gradients to every parameter. */
  trainStep(inputs: Int32Array | Float32Array, targets: Int32Array | Float32Array, T: number, B: number, state: RecurrentState, rng: Rng): number {
    const top = this.run(inputs, T, B, state, rng);
    const g = this.grads.get(T, B);
    const loss = this.head.loss(top, targets, T, B, g.dTop);
    const drop = this.config.dropout > 0 ? this.dropped.get(T, B) : null;
    let dOut = g.dTop;
    for (let k = this.layers.length - 1; k >= 0; k--) {
      const dIn = g.dIn[k];
      this.lastPass[k].backward(dOut, dIn);
      if (k > 0 && drop) {
        const mask = drop.masks[k - 1];
        for (let i = 0; i < dIn.length; i++) dIn[i] *= mask[i];
      }
      dOut = dIn;
    }
    this.input.backward(inputs, g.dIn[0], T, B);
    return loss;
  }

  /** Mean loss without dropout or gradients; the state advances. */
  evalLoss(inputs: Int32Array | Float32Array, targets: Int32Array | Float32Array, T: number, B: number, state: RecurrentState): number {
    const top = this.run(inputs, T, B, state, null);
    return this.head.loss(top, targets, T, B, null);
  }

  /** Logits [T·B, V] (time-major) for inputs [B,T]; the state advances. The view is reused by the next call. */
  logits(inputs: Int32Array | Float32Array, T: number, B: number, state: RecurrentState): Arr {
    const top = this.run(inputs, T, B, state, null);
    return this.head.forward(top, T * B);
  }

  /** Number of trainable values. */
  get size(): number {
    return this.params.reduce((n, p) => n + p.data.length, 0);
  }
}
