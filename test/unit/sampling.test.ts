import { describe, expect, it } from 'vitest';
import { argmax, probabilities, sampleToken, type SamplingOptions } from '../../src/core/generate/sampling';
import { Generator } from '../../src/core/generate/generator';
import { complete, completeFrom, DEFAULT_COMPLETION } from '../../src/core/generate/complete';
import { ReferenceBackend } from '../../src/core/backend/reference';
import { RecurrentLM } from '../../src/core/nn/model';
import { VocabTokenizer } from '../../src/core/data/tokenizer';
import { Rng } from '../../src/core/rng';

function randomLogits(V: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: V }, () => rng.uniform(-4, 4));
}

/** Draws n samples and returns the count of each token. */
function histogram(logits: Float32Array, o: SamplingOptions, n: number, seed: number): number[] {
  const V = logits.length;
  const counts = new Array<number>(V).fill(0);
  const rng = new Rng(seed);
  for (let i = 0; i < n; i++) counts[sampleToken(logits, 0, V, o, rng)]++;
  return counts;
}

describe('sampleToken', () => {
  it('temperature 0 is argmax, whatever the other options and the random stream', () => {
    const rng = new Rng(1);
    for (let s = 0; s < 50; s++) {
      const V = 2 + (s % 40);
      const logits = randomLogits(V, 100 + s);
      const best = argmax(logits, 0, V);
      expect(logits[best]).toBe(Math.max(...logits));
      for (const o of [
        { temperature: 0, topK: 0, topP: 1 },
        { temperature: 0, topK: 3, topP: 0.5 },
      ]) {
        expect(sampleToken(logits, 0, V, o, rng)).toBe(best);
      }
    }
  });

  it('reads the row at the given offset', () => {
    const V = 5;
    const rows = new Float32Array([0, 0, 9, 0, 0, 0, 0, 0, 0, 9]);
    expect(sampleToken(rows, 0, V, { temperature: 0, topK: 0, topP: 1 }, new Rng(1))).toBe(2);
    expect(sampleToken(rows, V, V, { temperature: 0, topK: 0, topP: 1 }, new Rng(1))).toBe(4);
  });

  it('top-k 1 is argmax at any temperature', () => {
    const rng = new Rng(2);
    for (let s = 0; s < 50; s++) {
      const V = 3 + (s % 30);
      const logits = randomLogits(V, 200 + s);
      const best = argmax(logits, 0, V);
      for (const temperature of [0.5, 1, 3, 50]) {
        expect(sampleToken(logits, 0, V, { temperature, topK: 1, topP: 1 }, rng)).toBe(best);
      }
    }
  });

  it('top-k draws only from the k most likely tokens', () => {
    const logits = randomLogits(20, 9);
    const order = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a]);
    const counts = histogram(logits, { temperature: 1, topK: 3, topP: 1 }, 5000, 3);
    const allowed = new Set(order.slice(0, 3));
    counts.forEach((c, j) => {
      if (!allowed.has(j)) expect(c).toBe(0);
    });
    expect(counts.reduce((a, b) => a + b, 0)).toBe(5000);
  });

  it('top-p keeps the smallest nucleus and samples it with renormalised probabilities', () => {
    // Probabilities in a shuffled order, so the sampler has to sort them.
    const probs = [0.1, 0.4, 0.04, 0.25, 0.06, 0.15];
    const logits = Float32Array.from(probs, (p) => Math.log(p));
    const p = new Float64Array(probs.length);
    probabilities(logits, 0, probs.length, 1, p);
    probs.forEach((q, j) => expect(p[j]).toBeCloseTo(q, 6));

    // 0.4 + 0.25 = 0.65 < 0.75, + 0.15 = 0.80 >= 0.75: nucleus {1, 3, 5}.
    const n = 40_000;
    const counts = histogram(logits, { temperature: 1, topK: 0, topP: 0.75 }, n, 12345);
    expect(counts[0]).toBe(0);
    expect(counts[2]).toBe(0);
    expect(counts[4]).toBe(0);
    const mass = 0.4 + 0.25 + 0.15;
    for (const j of [1, 3, 5]) expect(Math.abs(counts[j] / n - probs[j] / mass)).toBeLessThan(0.01);

    // A nucleus smaller than the top token keeps just the top token.
    const top = histogram(logits, { temperature: 1, topK: 0, topP: 0.3 }, 2000, 7);
    expect(top[1]).toBe(2000);

    // top-p 1 keeps everything, with the softmax frequencies.
    const all = histogram(logits, { temperature: 1, topK: 0, topP: 1 }, n, 99);
    for (let j = 0; j < probs.length; j++) expect(Math.abs(all[j] / n - probs[j])).toBeLessThan(0.01);
  });

  it('top-k and top-p together keep the smaller set', () => {
    const probs = [0.4, 0.25, 0.15, 0.1, 0.06, 0.04];
    const logits = Float32Array.from(probs, (q) => Math.log(q));
    const counts = histogram(logits, { temperature: 1, topK: 2, topP: 0.95 }, 20_000, 5);
    expect(counts.slice(2).every((c) => c === 0)).toBe(true);
    expect(Math.abs(counts[0] / 20_000 - 0.4 / 0.65)).toBeLessThan(0.015);
  });

  it('the same seed gives the same draws; another seed gives others', () => {
    const logits = randomLogits(30, 4);
    const o = { temperature: 1, topK: 0, topP: 0.9 };
    const draw = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 200 }, () => sampleToken(logits, 0, 30, o, rng));
    };
    expect(draw(77)).toEqual(draw(77));
    expect(draw(77)).not.toEqual(draw(78));
  });
});

describe('Generator', () => {
  const VOCAB = 'abcdefghij \n'.split('');
  const tokenizer = new VocabTokenizer('char', VOCAB);

  function model(cell: 'lstm' | 'gru' | 'rnn' = 'lstm'): RecurrentLM {
    const m = new RecurrentLM(new ReferenceBackend('f32'), { cell, layers: 2, hidden: 12, embed: 6, dropout: 0, tokenizer: 'char' }, VOCAB.length);
    m.init(3);
    return m;
  }

  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    it(`${cell}: feeding in chunks equals feeding one token at a time`, () => {
      const rng = new Rng(11);
      const ids = Array.from({ length: 101 }, () => rng.int(VOCAB.length));
      const m = model(cell);
      const bulk = new Generator(m, tokenizer);
      bulk.feed(ids); // chunks of 64, 32, 4, 1
      const pBulk = Array.from(bulk.nextProbabilities());
      const hBulk = bulk.state.h.map((h) => Array.from(h));

      const single = new Generator(m, tokenizer);
      for (const id of ids) single.feed([id]);
      const pSingle = Array.from(single.nextProbabilities());
      pSingle.forEach((q, j) => expect(q).toBeCloseTo(pBulk[j], 6));
      single.state.h.forEach((h, k) => h.forEach((v, i) => expect(v).toBeCloseTo(hBulk[k][i], 6)));

      // Irregular chunks too.
      const mixed = new Generator(m, tokenizer);
      mixed.feed(ids.slice(0, 7));
      mixed.feed(ids.slice(7, 70));
      mixed.feed(ids.slice(70));
      Array.from(mixed.nextProbabilities()).forEach((q, j) => expect(q).toBeCloseTo(pBulk[j], 6));
    });
  }

  it('nextProbabilities is a distribution; uniform before anything was fed', () => {
    const g = new Generator(model(), tokenizer);
    const u = g.nextProbabilities();
    u.forEach((q) => expect(q).toBeCloseTo(1 / VOCAB.length, 12));
    g.feedText('abc');
    const p = g.nextProbabilities();
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    // temperature sharpens
    const sharp = g.nextProbabilities(0.1);
    expect(Math.max(...sharp)).toBeGreaterThan(Math.max(...p));
  });

  it('feedText reports symbols outside the vocabulary', () => {
    const g = new Generator(model(), tokenizer);
    expect(g.feedText('abXcY')).toEqual(['X', 'Y']);
  });

  it('the same seed repeats a sample; temperature 0 is deterministic', () => {
    const m = model();
    const run = (seed: number, temperature = 1) => {
      const g = new Generator(m, tokenizer);
      g.feedText('abc ');
      return g.generate(60, { temperature, topK: 0, topP: 1 }, seed);
    };
    const a = run(5);
    expect(a.length).toBe(60);
    expect(run(5)).toBe(a);
    expect(run(6)).not.toBe(a);
    expect(run(1, 0)).toBe(run(2, 0));
  });

  it('reset returns to the start state', () => {
    const g = new Generator(model(), tokenizer);
    g.feedText('hello');
    const p = Array.from(g.nextProbabilities());
    g.feedText('abcdef');
    g.reset();
    g.feedText('hello');
    Array.from(g.nextProbabilities()).forEach((q, j) => expect(q).toBeCloseTo(p[j], 12));
  });
});

describe('completion', () => {
  // A hand-wired RNN whose next token depends only on the current one:
  // embedding = identity, W_ih = 5·I, W_hh = 0, decoder[next(j), j] = 20.
  const VOCAB = ['a', 'b', 'c', '\n', 'd', 'e', 'f'];
  const tokenizer = new VocabTokenizer('char', VOCAB);
  const NEXT: Record<string, string | null> = { a: 'b', b: 'c', c: '\n', '\n': 'a', d: 'e', e: null, f: 'f' };

  function chainModel(): RecurrentLM {
    const V = VOCAB.length;
    const m = new RecurrentLM(new ReferenceBackend('f32'), { cell: 'rnn', layers: 1, hidden: V, embed: V, dropout: 0, tokenizer: 'char' }, V);
    for (const p of m.params) p.data.fill(0);
    const emb = m.param('embedding.weight').data;
    const wih = m.param('rnn.weight_ih_l0').data;
    const dec = m.param('decoder.weight').data;
    for (let j = 0; j < V; j++) {
      emb[j * V + j] = 1;
      wih[j * V + j] = 5;
      const n = NEXT[VOCAB[j]];
      // null: all logits equal, so every token has probability 1/7 < 0.2.
      if (n !== null) dec[VOCAB.indexOf(n) * V + j] = 20;
    }
    return m;
  }

  it('stops before a newline (not proposing it)', () => {
    const r = complete(chainModel(), tokenizer, 'a');
    expect(r.completion).toBe('bc');
    expect(r.stoppedBy).toBe('newline');
    expect(r.confidence.length).toBe(2);
    for (const c of r.confidence) expect(c).toBeGreaterThan(0.99);
  });

  it('stops at max', () => {
    const r = complete(chainModel(), tokenizer, 'f', { ...DEFAULT_COMPLETION, max: 5 });
    expect(r.completion).toBe('fffff');
    expect(r.stoppedBy).toBe('max');
    const r2 = complete(chainModel(), tokenizer, 'a', { max: 5, minConfidence: 0.2, stopAtNewline: false });
    expect(r2.completion).toBe('bc\nab');
    expect(r2.stoppedBy).toBe('max');
    const r0 = complete(chainModel(), tokenizer, 'f', { ...DEFAULT_COMPLETION, max: 0 });
    expect(r0).toEqual({ completion: '', confidence: [], stoppedBy: 'max' });
  });

  it('stops when the model is unsure', () => {
    const r = complete(chainModel(), tokenizer, 'd');
    expect(r.completion).toBe('e');
    expect(r.stoppedBy).toBe('confidence');
    // With no confidence floor it goes on (ties resolve to the lowest id).
    const r2 = complete(chainModel(), tokenizer, 'd', { max: 3, minConfidence: 0, stopAtNewline: true });
    expect(r2.completion).toBe('eab');
    expect(r2.confidence[1]).toBeCloseTo(1 / VOCAB.length, 5);
  });

  it('is deterministic and continues from the generator state', () => {
    const m = chainModel();
    const g = new Generator(m, tokenizer);
    g.feedText('xxab'); // x is unknown and skipped
    expect(completeFrom(g, DEFAULT_COMPLETION).completion).toBe('c');
    expect(complete(m, tokenizer, 'ab').completion).toBe(complete(m, tokenizer, 'ab').completion);
  });
});
