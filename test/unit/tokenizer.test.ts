import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTokenizer, splitChars, splitWords, UNK, VocabTokenizer } from '../../src/core/data/tokenizer';

const CORPORA = resolve(__dirname, '../../../shared/corpora');
const ENGLISH = readFileSync(resolve(CORPORA, 'tinyshakespeare.txt'), 'utf8').slice(0, 5000);
const JAPANESE = Array.from(readFileSync(resolve(CORPORA, 'kokoro.txt'), 'utf8')).slice(0, 5000).join('');
const EMOJI = 'hi 👋🏽 team: 👩‍💻👨‍👩‍👧‍👦 🇯🇵 ok 🎉\u{1F600}x\u{10FFFF}y';

function isLoneSurrogate(s: string): boolean {
  return s.length === 1 && s.charCodeAt(0) >= 0xd800 && s.charCodeAt(0) <= 0xdfff;
}

/** No unpaired surrogate anywhere (String.prototype.isWellFormed is ES2024). */
function wellFormed(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

function charRoundTrip(text: string): void {
  const tok = buildTokenizer('char', text);
  const ids = tok.encode(text);
  expect(ids.length).toBe(Array.from(text).length);
  expect(tok.decode(ids)).toBe(text);
  expect(wellFormed(tok.vocab.join(''))).toBe(true);
  expect(wellFormed('\uD83D')).toBe(false);
}

describe('char tokenizer', () => {
  it('round trips English', () => charRoundTrip(ENGLISH));

  it('round trips Japanese (kokoro.txt, first 5,000 chars)', () => {
    expect(JAPANESE).toMatch(/[\p{Script=Hiragana}\p{Script=Han}]/u);
    charRoundTrip(JAPANESE);
  });

  it('round trips CRLF text and keeps \\r as its own token', () => {
    const text = 'line one\r\nline two\r\n\r\nend\r';
    const tok = buildTokenizer('char', text);
    expect(tok.vocab).toContain('\r');
    expect(tok.vocab).toContain('\n');
    expect(tok.decode(tok.encode(text))).toBe(text);
  });

  it('makes every code point of emoji (surrogate pairs, ZWJ sequences, flags, skin tones) one token', () => {
    const tok = buildTokenizer('char', EMOJI);
    charRoundTrip(EMOJI);
    for (const t of tok.vocab) {
      expect(isLoneSurrogate(t)).toBe(false);
      expect([...t].length).toBe(1);
    }
    // 👩‍💻 is three code points: woman, zero-width joiner, laptop.
    const split = splitChars('👩‍💻');
    expect(split).toEqual(['\u{1F469}', '\u200D', '\u{1F4BB}']);
    expect(tok.encode('👩‍💻').length).toBe(3);
    expect(tok.vocab).toContain('\u{1F469}');
    expect(tok.vocab).toContain('\u200D');
    expect(tok.vocab).toContain('\u{10FFFF}');
    // Each token string is a whole code point, so decoding any single id is valid UTF-16.
    for (let id = 0; id < tok.vocab.length; id++) expect(wellFormed(tok.decode([id]))).toBe(true);
  });

  it('builds the same vocabulary, in the same order, from the same text', () => {
    const a = buildTokenizer('char', JAPANESE + EMOJI);
    const b = buildTokenizer('char', JAPANESE + EMOJI);
    expect(a.vocab).toEqual(b.vocab);
    // Sorted by code point, so the order does not depend on where symbols first appear.
    const shuffled = buildTokenizer('char', Array.from(JAPANESE + EMOJI).reverse().join(''));
    expect(shuffled.vocab).toEqual(a.vocab);
    const cps = a.vocab.map((t) => t.codePointAt(0)!);
    expect(cps).toEqual([...cps].sort((x, y) => x - y));
    expect(new Set(a.vocab).size).toBe(a.vocab.length);
  });

  it('reports unknown symbols through onUnknown and skips them', () => {
    const tok = buildTokenizer('char', 'abc ');
    const seen: Array<[string, number]> = [];
    const ids = tok.encode('ab x😀c', (t, i) => seen.push([t, i]));
    expect(seen).toEqual([
      ['x', 3],
      ['😀', 4],
    ]);
    expect(tok.decode(ids)).toBe('ab c');
    // Without a callback they are still skipped, never mapped to a wrong id.
    expect(tok.decode(tok.encode('zzz a'))).toBe(' a');
    expect(tok.id('z')).toBeUndefined();
    expect(tok.id('a')).toBe(tok.vocab.indexOf('a'));
  });

  it('a tokenizer rebuilt from a stored vocabulary encodes identically', () => {
    const a = buildTokenizer('char', ENGLISH);
    const b = new VocabTokenizer('char', [...a.vocab]);
    expect(Array.from(b.encode(ENGLISH))).toEqual(Array.from(a.encode(ENGLISH)));
  });
});

describe('word tokenizer', () => {
  it('splits English so that joining the tokens gives the text back', () => {
    const parts = splitWords(ENGLISH);
    expect(parts.join('')).toBe(ENGLISH);
    expect(parts).toContain('First');
    const tok = buildTokenizer('word', ENGLISH, { minCount: 1 });
    expect(tok.vocab[0]).toBe(UNK);
    const ids = tok.encode(ENGLISH);
    expect(ids.length).toBe(parts.length);
    expect(tok.decode(ids)).toBe(ENGLISH);
  });

  it('splits Japanese (no spaces) into several words and round trips it', () => {
    const parts = splitWords(JAPANESE);
    expect(parts.join('')).toBe(JAPANESE);
    // Segmented into words, not one token per line.
    expect(parts.length).toBeGreaterThan(JAPANESE.split('\n').length * 2);
    const tok = buildTokenizer('word', JAPANESE, { minCount: 1 });
    expect(tok.decode(tok.encode(JAPANESE))).toBe(JAPANESE);
  });

  it('maps rare words to UNK and decodes UNK as U+FFFD', () => {
    const text = 'the cat sat on the mat . the cat sat . zebra';
    const tok = buildTokenizer('word', text); // minCount 2 by default
    expect(tok.vocab[0]).toBe(UNK);
    expect(tok.vocab).toContain('the');
    expect(tok.vocab).toContain('cat');
    expect(tok.vocab).not.toContain('zebra');
    expect(tok.vocab).not.toContain('mat');
    const unknown: string[] = [];
    const ids = tok.encode('the zebra sat', (t) => unknown.push(t));
    // UNK is in the vocabulary, so rare words map to it instead of being reported.
    expect(unknown).toEqual([]);
    expect(ids.length).toBe(5);
    expect(ids[2]).toBe(0);
    expect(tok.decode(ids)).toBe('the \uFFFD sat');
    expect(tok.decode([0])).toBe('\uFFFD');
  });

  it('orders the vocabulary by frequency, deterministically', () => {
    const text = 'b b b a a c c d d ';
    const a = buildTokenizer('word', text);
    const b = buildTokenizer('word', text);
    expect(a.vocab).toEqual(b.vocab);
    expect(a.vocab[0]).toBe(UNK);
    expect(a.vocab[1]).toBe(' ');
    expect(a.vocab[2]).toBe('b');
    // ties broken by the token itself
    expect(a.vocab.slice(3)).toEqual(['a', 'c', 'd']);
  });

  it('respects maxWords', () => {
    const tok = buildTokenizer('word', ENGLISH, { minCount: 1, maxWords: 10 });
    expect(tok.vocab.length).toBe(11);
    expect(tok.vocab[0]).toBe(UNK);
  });
});
