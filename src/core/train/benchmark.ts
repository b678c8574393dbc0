import type { Backend } from '../backend/backend';
import { complete } from '../generate/complete';
import { PrefixCompleter } from '../generate/prefixCache';
import { VocabTokenizer } from '../data/tokenizer';
import type { CellType } from '../nn/config';
import { RecurrentLM } from '../nn/model';
import { Adam, clipGradNorm } from '../optim/optimizer';
import { Rng } from '../rng';

/** The charlstm workload of the peer benchmarks: V=96, E=64, T=64, B=32, Adam, clip 5. */
export interface TrainWorkload {
  cell: CellType;
  layers: number;
  hidden: number;
  embed: number;
  seq: number;
  batch: number;
  vocab: number;
}

export const CHARLSTM: Omit<TrainWorkload, 'hidden'> = { cell: 'lstm', layers: 1, embed: 64, seq: 64, batch: 32, vocab: 96 };

const now = (): number => globalThis.performance.now();

function charVocab(V: number): VocabTokenizer {
  return new VocabTokenizer('char', ['\n', ...Array.from({ length: V - 1 }, (_, i) => String.fromCharCode(32 + i))]);
}

/**
 * Training throughput (tokens per second) of full steps — forward, backward,
 * clipping and an Adam update — after warm-up, timed until `maxSteps` steps
 * or `maxSeconds` (at least `minSteps`).
 */
export function benchTrain(backend: Backend, w: TrainWorkload, o = { warmup: 2, minSteps: 2, maxSteps: 20, maxSeconds: 10 }): { charsPerSec: number; steps: number; seconds: number } {
  const model = new RecurrentLM(backend, { cell: w.cell, layers: w.layers, hidden: w.hidden, embed: w.embed, dropout: 0, tokenizer: 'char' }, w.vocab);
  model.init(1);
  const opt = new Adam(model.params);
  const rng = new Rng(2);
  const state = model.newState(w.batch);
  const inputs = Int32Array.from({ length: w.batch * w.seq }, () => rng.int(w.vocab));
  const targets = Int32Array.from({ length: w.batch * w.seq }, () => rng.int(w.vocab));
  const step = () => {
    model.zeroGrad();
    model.trainStep(inputs, targets, w.seq, w.batch, state, rng);
    clipGradNorm(model.params, 5);
    opt.step(2e-3);
  };
  for (let i = 0; i < o.warmup; i++) step();
  const t0 = now();
  let steps = 0;
  while (steps < o.maxSteps && (steps < o.minSteps || now() - t0 < o.maxSeconds * 1000)) {
    step();
    steps++;
  }
  const seconds = (now() - t0) / 1000;
  return { charsPerSec: (steps * w.batch * w.seq) / seconds, steps, seconds };
}

/**
 * Latency of what the inline provider does: read a prefix from a zero state,
 * then propose `chars` tokens greedily. Returns the median and 95th percentile.
 */
export function benchComplete(backend: Backend, cell: CellType, hidden: number, chars = 32, reps = 30): { medianMs: number; p95Ms: number } {
  const { model, tokenizer } = completionModel(backend, cell, hidden);
  const prefix = 'Whether tis nobler in the mind t';
  const times: number[] = [];
  for (let r = 0; r < reps + 3; r++) {
    const t0 = now();
    complete(model, tokenizer, prefix, { max: chars, minConfidence: 0, stopAtNewline: false });
    if (r >= 3) times.push(now() - t0);
  }
  return percentiles(times);
}

/**
 * Latency of the editor's case: a person types a line character by character
 * and each keystroke asks for a 32-token suggestion. With the state cache a
 * keystroke costs the new character plus the suggestion; without it the whole
 * prefix (up to `context` characters) is read again every time.
 */
export function benchTyping(backend: Backend, cell: CellType, hidden: number, cached: boolean, context = 256): { medianMs: number; p95Ms: number; keystrokes: number } {
  const { model, tokenizer } = completionModel(backend, cell, hidden);
  const text = 'Shall I compare thee to a summer day? Thou art more lovely and more temperate: rough winds do shake the darling buds of May, and summer lease hath all too short a date; sometime too hot the eye of heaven shines.';
  const options = { max: 32, minConfidence: 0, stopAtNewline: false };
  const pc = new PrefixCompleter(model, tokenizer);
  const times: number[] = [];
  for (let i = 1; i <= text.length; i++) {
    const prefix = text.slice(Math.max(0, i - context), i);
    const t0 = now();
    if (cached) pc.complete(prefix, options);
    else complete(model, tokenizer, prefix, options);
    if (i > 5) times.push(now() - t0);
  }
  return { ...percentiles(times), keystrokes: times.length };
}

/** The completion benchmarks' model: one layer of `hidden` units over 96 characters, fixed weights. */
function completionModel(backend: Backend, cell: CellType, hidden: number) {
  const model = new RecurrentLM(backend, { cell, layers: 1, hidden, embed: 64, dropout: 0, tokenizer: 'char' }, 96);
  model.init(3);
  return { model, tokenizer: charVocab(96) };
}

/** Median and 95th percentile (nearest rank) of the timings. */
function percentiles(times: number[]): { medianMs: number; p95Ms: number } {
  const v = [...times].sort((a, b) => a - b);
  const q = (p: number) => v[Math.min(v.length - 1, Math.ceil(p * v.length) - 1)];
  return { medianMs: q(0.5), p95Ms: q(0.95) };
}
