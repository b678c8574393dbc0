import type { Tokenizer } from '../data/tokenizer';
import type { RecurrentLM, RecurrentState } from '../nn/model';
import { Rng } from '../rng';
import { probabilities, sampleToken, type SamplingOptions } from './sampling';

/** Where a generator stands: the recurrent state and the logits for the next token. */
export interface GeneratorSnapshot {
  h: Float32Array[];
  c: (Float32Array | null)[];
  logits: Float32Array | null;
}

/**
 * One stream (batch 1) running through a model token by token: feed text to
 * advance the state, then sample from where it stands. Feeding is done in
 * power-of-two chunks, so a long prompt costs a few batched passes and the
 * model keeps only a handful of buffer shapes.
 */
export class Generator {
  readonly state: RecurrentState;
  /** Logits for the next token (a copy: the model reuses its buffers). */
  private logits: Float32Array | null = null;
  private readonly one = new Int32Array(1);
  private readonly scratch: Float64Array;

  constructor(
    readonly model: RecurrentLM,
    readonly tokenizer: Tokenizer,
  ) {
    this.state = model.newState(1);
    this.scratch = new Float64Array(model.vocabSize);
  }

  reset(): void {
    this.model.resetState(this.state);
    this.logits = null;
  }

  snapshot(): GeneratorSnapshot {
    return {
      h: this.state.h.map((h) => Float32Array.from(h)),
      c: this.state.c.map((c) => (c ? Float32Array.from(c) : null)),
      logits: this.logits ? this.logits.slice() : null,
    };
  }

  restore(s: GeneratorSnapshot): void {
    this.state.h.forEach((h, k) => h.set(s.h[k]));
    this.state.c.forEach((c, k) => c?.set(s.c[k]!));
    this.logits = s.logits ? s.logits.slice() : null;
  }

  /** Advances the state over token ids. */
  feed(ids: ArrayLike<number>): void {
    const V = this.model.vocabSize;
    let i = 0;
    while (i < ids.length) {
      let T = 1;
      while (T * 2 <= Math.min(64, ids.length - i)) T *= 2;
      const chunk = T === 1 ? this.one : new Int32Array(T);
      for (let k = 0; k < T; k++) chunk[k] = ids[i + k];
      const out = this.model.logits(chunk, T, 1, this.state);
      this.logits ??= new Float32Array(V);
      for (let j = 0; j < V; j++) this.logits[j] = out[(T - 1) * V + j];
      i += T;
    }
  }

  /** Feeds text; returns the symbols that were not in the vocabulary (skipped). */
  feedText(text: string): string[] {
    const unknown: string[] = [];
    this.feed(this.tokenizer.encode(text, (t) => unknown.push(t)));
    return unknown;
  }

  /** Probabilities of the next token given everything fed so far (uniform before anything was fed). */
  nextProbabilities(temperature = 1): Float64Array {
    const V = this.model.vocabSize;
    const out = new Float64Array(V);
    if (!this.logits) return out.fill(1 / V);
    probabilities(this.logits, 0, V, temperature, out);
    return out;
  }

  /** Samples one token, feeds it back, returns its id. */
  next(o: SamplingOptions, rng: Rng): number {
    const V = this.model.vocabSize;
    if (!this.logits) this.feed([0]);
    const id = sampleToken(this.logits!, 0, V, o, rng, this.scratch);
    this.one[0] = id;
    this.feed(this.one);
    return id;
  }

  /** Samples `length` tokens and returns their text. */
  generate(length: number, o: SamplingOptions, seed: number): string {
    const rng = new Rng(seed);
    const ids: number[] = [];
    for (let i = 0; i < length; i++) ids.push(this.next(o, rng));
    return this.tokenizer.decode(ids);
  }
}
