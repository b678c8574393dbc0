import type { Tokenizer } from '../data/tokenizer';
import type { RecurrentLM } from '../nn/model';
import { Generator } from './generator';

export interface CompletionOptions {
  /** Most tokens to propose. */
  max: number;
  /** Stop before a token whose probability is below this (0: never). */
  minConfidence: number;
  /** Stop at the end of the line (the newline is not proposed). */
  stopAtNewline: boolean;
}

export const DEFAULT_COMPLETION: CompletionOptions = { max: 32, minConfidence: 0.2, stopAtNewline: true };

export interface Completion {
  completion: string;
  /** Probability of each proposed token. */
  confidence: number[];
  stoppedBy: 'max' | 'newline' | 'confidence';
}

/**
 * What the inline provider proposes after a prefix: the most likely next
 * token, again and again, until the line ends, the model gets unsure or the
 * length limit is reached. Deterministic, so `rlab complete` and the editor
 * agree for the same model and prefix.
 */
export function completeFrom(gen: Generator, o: CompletionOptions): Completion {
  const tokenizer: Tokenizer = gen.tokenizer;
  const ids: number[] = [];
  const confidence: number[] = [];
  let stoppedBy: Completion['stoppedBy'] = 'max';
  for (let n = 0; n < o.max; n++) {
    const p = gen.nextProbabilities(1);
    let best = 0;
    for (let j = 1; j < p.length; j++) if (p[j] > p[best]) best = j;
    const text = tokenizer.vocab[best];
    if (o.stopAtNewline && text.includes('\n')) {
      stoppedBy = 'newline';
      break;
    }
    if (p[best] < o.minConfidence) {
      stoppedBy = 'confidence';
      break;
    }
    ids.push(best);
    confidence.push(p[best]);
    gen.feed([best]);
  }
  return { completion: tokenizer.decode(ids), confidence, stoppedBy };
}

export function complete(model: RecurrentLM, tokenizer: Tokenizer, prefix: string, o: CompletionOptions = DEFAULT_COMPLETION): Completion {
  const gen = new Generator(model, tokenizer);
  gen.feedText(prefix);
  return completeFrom(gen, o);
}
