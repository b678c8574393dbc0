import type { Arr, Backend } from '../backend/backend';
import type { CellType } from './config';
import { cellParams, initCell, type Param } from './param';
import type { Rng } from '../rng';

/**
 * One recurrent layer unrolled over T steps for B streams. Inside, arrays are
 * time-major: row t·B + b is stream b at step t, so each step's rows are one
 * contiguous block and the per-step product h·W_hhᵀ needs no gathering.
 */
export interface RecurrentLayer {
  readonly cell: CellType;
  readonly hidden: number;
  readonly inputSize: number;
  readonly params: Param[];
  /** PyTorch's default initialisation, U(−1/√H, 1/√H). */
  init(rng: Rng): void;
  /** Runs the layer over x [T·B, in]; h0/c0 [B,H] are the carried state (c0 only for LSTM). */
  forward(x: Arr, T: number, B: number, h0: Arr, c0: Arr | null): UnrolledLayer;
}

/** The record of one forward pass, enough for backward and for inspection. */
export interface UnrolledLayer {
  readonly T: number;
  readonly B: number;
  /** Outputs h_1..h_T, [T·B, H]. */
  readonly output: Arr;
  /** Final state, [B,H] views (valid until the next forward of the same shape). */
  readonly hT: Arr;
  readonly cT: Arr | null;
  /** Per-step internals for inspection: name -> [T·B, H] (e.g. i, f, g, o, c for LSTM). */
  probe(name: string): Arr | null;
  readonly probeNames: readonly string[];
  /**
   * Backpropagates dOutput [T·B, H] (consumed: it may be overwritten), adds the
   * parameter gradients, writes dX [T·B, in] when given, and returns ∂loss/∂h0 [B,H].
   * `onStep`, when given, sees the total ∂loss/∂h_t [B,H] of each output step, t = T−1 down to 0
   * (a view valid only during the call): what the gradient-flow-through-time view measures.
   */
  backward(dOutput: Arr, dX: Arr | null, onStep?: StepGradient): Arr;
}

/** Receives ∂loss/∂h_t [B,H] for output step t during backward. */
export type StepGradient = (t: number, dh: Arr) => void;

/** Calls onStep with dOut's block t plus the carried dh (∂loss/∂h_t in total); `tmp` is [B·H] scratch. */
export function reportStep(onStep: StepGradient, t: number, dOut: Arr, dh: Arr, BH: number, tmp: Float64Array): void {
  const s = t * BH;
  for (let k = 0; k < BH; k++) tmp[k] = dOut[s + k] + dh[k];
  onStep(t, tmp.subarray(0, BH));
}

/** Buffers reused across passes of one shape, so training allocates nothing per step. */
export class ShapeCache<W> {
  private readonly map = new Map<string, W>();
  constructor(private readonly make: (T: number, B: number) => W) {}
  get(T: number, B: number): W {
    const key = `${T}x${B}`;
    let w = this.map.get(key);
    if (!w) this.map.set(key, (w = this.make(T, B)));
    return w;
  }
}

/** Views of consecutive blocks of `size` elements: blocks(a, n, size)[t] = a[t·size, (t+1)·size). */
export function blocks(a: Arr, n: number, size: number): Arr[] {
  const out: Arr[] = [];
  for (let t = 0; t < n; t++) out.push(a.subarray(t * size, (t + 1) * size));
  return out;
}

export function allocAll(backend: Backend, sizes: number[]): Arr[] {
  return sizes.map((n) => backend.alloc(n));
}

/**
 * What every recurrent cell shares: PyTorch's four tensors for `gates` gate blocks (W_ih, W_hh,
 * b_ih, b_hh), their initialisation, and workspaces of type W reused per (T, B) shape.
 */
export abstract class CellLayer<W> implements RecurrentLayer {
  abstract readonly cell: CellType;
  readonly params: Param[];
  protected readonly wIh: Param;
  protected readonly wHh: Param;
  protected readonly bIh: Param;
  protected readonly bHh: Param;
  protected readonly ws: ShapeCache<W>;

  constructor(
    protected readonly backend: Backend,
    readonly layer: number,
    readonly inputSize: number,
    readonly hidden: number,
    gates: number,
    workspace: (backend: Backend, H: number, T: number, B: number) => W,
  ) {
    [this.wIh, this.wHh, this.bIh, this.bHh] = cellParams(backend, layer, gates, inputSize, hidden);
    this.params = [this.wIh, this.wHh, this.bIh, this.bHh];
    this.ws = new ShapeCache((T, B) => workspace(backend, hidden, T, B));
  }

  init(rng: Rng): void {
    initCell(this.params, this.hidden, rng);
  }

  abstract forward(x: Arr, T: number, B: number, h0: Arr, c0: Arr | null): UnrolledLayer;
}

/** Copies gate k of a [rows, gates·H] array into a fresh [rows, H] array. */
export function gateSlice(z: Arr, rows: number, H: number, gates: number, k: number): Float32Array {
  const out = new Float32Array(rows * H);
  for (let r = 0; r < rows; r++) {
    const src = r * gates * H + k * H;
    for (let j = 0; j < H; j++) out[r * H + j] = z[src + j];
  }
  return out;
}
