/**
 * Messages between the extension host and the inspection panel (webview), as
 * a typed discriminated union each way, with runtime checks: a message of the
 * wrong shape is rejected with a reason (the receiver logs it and ignores it).
 * Large numeric arrays travel as Float32Array from the host (VS Code moves
 * typed arrays without JSON); plain number arrays are accepted too.
 */
import { isNumber, isObject, isString } from './validate';

export type Floats = Float32Array | Float64Array | number[];
export type CellName = 'rnn' | 'lstm' | 'gru';
export type TokenizerName = 'char' | 'word';

export interface ModelInfo {
  name: string;
  cell: CellName;
  layers: number;
  hidden: number;
  embed: number;
  vocab: number;
  tokenizer: TokenizerName;
}

/** One probe quantity (h, c, a gate) of one layer: [steps][H] row-major. */
export interface ProbeGrid {
  steps: number;
  H: number;
  data: Floats;
}

/** [token, probability] */
export type TokenProb = [string, number];

export interface GradientSeries {
  /** Shown in the legend: model name (or "fresh GRU"), layer. */
  label: string;
  cell: CellName;
  layer: number;
  /** A freshly initialised model of the same size (the comparison), not the active model. */
  fresh: boolean;
  /** ‖∂loss_t/∂h_{t−k}‖ for k = 0.. */
  norms: number[];
}

export interface SampleStep {
  token: string;
  /** Probability of the chosen token under the sampling distribution. */
  p: number;
  /** The ten most likely next tokens under the sampling distribution (temperature, top-k, top-p applied). */
  top: TokenProb[];
}

export interface UnrolledStep {
  token: string;
  /** Hidden state after reading the token, per layer. */
  h: Floats[];
  /** Most likely next tokens after reading it. */
  top: TokenProb[];
}

export type RunStatus = 'running' | 'done' | 'cancelled' | 'failed';

/** Host -> panel. */
export type ToPanel =
  | { type: 'init'; lang: string; strings: Record<string, string> }
  | { type: 'model'; model: ModelInfo | null }
  | { type: 'run'; run: string; label: string; cell: string; tokenizer: TokenizerName; status: RunStatus }
  /** Appends to a run: flat [step, chars, seconds, loss]… for train and [step, chars, seconds, valLoss]… for validation. */
  | { type: 'metrics'; run: string; train: Floats; val: Floats }
  /** probability[i]: what the model gave token i before reading it (NaN, or null in JSON, for the first). */
  | { type: 'probe'; id: number; text: string; source: string; tokens: string[]; probability: Floats | Array<number | null>; layers: Array<Record<string, ProbeGrid>> }
  | { type: 'gradientFlow'; id: number; windows: number; series: GradientSeries[] }
  | { type: 'sample'; id: number; prompt: string; steps: SampleStep[] }
  | { type: 'unrolled'; id: number; context: string; steps: UnrolledStep[] }
  | { type: 'error'; id?: number; message: string }
  | { type: 'exported'; path: string }
  /** Brings a view to the front (recurrentLab.showPanel { tab }). */
  | { type: 'showTab'; tab: PanelTab };

export type PanelTab = 'loss' | 'states' | 'text' | 'gates' | 'gradient' | 'unrolled' | 'sample';
export const PANEL_TABS: readonly PanelTab[] = ['loss', 'states', 'text', 'gates', 'gradient', 'unrolled', 'sample'];

/** Panel -> host. */
export type FromPanel =
  | { type: 'ready' }
  /** Read text through the active model: `text` if given, else the editor's selection or visible lines. */
  | { type: 'probe'; id: number; text?: string; maxSteps: number }
  | { type: 'gradientFlow'; id: number; maxK: number; compare: boolean }
  | { type: 'sample'; id: number; prompt: string; temperature: number; topK: number; topP: number; length: number; seed: number }
  | { type: 'unroll'; id: number; prompt: string; steps: number }
  | { type: 'insert'; text: string }
  | { type: 'export'; kind: 'csv' | 'png'; name: string; data: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  /** What a view has drawn (loss: points plotted; states: heatmap cells), so the host can report the panel's state. */
  | { type: 'drawn'; view: 'loss' | 'states'; count: number };

export type Parsed<T> = { ok: T } | { error: string };

// ---- small checkers --------------------------------------------------------

const isInt = (v: unknown, lo = -Infinity, hi = Infinity): v is number => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
const isFinite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumberish = (v: unknown): boolean => typeof v === 'number'; // NaN allowed (no probability for the first token)
export const isFloats = (v: unknown): v is Floats => v instanceof Float32Array || v instanceof Float64Array || (Array.isArray(v) && v.every(isNumberish));
const isProbabilities = (v: unknown): boolean => isFloats(v) || (Array.isArray(v) && v.every((x) => x === null || typeof x === 'number'));
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isCell = (v: unknown): v is CellName => v === 'rnn' || v === 'lstm' || v === 'gru';
const isTokenizer = (v: unknown): v is TokenizerName => v === 'char' || v === 'word';
const isTokenProbs = (v: unknown): v is TokenProb[] => Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && isString(e[0]) && isNumber(e[1]));

/** Checks fields in order; returns the first problem. */
function check(o: Record<string, unknown>, spec: Record<string, (v: unknown) => boolean>, optional: string[] = []): string | null {
  for (const [k, f] of Object.entries(spec)) {
    if (o[k] === undefined && optional.includes(k)) continue;
    if (o[k] === undefined) return `missing field "${k}"`;
    if (!f(o[k])) return `field "${k}" has the wrong type or range`;
  }
  return null;
}

const isModelInfo = (v: unknown): v is ModelInfo =>
  isObject(v) &&
  check(v, { name: isString, cell: isCell, layers: (x) => isInt(x, 1), hidden: (x) => isInt(x, 1), embed: (x) => isInt(x, 1), vocab: (x) => isInt(x, 1), tokenizer: isTokenizer }) === null;

const isGrid = (v: unknown): v is ProbeGrid =>
  isObject(v) && isInt(v.steps, 0) && isInt(v.H, 1) && isFloats(v.data) && v.data.length === (v.steps as number) * (v.H as number);

function probeProblem(m: Record<string, unknown>): string | null {
  const p = check(m, { id: (x) => isInt(x, 0), text: isString, source: isString, tokens: isStringArray, probability: isProbabilities, layers: Array.isArray });
  if (p) return p;
  const n = (m.tokens as string[]).length;
  if ((m.probability as unknown[]).length !== n) return 'probability does not match tokens';
  for (const layer of m.layers as unknown[]) {
    if (!isObject(layer) || !isObject(layer) || Object.keys(layer).length === 0) return 'a layer has no quantities';
    for (const [name, g] of Object.entries(layer)) {
      if (!/^[a-z]$/.test(name) || !isGrid(g) || g.steps !== n) return `layer quantity "${name}" is malformed`;
    }
  }
  return null;
}

const isSeries = (v: unknown): v is GradientSeries =>
  isObject(v) && check(v, { label: isString, cell: isCell, layer: (x) => isInt(x, 0), fresh: (x) => typeof x === 'boolean', norms: (x) => Array.isArray(x) && x.every(isFinite) }) === null;
const isSampleStep = (v: unknown): v is SampleStep => isObject(v) && check(v, { token: isString, p: isFinite, top: isTokenProbs }) === null;
const isUnrolledStep = (v: unknown): v is UnrolledStep =>
  isObject(v) && check(v, { token: isString, h: (x) => Array.isArray(x) && x.length > 0 && x.every(isFloats), top: isTokenProbs }) === null;
const isFlat4 = (v: unknown): boolean => isFloats(v) && v.length % 4 === 0;

function problemToPanel(m: Record<string, unknown>): string | null {
  switch (m.type) {
    case 'init':
      return check(m, { lang: isString, strings: (x) => isObject(x) && Object.values(x).every(isString) });
    case 'model':
      return m.model === null || isModelInfo(m.model) ? null : 'model: malformed model info';
    case 'run':
      return check(m, { run: isString, label: isString, cell: isString, tokenizer: isTokenizer, status: (x) => x === 'running' || x === 'done' || x === 'cancelled' || x === 'failed' });
    case 'metrics':
      return check(m, { run: isString, train: isFlat4, val: isFlat4 });
    case 'probe':
      return probeProblem(m);
    case 'gradientFlow':
      return check(m, { id: (x) => isInt(x, 0), windows: (x) => isInt(x, 1), series: (x) => Array.isArray(x) && x.every(isSeries) });
    case 'sample':
      return check(m, { id: (x) => isInt(x, 0), prompt: isString, steps: (x) => Array.isArray(x) && x.every(isSampleStep) });
    case 'unrolled':
      return check(m, { id: (x) => isInt(x, 0), context: isString, steps: (x) => Array.isArray(x) && x.every(isUnrolledStep) });
    case 'error':
      return check(m, { id: (x) => isInt(x, 0), message: isString }, ['id']);
    case 'exported':
      return check(m, { path: isString });
    case 'showTab':
      return PANEL_TABS.includes(m.tab as PanelTab) ? null : 'showTab: unknown tab';
    default:
      return `unknown message type ${JSON.stringify(m.type)}`;
  }
}

function problemFromPanel(m: Record<string, unknown>): string | null {
  const id = (x: unknown) => isInt(x, 0);
  switch (m.type) {
    case 'ready':
      return null;
    case 'probe':
      return check(m, { id, text: (x) => isString(x) && x.length <= 1_000_000, maxSteps: (x) => isInt(x, 1, 4096) }, ['text']);
    case 'gradientFlow':
      return check(m, { id, maxK: (x) => isInt(x, 1, 512), compare: (x) => typeof x === 'boolean' });
    case 'sample':
      return check(m, {
        id,
        prompt: (x) => isString(x) && x.length <= 100_000,
        temperature: (x) => isFinite(x) && x >= 0 && x <= 5,
        topK: (x) => isInt(x, 0, 1_000_000),
        topP: (x) => isFinite(x) && x > 0 && x <= 1,
        length: (x) => isInt(x, 1, 2000),
        seed: (x) => isInt(x, 0, 2 ** 31),
      });
    case 'unroll':
      return check(m, { id, prompt: (x) => isString(x) && x.length <= 100_000, steps: (x) => isInt(x, 1, 32) });
    case 'insert':
      return check(m, { text: (x) => isString(x) && x.length <= 1_000_000 });
    case 'export':
      return check(m, { kind: (x) => x === 'csv' || x === 'png', name: (x) => isString(x) && /^[\w .()-]{1,100}$/.test(x), data: (x) => isString(x) && x.length <= 64_000_000 });
    case 'log':
      return check(m, { level: (x) => x === 'info' || x === 'warn' || x === 'error', message: (x) => isString(x) && x.length <= 10_000 });
    case 'drawn':
      return check(m, { view: (x) => x === 'loss' || x === 'states', count: (x) => isInt(x, 0) });
    default:
      return `unknown message type ${JSON.stringify(m.type)}`;
  }
}

export function parseToPanel(m: unknown): Parsed<ToPanel> {
  if (!isObject(m)) return { error: 'message is not an object' };
  const p = problemToPanel(m);
  return p ? { error: `${String(m.type)}: ${p}` } : { ok: m as unknown as ToPanel };
}

export function parseFromPanel(m: unknown): Parsed<FromPanel> {
  if (!isObject(m)) return { error: 'message is not an object' };
  const p = problemFromPanel(m);
  return p ? { error: `${String(m.type)}: ${p}` } : { ok: m as unknown as FromPanel };
}
