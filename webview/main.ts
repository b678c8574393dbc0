/**
 * The inspection panel (webview). Messages from the host are validated on
 * receipt (src/protocol/panel.ts); a malformed one is ignored and logged. The
 * settings and small results are kept with setState, so the panel comes back
 * as it was after being hidden or after a window reload.
 */
import { parseToPanel, type FromPanel, type ModelInfo, type ToPanel } from '../src/protocol/panel';
import { GatesView, GradientView } from './chartViews';
import { mergeState, type Ctx, type PanelState, type TabId, type View } from './context';
import { h, icon } from './dom';
import { SampleView, UnrolledView } from './genViews';
import { setStrings, t } from './i18n';
import { LossView } from './lossView';
import { ProbeStore } from './probe';
import { StatesView, TextView } from './statesView';
import { onThemeChange, readTheme } from './theme';


interface VsCodeApi {
  postMessage(m: FromPanel): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;

let saveTimer = 0;
let lastId = 0;
const statusLine = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
const modelLine = h('div', { class: 'model-line' });

const ctx: Ctx = {
  state: mergeState(vscode.getState()),
  model: null,
  theme: readTheme(),
  save() {
    clearTimeout(saveTimer);
    saveTimer = window.setTimeout(() => vscode.setState(ctx.state), 100);
  },
  post(m) {
    vscode.postMessage(m);
  },
  nextId: () => ++lastId,
  status(text, kind = 'info') {
    statusLine.className = `status ${kind}`;
    statusLine.replaceChildren(kind === 'busy' ? icon('loading~spin') : kind === 'error' ? icon('error') : '', ' ', text);
  },
};

const TABS: Array<{ id: TabId; label: string; icon: string }> = [
  { id: 'loss', label: 'Loss', icon: 'graph-line' },
  { id: 'states', label: 'Hidden states', icon: 'symbol-array' },
  { id: 'text', label: 'Units over text', icon: 'symbol-text' },
  { id: 'gates', label: 'Gates', icon: 'circuit-board' },
  { id: 'gradient', label: 'Gradient flow', icon: 'pulse' },
  { id: 'unrolled', label: 'Unrolled', icon: 'list-flat' },
  { id: 'sample', label: 'Sampling', icon: 'sparkle' },
];

let views: View[] = [];
let probe: ProbeStore | null = null;
const tabButtons = new Map<TabId, HTMLButtonElement>();
/** Messages that arrive before the string table (init) are held until the views exist. */
const early: ToPanel[] = [];

function showTab(id: TabId, focus = false): void {
  ctx.state.tab = id;
  ctx.save();
  for (const v of views) v.root.hidden = v.id !== id;
  for (const [tid, b] of tabButtons) {
    const on = tid === id;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
    if (on && focus) b.focus();
  }
  views.find((v) => v.id === id)?.onShow?.();
  needProbe();
}

/** The views drawn from a probe read the editor's text as soon as they are shown and a model exists. */
function needProbe(): void {
  if (probe && !probe.msg && !probe.busy && ctx.model && (ctx.state.tab === 'states' || ctx.state.tab === 'text' || ctx.state.tab === 'gates')) probe.request();
}

function build(): void {
  probe = new ProbeStore(ctx);
  views = [new LossView(ctx), new StatesView(ctx, probe), new TextView(ctx, probe), new GatesView(ctx, probe), new GradientView(ctx), new UnrolledView(ctx), new SampleView(ctx)];
  const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('Recurrent Lab views') });
  TABS.forEach((tab, i) => {
    const b = h('button', { type: 'button', role: 'tab', id: `tab-${tab.id}`, 'aria-controls': `view-${tab.id}`, class: 'tab' }, icon(tab.icon), h('span', { text: t(tab.label) }));
    b.addEventListener('click', () => showTab(tab.id));
    b.addEventListener('keydown', (e) => {
      const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (d) showTab(TABS[(i + d + TABS.length) % TABS.length].id, true);
      else if (e.key === 'Home') showTab(TABS[0].id, true);
      else if (e.key === 'End') showTab(TABS[TABS.length - 1].id, true);
      else return;
      e.preventDefault();
    });
    tabButtons.set(tab.id, b);
    tablist.append(b);
  });
  for (const v of views) {
    v.root.id = `view-${v.id}`;
    v.root.setAttribute('role', 'tabpanel');
    v.root.setAttribute('aria-labelledby', `tab-${v.id}`);
  }
  app.replaceChildren(h('header', { class: 'top' }, tablist, modelLine), ...views.map((v) => v.root), statusLine);
  app.setAttribute('aria-busy', 'false');
  app.addEventListener('rlab-open-tab', (e) => showTab((e as CustomEvent<TabId>).detail));
  showTab(ctx.state.tab);
  renderModel();
  // After a reload, read the same span again (the data itself is not kept).
  const last = ctx.state.probe.lastText;
  if (last) probe.request(last);
}

function renderModel(): void {
  const m: ModelInfo | null = ctx.model;
  modelLine.replaceChildren(
    icon(m ? 'symbol-class' : 'warning'),
    ' ',
    m ? t('Active model: {0} · {1} · {2} layer(s) × {3} units · {4} tokens ({5})', m.name, m.cell.toUpperCase(), m.layers, m.hidden, m.vocab, m.tokenizer) : t('No active model: the loss curves work; the other views need a trained model.'),
  );
}

function dispatch(m: ToPanel): void {
  switch (m.type) {
    case 'init':
      return;
    case 'model': {
      const changed = JSON.stringify(ctx.model) !== JSON.stringify(m.model);
      ctx.model = m.model;
      renderModel();
      if (changed) for (const v of views) v.onModel?.();
      needProbe();
      return;
    }
    case 'error':
      ctx.status(m.message, 'error');
      break;
    case 'exported':
      ctx.status(t('Saved {0}', m.path));
      return;
    case 'showTab':
      showTab(m.tab);
      return;
  }
  probe?.onMessage(m);
  for (const v of views) v.onMessage?.(m);
  if (m.type === 'metrics') {
    const loss = views.find((v): v is LossView => v instanceof LossView);
    if (loss) ctx.post({ type: 'drawn', view: 'loss', count: loss.pointCount() });
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  const parsed = parseToPanel(e.data);
  if ('error' in parsed) {
    const why = `ignored a malformed message: ${parsed.error}`;
    console.warn(`[recurrent-lab] ${why}`);
    vscode.postMessage({ type: 'log', level: 'warn', message: why });
    return;
  }
  const m = parsed.ok;
  if (m.type === 'init') {
    setStrings(m.strings);
    document.documentElement.lang = m.lang;
    if (!views.length) {
      build();
      for (const x of early.splice(0)) dispatch(x);
    }
    return;
  }
  if (!views.length) early.push(m);
  else dispatch(m);
});

onThemeChange(() => {
  ctx.theme = readTheme();
  for (const v of views) v.onTheme?.();
});

window.addEventListener('error', (e) => vscode.postMessage({ type: 'log', level: 'error', message: String(e.message).slice(0, 2000) }));

vscode.postMessage({ type: 'ready' });
