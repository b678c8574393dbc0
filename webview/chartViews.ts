/**
 * Gate saturation (a scatter per layer) and gradient flow through time
 * (‖∂loss_t/∂h_{t−k}‖ against k), both drawn with uPlot.
 */
import uPlot from 'uplot';
import type { CellName, GradientSeries, ToPanel } from '../src/protocol/panel';
import type { Ctx, View } from './context';
import { button, checkbox, clear, fmt, h, labelled, numberInput } from './dom';
import { t } from './i18n';
import { align } from './lossView';
import { isGate, quantityLabel, saturation, type ProbeStore } from './probe';
import { axis, withAlpha } from './theme';

/**
 * Grid lines of a log axis at whole decades only, every 1, 2, 5, 10… of them so that lines stay
 * at least 32 px apart, each with its label (uPlot's default adds 2…9 × 10^k: a solid band over
 * twenty decades, and it drops labels closer than 30 px).
 */
export function decadeSplits(u: uPlot, _axis: number, min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const fit = Math.max(1, Math.floor(u.bbox.height / devicePixelRatio / 32));
  const step = [1, 2, 5, 10, 20, 50].find((s) => (hi - lo) / s <= fit) ?? 100;
  const out: number[] = [];
  for (let k = Math.ceil(lo / step) * step; k <= hi; k += step) {
    const v = 10 ** k;
    if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.push(v);
  }
  return out;
}

/** uPlot paths builder that draws each (x, y) of a faceted series as a dot. */
function dots(radius: number): uPlot.Series.PathBuilder {
  return (u, si) => {
    const [xs, ys] = u.data[si] as unknown as [number[], number[]];
    const p = new Path2D();
    const r = radius * devicePixelRatio;
    for (let i = 0; i < xs.length; i++) {
      const cx = u.valToPos(xs[i], 'x', true);
      const cy = u.valToPos(ys[i], 'y', true);
      p.moveTo(cx + r, cy);
      p.arc(cx, cy, r, 0, 2 * Math.PI);
    }
    return { stroke: p, fill: p };
  };
}

const GATE_COLORS: Record<string, number> = { i: 1, f: 0, o: 2, r: 4, z: 3 };

export class GatesView implements View {
  readonly id = 'gates' as const;
  readonly root = h('section', { class: 'view gates-view' });
  private readonly charts = h('div', { class: 'gate-charts' });
  private readonly readout = h('p', { class: 'readout', 'aria-live': 'polite' });
  private readonly empty = h('p', { class: 'empty' });
  private plots: uPlot[] = [];

  constructor(
    private readonly ctx: Ctx,
    private readonly store: ProbeStore,
  ) {
    this.root.append(
      h('p', { class: 'explain', text: t('Each dot is one unit: how often its gate is nearly shut (< 0.1, left-saturated) and nearly open (> 0.9, right-saturated) over the text read. Units near the top-left axis act as switches; a forget gate that is mostly open keeps memory for long.') }),
      this.empty,
      this.charts,
      this.readout,
    );
    store.onChange(() => this.root.offsetParent && this.render());
  }

  onShow(): void {
    this.root.prepend(this.store.bar);
    this.render();
  }

  onTheme(): void {
    if (this.root.offsetParent) this.render();
  }

  private render(): void {
    for (const p of this.plots) p.destroy();
    this.plots = [];
    clear(this.charts);
    const msg = this.store.msg;
    if (!msg) {
      this.empty.textContent = t('Read some text through the model to measure its gates.');
      this.empty.hidden = false;
      return;
    }
    const gates = this.store.quantities(0).filter(isGate);
    if (gates.length === 0) {
      this.empty.textContent = t('A plain RNN has no gates. Train an LSTM or a GRU to see them here.');
      this.empty.hidden = false;
      return;
    }
    this.empty.hidden = true;
    const th = this.ctx.theme;
    const width = Math.max(240, Math.min(420, Math.floor((this.root.clientWidth - 16) / Math.min(2, msg.layers.length)) - 16));
    msg.layers.forEach((_, layer) => {
      const data: uPlot.AlignedData = [null as unknown as number[]];
      const series: uPlot.Series[] = [{}];
      for (const q of gates) {
        const g = this.store.grid(layer, q);
        if (!g) continue;
        const s = saturation(g);
        (data as unknown as Array<[number[], number[]]>).push([Array.from(s.left), Array.from(s.right)]);
        const color = th.series[GATE_COLORS[q] ?? 0];
        series.push({ label: quantityLabel(q), stroke: color, fill: withAlpha(color, 0.45), paths: dots(3.5), points: { show: false } });
      }
      const box = h('figure', { class: 'gate-chart', tabindex: 0, role: 'img', 'aria-label': t('Gate saturation, layer {0}', layer + 1) }, h('figcaption', { text: t('layer {0}', layer + 1) }));
      this.charts.append(box);
      const opts: uPlot.Options = {
        mode: 2,
        width,
        height: width,
        scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
        axes: [axis(th, t('fraction of steps < 0.1 (left-saturated)')), axis(th, t('fraction of steps > 0.9 (right-saturated)'))],
        series,
        legend: { show: true, live: false },
        cursor: { points: { show: false }, drag: { x: false, y: false } },
        hooks: { setCursor: [(u) => this.nearest(u, layer, gates)] },
      };
      this.plots.push(new uPlot(opts, data, box));
    });
  }

  /** Names the unit under the pointer. */
  private nearest(u: uPlot, layer: number, gates: string[]): void {
    const { left, top } = u.cursor;
    if (left == null || top == null || left < 0) return;
    let best: { d: number; gate: string; unit: number; x: number; y: number } | null = null;
    for (let si = 1; si < u.series.length; si++) {
      const [xs, ys] = u.data[si] as unknown as [number[], number[]];
      for (let i = 0; i < xs.length; i++) {
        const d = Math.hypot(u.valToPos(xs[i], 'x') - left, u.valToPos(ys[i], 'y') - top);
        if (d < 10 && (!best || d < best.d)) best = { d, gate: gates[si - 1], unit: i, x: xs[i], y: ys[i] };
      }
    }
    if (best) this.readout.textContent = t('layer {0} · {1} · unit {2}: left-saturated {3}, right-saturated {4}', layer + 1, quantityLabel(best.gate), best.unit, fmt(best.x, 2), fmt(best.y, 2));
  }
}

const CELL_COLOR: Record<CellName, number> = { rnn: 4, lstm: 0, gru: 2 };

export class GradientView implements View {
  readonly id = 'gradient' as const;
  readonly root = h('section', { class: 'view gradient-view' });
  private readonly chartBox = h('div', { class: 'chart-box', tabindex: 0, role: 'img' });
  private readonly list = h('ul', { class: 'run-list', 'aria-label': t('Measured series') });
  private readonly empty = h('p', { class: 'empty', text: t('Measure how far the gradient reaches back in time: press "Measure active model". Compare with freshly initialised RNN, LSTM and GRU of the same size to see the plain RNN\'s gradient vanish.') });
  private plot: uPlot | null = null;
  private pending = -1;

  constructor(private readonly ctx: Ctx) {
    const g = ctx.state.grad;
    const toolbar = h(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': t('Gradient flow options') },
      button(t('Measure active model'), 'pulse', () => this.measure(false)),
      button(t('Compare RNN, LSTM, GRU'), 'compare-changes', () => this.measure(true), { title: t('Also measure freshly initialised RNN, LSTM and GRU models of the same size') }),
      labelled(
        t('Steps back (k)'),
        numberInput(g.maxK, { min: 4, max: 512, step: 4 }, (v) => {
          g.maxK = v;
          ctx.save();
        }),
      ),
      checkbox(t('Relative to k = 0'), g.normalize, (v) => {
        g.normalize = v;
        ctx.save();
        this.render();
      }),
      h('span', { class: 'spacer' }),
      button(t('Clear'), 'clear-all', () => {
        g.series = [];
        ctx.save();
        this.render();
      }),
    );
    this.chartBox.setAttribute('aria-label', t('Gradient norm against steps back, logarithmic'));
    this.root.append(
      toolbar,
      h('p', { class: 'explain', text: t('‖∂loss_t / ∂h_(t−k)‖: how much the loss at one step depends on the hidden state k steps earlier, averaged over windows of the editor text. A straight falling line on this log scale is an exponentially vanishing gradient.') }),
      this.empty,
      h('div', { class: 'loss-body' }, this.chartBox, h('div', { class: 'side' }, this.list)),
    );
    new ResizeObserver(() => this.plot && this.chartBox.clientWidth && this.plot.setSize({ width: this.chartBox.clientWidth, height: 360 })).observe(this.chartBox);
  }

  onShow(): void {
    this.render();
  }

  onTheme(): void {
    if (this.root.offsetParent) this.render();
  }

  private measure(compare: boolean): void {
    const id = this.ctx.nextId();
    this.pending = id;
    this.ctx.post({ type: 'gradientFlow', id, maxK: this.ctx.state.grad.maxK, compare });
    this.ctx.status(t('Measuring gradient flow…'), 'busy');
  }

  onMessage(m: ToPanel): void {
    if (m.type !== 'gradientFlow' || (this.pending !== -1 && m.id !== this.pending)) return;
    this.pending = -1;
    const g = this.ctx.state.grad;
    const labels = new Set(m.series.map((s) => s.label));
    g.series = [...g.series.filter((s) => !labels.has(s.label)), ...m.series];
    this.ctx.save();
    this.ctx.status(t('Gradient flow measured over {0} windows', m.windows));
    if (this.root.offsetParent) this.render();
  }

  private render(): void {
    const g = this.ctx.state.grad;
    this.plot?.destroy();
    this.plot = null;
    clear(this.list);
    this.empty.hidden = g.series.length > 0;
    this.chartBox.hidden = g.series.length === 0;
    if (!g.series.length) return;
    const th = this.ctx.theme;
    const cols = g.series.map((s: GradientSeries) => {
      const base = g.normalize ? s.norms[0] || 1 : 1;
      // log scale: zeros (beyond the text) are dropped
      const pts = s.norms.map((v, k) => [k, v / base] as const).filter(([, v]) => v > 0);
      return { x: Float64Array.from(pts, (p) => p[0]), y: Float64Array.from(pts, (p) => p[1]) };
    });
    const series: uPlot.Series[] = [{ label: 'k' }];
    g.series.forEach((s) => {
      const fresh = s.fresh;
      const color = th.series[CELL_COLOR[s.cell]];
      series.push({ label: s.label, stroke: color, width: fresh ? 1.5 : 2.5, dash: fresh ? [6, 4] : undefined, spanGaps: true, points: { show: false }, value: (_u, v) => (v == null ? '–' : fmt(v, 3)) });
      const sw = h('span', { class: `swatch c${CELL_COLOR[s.cell]}`, 'aria-hidden': 'true' });
      const at = (k: number) => (s.norms[k] !== undefined && s.norms[0] ? fmt(s.norms[k] / s.norms[0], 2) : '–');
      this.list.append(h('li', { class: 'run' }, h('span', {}, sw, h('span', { class: 'run-label', text: s.label })), h('span', { class: 'run-meta', text: t('k = 10: {0} · k = 30: {1} (relative)', at(10), at(30)) })));
    });
    const opts: uPlot.Options = {
      width: Math.max(240, this.chartBox.clientWidth || 600),
      height: 360,
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: [axis(th, t('steps back (k)')), axis(th, g.normalize ? t('gradient norm relative to k = 0') : t('gradient norm'), (_u, vals) => vals.map((v) => (v == null ? '' : v.toExponential(0))), decadeSplits)],
      series,
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
    };
    this.plot = new uPlot(opts, align(cols), this.chartBox);
  }
}
