/**
 * Hidden-state heatmap (units × time steps over the probed span) and the
 * activations-over-text view (one unit colouring the text, Karpathy et al.'s
 * "quote cell"; select a span to find the units most selective for it).
 */
import type { Ctx, View } from './context';
import { button, clear, fmt, group, h, labelled, numberInput, select, showToken } from './dom';
import { t } from './i18n';
import { quantityLabel, scaleFor, selectiveUnits, unitStats, type Grid, type ProbeMsg, type ProbeStore } from './probe';
import { textOn, type ColorMap } from './theme';

/** Layer and quantity pickers shared by both views (they follow the same state). */
function layerQuantityControls(ctx: Ctx, store: ProbeStore, onChange: () => void): HTMLElement[] {
  const p = ctx.state.probe;
  const layers = store.msg?.layers.length ?? 0;
  const layerSel = select<string>(
    Array.from({ length: Math.max(1, layers) }, (_, k) => [String(k), t('layer {0}', k + 1)]),
    String(p.layer),
    (v) => {
      p.layer = Number(v);
      if (!store.quantities(p.layer).includes(p.quantity)) p.quantity = 'h';
      ctx.save();
      onChange();
    },
  );
  const qs = store.quantities(p.layer);
  const qSel = select<string>(
    (qs.length ? qs : ['h']).map((q) => [q, quantityLabel(q)]),
    p.quantity,
    (v) => {
      p.quantity = v;
      ctx.save();
      onChange();
    },
  );
  return [labelled(t('Layer'), layerSel), labelled(t('Quantity'), qSel)];
}

/** A horizontal colour bar with its range. */
function legend(cm: ColorMap): HTMLElement {
  const c = h('canvas', { width: 160, height: 10, class: 'legend-bar', 'aria-hidden': 'true' });
  const g = c.getContext('2d')!;
  for (let x = 0; x < 160; x++) {
    g.fillStyle = cm.css(cm.lo + ((cm.hi - cm.lo) * x) / 159);
    g.fillRect(x, 0, 1, 10);
  }
  return h('div', { class: 'legend', role: 'img', 'aria-label': t('Colour scale from {0} to {1}', fmt(cm.lo, 2), fmt(cm.hi, 2)) }, h('span', { text: fmt(cm.lo, 2) }), c, h('span', { text: fmt(cm.hi, 2) }));
}

const LEFT = 40; // unit labels
const TOP = 18; // characters

export class StatesView implements View {
  readonly id = 'states' as const;
  readonly root = h('section', { class: 'view states-view' });
  private readonly controls = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': t('Heatmap options') });
  private readonly scroller = h('div', { class: 'heatmap-scroll' });
  private readonly canvas = h('canvas', { class: 'heatmap', tabindex: 0, role: 'img' });
  private readonly tip = h('div', { class: 'tooltip', role: 'status', hidden: true });
  private readonly readout = h('p', { class: 'readout', 'aria-live': 'polite' });
  private readonly empty = h('p', { class: 'empty', text: t('Read some text through the model to see its hidden states: select text in the editor and press "Read editor text".') });
  /** Row r of the heatmap shows unit order[r]. */
  private order: number[] = [];
  private geo = { cw: 4, ch: 4, steps: 0, H: 0 };
  private cursor: { t: number; r: number } | null = null;
  /** What render() built for draw(): the cells, one pixel each in row order, and the label font. Null when there is nothing to draw. */
  private image: { g: Grid; msg: ProbeMsg; cells: HTMLCanvasElement; fontFamily: string } | null = null;

  constructor(
    private readonly ctx: Ctx,
    private readonly store: ProbeStore,
  ) {
    this.scroller.append(this.canvas, this.tip);
    this.root.append(this.controls, this.empty, this.scroller, this.readout);
    store.onChange(() => this.render());
    this.canvas.setAttribute('aria-label', t('Hidden-state heatmap: units down, time steps across. Arrow keys move, Enter opens the unit over the text.'));
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => this.showTip(null));
    this.canvas.addEventListener('click', (e) => {
      const c = this.cell(e);
      if (c) this.pickUnit(this.order[c.r]);
    });
    this.canvas.addEventListener('keydown', (e) => this.key(e));
    new ResizeObserver(() => this.store.msg && this.root.offsetParent && this.draw()).observe(this.root);
    this.render();
  }

  onShow(): void {
    this.root.prepend(this.store.bar);
    this.render();
  }

  onTheme(): void {
    this.render();
  }

  private render(): void {
    clear(this.controls);
    const p = this.ctx.state.probe;
    const has = !!this.store.msg;
    this.empty.hidden = has;
    this.scroller.hidden = !has;
    this.image = null;
    if (!has) return;
    this.controls.append(
      ...layerQuantityControls(this.ctx, this.store, () => this.render()),
      labelled(
        t('Sort units by'),
        select<'none' | 'mean' | 'variance'>([['none', t('unit number')], ['mean', t('mean activation')], ['variance', t('variance')]], p.sort, (v) => {
          p.sort = v;
          this.ctx.save();
          this.render();
        }),
      ),
    );
    const g = this.store.grid(p.layer, p.quantity);
    if (!g) return;
    const cm = scaleFor(p.quantity, g, this.ctx.theme);
    this.controls.append(legend(cm));
    this.order = Array.from({ length: g.H }, (_, j) => j);
    if (p.sort !== 'none') {
      const s = unitStats(g);
      const key = p.sort === 'mean' ? s.mean : s.variance;
      this.order.sort((a, b) => key[b] - key[a]);
    }
    this.image = { g, msg: this.store.msg!, cells: this.cells(g, cm), fontFamily: getComputedStyle(document.body).getPropertyValue('--vscode-editor-font-family') || 'monospace' };
    // The layer, quantity, order or probed text may have changed: the readout describes what is drawn now.
    if (this.cursor && (this.cursor.t >= g.steps || this.cursor.r >= g.H)) this.cursor = null;
    this.tip.hidden = true;
    this.readout.textContent = this.cursor ? this.describe(this.cursor) : '';
    this.draw();
  }

  /** The heatmap's cells, one pixel each (row r is unit order[r]), on an offscreen canvas that draw() scales up. */
  private cells(g: Grid, cm: ColorMap): HTMLCanvasElement {
    const img = new ImageData(g.steps, g.H);
    for (let r = 0; r < g.H; r++) {
      const j = this.order[r];
      for (let s = 0; s < g.steps; s++) {
        const [R, G, B] = cm.rgb(g.data[s * g.H + j]);
        const o = (r * g.steps + s) * 4;
        img.data[o] = R;
        img.data[o + 1] = G;
        img.data[o + 2] = B;
        img.data[o + 3] = 255;
      }
    }
    this.ctx.post({ type: 'drawn', view: 'states', count: g.steps * g.H });
    const off = document.createElement('canvas');
    off.width = g.steps;
    off.height = g.H;
    off.getContext('2d')!.putImageData(img, 0, 0);
    return off;
  }

  /** Scales the cells built by render() to the width available, with the labels and the keyboard cursor. */
  private draw(): void {
    if (!this.image) return;
    const { g, msg, cells, fontFamily } = this.image;
    const avail = Math.max(200, this.root.clientWidth - LEFT - 8);
    const cw = Math.max(3, Math.min(16, Math.floor(avail / g.steps)));
    const ch = Math.max(2, Math.min(14, Math.floor(420 / g.H)));
    this.geo = { cw, ch, steps: g.steps, H: g.H };
    const W = LEFT + g.steps * cw;
    const Hh = TOP + g.H * ch;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(W * dpr);
    this.canvas.height = Math.round(Hh * dpr);
    this.canvas.style.width = `${W}px`;
    this.canvas.style.height = `${Hh}px`;
    const c = this.canvas.getContext('2d')!;
    c.setTransform(dpr, 0, 0, dpr, 0, 0);
    const th = this.ctx.theme;
    c.fillStyle = th.bg;
    c.fillRect(0, 0, W, Hh);
    // one pixel per cell, scaled up without smoothing
    c.imageSmoothingEnabled = false;
    c.drawImage(cells, LEFT, TOP, g.steps * cw, g.H * ch);
    // labels: characters on top (when they fit), unit numbers on the left
    c.fillStyle = th.muted;
    c.font = `${Math.min(12, Math.max(8, cw))}px ${fontFamily}`;
    c.textAlign = 'center';
    c.textBaseline = 'bottom';
    if (cw >= 7) msg.tokens.forEach((tok, s) => c.fillText(showToken(tok).slice(0, 2), LEFT + s * cw + cw / 2, TOP - 3));
    else for (let s = 0; s < g.steps; s += 50) c.fillText(String(s), LEFT + s * cw, TOP - 3);
    c.textAlign = 'right';
    c.textBaseline = 'middle';
    c.font = `10px sans-serif`;
    const every = Math.max(1, Math.ceil(12 / ch));
    for (let r = 0; r < g.H; r += every) c.fillText(String(this.order[r]), LEFT - 4, TOP + r * ch + ch / 2);
    if (this.cursor) {
      c.strokeStyle = th.focus;
      c.lineWidth = 2;
      c.strokeRect(LEFT + this.cursor.t * cw - 1, TOP + this.cursor.r * ch - 1, cw + 2, ch + 2);
    }
  }

  private cell(e: MouseEvent): { t: number; r: number } | null {
    const rect = this.canvas.getBoundingClientRect();
    const x = e.clientX - rect.left - LEFT;
    const y = e.clientY - rect.top - TOP;
    const s = Math.floor(x / this.geo.cw);
    const r = Math.floor(y / this.geo.ch);
    return s >= 0 && s < this.geo.steps && r >= 0 && r < this.geo.H ? { t: s, r } : null;
  }

  private describe(c: { t: number; r: number }): string {
    const p = this.ctx.state.probe;
    const g = this.store.grid(p.layer, p.quantity)!;
    const unit = this.order[c.r];
    const v = g.data[c.t * g.H + unit];
    const tok = this.store.msg!.tokens[c.t];
    return t('unit {0} · step {1} · "{2}" · {3} = {4}', unit, c.t, showToken(tok), p.quantity, fmt(v, 3));
  }

  private hover(e: MouseEvent): void {
    const c = this.cell(e);
    this.showTip(c, e);
  }

  private showTip(c: { t: number; r: number } | null, e?: MouseEvent): void {
    if (!c) {
      this.tip.hidden = true;
      return;
    }
    const text = this.describe(c);
    this.tip.textContent = text;
    this.readout.textContent = text;
    this.tip.hidden = false;
    const x = LEFT + c.t * this.geo.cw + this.geo.cw + 8;
    const y = TOP + c.r * this.geo.ch + (e ? 8 : this.geo.ch + 4);
    this.tip.style.left = `${Math.min(x, this.canvas.clientWidth - 220)}px`;
    this.tip.style.top = `${y}px`;
  }

  private key(e: KeyboardEvent): void {
    if (!this.store.msg) return;
    const c = this.cursor ?? { t: 0, r: 0 };
    const moves: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1], PageUp: [0, -10], PageDown: [0, 10], Home: [-1e9, 0], End: [1e9, 0] };
    if (e.key === 'Enter' && this.cursor) {
      this.pickUnit(this.order[this.cursor.r]);
      e.preventDefault();
      return;
    }
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    this.cursor = { t: Math.max(0, Math.min(this.geo.steps - 1, c.t + m[0])), r: Math.max(0, Math.min(this.geo.H - 1, c.r + m[1])) };
    this.draw();
    this.showTip(this.cursor);
    const x = LEFT + this.cursor.t * this.geo.cw;
    if (x < this.scroller.scrollLeft || x > this.scroller.scrollLeft + this.scroller.clientWidth - 40) this.scroller.scrollLeft = x - this.scroller.clientWidth / 2;
  }

  /** Opens a unit in the activations-over-text view. */
  private pickUnit(unit: number): void {
    this.ctx.state.probe.unit = unit;
    this.ctx.save();
    this.root.dispatchEvent(new CustomEvent('rlab-open-tab', { bubbles: true, detail: 'text' }));
  }
}

export class TextView implements View {
  readonly id = 'text' as const;
  readonly root = h('section', { class: 'view text-view' });
  private readonly controls = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': t('Unit options') });
  private readonly text = h('div', { class: 'quote', tabindex: 0, role: 'document', 'aria-label': t('The text, coloured by the chosen unit') });
  private readonly readout = h('p', { class: 'readout', 'aria-live': 'polite' });
  private readonly matches = h('ol', { class: 'matches', 'aria-label': t('Most selective units') });
  private readonly matchBox = h('div', { class: 'match-box' });
  private readonly empty = h('p', { class: 'empty', text: t('Read some text through the model, then pick a unit to colour the text by its activation.') });

  constructor(
    private readonly ctx: Ctx,
    private readonly store: ProbeStore,
  ) {
    this.matchBox.append(h('h3', { text: t('Units most selective for the selected span') }), this.matches);
    this.root.append(this.controls, this.empty, this.text, this.readout, this.matchBox);
    store.onChange(() => this.render());
    this.text.addEventListener('mouseup', () => this.fromSelection());
    this.text.addEventListener('keyup', (e) => e.shiftKey && this.fromSelection());
    this.text.addEventListener('mouseover', (e) => {
      const i = Number((e.target as HTMLElement).dataset?.i);
      if (Number.isInteger(i)) this.describe(i);
    });
    this.render();
  }

  onShow(): void {
    this.root.prepend(this.store.bar);
    this.render();
  }

  onTheme(): void {
    this.render();
  }

  private grid(): Grid | null {
    const p = this.ctx.state.probe;
    return this.store.grid(p.layer, p.quantity);
  }

  private render(): void {
    clear(this.controls);
    const has = !!this.store.msg;
    this.empty.hidden = has;
    this.text.hidden = !has;
    this.matchBox.hidden = !has;
    if (!has) return;
    const p = this.ctx.state.probe;
    const H = this.store.H;
    const unitInput = numberInput(p.unit, { min: 0, max: H - 1, step: 1 }, (v) => this.setUnit(v));
    unitInput.setAttribute('aria-label', t('Unit'));
    const spanFrom = numberInput(p.span?.[0] ?? 0, { min: 0, max: this.store.steps - 1, step: 1 }, (v) => this.setSpan(v, Math.max(v, p.span?.[1] ?? v)));
    const spanTo = numberInput(p.span?.[1] ?? 0, { min: 0, max: this.store.steps - 1, step: 1 }, (v) => this.setSpan(Math.min(v, p.span?.[0] ?? v), v));
    this.controls.append(
      ...layerQuantityControls(this.ctx, this.store, () => this.render()),
      group(t('Unit'), button('', 'chevron-left', () => this.setUnit(p.unit - 1), { title: t('Previous unit') }), unitInput, button('', 'chevron-right', () => this.setUnit(p.unit + 1), { title: t('Next unit') })),
      labelled(t('Span from step'), spanFrom),
      labelled(t('to'), spanTo),
    );
    const g = this.grid();
    if (g) this.controls.append(legend(scaleFor(p.quantity, g, this.ctx.theme)));
    this.readout.textContent = ''; // it described a token under the old unit or quantity; hovering fills it again
    this.paintText();
    this.renderMatches();
  }

  private setUnit(u: number): void {
    const H = this.store.H;
    this.ctx.state.probe.unit = ((u % H) + H) % H;
    this.ctx.save();
    this.render();
  }

  private setSpan(a: number, b: number): void {
    this.ctx.state.probe.span = [Math.max(0, a), Math.min(this.store.steps - 1, b)];
    this.ctx.save();
    this.render();
  }

  private paintText(): void {
    const msg = this.store.msg!;
    const g = this.grid();
    const p = this.ctx.state.probe;
    clear(this.text);
    if (!g) return;
    const cm = scaleFor(p.quantity, g, this.ctx.theme);
    const spans = msg.tokens.map((tok, i) => {
      const v = g.data[i * g.H + p.unit];
      const rgb = cm.rgb(v);
      const inSpan = p.span && i >= p.span[0] && i <= p.span[1];
      const s = h('span', { class: inSpan ? 'tok in-span' : 'tok', 'data-i': i, text: tok === '\n' ? '↵\n' : tok });
      s.style.backgroundColor = `rgb(${rgb.map(Math.round).join(',')})`;
      s.style.color = textOn(rgb);
      return s;
    });
    this.text.append(...spans);
  }

  private describe(i: number): void {
    const msg = this.store.msg!;
    const g = this.grid();
    if (!g) return;
    const p = this.ctx.state.probe;
    const prob = msg.probability[i];
    this.readout.textContent = t('step {0} · "{1}" · unit {2} {3} = {4} · p = {5}', i, showToken(msg.tokens[i]), p.unit, p.quantity, fmt(g.data[i * g.H + p.unit], 3), typeof prob === 'number' && Number.isFinite(prob) ? fmt(prob, 3) : '–');
  }

  /** The span the user selected in the coloured text. */
  private fromSelection(): void {
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed || !this.text.contains(sel.anchorNode)) return;
    const idx = (n: Node | null) => {
      const el = n instanceof HTMLElement ? n : n?.parentElement;
      const tok = el?.closest<HTMLElement>('[data-i]');
      return tok ? Number(tok.dataset.i) : NaN;
    };
    const a = idx(sel.anchorNode);
    const b = idx(sel.focusNode);
    if (!Number.isInteger(a) || !Number.isInteger(b)) return;
    this.setSpan(Math.min(a, b), Math.max(a, b));
  }

  private renderMatches(): void {
    clear(this.matches);
    const p = this.ctx.state.probe;
    const g = this.grid();
    if (!g || !p.span) {
      this.matches.append(h('li', { class: 'hint', text: t('Select a span of the text (or set its steps above) to find the units that fire on it.') }));
      return;
    }
    const [a, b] = p.span;
    for (const m of selectiveUnits(g, a, b)) {
      const bar = h('span', { class: m.score >= 0 ? 'bar pos' : 'bar neg' });
      bar.style.width = `${Math.min(100, Math.abs(m.score) * 25)}%`;
      const btn = button(t('unit {0}', m.unit), null, () => this.setUnit(m.unit), { title: t('inside {0} · outside {1}', fmt(m.inside, 3), fmt(m.outside, 3)), class: m.unit === p.unit ? 'button link current' : 'button link' });
      this.matches.append(h('li', {}, btn, h('span', { class: 'score', text: (m.score >= 0 ? '+' : '') + m.score.toFixed(2) }), h('span', { class: 'bar-track' }, bar)));
    }
  }
}
