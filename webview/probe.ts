/**
 * The probed text shared by the hidden-state heatmap, the activations over
 * text and the gate views: one request to the host reads a span through the
 * model and records every layer's h (and c, gates) at every step.
 */
import type { ProbeGrid, ToPanel } from '../src/protocol/panel';
import type { Ctx } from './context';
import { button, checkbox, h, labelled, numberInput } from './dom';
import { t } from './i18n';
import { colorMap, type ColorMap, type Theme } from './theme';

export type ProbeMsg = Extract<ToPanel, { type: 'probe' }>;

export interface Grid {
  steps: number;
  H: number;
  data: Float32Array;
}

const GATE_NAMES: Record<string, string> = {
  h: 'h (hidden state)',
  c: 'c (cell state)',
  i: 'i (input gate)',
  f: 'f (forget gate)',
  g: 'g (cell candidate)',
  o: 'o (output gate)',
  r: 'r (reset gate)',
  z: 'z (update gate)',
  n: 'n (new state candidate)',
};

export const quantityLabel = (q: string): string => t(GATE_NAMES[q] ?? q);
/** Gates in (0,1) whose saturation is meaningful. */
export const isGate = (q: string): boolean => ['i', 'f', 'o', 'r', 'z'].includes(q);

export function toGrid(g: ProbeGrid): Grid {
  return { steps: g.steps, H: g.H, data: g.data instanceof Float32Array ? g.data : Float32Array.from(g.data) };
}

/** The colour scale a quantity is drawn with: gates in [0,1], h/g/n in [−1,1], c symmetric about 0 over its range. */
export function scaleFor(q: string, g: Grid, theme: Theme): ColorMap {
  if (isGate(q)) return colorMap('sequential', 0, 1, theme);
  if (q === 'c') {
    let m = 0;
    for (let i = 0; i < g.data.length; i++) m = Math.max(m, Math.abs(g.data[i]));
    return colorMap('diverging', -(m || 1), m || 1, theme);
  }
  return colorMap('diverging', -1, 1, theme);
}

export class ProbeStore {
  msg: ProbeMsg | null = null;
  private grids = new Map<string, Grid>();
  private pending = -1;

  /** A reply is on its way. */
  get busy(): boolean {
    return this.pending !== -1;
  }
  private readonly listeners: Array<() => void> = [];
  /** The toolbar (one element, moved into whichever probe view is shown). */
  readonly bar: HTMLElement;
  private readonly info = h('span', { class: 'probe-info', 'aria-live': 'polite' });

  constructor(private readonly ctx: Ctx) {
    const p = ctx.state.probe;
    const custom = h('textarea', { rows: 2, class: 'custom-text', placeholder: t('Text to read through the model'), 'aria-label': t('Text to read through the model') });
    custom.value = p.custom;
    custom.hidden = !p.useCustom;
    custom.addEventListener('change', () => {
      p.custom = custom.value;
      ctx.save();
    });
    this.bar = h(
      'div',
      { class: 'toolbar probe-bar', role: 'toolbar', 'aria-label': t('Text to inspect') },
      button(t('Read editor text'), 'book', () => this.request(), { title: t('Read the selection (or the visible lines) of the editor through the active model') }),
      checkbox(t('Use my own text'), p.useCustom, (v) => {
        p.useCustom = v;
        custom.hidden = !v;
        ctx.save();
      }),
      labelled(
        t('Max steps'),
        numberInput(p.maxSteps, { min: 16, max: 4096, step: 16 }, (v) => {
          p.maxSteps = v;
          ctx.save();
        }),
      ),
      this.info,
      custom,
    );
  }

  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  /** Asks the host to read text; `text` re-reads a saved span (after a reload). */
  request(text?: string): void {
    const p = this.ctx.state.probe;
    const id = this.ctx.nextId();
    this.pending = id;
    const body = text ?? (p.useCustom && p.custom ? p.custom : undefined);
    this.ctx.post({ type: 'probe', id, text: body, maxSteps: p.maxSteps });
    this.ctx.status(t('Reading text through the model…'), 'busy');
  }

  onMessage(m: ToPanel): void {
    if (m.type === 'error' && m.id === this.pending) this.pending = -1;
    if (m.type !== 'probe') return;
    if (this.pending !== -1 && m.id !== this.pending) return; // a newer request is on its way
    this.pending = -1;
    this.msg = m;
    this.grids.clear();
    const p = this.ctx.state.probe;
    p.lastText = m.text.length <= 20_000 ? m.text : null;
    if (p.layer >= m.layers.length) p.layer = 0;
    if (!m.layers[p.layer][p.quantity]) p.quantity = 'h';
    if (p.unit >= this.H) p.unit = 0;
    if (p.span && p.span[1] >= m.tokens.length) p.span = null;
    this.ctx.save();
    this.info.textContent = t('{0} steps from {1}', m.tokens.length, m.source);
    this.ctx.status(t('Read {0} steps from {1}', m.tokens.length, m.source));
    for (const f of this.listeners) f();
  }

  get H(): number {
    const l = this.msg?.layers[0];
    return l ? Object.values(l)[0].H : 0;
  }

  get steps(): number {
    return this.msg?.tokens.length ?? 0;
  }

  quantities(layer: number): string[] {
    const l = this.msg?.layers[layer];
    return l ? Object.keys(l) : [];
  }

  grid(layer: number, q: string): Grid | null {
    const key = `${layer}/${q}`;
    let g = this.grids.get(key);
    const src = this.msg?.layers[layer]?.[q];
    if (!g && src) this.grids.set(key, (g = toGrid(src)));
    return g ?? null;
  }
}

/** Per-unit mean and variance over steps. */
export function unitStats(g: Grid): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(g.H);
  const sq = new Float64Array(g.H);
  for (let t = 0; t < g.steps; t++) {
    for (let j = 0; j < g.H; j++) {
      const v = g.data[t * g.H + j];
      mean[j] += v;
      sq[j] += v * v;
    }
  }
  const variance = new Float64Array(g.H);
  for (let j = 0; j < g.H; j++) {
    mean[j] /= g.steps || 1;
    variance[j] = Math.max(0, sq[j] / (g.steps || 1) - mean[j] ** 2);
  }
  return { mean, variance };
}

/**
 * The units most selective for steps [a, b] (LSTMVis's "match"): the effect
 * size (mean inside − mean outside) / standard deviation, largest |score| first.
 */
export function selectiveUnits(g: Grid, a: number, b: number, n = 10): Array<{ unit: number; score: number; inside: number; outside: number }> {
  const { H, steps } = g;
  const inN = b - a + 1;
  const outN = steps - inN;
  const { variance } = unitStats(g);
  const out: Array<{ unit: number; score: number; inside: number; outside: number }> = [];
  for (let j = 0; j < H; j++) {
    let si = 0;
    let so = 0;
    for (let t = 0; t < steps; t++) {
      const v = g.data[t * H + j];
      if (t >= a && t <= b) si += v;
      else so += v;
    }
    const inside = si / inN;
    const outside = outN > 0 ? so / outN : 0;
    out.push({ unit: j, score: (inside - outside) / Math.sqrt(variance[j] + 1e-6), inside, outside });
  }
  return out.sort((x, y) => Math.abs(y.score) - Math.abs(x.score)).slice(0, n);
}

/** Per unit, the fraction of steps a gate is below 0.1 (left-saturated) and above 0.9 (right-saturated). */
export function saturation(g: Grid): { left: Float64Array; right: Float64Array } {
  const left = new Float64Array(g.H);
  const right = new Float64Array(g.H);
  for (let t = 0; t < g.steps; t++) {
    for (let j = 0; j < g.H; j++) {
      const v = g.data[t * g.H + j];
      if (v < 0.1) left[j]++;
      else if (v > 0.9) right[j]++;
    }
  }
  for (let j = 0; j < g.H; j++) {
    left[j] /= g.steps || 1;
    right[j] /= g.steps || 1;
  }
  return { left, right };
}
