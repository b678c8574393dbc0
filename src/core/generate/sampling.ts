import type { Arr } from '../backend/backend';
import type { Rng } from '../rng';

export interface SamplingOptions {
  /** 0 picks the most likely token (greedy); higher flattens the distribution. */
  temperature: number;
  /** Keep only the k most likely tokens (0: all). */
  topK: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (1: all). */
  topP: number;
}

export const DEFAULT_SAMPLING: SamplingOptions = { temperature: 0.8, topK: 0, topP: 1 };

/** softmax(logits / temperature) of one row into `out`. */
export function probabilities(logits: Arr, offset: number, V: number, temperature: number, out: Float64Array): void {
  const inv = 1 / Math.max(temperature, 1e-6);
  let max = -Infinity;
  for (let j = 0; j < V; j++) max = Math.max(max, logits[offset + j] * inv);
  let sum = 0;
  for (let j = 0; j < V; j++) sum += out[j] = Math.exp(logits[offset + j] * inv - max);
  for (let j = 0; j < V; j++) out[j] /= sum;
}

export function argmax(logits: Arr, offset: number, V: number): number {
  let best = 0;
  for (let j = 1; j < V; j++) if (logits[offset + j] > logits[offset + best]) best = j;
  return best;
}

/** Draws the next token id from one row of logits. */
export function sampleToken(logits: Arr, offset: number, V: number, o: SamplingOptions, rng: Rng, scratch: Float64Array = new Float64Array(V)): number {
  if (o.temperature <= 0) return argmax(logits, offset, V);
  const p = scratch;
  probabilities(logits, offset, V, o.temperature, p);
  if ((o.topK > 0 && o.topK < V) || o.topP < 1) {
    const order = Array.from({ length: V }, (_, j) => j).sort((a, b) => p[b] - p[a]);
    const keep = o.topK > 0 ? Math.min(o.topK, V) : V;
    let mass = 0;
    let n = 0;
    while (n < keep && (n === 0 || mass < o.topP)) mass += p[order[n++]];
    for (let r = n; r < V; r++) p[order[r]] = 0;
    for (let j = 0; j < V; j++) p[j] /= mass;
  }
  let u = rng.next();
  for (let j = 0; j < V; j++) {
    u -= p[j];
    if (u < 0) return j;
  }
  // Rounding left a sliver of mass: take the most likely token.
  return argmax(logits, offset, V);
}
