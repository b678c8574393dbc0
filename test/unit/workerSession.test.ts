import { describe, expect, it } from 'vitest';
import { ReferenceBackend } from '../../src/core/backend/reference';
import { buildTokenizer } from '../../src/core/data/tokenizer';
import { encodeModelFile } from '../../src/core/io/modelFile';
import { modelContents } from '../../src/core/io/modelContents';
import { RecurrentLM } from '../../src/core/nn/model';
import type { FromWorker } from '../../src/protocol/worker';
import { TrainSession } from '../../src/worker/session';

/** The worker's message handling, without a thread: typed requests in, typed answers out. */
function session() {
  const out: FromWorker[] = [];
  const s = new TrainSession((m) => out.push(m));
  const next = async () => {
    for (let i = 0; i < 200 && out.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    return out.shift()!;
  };
  return { s, out, next };
}

const TEXT = 'the cat sat on the mat. こころ 🙂\n'.repeat(20);

function modelBytes(): Uint8Array {
  const tok = buildTokenizer('char', TEXT);
  const m = new RecurrentLM(new ReferenceBackend(), { cell: 'gru', layers: 1, hidden: 8, embed: 4, dropout: 0, tokenizer: 'char' }, tok.vocab.length);
  m.init(1);
  return encodeModelFile(modelContents(m, tok.vocab, {}));
}

describe('worker session', () => {
  it('answers an inspect request: asks for the model once, then probes with it', async () => {
    const { s, next } = session();
    s.receive({ type: 'inspect', id: 1, modelKey: 'a', request: { kind: 'probe', reqId: 7, text: 'the cat', source: 'x', maxSteps: 64 } });
    expect(await next()).toEqual({ type: 'needModel', id: 1 });
    s.receive({ type: 'inspect', id: 2, modelKey: 'a', model: modelBytes(), request: { kind: 'probe', reqId: 7, text: 'the cat', source: 'x', maxSteps: 64 } });
    const r = await next();
    expect(r.type).toBe('inspected');
    if (r.type !== 'inspected' || r.message.type !== 'probe') throw new Error('not a probe answer');
    expect(r.message.id).toBe(7);
    expect(r.message.tokens.join('')).toBe('the cat');
    expect(Object.keys(r.message.layers[0]).sort()).toEqual(['h', 'n', 'r', 'z']);
    // The same key needs no bytes again.
    s.receive({ type: 'inspect', id: 3, modelKey: 'a', request: { kind: 'unroll', req: { type: 'unroll', id: 9, prompt: 'the', steps: 3 } } });
    expect((await next()).type).toBe('inspected');
  });

  it('reports a corrupt model and malformed messages instead of acting on them', async () => {
    const { s, next } = session();
    s.receive({ type: 'inspect', id: 1, modelKey: 'b', model: new Uint8Array([1, 2, 3]), request: { kind: 'probe', reqId: 1, text: 'x', source: 'x', maxSteps: 8 } });
    const e = await next();
    expect(e).toMatchObject({ type: 'error', kind: 'input', id: 1 });
    s.receive({ type: 'inspect', id: 'nope' });
    expect(await next()).toMatchObject({ type: 'error', kind: 'internal' });
    s.receive({ type: 'train', text: 42 });
    expect(await next()).toMatchObject({ type: 'error', kind: 'internal' });
    s.receive('garbage');
    expect(await next()).toMatchObject({ type: 'error', kind: 'internal' });
  });

  it('trains from a message and returns the model file', async () => {
    const { s, out } = session();
    s.receive({ type: 'train', text: TEXT, settings: { hidden: 8, embed: 4, seq: 8, batch: 2, steps: 5, valEvery: 0 }, backend: 'reference', source: { name: 't', files: [] } });
    for (let i = 0; i < 500 && !out.some((m) => m.type === 'result' || m.type === 'error'); i++) await new Promise((r) => setTimeout(r, 10));
    const result = out.find((m) => m.type === 'result');
    expect(result && result.type === 'result' && result.result.steps).toBe(5);
    expect(out.filter((m) => m.type === 'event' && m.event.event === 'step')).toHaveLength(5);
  });
});
