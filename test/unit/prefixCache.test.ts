import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/core/backend/backend';
import { createCpuBackend } from '../../src/core/backend/cpu';
import { ReferenceBackend } from '../../src/core/backend/reference';
import { buildTokenizer } from '../../src/core/data/tokenizer';
import { complete } from '../../src/core/generate/complete';
import { completionWindow, PrefixCompleter } from '../../src/core/generate/prefixCache';
import { RecurrentLM } from '../../src/core/nn/model';
import { Rng } from '../../src/core/rng';

const TEXT = 'the quick brown fox jumps over the lazy dog\nこころ 🙂 先生と私\n'.repeat(3);
const OPTS = { max: 12, minConfidence: 0, stopAtNewline: true };

function setup(cell: 'lstm' | 'gru' | 'rnn' = 'lstm', backend: Backend = new ReferenceBackend()) {
  const tokenizer = buildTokenizer('char', TEXT);
  const model = new RecurrentLM(backend, { cell, layers: 2, hidden: 12, embed: 6, dropout: 0, tokenizer: 'char' }, tokenizer.vocab.length);
  model.init(5);
  return { model, tokenizer };
}

describe('PrefixCompleter', () => {
  it.each(['lstm', 'gru', 'rnn'] as const)('gives exactly what complete() gives from scratch, through typing, deleting and pasting (%s)', (cell) => {
    const { model, tokenizer } = setup(cell);
    const pc = new PrefixCompleter(model, tokenizer, { every: 8, checkpoints: 20 });
    const rng = new Rng(9);
    let doc = '';
    for (let step = 0; step < 120; step++) {
      const r = rng.next();
      const chars = Array.from(TEXT);
      if (r < 0.7) doc += chars[rng.int(chars.length)];
      else if (r < 0.9) doc = Array.from(doc).slice(0, -1 - rng.int(3)).join('');
      else doc += TEXT.slice(0, 1 + rng.int(30));
      expect(pc.complete(doc, OPTS)).toEqual(complete(model, tokenizer, doc, OPTS));
    }
  });

  it('agrees with complete() on the cpu backend too (chunked and step-by-step products sum alike)', async () => {
    const { model, tokenizer } = setup('lstm', await createCpuBackend());
    const pc = new PrefixCompleter(model, tokenizer, { every: 8 });
    let doc = '';
    for (const ch of TEXT) {
      doc += ch;
      expect(pc.complete(doc, OPTS)).toEqual(complete(model, tokenizer, doc, OPTS));
    }
  });

  it('a keystroke feeds only the new character; an exact repeat feeds nothing', () => {
    const { model, tokenizer } = setup();
    const pc = new PrefixCompleter(model, tokenizer, { every: 8 });
    pc.complete('the quick brown fox jumps', OPTS);
    expect(pc.lastFed).toBe('the quick brown fox jumps'.length);
    pc.complete('the quick brown fox jumps ', OPTS);
    expect(pc.lastFed).toBe(1);
    pc.complete('the quick brown fox jumps o', OPTS);
    expect(pc.lastFed).toBe(1);
    pc.complete('the quick brown fox jumps o', OPTS);
    expect(pc.lastFed).toBe(0);
    // After deleting back past the last checkpoint, it resumes from an earlier one.
    pc.complete('the quick brown fox', OPTS);
    expect(pc.lastFed).toBeLessThanOrEqual(8);
  });
});

describe('completionWindow', () => {
  it('keeps short prefixes whole and starts long ones at a line start that stays put while typing', () => {
    expect(completionWindow('short', 100)).toBe('short');
    const before = 'line one\nline two\nline three is here';
    const w = completionWindow(before, 25);
    expect(w).toBe('line three is here');
    expect(completionWindow(before + ' and', 25)).toBe('line three is here and');
    // One long line: the start snaps to a multiple of 64 and holds while typing.
    const long = 'x'.repeat(200);
    expect(completionWindow(long, 100)).toBe('x'.repeat(136));
    expect(completionWindow(long + 'yy', 100)).toBe('x'.repeat(136) + 'yy');
  });

  it('never starts inside a surrogate pair', () => {
    const w = completionWindow('🙂'.repeat(10), 5);
    expect(w.codePointAt(0)).toBe(0x1f642);
  });
});
