import type { Tokenizer } from '../data/tokenizer';
import type { RecurrentLM } from '../nn/model';
import { completeFrom, type Completion, type CompletionOptions } from './complete';
import { Generator, type GeneratorSnapshot } from './generator';

/**
 * The part of the text before the cursor that a completion reads: from the
 * start of the first whole line within the last `context` characters (or, in
 * one very long line, from a multiple of 64). The start moves only now and
 * then, so while a person
 * types on a line every prefix extends the previous one and its state can be
 * reused. `rlab complete --prefix` given this same text gives the same result.
 */
export function completionWindow(before: string, context: number): string {
  if (before.length <= context) return before;
  const from = before.length - context;
  const nl = before.indexOf('\n', from);
  // Without a line start in the window, snap down to a multiple of 64 so the start holds for a while.
  let start = nl >= 0 && nl < before.length - 1 ? nl + 1 : Math.floor(from / 64) * 64;
  // Never start inside a surrogate pair.
  const code = before.charCodeAt(start);
  if (code >= 0xdc00 && code <= 0xdfff) start++;
  return before.slice(start);
}

interface Checkpoint {
  text: string;
  snapshot: GeneratorSnapshot;
  used: number;
}

/**
 * Incremental completion: recurrent states are saved at checkpoints along the
 * prefixes seen, so a keystroke costs only the new characters (and an edit
 * recomputes from the nearest earlier checkpoint). Results for recent exact
 * prefixes are remembered in a small LRU.
 */
export class PrefixCompleter {
  private readonly gen: Generator;
  private readonly checkpoints: Checkpoint[] = [];
  private readonly recent = new Map<string, Completion>();
  private clock = 0;
  /** Tokens fed in the last call (0 when the result came from the LRU). */
  lastFed = 0;

  constructor(
    readonly model: RecurrentLM,
    readonly tokenizer: Tokenizer,
    private readonly opts: { checkpoints?: number; every?: number; results?: number } = {},
  ) {
    this.gen = new Generator(model, tokenizer);
  }

  complete(prefix: string, o: CompletionOptions): Completion {
    const key = `${o.max}|${o.minConfidence}|${o.stopAtNewline}|${prefix}`;
    const hit = this.recent.get(key);
    if (hit) {
      this.recent.delete(key);
      this.recent.set(key, hit);
      this.lastFed = 0;
      return hit;
    }
    // Resume from the longest checkpoint that the prefix extends (or from a zero state).
    // Word models re-read the whole prefix: cutting text mid-word would change its tokens.
    const char = this.tokenizer.kind === 'char';
    let best: Checkpoint | null = null;
    if (char) for (const c of this.checkpoints) if (prefix.startsWith(c.text) && (!best || c.text.length > best.text.length)) best = c;
    if (best) {
      best.used = ++this.clock;
      this.gen.restore(best.snapshot);
    } else this.gen.reset();
    const rest = prefix.slice(best ? best.text.length : 0);
    // Feed in pieces, leaving a checkpoint every `every` characters and at the end (char models only: no other looks them up).
    const every = char ? (this.opts.every ?? 32) : Infinity;
    let done = best ? best.text.length : 0;
    for (let i = 0; i < rest.length; ) {
      let j = Math.min(rest.length, i + every);
      const code = rest.charCodeAt(j - 1);
      if (j < rest.length && code >= 0xd800 && code <= 0xdbff) j++;
      this.gen.feedText(rest.slice(i, j));
      done += j - i;
      i = j;
      if (char) this.remember(prefix.slice(0, done));
    }
    this.lastFed = rest.length;
    const result = completeFrom(this.gen, o);
    this.recent.set(key, result);
    const max = this.opts.results ?? 64;
    while (this.recent.size > max) this.recent.delete(this.recent.keys().next().value!);
    return result;
  }

  private remember(text: string): void {
    if (this.checkpoints.some((c) => c.text === text)) return;
    this.checkpoints.push({ text, snapshot: this.gen.snapshot(), used: ++this.clock });
    const max = this.opts.checkpoints ?? 256;
    if (this.checkpoints.length > max) {
      let oldest = 0;
      for (let k = 1; k < this.checkpoints.length; k++) if (this.checkpoints[k].used < this.checkpoints[oldest].used) oldest = k;
      this.checkpoints.splice(oldest, 1);
    }
  }
}
