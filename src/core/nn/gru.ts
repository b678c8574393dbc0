import type { Arr, Backend } from '../backend/backend';
import { allocAll, blocks, CellLayer, gateSlice, reportStep, type StepGradient, type UnrolledLayer } from './layer';
import { addRowVector, sigmoid, tanh } from './math';
import { addCellGrads } from './param';

/** The buffers one forward and backward of shape (T, B) use, reused by every pass of that shape. */
function workspace(backend: Backend, H: number, T: number, B: number) {
  const G = 3 * H;
  // xz: input projection, then the activations r, z, n in place; hz: recurrent projection W_hh h + b_hh.
  const [xz, hz, hs, dzi, dzh, dh] = allocAll(backend, [T * B * G, T * B * G, (T + 1) * B * H, T * B * G, T * B * G, B * H]);
  return { xz, hz, hs, dzi, dzh, dh, xzt: blocks(xz, T, B * G), hzt: blocks(hz, T, B * G), dzit: blocks(dzi, T, B * G), dzht: blocks(dzh, T, B * G), ht: blocks(hs, T + 1, B * H) };
}

/**
 * GRU layer with PyTorch's semantics and gate order (r, z, n):
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr)     z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *   h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
 * The reset gate multiplies the recurrent part of n only, so the recurrent
 * projection (with its bias) is kept apart from the input projection.
 */
export class GruLayer extends CellLayer<ReturnType<typeof workspace>> {
  readonly cell = 'gru' as const;

  constructor(backend: Backend, layer: number, inputSize: number, hidden: number) {
    super(backend, layer, inputSize, hidden, 3, workspace);
  }

  forward(x: Arr, T: number, B: number, h0: Arr): UnrolledLayer {
    const { backend: be, hidden: H, inputSize: I } = this;
    const G = 3 * H;
    const BH = B * H;
    const w = this.ws.get(T, B);
    const { xz, hs } = w;
    be.matmulNT(x, this.wIh.data, xz, T * B, G, I, false);
    addRowVector(xz, T * B, G, this.bIh.data);
    hs.set(h0.subarray(0, BH), 0);

    for (let t = 0; t < T; t++) {
      const xt = w.xzt[t];
      const ht = w.hzt[t];
      const hprev = w.ht[t];
      be.matmulNT(hprev, this.wHh.data, ht, B, G, H, false);
      addRowVector(ht, B, G, this.bHh.data);
      const next = (t + 1) * BH;
      for (let b = 0; b < B; b++) {
        const gb = b * G;
        const hb = b * H;
        for (let j = 0; j < H; j++) {
          const r = sigmoid(xt[gb + j] + ht[gb + j]);
          const z = sigmoid(xt[gb + H + j] + ht[gb + H + j]);
          const n = tanh(xt[gb + 2 * H + j] + r * ht[gb + 2 * H + j]);
          xt[gb + j] = r;
          xt[gb + H + j] = z;
          xt[gb + 2 * H + j] = n;
          hs[next + hb + j] = (1 - z) * n + z * hprev[hb + j];
        }
      }
    }

    const layer = this;
    const gateNames = ['r', 'z', 'n'];
    return {
      T,
      B,
      output: hs.subarray(BH, (T + 1) * BH),
      hT: hs.subarray(T * BH, (T + 1) * BH),
      cT: null,
      probeNames: ['h', ...gateNames],
      probe(name: string): Arr | null {
        if (name === 'h') return hs.slice(BH, (T + 1) * BH);
        const k = gateNames.indexOf(name);
        return k < 0 ? null : gateSlice(xz, T * B, H, 3, k);
      },
      backward: (dOut: Arr, dX: Arr | null, onStep?: StepGradient) => layer.backward(w, T, B, x, dOut, dX, onStep),
    };
  }

  private backward(w: ReturnType<typeof workspace>, T: number, B: number, x: Arr, dOut: Arr, dX: Arr | null, onStep?: StepGradient): Arr {
    const { backend: be, hidden: H } = this;
    const G = 3 * H;
    const BH = B * H;
    const { dh, dzi, dzh } = w;
    dh.fill(0, 0, BH);
    const tmp = onStep ? new Float64Array(BH) : null;
    for (let t = T - 1; t >= 0; t--) {
      if (onStep) reportStep(onStep, t, dOut, dh, BH, tmp!);
      const xt = w.xzt[t];
      const ht = w.hzt[t];
      const hprev = w.ht[t];
      const di = w.dzit[t];
      const dhh = w.dzht[t];
      const s = t * BH;
      for (let b = 0; b < B; b++) {
        const gb = b * G;
        const hb = b * H;
        for (let j = 0; j < H; j++) {
          const k = hb + j;
          const r = xt[gb + j];
          const z = xt[gb + H + j];
          const n = xt[gb + 2 * H + j];
          const dht = dOut[s + k] + dh[k];
          const dnPre = dht * (1 - z) * (1 - n * n);
          const dzPre = dht * (hprev[k] - n) * z * (1 - z);
          const drPre = dnPre * ht[gb + 2 * H + j] * r * (1 - r);
          di[gb + j] = drPre;
          di[gb + H + j] = dzPre;
          di[gb + 2 * H + j] = dnPre;
          dhh[gb + j] = drPre;
          dhh[gb + H + j] = dzPre;
          dhh[gb + 2 * H + j] = dnPre * r;
          // The direct path h_t = … + z ⊙ h_{t-1}; the product below adds the gated paths.
          dh[k] = dht * z;
        }
      }
      be.matmulNN(dhh, this.wHh.data, dh, B, H, G, true);
    }
    addCellGrads(be, this.params, dzi, dzh, x, w.hs.subarray(0, T * BH), T * B, dX);
    return dh;
  }
}
