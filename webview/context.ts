import type { FromPanel, GradientSeries, ModelInfo, SampleStep, ToPanel } from '../src/protocol/panel';
import type { Theme } from './theme';

export type TabId = 'loss' | 'states' | 'text' | 'gates' | 'gradient' | 'unrolled' | 'sample';
export type XAxis = 'step' | 'chars' | 'time';

/** Everything the panel keeps across hide/show and reloads (vscode.setState): settings and small results, never big arrays. */
export interface PanelState {
  v: 1;
  tab: TabId;
  loss: { smoothing: number; log: boolean; x: XAxis; bpc: boolean; hidden: string[]; showVal: boolean };
  probe: { layer: number; quantity: string; sort: 'none' | 'mean' | 'variance'; unit: number; maxSteps: number; custom: string; useCustom: boolean; lastText: string | null; span: [number, number] | null };
  grad: { maxK: number; normalize: boolean; series: GradientSeries[] };
  sample: { prompt: string; temperature: number; topK: number; topP: number; length: number; seed: number; result: { prompt: string; steps: SampleStep[] } | null; step: number };
  unroll: { prompt: string; steps: number };
}

export const DEFAULT_STATE: PanelState = {
  v: 1,
  tab: 'loss',
  loss: { smoothing: 0.6, log: false, x: 'step', bpc: false, hidden: [], showVal: true },
  probe: { layer: 0, quantity: 'h', sort: 'none', unit: 0, maxSteps: 400, custom: '', useCustom: false, lastText: null, span: null },
  grad: { maxK: 64, normalize: true, series: [] },
  sample: { prompt: '', temperature: 0.8, topK: 0, topP: 1, length: 200, seed: 1, result: null, step: 0 },
  unroll: { prompt: 'Shall I compare thee to a summer', steps: 8 },
};

/** Restores saved state over the defaults, field by field, dropping anything of the wrong type. */
export function mergeState(saved: unknown): PanelState {
  const out = structuredClone(DEFAULT_STATE);
  if (typeof saved !== 'object' || saved === null || (saved as { v?: unknown }).v !== 1) return out;
  const s = saved as Record<string, unknown>;
  const tabs: TabId[] = ['loss', 'states', 'text', 'gates', 'gradient', 'unrolled', 'sample'];
  if (tabs.includes(s.tab as TabId)) out.tab = s.tab as TabId;
  for (const group of ['loss', 'probe', 'grad', 'sample', 'unroll'] as const) {
    const from = s[group];
    if (typeof from !== 'object' || from === null) continue;
    const into = out[group] as unknown as Record<string, unknown>;
    for (const [k, def] of Object.entries(into)) {
      const v = (from as Record<string, unknown>)[k];
      if (v === undefined) continue;
      const ok = def === null ? true : Array.isArray(def) ? Array.isArray(v) : typeof v === typeof def;
      if (ok) into[k] = v;
    }
  }
  return out;
}

export interface Ctx {
  readonly state: PanelState;
  model: ModelInfo | null;
  theme: Theme;
  save(): void;
  post(m: FromPanel): void;
  /** Next request id. */
  nextId(): number;
  /** A short message in the panel's status line. */
  status(text: string, kind?: 'info' | 'error' | 'busy'): void;
}

export interface View {
  readonly id: TabId;
  readonly root: HTMLElement;
  onMessage?(m: ToPanel): void;
  onShow?(): void;
  onTheme?(): void;
  onModel?(): void;
}
