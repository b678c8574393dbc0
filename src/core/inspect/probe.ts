import type { Tokenizer } from '../data/tokenizer';
import { probabilities } from '../generate/sampling';
import type { RecurrentLM } from '../nn/model';

export interface ProbeResult {
  /** The token strings read, in order. */
  tokens: string[];
  /** Per layer, per quantity (h, c, i, f, g, o for LSTM; h, r, z, n for GRU; h for RNN): [steps][H]. */
  layers: Array<Record<string, number[][]>>;
  /** Probability the model gave each token before reading it (NaN for the first). */
  probability: number[];
  /** Symbols skipped because the model has never seen them. */
  unknown: string[];
}

/**
 * Reads text through the model from a zero state, one stream, and records
 * every layer's hidden state and gate activations at every step: what the
 * heatmaps and the "which unit fires where" views are drawn from.
 */
export function probeText(model: RecurrentLM, tokenizer: Tokenizer, text: string, maxSteps = 4096): ProbeResult {
  const unknown: string[] = [];
  const ids = tokenizer.encode(text, (t) => unknown.push(t)).subarray(0, maxSteps);
  const H = model.config.hidden;
  const V = model.vocabSize;
  const state = model.newState(1);
  const layers: Array<Record<string, number[][]>> = model.layers.map(() => ({}));
  const probability: number[] = [];
  const p = new Float64Array(V);
  let next = NaN; // P(the token at this position | the text before it)
  let i = 0;
  while (i < ids.length) {
    let T = 1;
    while (T * 2 <= Math.min(64, ids.length - i)) T *= 2;
    const chunk = ids.slice(i, i + T);
    const logits = model.logits(chunk, T, 1, state);
    model.lastPass.forEach((u, k) => {
      for (const name of u.probeNames) {
        const a = u.probe(name)!;
        const rows = (layers[k][name] ??= []);
        for (let t = 0; t < T; t++) rows.push(Array.from(a.subarray(t * H, (t + 1) * H)));
      }
    });
    for (let t = 0; t < T; t++) {
      probability.push(next);
      probabilities(logits, t * V, V, 1, p);
      next = i + t + 1 < ids.length ? p[ids[i + t + 1]] : NaN;
    }
    i += T;
  }
  return { tokens: Array.from(ids, (id) => tokenizer.vocab[id]), layers, probability, unknown };
}
