import type { Arr, Backend } from '../backend/backend';
import { allocAll, blocks, CellLayer, gateSlice, reportStep, type StepGradient, type UnrolledLayer } from './layer';
import { addRowVector, sigmoid, tanh } from './math';
import { addCellGrads } from './param';

/** The buffers one forward and backward of shape (T, B) use, reused by every pass of that shape. */
function workspace(backend: Backend, H: number, T: number, B: number) {
  const G = 4 * H;
  const [z, hs, cs, tc, dz, dh, dc] = allocAll(backend, [T * B * G, (T + 1) * B * H, (T + 1) * B * H, T * B * H, T * B * G, B * H, B * H]);
  return { z, hs, cs, tc, dz, dh, dc, zt: blocks(z, T, B * G), dzt: blocks(dz, T, B * G), ht: blocks(hs, T + 1, B * H) };
}

/**
 * LSTM layer with PyTorch's semantics and gate order (i, f, g, o):
 *   z = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh
 *   i = σ(z_i)  f = σ(z_f)  g = tanh(z_g)  o = σ(z_o)
 *   c_t = f ⊙ c_{t-1} + i ⊙ g      h_t = o ⊙ tanh(c_t)
 * The input projection for all T steps is one product; each step adds only
 * h_{t-1}·W_hhᵀ and runs one fused loop over the cell.
 */
export class LstmLayer extends CellLayer<ReturnType<typeof workspace>> {
  readonly cell = 'lstm' as const;
  /** b_ih + b_hh, added once per forward. */
  private readonly bias = this.backend.alloc(4 * this.hidden);

  constructor(backend: Backend, layer: number, inputSize: number, hidden: number) {
    super(backend, layer, inputSize, hidden, 4, workspace);
  }

  forward(x: Arr, T: number, B: number, h0: Arr, c0: Arr | null): UnrolledLayer {
    const { backend: be, hidden: H, inputSize: I } = this;
    const G = 4 * H;
    const BH = B * H;
    const w = this.ws.get(T, B);
    const { z, hs, cs, tc } = w;

    for (let j = 0; j < G; j++) this.bias[j] = this.bIh.data[j] + this.bHh.data[j];
    be.matmulNT(x, this.wIh.data, z, T * B, G, I, false);
    addRowVector(z, T * B, G, this.bias);
    hs.set(h0.subarray(0, BH), 0);
    if (c0) cs.set(c0.subarray(0, BH), 0);
    else cs.fill(0, 0, BH);

    for (let t = 0; t < T; t++) {
      const zt = w.zt[t];
      be.matmulNT(w.ht[t], this.wHh.data, zt, B, G, H, true);
      const prev = t * BH;
      const next = prev + BH;
      for (let b = 0; b < B; b++) {
        const zb = b * G;
        const hb = b * H;
        for (let j = 0; j < H; j++) {
          const i = sigmoid(zt[zb + j]);
          const f = sigmoid(zt[zb + H + j]);
          const g = tanh(zt[zb + 2 * H + j]);
          const o = sigmoid(zt[zb + 3 * H + j]);
          zt[zb + j] = i;
          zt[zb + H + j] = f;
          zt[zb + 2 * H + j] = g;
          zt[zb + 3 * H + j] = o;
          const c = f * cs[prev + hb + j] + i * g;
          const th = tanh(c);
          cs[next + hb + j] = c;
          tc[prev + hb + j] = th;
          hs[next + hb + j] = o * th;
        }
      }
    }

    const layer = this;
    const gateNames = ['i', 'f', 'g', 'o'];
    return {
      T,
      B,
      output: hs.subarray(BH, (T + 1) * BH),
      hT: hs.subarray(T * BH, (T + 1) * BH),
      cT: cs.subarray(T * BH, (T + 1) * BH),
      probeNames: ['h', 'c', ...gateNames],
      probe(name: string): Arr | null {
        if (name === 'h') return hs.slice(BH, (T + 1) * BH);
        if (name === 'c') return cs.slice(BH, (T + 1) * BH);
        const k = gateNames.indexOf(name);
        return k < 0 ? null : gateSlice(z, T * B, H, 4, k);
      },
      backward: (dOut: Arr, dX: Arr | null, onStep?: StepGradient) => layer.backward(w, T, B, x, dOut, dX, onStep),
    };
  }

  private backward(w: ReturnType<typeof workspace>, T: number, B: number, x: Arr, dOut: Arr, dX: Arr | null, onStep?: StepGradient): Arr {
    const { backend: be, hidden: H } = this;
    const G = 4 * H;
    const BH = B * H;
    const { cs, tc, dz, dh, dc } = w;
    dh.fill(0, 0, BH);
    dc.fill(0, 0, BH);
    const tmp = onStep ? new Float64Array(BH) : null;
    for (let t = T - 1; t >= 0; t--) {
      if (onStep) reportStep(onStep, t, dOut, dh, BH, tmp!);
      const zt = w.zt[t];
      const dzt = w.dzt[t];
      const s = t * BH;
      for (let b = 0; b < B; b++) {
        const zb = b * G;
        const hb = b * H;
        for (let j = 0; j < H; j++) {
          const k = hb + j;
          const i = zt[zb + j];
          const f = zt[zb + H + j];
          const g = zt[zb + 2 * H + j];
          const o = zt[zb + 3 * H + j];
          const th = tc[s + k];
          const dht = dOut[s + k] + dh[k];
          const dct = dc[k] + dht * o * (1 - th * th);
          dzt[zb + j] = dct * g * i * (1 - i);
          dzt[zb + H + j] = dct * cs[s + k] * f * (1 - f);
          dzt[zb + 2 * H + j] = dct * i * (1 - g * g);
          dzt[zb + 3 * H + j] = dht * th * o * (1 - o);
          dc[k] = dct * f;
        }
      }
      be.matmulNN(dzt, this.wHh.data, dh, B, H, G, false);
    }
    addCellGrads(be, this.params, dz, dz, x, w.hs.subarray(0, T * BH), T * B, dX);
    return dh;
  }
}
