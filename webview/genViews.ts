/**
 * The network unrolled over the last characters of a prompt (input, hidden
 * state strip and top predictions per step, h_{t−1} feeding step t), and the
 * sampling playground (step through a generated sample and its top-10 next-token
 * probabilities; insert it into the editor).
 */
import type { Floats, TokenProb, ToPanel } from '../src/protocol/panel';
import type { Ctx, View } from './context';
import { button, clear, fmt, h, icon, labelled, numberInput, showToken } from './dom';
import { t } from './i18n';
import { colorMap } from './theme';

function probBars(top: TokenProb[], chosen?: string): HTMLElement {
  const list = h('ol', { class: 'probs' });
  for (const [tok, p] of top) {
    const bar = h('span', { class: 'bar pos' });
    bar.style.width = `${Math.max(1, p * 100)}%`;
    list.append(h('li', { class: tok === chosen ? 'chosen' : undefined }, h('code', { class: 'tok-label', text: showToken(tok) }), h('span', { class: 'bar-track' }, bar), h('span', { class: 'p', text: fmt(p, 3) })));
  }
  return list;
}

export class UnrolledView implements View {
  readonly id = 'unrolled' as const;
  readonly root = h('section', { class: 'view unrolled-view' });
  private readonly strip = h('div', { class: 'unrolled', role: 'list', 'aria-label': t('The network unrolled over time') });
  private readonly readout = h('p', { class: 'readout', 'aria-live': 'polite' });
  private readonly context = h('p', { class: 'context' });
  private last: Extract<ToPanel, { type: 'unrolled' }> | null = null;
  private pending = -1;

  constructor(private readonly ctx: Ctx) {
    const u = ctx.state.unroll;
    const prompt = h('input', { type: 'text', class: 'prompt', value: u.prompt, 'aria-label': t('Prompt') });
    prompt.addEventListener('change', () => {
      u.prompt = prompt.value;
      ctx.save();
    });
    prompt.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        u.prompt = prompt.value;
        ctx.save();
        this.request();
      }
    });
    this.root.append(
      h(
        'div',
        { class: 'toolbar', role: 'toolbar', 'aria-label': t('Unrolled view options') },
        labelled(t('Prompt'), prompt),
        labelled(
          t('Steps'),
          numberInput(u.steps, { min: 1, max: 32, step: 1 }, (v) => {
            u.steps = v;
            ctx.save();
          }),
        ),
        button(t('Unroll'), 'debug-step-over', () => this.request()),
      ),
      h('p', { class: 'explain', text: t('The same cell applied at every step: it reads one input token and the previous hidden state h_(t−1), and passes its new state on. Each strip is one layer\'s hidden state (blue negative, red positive); above it, what the model expects next.') }),
      this.context,
      this.strip,
      this.readout,
    );
  }

  request(): void {
    const id = this.ctx.nextId();
    this.pending = id;
    this.ctx.post({ type: 'unroll', id, prompt: this.ctx.state.unroll.prompt, steps: this.ctx.state.unroll.steps });
  }

  onShow(): void {
    if (!this.last && this.ctx.model && this.ctx.state.unroll.prompt) this.request();
  }

  onModel(): void {
    if (this.last && this.root.offsetParent) this.request();
  }

  onTheme(): void {
    this.render();
  }

  onMessage(m: ToPanel): void {
    if (m.type !== 'unrolled' || (this.pending !== -1 && m.id !== this.pending)) return;
    this.pending = -1;
    this.last = m;
    this.render();
  }

  private render(): void {
    clear(this.strip);
    const m = this.last;
    if (!m) return;
    this.context.textContent = m.context ? `…${m.context.slice(-60)}` : '';
    const cm = colorMap('diverging', -1, 1, this.ctx.theme);
    m.steps.forEach((s, i) => {
      if (i > 0) this.strip.append(h('div', { class: 'arrow', 'aria-hidden': 'true', title: 'h(t−1) → h(t)' }, icon('arrow-right')));
      const strips = s.h.map((hv: Floats, layer) => {
        const c = h('canvas', { class: 'h-strip', width: hv.length, height: 1, tabindex: 0, 'aria-label': t('layer {0} hidden state after "{1}"', layer + 1, showToken(s.token)) });
        const g = c.getContext('2d')!;
        const img = new ImageData(hv.length, 1);
        for (let j = 0; j < hv.length; j++) {
          const [r, gg, b] = cm.rgb(hv[j]);
          img.data.set([r, gg, b, 255], j * 4);
        }
        g.putImageData(img, 0, 0);
        const describe = (j: number) => (this.readout.textContent = t('step {0} "{1}" · layer {2} · unit {3} = {4}', i + 1, showToken(s.token), layer + 1, j, fmt(hv[j], 3)));
        c.addEventListener('mousemove', (e) => describe(Math.min(hv.length - 1, Math.floor((e.offsetX / c.clientWidth) * hv.length))));
        c.addEventListener('focus', () => describe(0));
        return h('div', { class: 'layer-row' }, h('span', { class: 'layer-tag', text: `h${layer + 1}` }), c);
      });
      this.strip.append(
        h(
          'div',
          { class: 'step', role: 'listitem' },
          h('div', { class: 'step-head', text: t('next') }),
          probBars(s.top),
          h('div', { class: 'cell' }, ...strips.reverse()),
          h('div', { class: 'arrow-up', 'aria-hidden': 'true' }, icon('arrow-up')),
          h('code', { class: 'input-token', text: showToken(s.token) }),
          h('div', { class: 'step-index', text: `t = ${i + 1}` }),
        ),
      );
    });
  }
}

export class SampleView implements View {
  readonly id = 'sample' as const;
  readonly root = h('section', { class: 'view sample-view' });
  private readonly output = h('div', { class: 'sample-out', tabindex: 0, role: 'document', 'aria-label': t('Generated text; arrow keys step through it') });
  private readonly probs = h('div', { class: 'sample-probs', 'aria-live': 'polite' });
  private readonly position = h('output', { class: 'position' });
  private readonly slider = h('input', { type: 'range', min: 0, max: 0, step: 1, value: 0, 'aria-label': t('Generation step') });
  private pending = -1;

  constructor(private readonly ctx: Ctx) {
    const s = ctx.state.sample;
    const prompt = h('textarea', { rows: 2, class: 'prompt', 'aria-label': t('Prompt'), placeholder: t('Prompt (may be empty)') });
    prompt.value = s.prompt;
    prompt.addEventListener('change', () => {
      s.prompt = prompt.value;
      ctx.save();
    });
    const num = (label: string, key: 'temperature' | 'topK' | 'topP' | 'length' | 'seed', o: { min: number; max: number; step: number }, hint: string) =>
      labelled(
        label,
        numberInput(s[key], o, (v) => {
          s[key] = v;
          ctx.save();
        }),
        hint,
      );
    this.slider.addEventListener('input', () => this.go(Number(this.slider.value)));
    this.output.addEventListener('keydown', (e) => {
      const k: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, PageUp: -10, PageDown: 10 };
      if (e.key in k) {
        this.go(s.step + k[e.key]);
        e.preventDefault();
      } else if (e.key === 'Home' || e.key === 'End') {
        this.go(e.key === 'Home' ? 1 : Number.MAX_SAFE_INTEGER);
        e.preventDefault();
      }
    });
    this.output.addEventListener('click', (e) => {
      const i = Number((e.target as HTMLElement).dataset?.i);
      if (Number.isInteger(i)) this.go(i + 1);
    });
    this.root.append(
      h('div', { class: 'toolbar sample-form' }, prompt),
      h(
        'div',
        { class: 'toolbar', role: 'toolbar', 'aria-label': t('Sampling options') },
        num(t('Temperature'), 'temperature', { min: 0, max: 5, step: 0.1 }, t('0 always takes the most likely token')),
        num(t('Top-k'), 'topK', { min: 0, max: 100000, step: 1 }, t('Keep only the k most likely tokens (0: all)')),
        num(t('Top-p'), 'topP', { min: 0.01, max: 1, step: 0.01 }, t('Keep the most likely tokens up to this probability mass')),
        num(t('Length'), 'length', { min: 1, max: 2000, step: 10 }, t('Tokens to generate')),
        num(t('Seed'), 'seed', { min: 0, max: 2 ** 31, step: 1 }, t('The same seed gives the same sample')),
        button(t('Generate'), 'play', () => this.request()),
        button(t('Insert into editor'), 'insert', () => this.insert()),
      ),
      h(
        'div',
        { class: 'toolbar stepper', role: 'toolbar', 'aria-label': t('Step through the sample') },
        button('', 'debug-restart', () => this.go(1), { title: t('First step') }),
        button('', 'arrow-left', () => this.go(this.ctx.state.sample.step - 1), { title: t('Previous step') }),
        button('', 'arrow-right', () => this.go(this.ctx.state.sample.step + 1), { title: t('Next step') }),
        button('', 'debug-continue', () => this.go(Number.MAX_SAFE_INTEGER), { title: t('Last step') }),
        this.slider,
        this.position,
      ),
      h('div', { class: 'sample-body' }, this.output, this.probs),
    );
    this.render();
  }

  private request(): void {
    const s = this.ctx.state.sample;
    const id = this.ctx.nextId();
    this.pending = id;
    this.ctx.post({ type: 'sample', id, prompt: s.prompt, temperature: s.temperature, topK: Math.round(s.topK), topP: s.topP, length: Math.round(s.length), seed: Math.round(s.seed) });
    this.ctx.status(t('Generating…'), 'busy');
  }

  onMessage(m: ToPanel): void {
    if (m.type !== 'sample' || (this.pending !== -1 && m.id !== this.pending)) return;
    this.pending = -1;
    const s = this.ctx.state.sample;
    s.result = { prompt: m.prompt, steps: m.steps };
    s.step = m.steps.length;
    this.ctx.save();
    this.ctx.status(t('Generated {0} tokens', m.steps.length));
    this.render();
  }

  onTheme(): void {
    this.render();
  }

  private text(): string {
    return this.ctx.state.sample.result?.steps.map((s) => s.token).join('') ?? '';
  }

  private insert(): void {
    const text = this.text();
    if (text) this.ctx.post({ type: 'insert', text });
  }

  /** Shows the sample up to step n (1-based: n tokens generated). */
  private go(n: number): void {
    const s = this.ctx.state.sample;
    const total = s.result?.steps.length ?? 0;
    s.step = Math.max(total ? 1 : 0, Math.min(total, n));
    this.ctx.save();
    this.render();
  }

  private render(): void {
    const s = this.ctx.state.sample;
    const r = s.result;
    clear(this.output);
    clear(this.probs);
    const total = r?.steps.length ?? 0;
    this.slider.max = String(Math.max(0, total));
    this.slider.min = total ? '1' : '0';
    this.slider.value = String(s.step);
    this.position.textContent = total ? t('step {0} of {1}', s.step, total) : '';
    if (!r) {
      this.output.append(h('p', { class: 'empty', text: t('Generate a sample to step through it token by token.') }));
      return;
    }
    this.output.append(h('span', { class: 'prompt-text', text: r.prompt }));
    r.steps.forEach((st, i) => {
      const cls = i === s.step - 1 ? 'tok current' : i < s.step ? 'tok' : 'tok future';
      this.output.append(h('span', { class: cls, 'data-i': i, title: t('p = {0}', fmt(st.p, 3)), text: st.token }));
    });
    const st = r.steps[s.step - 1];
    if (!st) return;
    this.probs.append(h('h3', { text: t('Step {0}: the ten most likely next tokens', s.step) }), probBars(st.top, st.token), h('p', { class: 'readout', text: t('chosen "{0}" with p = {1}', showToken(st.token), fmt(st.p, 3)) }));
    this.output.querySelector('.current')?.scrollIntoView({ block: 'nearest' });
  }
}
