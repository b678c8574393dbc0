import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../src/core/backend/select';
import { splitChars } from '../../src/core/data/tokenizer';
import { resolveSettings } from '../../src/core/train/settings';
import { Trainer } from '../../src/core/train/trainer';

/**
 * The engine learns real text: after a bounded number of steps the held-out
 * loss of a small LSTM is well below what the best context-free model (the
 * training text's character frequencies) scores on the same held-out text.
 */
const CORPORA = resolve(__dirname, '../../../shared/corpora');

function unigramCrossEntropy(text: string, valFraction: number): number {
  const chars = splitChars(text);
  const cut = chars.length - Math.floor(chars.length * valFraction);
  const counts = new Map<string, number>();
  for (let i = 0; i < cut; i++) counts.set(chars[i], (counts.get(chars[i]) ?? 0) + 1);
  // Add-one smoothing so held-out characters never seen in training get a finite cost.
  const total = cut + counts.size + 1;
  let nats = 0;
  for (let i = cut; i < chars.length; i++) nats -= Math.log(((counts.get(chars[i]) ?? 0) + 1) / total);
  return nats / (chars.length - cut);
}

describe.each([
  ['tinyshakespeare.txt', 300_000, 300],
  ['kokoro.txt', 120_000, 500],
])('learning %s', (file, chars, steps) => {
  it(`validation loss falls well below the unigram cross-entropy within ${steps} steps`, async () => {
    const text = [...readFileSync(resolve(CORPORA, file), 'utf8')].slice(0, chars).join('');
    const unigram = unigramCrossEntropy(text, 0.1);
    const { backend } = await createBackend('cpu');
    const settings = resolveSettings({ hidden: 128, embed: 32, batch: 16, seq: 32, steps, valEvery: 0, lr: 4e-3, seed: 3 });
    const trainer = new Trainer(backend, text, settings);
    const result = await trainer.run(() => {});
    expect(result.valLoss).not.toBeNull();
    // "Well below": at least one nat under the frequency-only model (perplexity divided by e), over a full run.
    expect(result.reason).toBe('budget');
    expect(result.valLoss!).toBeLessThan(unigram - 1);
    console.log(`${file}: unigram ${unigram.toFixed(3)} nats/char, val ${result.valLoss!.toFixed(3)} after ${steps} steps (${Math.round(result.charsPerSec)} chars/s)`);
  });
});
