/**
 * Loss curves, live while training: every run of the session overlaid, train
 * (smoothed, raw faint behind) and validation, against steps, characters seen
 * or wall time. Drawn by uPlot, which decimates to the pixel and stays smooth
 * with hundreds of thousands of points.
 */
import uPlot from 'uplot';
import type { RunStatus, ToPanel, TokenizerName } from '../src/protocol/panel';
import type { Ctx, View, XAxis } from './context';
import { button, checkbox, clear, fmt, group, h, icon, labelled, select } from './dom';
import { t } from './i18n';
import { axis, withAlpha } from './theme';

/** A growable column of float64 values. */
class Column {
  a = new Float64Array(256);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  get view(): Float64Array {
    return this.a.subarray(0, this.n);
  }
}

interface Series {
  step: Column;
  chars: Column;
  secs: Column;
  loss: Column;
}
const series = (): Series => ({ step: new Column(), chars: new Column(), secs: new Column(), loss: new Column() });

interface Run {
  key: string;
  label: string;
  cell: string;
  tokenizer: TokenizerName;
  status: RunStatus;
  color: number;
  train: Series;
  val: Series;
}

const LN2 = Math.LN2;

/** TensorBoard's smoothing: an exponential moving average, debiased at the start. */
export function smooth(y: Float64Array, w: number): Float64Array {
  if (w <= 0) return y;
  const out = new Float64Array(y.length);
  let last = 0;
  let debias = 1;
  for (let i = 0; i < y.length; i++) {
    last = last * w + (1 - w) * y[i];
    debias *= w;
    out[i] = last / (1 - debias);
  }
  return out;
}

/** Sorted union of several sorted x columns, and each y column spread over it (null where a series has no point). */
export function align(cols: Array<{ x: Float64Array; y: Float64Array }>): uPlot.AlignedData {
  // Series often share one x column (a run's raw and smoothed train loss): merge each column once.
  const xcols = new Set(cols.map((c) => c.x));
  let total = 0;
  for (const x of xcols) total += x.length;
  const all = new Float64Array(total);
  let o = 0;
  for (const x of xcols) {
    all.set(x, o);
    o += x.length;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[n - 1]) all[n++] = all[i];
  const xs = all.slice(0, n);
  const ys = cols.map((c) => {
    // A series with a point at every x needs no gaps: its own typed array (fast to scan and draw), uncopied.
    if (c.x.length === n) return c.y as unknown as number[];
    const y: Array<number | null> = new Array(n).fill(null);
    let j = 0;
    for (let i = 0; i < c.x.length; i++) {
      while (xs[j] < c.x[i]) j++;
      y[j] = c.y[i];
    }
    return y;
  });
  return [xs as unknown as number[], ...ys];
}

export class LossView implements View {
  readonly id = 'loss' as const;
  readonly root = h('section', { class: 'view loss-view' });
  private readonly runs = new Map<string, Run>();

  /** Points held for plotting, over every run (train and validation). */
  pointCount(): number {
    let n = 0;
    for (const r of this.runs.values()) n += r.train.step.n + r.val.step.n;
    return n;
  }
  private readonly runList = h('ul', { class: 'run-list', 'aria-label': t('Runs') });
  /** Each listed run's meta text ("LSTM · train x · val y"), updated in place as metrics arrive. */
  private readonly metaTexts = new Map<string, Text>();
  private readonly chartBox = h('div', { class: 'chart-box', tabindex: 0, role: 'img' });
  private readonly empty = h('p', { class: 'empty' }, icon('graph-line'), ' ', t('No training runs yet. Start one with "Recurrent Lab: Train on Current Document"; its loss appears here live.'));
  private readonly unitSelect: HTMLSelectElement;
  private plot: uPlot | null = null;
  /** Data shape the plot was built for (series count and options); a change rebuilds it. */
  private built = '';
  private zoomed = false;
  private dirty = false;
  private frame = 0;

  constructor(private readonly ctx: Ctx) {
    const s = ctx.state.loss;
    const smoothing = h('input', { type: 'range', min: 0, max: 0.99, step: 0.01, value: s.smoothing, 'aria-label': t('Smoothing') });
    const smoothOut = h('output', { text: s.smoothing.toFixed(2) });
    smoothing.addEventListener('input', () => {
      s.smoothing = Number(smoothing.value);
      smoothOut.textContent = s.smoothing.toFixed(2);
      this.redraw();
      ctx.save();
    });
    this.unitSelect = select<'nats' | 'bpc'>([['nats', t('nats per token')], ['bpc', t('bits per character')]], s.bpc ? 'bpc' : 'nats', (v) => {
      s.bpc = v === 'bpc';
      this.redraw();
      ctx.save();
    });
    const toolbar = h(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': t('Loss chart options') },
      group(t('Smoothing'), smoothing, smoothOut),
      labelled(
        t('X axis'),
        select<XAxis>([['step', t('step')], ['chars', t('characters seen')], ['time', t('wall time')]], s.x, (v) => {
          s.x = v;
          this.zoomed = false;
          this.redraw();
          ctx.save();
        }),
      ),
      labelled(t('Loss in'), this.unitSelect),
      checkbox(t('Log scale'), s.log, (v) => {
        s.log = v;
        this.redraw();
        ctx.save();
      }),
      checkbox(t('Validation'), s.showVal, (v) => {
        s.showVal = v;
        this.redraw();
        ctx.save();
      }),
      h('span', { class: 'spacer' }),
      button(t('Reset zoom'), 'zoom-out', () => this.resetZoom(), { 'aria-keyshortcuts': '0' }),
      button(t('Export CSV'), 'export', () => this.exportCsv()),
      button(t('Export PNG'), 'file-media', () => this.exportPng()),
    );
    this.chartBox.setAttribute('aria-label', t('Loss chart. Keys: + and - zoom, arrows pan, 0 resets.'));
    this.chartBox.addEventListener('keydown', (e) => this.key(e));
    this.root.append(toolbar, h('div', { class: 'loss-body' }, this.chartBox, h('div', { class: 'side' }, h('h3', { text: t('Runs') }), this.runList)), this.empty);
    new ResizeObserver(() => this.resize()).observe(this.chartBox);
    this.update();
  }

  onMessage(m: ToPanel): void {
    if (m.type === 'run') {
      let r = this.runs.get(m.run);
      if (!r) {
        r = { key: m.run, label: m.label, cell: m.cell, tokenizer: m.tokenizer, status: m.status, color: this.runs.size, train: series(), val: series() };
        this.runs.set(m.run, r);
      }
      Object.assign(r, { label: m.label, cell: m.cell, tokenizer: m.tokenizer, status: m.status });
      this.update();
    } else if (m.type === 'metrics') {
      const r = this.runs.get(m.run);
      if (!r) return;
      for (const [src, dst] of [[m.train, r.train], [m.val, r.val]] as const) {
        for (let i = 0; i + 3 < src.length; i += 4) {
          dst.step.push(src[i]);
          dst.chars.push(src[i + 1]);
          dst.secs.push(src[i + 2]);
          dst.loss.push(src[i + 3]);
        }
      }
      this.dirty = true;
      this.schedule();
    }
  }

  onShow(): void {
    this.resize();
  }

  onTheme(): void {
    this.built = '';
    this.update();
  }

  /** Coalesces bursts of metric messages into one redraw per frame. */
  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (this.dirty) this.refresh();
    });
  }

  private visibleRuns(): Run[] {
    return [...this.runs.values()].filter((r) => !this.ctx.state.loss.hidden.includes(r.key));
  }

  /** Rebuilds the run list and the chart: when the set of runs, a run's status or the theme changes. */
  private update(): void {
    this.dirty = false;
    this.renderRunList();
    this.redraw();
  }

  /** New metrics only: the latest losses in the run list (in place, so focus stays put) and the chart. */
  private refresh(): void {
    this.dirty = false;
    for (const r of this.runs.values()) {
      const node = this.metaTexts.get(r.key);
      const text = this.metaText(r);
      if (node && node.data !== text) node.data = text;
    }
    this.redraw();
  }

  private metaText(r: Run): string {
    const last = r.train.loss.n ? r.train.loss.a[r.train.loss.n - 1] : NaN;
    const lastVal = r.val.loss.n ? r.val.loss.a[r.val.loss.n - 1] : NaN;
    return ` ${r.cell.toUpperCase()} · ${t('train')} ${fmt(last)} · ${t('val')} ${fmt(lastVal)}`;
  }

  private renderRunList(): void {
    clear(this.runList);
    this.metaTexts.clear();
    const colors = this.ctx.theme.series;
    for (const r of this.runs.values()) {
      const shown = !this.ctx.state.loss.hidden.includes(r.key);
      const box = h('input', { type: 'checkbox', checked: shown, 'aria-label': t('Show run {0}', r.label) });
      box.addEventListener('change', () => {
        const hidden = this.ctx.state.loss.hidden.filter((k) => k !== r.key);
        if (!box.checked) hidden.push(r.key);
        this.ctx.state.loss.hidden = hidden;
        this.ctx.save();
        this.redraw();
      });
      const swatch = h('span', { class: `swatch c${r.color % colors.length}`, 'aria-hidden': 'true' });
      const statusIcon = { running: 'sync~spin', done: 'pass', cancelled: 'circle-slash', failed: 'error' }[r.status];
      const meta = document.createTextNode(this.metaText(r));
      this.metaTexts.set(r.key, meta);
      this.runList.append(
        h(
          'li',
          { class: 'run' },
          h('label', {}, box, swatch, h('span', { class: 'run-label', text: r.label })),
          h(
            'span',
            { class: 'run-meta' },
            h('span', { class: `codicon codicon-${statusIcon}`, title: t(r.status), 'aria-label': t(r.status) }),
            meta,
          ),
        ),
      );
    }
    this.empty.hidden = this.runs.size > 0;
    this.chartBox.hidden = this.runs.size === 0;
  }

  /** bpc only when every shown run reads characters (and the bpc option is enabled only then). */
  private useBpc(): boolean {
    const runs = this.visibleRuns();
    const allChar = runs.length > 0 && runs.every((r) => r.tokenizer === 'char');
    const bpc = this.unitSelect.querySelector<HTMLOptionElement>('option[value="bpc"]')!;
    bpc.disabled = !allChar;
    return allChar && this.ctx.state.loss.bpc;
  }

  private xOf(s: Series): Float64Array {
    const x = this.ctx.state.loss.x;
    return (x === 'step' ? s.step : x === 'chars' ? s.chars : s.secs).view;
  }

  private buildData(bpc: boolean): { data: uPlot.AlignedData; series: uPlot.Series[] } {
    const st = this.ctx.state.loss;
    const scale = bpc ? 1 / LN2 : 1;
    const colors = this.ctx.theme.series;
    const cols: Array<{ x: Float64Array; y: Float64Array }> = [];
    const ser: uPlot.Series[] = [];
    const scaled = (y: Float64Array) => (scale === 1 ? y : y.map((v) => v * scale));
    for (const r of this.visibleRuns()) {
      const c = colors[r.color % colors.length];
      const x = this.xOf(r.train);
      const raw = scaled(r.train.loss.view);
      if (st.smoothing > 0) {
        cols.push({ x, y: raw });
        ser.push({ label: `${r.label} ${t('raw')}`, stroke: withAlpha(c, this.ctx.theme.faint), width: this.ctx.theme.line, spanGaps: true, points: { show: false } });
      }
      // Width 1 everywhere: a hairline is the canvas's fast path (wider strokes cost ~3x the raster time at 100k points).
      cols.push({ x, y: smooth(raw, st.smoothing) });
      ser.push({ label: `${r.label} ${t('train')}`, stroke: c, width: this.ctx.theme.line, spanGaps: true, points: { show: false } });
      if (st.showVal && r.val.loss.n) {
        cols.push({ x: this.xOf(r.val), y: scaled(r.val.loss.view) });
        ser.push({ label: `${r.label} ${t('val')}`, stroke: c, width: this.ctx.theme.line, dash: [5, 4], spanGaps: true, points: { show: true, size: 5, fill: c } });
      }
    }
    return { data: align(cols), series: ser };
  }

  private xLabel(): string {
    const x = this.ctx.state.loss.x;
    return x === 'step' ? t('step') : x === 'chars' ? t('characters seen') : t('wall time');
  }

  private formatX(v: number): string {
    const x = this.ctx.state.loss.x;
    if (v == null) return '–';
    if (x === 'time') {
      const s = Math.round(v);
      return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
    }
    if (x === 'chars') return v >= 1e6 ? `${(v / 1e6).toFixed(v >= 1e7 ? 0 : 1)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(v >= 1e4 ? 0 : 1)}k` : String(v);
    return String(Math.round(v));
  }

  /** Rebuilds or refreshes the plot from the runs and the options. */
  redraw(): void {
    if (this.runs.size === 0 || this.chartBox.hidden) {
      this.plot?.destroy();
      this.plot = null;
      this.built = '';
      return;
    }
    const st = this.ctx.state.loss;
    const bpc = this.useBpc();
    const { data, series: ser } = this.buildData(bpc);
    const yUnit = bpc ? t('bits per character') : t('nats per token');
    // No theme in the key: onTheme() clears `built`, so a theme change always rebuilds.
    const shape = JSON.stringify([ser.map((s) => s.label), st.log, st.x, yUnit]);
    if (this.plot && shape === this.built) {
      this.plot.setData(data, !this.zoomed);
      return;
    }
    this.plot?.destroy();
    this.built = shape;
    this.zoomed = false;
    const th = this.ctx.theme;
    let t0 = 0;
    const opts: uPlot.Options = {
      width: Math.max(200, this.chartBox.clientWidth),
      height: this.height(),
      scales: { x: { time: false }, y: { distr: st.log ? 3 : 1 } },
      axes: [axis(th, this.xLabel(), (_u, vals) => vals.map((v) => this.formatX(v))), axis(th, `${t('loss')} (${yUnit})`, (_u, vals) => vals.map((v) => fmt(v, 2)))],
      series: [{ label: this.xLabel(), value: (_u, v) => this.formatX(v) }, ...ser.map((s) => ({ ...s, value: (_u: uPlot, v: number | null) => (v == null ? '–' : fmt(v, 4)) }))],
      cursor: { drag: { x: true, y: false, setScale: true }, focus: { prox: 24 } },
      focus: { alpha: 0.35 },
      legend: { live: true },
      hooks: {
        drawClear: [() => (t0 = performance.now())],
        draw: [() => performance.measure('rlab:loss-draw', { start: t0 })],
        setSelect: [(u) => u.select.width > 0 && (this.zoomed = true)],
      },
    };
    this.plot = new uPlot(opts, data, this.chartBox);
    this.plot.root.querySelector('.u-legend')?.setAttribute('aria-live', 'off');
  }

  private height(): number {
    return Math.max(220, Math.min(520, Math.round(window.innerHeight - 260)));
  }

  private resize(): void {
    if (this.plot && this.chartBox.clientWidth > 0) this.plot.setSize({ width: this.chartBox.clientWidth, height: this.height() });
  }

  private resetZoom(): void {
    this.zoomed = false;
    const xs = this.plot?.data[0];
    if (this.plot && xs?.length) this.plot.setScale('x', { min: xs[0], max: xs[xs.length - 1] });
  }

  /** Keyboard zoom and pan on the focused chart. */
  key(e: KeyboardEvent): void {
    const u = this.plot;
    if (!u) return;
    const { min, max } = u.scales.x;
    if (min == null || max == null) return;
    const w = max - min;
    const mid = (min + max) / 2;
    let next: [number, number] | null = null;
    if (e.key === '+' || e.key === '=') next = [mid - w * 0.375, mid + w * 0.375];
    else if (e.key === '-' || e.key === '_') next = [mid - w * 0.75, mid + w * 0.75];
    else if (e.key === 'ArrowLeft') next = [min - w * 0.1, max - w * 0.1];
    else if (e.key === 'ArrowRight') next = [min + w * 0.1, max + w * 0.1];
    else if (e.key === '0' || e.key === 'Home') {
      this.resetZoom();
      e.preventDefault();
      return;
    }
    if (!next) return;
    e.preventDefault();
    this.zoomed = true;
    u.setScale('x', { min: next[0], max: next[1] });
  }

  csv(): string {
    const rows = ['run,split,step,chars,seconds,loss_nats'];
    const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    for (const r of this.visibleRuns()) {
      for (const [split, s] of [['train', r.train], ['val', r.val]] as const) {
        for (let i = 0; i < s.loss.n; i++) rows.push(`${q(r.label)},${split},${s.step.a[i]},${s.chars.a[i]},${s.secs.a[i].toFixed(3)},${s.loss.a[i]}`);
      }
    }
    return rows.join('\n') + '\n';
  }

  private exportCsv(): void {
    this.ctx.post({ type: 'export', kind: 'csv', name: 'loss.csv', data: this.csv() });
  }

  private exportPng(): void {
    const u = this.plot;
    if (!u) return;
    const src = u.ctx.canvas;
    const pad = 8 * devicePixelRatio;
    const line = 18 * devicePixelRatio;
    const runs = this.visibleRuns();
    const c = document.createElement('canvas');
    c.width = src.width + 2 * pad;
    c.height = src.height + 2 * pad + line * runs.length;
    const g = c.getContext('2d')!;
    g.fillStyle = this.ctx.theme.bg;
    g.fillRect(0, 0, c.width, c.height);
    g.drawImage(src, pad, pad);
    g.font = `${12 * devicePixelRatio}px sans-serif`;
    runs.forEach((r, i) => {
      const y = src.height + pad + line * (i + 0.8);
      g.fillStyle = this.ctx.theme.series[r.color % this.ctx.theme.series.length];
      g.fillRect(pad, y - 9 * devicePixelRatio, 12 * devicePixelRatio, 3 * devicePixelRatio);
      g.fillStyle = this.ctx.theme.fg;
      g.fillText(`${r.label} (${r.cell})`, pad + 18 * devicePixelRatio, y - 4 * devicePixelRatio);
    });
    this.ctx.post({ type: 'export', kind: 'png', name: 'loss.png', data: c.toDataURL('image/png') });
  }
}
