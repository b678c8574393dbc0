import type { Arr } from '../backend/backend';
import type { Tokenizer } from '../data/tokenizer';
import type { RecurrentLM, RecurrentState } from '../nn/model';
import { Rng } from '../rng';
import { probabilities, sampleToken, type SamplingOptions } from './sampling';

/**
 * One stream (batch 1) running through a model token by token: feed text to
 * advance the state, then sample from where it stands. Feeding is done in
 * power-of-two chunks, so a long prompt costs a few batched passes and the
 * model keeps only a handful of buffer shapes.
 */
export class Generator {
  readonly state: RecurrentState;
  private last: { logits: Arr; row: number } | null = null;
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
    this.last = null;
  }

  /** Advances the state over token ids. */
  feed(ids: ArrayLike<number>): void {
    let i = 0;
    while (i < ids.length) {
      let T = 1;
      while (T * 2 <= Math.min(64, ids.length - i)) T *= 2;
      const chunk = Int32Array.from({ length: T }, (_, k) => ids[i + k]);
      this.last = { logits: this.model.logits(chunk, T, 1, this.state), row: T - 1 };
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
    if (!this.last) return out.fill(1 / V);
    probabilities(this.last.logits, this.last.row * V, V, temperature, out);
    return out;
  }

  /** Samples one token, feeds it back, returns its id. */
  next(o: SamplingOptions, rng: Rng): number {
    const V = this.model.vocabSize;
    if (!this.last) this.feed([0]);
    const id = sampleToken(this.last!.logits, this.last!.row * V, V, o, rng, this.scratch);
    this.one[0] = id;
    this.last = { logits: this.model.logits(this.one, 1, 1, this.state), row: 0 };
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
