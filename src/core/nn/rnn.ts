import type { Arr, Backend } from '../backend/backend';
import { allocAll, blocks, CellLayer, reportStep, type StepGradient, type UnrolledLayer } from './layer';
import { addRowVector, tanh } from './math';
import { addCellGrads } from './param';

/** The buffers one forward and backward of shape (T, B) use, reused by every pass of that shape. */
function workspace(backend: Backend, H: number, T: number, B: number) {
  // hs: h_0..h_T as [(T+1)·B, H]; block t+1 first holds step t's pre-activation, then its output.
  const [hs, dz, dh] = allocAll(backend, [(T + 1) * B * H, T * B * H, B * H]);
  return { hs, dz, dh, ht: blocks(hs, T + 1, B * H), dzt: blocks(dz, T, B * H) };
}

/**
 * The plain (Elman) recurrent layer, nn.RNN(nonlinearity='tanh'):
 *   h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
 * The loop that feeds h_{t-1} back into step t is the whole idea; its
 * gradient is multiplied by W_hh and tanh' at every step back, which is why
 * it vanishes over long spans.
 */
export class RnnLayer extends CellLayer<ReturnType<typeof workspace>> {
  readonly cell = 'rnn' as const;
  /** b_ih + b_hh, added once per forward. */
  private readonly bias = this.backend.alloc(this.hidden);

  constructor(backend: Backend, layer: number, inputSize: number, hidden: number) {
    super(backend, layer, inputSize, hidden, 1, workspace);
  }

  forward(x: Arr, T: number, B: number, h0: Arr): UnrolledLayer {
    const { backend: be, hidden: H, inputSize: I } = this;
    const BH = B * H;
    const w = this.ws.get(T, B);
    const { hs } = w;
    for (let j = 0; j < H; j++) this.bias[j] = this.bIh.data[j] + this.bHh.data[j];
    hs.set(h0.subarray(0, BH), 0);
    // The input projection for all steps lands directly in h_1..h_T, then each step adds its recurrent part.
    const out = hs.subarray(BH);
    be.matmulNT(x, this.wIh.data, out, T * B, H, I, false);
    addRowVector(out, T * B, H, this.bias);
    for (let t = 0; t < T; t++) {
      const ht = w.ht[t + 1];
      be.matmulNT(w.ht[t], this.wHh.data, ht, B, H, H, true);
      for (let k = 0; k < BH; k++) ht[k] = tanh(ht[k]);
    }
    const layer = this;
    return {
      T,
      B,
      output: out,
      hT: w.ht[T],
      cT: null,
      probeNames: ['h'],
      probe: (name: string) => (name === 'h' ? out.slice() : null),
      backward: (dOut: Arr, dX: Arr | null, onStep?: StepGradient) => layer.backward(w, T, B, x, dOut, dX, onStep),
    };
  }

  private backward(w: ReturnType<typeof workspace>, T: number, B: number, x: Arr, dOut: Arr, dX: Arr | null, onStep?: StepGradient): Arr {
    const { backend: be, hidden: H } = this;
    const BH = B * H;
    const { dz, dh } = w;
    dh.fill(0, 0, BH);
    const tmp = onStep ? new Float64Array(BH) : null;
    for (let t = T - 1; t >= 0; t--) {
      if (onStep) reportStep(onStep, t, dOut, dh, BH, tmp!);
      const h = w.ht[t + 1];
      const dzt = w.dzt[t];
      const s = t * BH;
      for (let k = 0; k < BH; k++) dzt[k] = (dOut[s + k] + dh[k]) * (1 - h[k] * h[k]);
      be.matmulNN(dzt, this.wHh.data, dh, B, H, H, false);
    }
    addCellGrads(be, this.params, dz, dz, x, w.hs.subarray(0, T * BH), T * B, dX);
    return dh;
  }
}
