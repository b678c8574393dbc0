/**
 * Tokenizers turn text into ids and back. The vocabulary is stored with the
 * model (index = id), so a model always decodes what it was trained on.
 *
 * char: one token per Unicode code point — a kanji, a kana or an emoji made of
 *       a surrogate pair is one token, never half of one.
 * word: words, runs of whitespace and single punctuation marks are tokens, so
 *       joining tokens gives the text back. Words are found with
 *       Intl.Segmenter where the runtime has it (it segments Japanese, which
 *       has no spaces); rare words map to UNK.
 */
import type { TokenizerKind } from '../nn/config';

export const UNK = '\u0000<unk>';

export interface Tokenizer {
  readonly kind: TokenizerKind;
  readonly vocab: readonly string[];
  /** Splits text into token strings (no vocabulary involved). */
  split(text: string): string[];
  /** Ids of the text's tokens; tokens outside the vocabulary are reported through onUnknown and skipped, or mapped to UNK where the vocabulary has it. */
  encode(text: string, onUnknown?: (token: string, index: number) => void): Int32Array;
  decode(ids: ArrayLike<number>): string;
  id(token: string): number | undefined;
}

export function splitChars(text: string): string[] {
  return Array.from(text);
}

const wordSegmenter: { segment(s: string): Iterable<{ segment: string }> } | null = (() => {
  const Seg = (globalThis as { Intl?: { Segmenter?: new (l?: string, o?: object) => { segment(s: string): Iterable<{ segment: string }> } } }).Intl?.Segmenter;
  return Seg ? new Seg(undefined, { granularity: 'word' }) : null;
})();

export function splitWords(text: string): string[] {
  if (wordSegmenter) {
    const out: string[] = [];
    for (const { segment } of wordSegmenter.segment(text)) out.push(segment);
    return out;
  }
  return text.match(/\s+|[\p{L}\p{N}_']+|[^\s\p{L}\p{N}_']/gu) ?? [];
}

export class VocabTokenizer implements Tokenizer {
  private readonly ids: Map<string, number>;
  private readonly unk: number | undefined;
  constructor(
    readonly kind: TokenizerKind,
    readonly vocab: readonly string[],
  ) {
    this.ids = new Map(vocab.map((t, i) => [t, i]));
    this.unk = this.ids.get(UNK);
  }
  split(text: string): string[] {
    return this.kind === 'char' ? splitChars(text) : splitWords(text);
  }
  id(token: string): number | undefined {
    return this.ids.get(token);
  }
  encode(text: string, onUnknown?: (token: string, index: number) => void): Int32Array {
    // Characters are walked in place (no array of strings): a 10 MB text costs only its ids.
    const toks: Iterable<string> = this.kind === 'char' ? text : splitWords(text);
    const out = new Int32Array(this.kind === 'char' ? text.length : (toks as string[]).length);
    let n = 0;
    let i = 0;
    for (const tok of toks) {
      const id = this.ids.get(tok) ?? this.unk;
      if (id === undefined) onUnknown?.(tok, i);
      else out[n++] = id;
      i++;
    }
    return n === out.length ? out : out.slice(0, n);
  }
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const t = this.vocab[ids[i]];
      s += t === UNK ? '\uFFFD' : t ?? '';
    }
    return s;
  }
}

export interface BuildVocabOptions {
  /** word tokenizer: keep at most this many distinct words (most frequent first); the rest become UNK. */
  maxWords?: number;
  /** word tokenizer: words seen fewer times than this become UNK. */
  minCount?: number;
}

/**
 * Builds a vocabulary from a corpus. Char vocabularies keep every code point,
 * sorted by code point so the same text always gives the same ids.
 */
export function buildTokenizer(kind: TokenizerKind, text: string, opts: BuildVocabOptions = {}): VocabTokenizer {
  if (kind === 'char') {
    const set = new Set<string>();
    for (const ch of text) set.add(ch);
    const vocab = [...set].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    return new VocabTokenizer('char', vocab);
  }
  const counts = new Map<string, number>();
  for (const w of splitWords(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const minCount = opts.minCount ?? 2;
  const maxWords = opts.maxWords ?? 20000;
  const kept = [...counts.entries()]
    .filter(([, c]) => c >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxWords)
    .map(([w]) => w);
  return new VocabTokenizer('word', [UNK, ...kept]);
}
