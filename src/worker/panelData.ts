/**
 * What the inspection panel shows, computed from a model in the host. Pure:
 * no vscode import, so the webview tests record real messages with it.
 */
import type { Tokenizer } from '../core/data/tokenizer';
import { DEFAULT_SAMPLING } from '../core/generate/sampling';
import { Generator } from '../core/generate/generator';
import { gradientFlow, sameSizeModel } from '../core/inspect/gradientFlow';
import { probeText } from '../core/inspect/probe';
import type { CellType } from '../core/nn/config';
import type { RecurrentLM } from '../core/nn/model';
import { Rng } from '../core/rng';
import type { FromPanel, GradientSeries, ModelInfo, ProbeGrid, SampleStep, ToPanel, TokenProb, UnrolledStep } from '../protocol/panel';

export function modelInfo(name: string, model: RecurrentLM, tokenizer: Tokenizer): ModelInfo {
  const { cell, layers, hidden, embed } = model.config;
  return { name, cell, layers, hidden, embed, vocab: model.vocabSize, tokenizer: tokenizer.kind };
}

export function probeMessage(id: number, model: RecurrentLM, tokenizer: Tokenizer, text: string, source: string, maxSteps: number): Extract<ToPanel, { type: 'probe' }> {
  const r = probeText(model, tokenizer, text, maxSteps);
  const H = model.config.hidden;
  const steps = r.tokens.length;
  const layers = r.layers.map((q) => {
    const out: Record<string, ProbeGrid> = {};
    // g (LSTM's candidate) and n (GRU's) are not gates in the saturation sense, but they are shown in the heatmap too.
    for (const [name, rows] of Object.entries(q)) {
      const data = new Float32Array(steps * H);
      rows.forEach((row, t) => data.set(row, t * H));
      out[name] = { steps, H, data };
    }
    return out;
  });
  return { type: 'probe', id, text, source, tokens: r.tokens, probability: Float32Array.from(r.probability), layers };
}

const CELLS: CellType[] = ['rnn', 'lstm', 'gru'];

/** ‖∂loss_t/∂h_{t−k}‖ per layer for the model; with `compare`, also for freshly initialised RNN, LSTM and GRU of the same size. */
export function gradientFlowMessage(id: number, model: RecurrentLM, tokenizer: Tokenizer, name: string, text: string, maxK: number, compare: boolean, labels = { fresh: 'fresh {0}', layer: 'layer {0}' }): Extract<ToPanel, { type: 'gradientFlow' }> {
  const ids = tokenizer.encode(text);
  const series: GradientSeries[] = [];
  let windows = 1;
  const add = (m: RecurrentLM, label: string, fresh: boolean) => {
    const r = gradientFlow(m, ids, { maxK, windows: 16 });
    windows = r.windows;
    r.norms.forEach((norms, layer) => {
      const l = r.norms.length > 1 ? ` · ${labels.layer.replace('{0}', String(layer + 1))}` : '';
      series.push({ label: `${label}${l}`, cell: m.config.cell, layer, fresh, norms: norms.map((v) => (Number.isFinite(v) ? v : 0)) });
    });
  };
  add(model, `${name} (${model.config.cell.toUpperCase()})`, false);
  if (compare) for (const cell of CELLS) add(sameSizeModel(model, cell, 1), labels.fresh.replace('{0}', cell.toUpperCase()), true);
  return { type: 'gradientFlow', id, windows, series };
}

function top(p: Float64Array, vocab: readonly string[], n: number): TokenProb[] {
  const idx: number[] = [];
  for (let j = 0; j < p.length; j++) {
    if (p[j] <= 0) continue;
    if (idx.length < n) idx.push(j);
    else if (p[j] > p[idx[n - 1]]) idx[n - 1] = j;
    else continue;
    idx.sort((a, b) => p[b] - p[a]);
  }
  return idx.map((j) => [vocab[j], p[j]]);
}

/** The sampling distribution after temperature, top-k and top-p, as sampleToken draws from it. */
function filtered(gen: Generator, temperature: number, topK: number, topP: number): Float64Array {
  const p = gen.nextProbabilities(temperature > 0 ? temperature : 1);
  const V = p.length;
  // Greedy (temperature 0): the distribution at temperature 1 is shown; the most likely token is taken.
  if (temperature <= 0) return p;
  if ((topK > 0 && topK < V) || topP < 1) {
    const order = Array.from({ length: V }, (_, j) => j).sort((a, b) => p[b] - p[a]);
    const keep = topK > 0 ? Math.min(topK, V) : V;
    let mass = 0;
    let n = 0;
    while (n < keep && (n === 0 || mass < topP)) mass += p[order[n++]];
    for (let r = n; r < V; r++) p[order[r]] = 0;
    for (let j = 0; j < V; j++) p[j] /= mass;
  }
  return p;
}

export function sampleMessage(model: RecurrentLM, tokenizer: Tokenizer, req: Extract<FromPanel, { type: 'sample' }>): Extract<ToPanel, { type: 'sample' }> {
  const gen = new Generator(model, tokenizer);
  gen.feedText(req.prompt);
  const rng = new Rng(req.seed);
  const o = { ...DEFAULT_SAMPLING, temperature: req.temperature, topK: req.topK, topP: req.topP };
  const steps: SampleStep[] = [];
  for (let i = 0; i < req.length; i++) {
    const p = filtered(gen, req.temperature, req.topK, req.topP);
    const id = gen.next(o, rng);
    steps.push({ token: tokenizer.vocab[id], p: p[id], top: top(p, tokenizer.vocab, 10) });
  }
  return { type: 'sample', id: req.id, prompt: req.prompt, steps };
}

export function unrollMessage(model: RecurrentLM, tokenizer: Tokenizer, req: Extract<FromPanel, { type: 'unroll' }>): Extract<ToPanel, { type: 'unrolled' }> {
  const gen = new Generator(model, tokenizer);
  const ids = tokenizer.encode(req.prompt);
  const n = Math.min(req.steps, ids.length);
  const lead = ids.subarray(0, ids.length - n);
  gen.feed(lead);
  const steps: UnrolledStep[] = [];
  for (let i = ids.length - n; i < ids.length; i++) {
    gen.feed([ids[i]]);
    steps.push({ token: tokenizer.vocab[ids[i]], h: gen.state.h.map((h) => Float32Array.from(h)), top: top(gen.nextProbabilities(1), tokenizer.vocab, 5) });
  }
  return { type: 'unrolled', id: req.id, context: tokenizer.decode(lead).slice(-200), steps };
}
