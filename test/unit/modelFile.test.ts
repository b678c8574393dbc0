import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MODEL_FORMAT, decodeModelFile, encodeModelFile, type ModelFileContents } from '../../src/core/io/modelFile';
import { encodeSafetensors, type TensorToEncode } from '../../src/core/io/safetensors';
import { ModelFileError } from '../../src/core/io/errors';
import { parameterSpecs, type ModelConfig } from '../../src/core/nn/config';
import { MAX_MODEL_FILE_BYTES, readModelFileFromDisk, writeFileAtomic, writeFileAtomicAsync } from '../../src/node/atomicWrite';

const CONFIG: ModelConfig = { cell: 'lstm', layers: 2, hidden: 6, embed: 4, dropout: 0.1, tokenizer: 'char' };
const VOCAB = ['a', 'b', ' ', '\n', '日', '本', '語', '🎉', '👩‍💻', '"', '\\'];

function model(config: ModelConfig = CONFIG, vocab: string[] = VOCAB): ModelFileContents {
  let x = 1;
  const tensors = new Map<string, Float32Array>();
  for (const s of parameterSpecs(config, vocab.length)) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    tensors.set(s.name, Float32Array.from({ length: n }, () => ((x = (x * 16807) % 2147483647) / 2147483647) - 0.5));
  }
  return { config, vocab, training: { steps: 10, corpus: { sha256: 'ab', chars: 3 }, loss: 1.25 }, tensors };
}

/** The tensors of `m` in spec order, ready for encodeSafetensors. */
function specTensors(m: ModelFileContents): TensorToEncode[] {
  return parameterSpecs(m.config, m.vocab.length).map((s) => ({ name: s.name, shape: s.shape, data: m.tensors.get(s.name)! }));
}

function baseMeta(m: ModelFileContents = model()): Record<string, string> {
  return { format: MODEL_FORMAT, config: JSON.stringify(m.config), vocab: JSON.stringify(m.vocab), training: '{}' };
}

function decodeError(bytes: Uint8Array): ModelFileError {
  try {
    decodeModelFile(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as Error).message).not.toContain('\n');
    return err as ModelFileError;
  }
  throw new Error('expected decodeModelFile to throw');
}

describe('model file round trip', () => {
  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    it(`round trips a ${cell} with a Japanese + emoji vocab`, () => {
      const m = model({ ...CONFIG, cell });
      const out = decodeModelFile(encodeModelFile(m));
      expect(out.config).toEqual(m.config);
      expect(out.vocab).toEqual(VOCAB);
      expect(out.training).toEqual(m.training);
      expect([...out.tensors.keys()]).toEqual(parameterSpecs(m.config, VOCAB.length).map((s) => s.name));
      for (const [name, data] of m.tensors) expect(Array.from(out.tensors.get(name)!)).toEqual(Array.from(data));
    });
  }

  it('writes exactly the six config fields and the expected metadata', () => {
    const m = model();
    const withExtra = { ...m, config: { ...m.config, extra: 'no' } as ModelConfig };
    const bytes = encodeModelFile(withExtra);
    const len = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len)));
    expect(header.__metadata__.format).toBe('recurrent-lab/1');
    expect(JSON.parse(header.__metadata__.config)).toEqual({ cell: 'lstm', layers: 2, hidden: 6, embed: 4, dropout: 0.1, tokenizer: 'char' });
    expect(Object.keys(JSON.parse(header.__metadata__.config))).toEqual(['cell', 'layers', 'hidden', 'embed', 'dropout', 'tokenizer']);
    expect(JSON.parse(header.__metadata__.vocab)).toEqual(VOCAB);
    expect((8 + len) % 8).toBe(0);
    expect(header['embedding.weight'].shape).toEqual([VOCAB.length, 4]);
  });

  it('treats missing training metadata as {} and ignores optimizer.* tensors', () => {
    const m = model();
    const { training: _t, ...meta } = baseMeta(m);
    const extra = { name: 'optimizer.adam.m.decoder.bias', shape: [3], data: new Float32Array(3) };
    const out = decodeModelFile(encodeSafetensors([...specTensors(m), extra], meta));
    expect(out.training).toEqual({});
    expect(out.tensors.has(extra.name)).toBe(false);
    expect(out.tensors.size).toBe(parameterSpecs(m.config, m.vocab.length).length);
  });

  it('decoded config has exactly the six fields even if the file has more', () => {
    const m = model();
    const meta = { ...baseMeta(m), config: JSON.stringify({ ...m.config, note: 'x' }) };
    expect(Object.keys(decodeModelFile(encodeSafetensors(specTensors(m), meta)).config).sort()).toEqual(
      ['cell', 'dropout', 'embed', 'hidden', 'layers', 'tokenizer'],
    );
  });

  it('rejects programmer errors on encode with plain Errors', () => {
    const m = model();
    const missing = new Map(m.tensors);
    missing.delete('rnn.bias_hh_l1');
    expect(() => encodeModelFile({ ...m, tensors: missing })).toThrow(/tensor "rnn.bias_hh_l1" is missing/);
    const short = new Map(m.tensors).set('decoder.bias', new Float32Array(2));
    expect(() => encodeModelFile({ ...m, tensors: short })).toThrow(/"decoder.bias" has 2 values but shape \[11\] needs 11/);
    const extra = new Map(m.tensors).set('rnn.weight_ih_l5', new Float32Array(1));
    expect(() => encodeModelFile({ ...m, tensors: extra })).toThrow(/"rnn.weight_ih_l5" is not a parameter/);
    expect(() => encodeModelFile({ ...m, vocab: ['a', 'a'] })).toThrow(/repeats/);
    expect(() => encodeModelFile({ ...m, config: { ...m.config, layers: 0 } })).toThrow(/config.layers/);
    try {
      encodeModelFile({ ...m, tensors: missing });
    } catch (err) {
      expect(err).not.toBeInstanceOf(ModelFileError);
    }
  });
});

describe('hostile model files', () => {
  const m = model();
  const good = encodeModelFile(m);
  const withMeta = (meta: Record<string, string>, tensors = specTensors(m)) => encodeSafetensors(tensors, meta);

  it('a file truncated anywhere is always a ModelFileError', () => {
    let count = 0;
    for (let n = 0; n < good.length; n += 97, count++) {
      expect(decodeError(good.subarray(0, n)).message).toMatch(/^model file: /);
    }
    expect(count).toBeGreaterThan(10);
  });

  it('format missing or wrong', () => {
    const { format: _f, ...noFormat } = baseMeta(m);
    expect(decodeError(withMeta(noFormat)).message).toBe('model file: not a Recurrent Lab model (format missing)');
    expect(decodeError(withMeta({ ...baseMeta(m), format: 'pt' })).message).toBe(
      'model file: not a Recurrent Lab model (format "pt", expected "recurrent-lab/1")',
    );
    expect(decodeError(encodeSafetensors([{ name: 'x', shape: [1], data: new Float32Array(1) }], {})).message).toMatch(/format missing/);
  });

  it('bad config', () => {
    const { config: _c, ...noConfig } = baseMeta(m);
    expect(decodeError(withMeta(noConfig)).message).toBe('model file: metadata "config" is missing');
    expect(decodeError(withMeta({ ...baseMeta(m), config: '{cell:' })).message).toBe('model file: metadata "config" is not valid JSON');
    expect(decodeError(withMeta({ ...baseMeta(m), config: '[]' })).message).toBe('model file: config must be a JSON object');
    expect(decodeError(withMeta({ ...baseMeta(m), config: JSON.stringify({ ...CONFIG, cell: 'transformer' }) })).message).toMatch(
      /config.cell must be "rnn", "lstm" or "gru", got "transformer"/,
    );
    expect(decodeError(withMeta({ ...baseMeta(m), config: JSON.stringify({ ...CONFIG, hidden: 2.5 }) })).message).toMatch(/config.hidden/);
  });

  it('bad vocab', () => {
    const { vocab: _v, ...noVocab } = baseMeta(m);
    expect(decodeError(withMeta(noVocab)).message).toBe('model file: metadata "vocab" is missing');
    expect(decodeError(withMeta({ ...baseMeta(m), vocab: 'abc' })).message).toBe('model file: metadata "vocab" is not valid JSON');
    expect(decodeError(withMeta({ ...baseMeta(m), vocab: '{"a":0}' })).message).toBe('model file: vocab must be a JSON array of strings');
    expect(decodeError(withMeta({ ...baseMeta(m), vocab: '["a"]' })).message).toBe('model file: vocab must have 2..1000000 entries, got 1');
    const dup = [...VOCAB];
    dup[7] = '日';
    expect(decodeError(withMeta({ ...baseMeta(m), vocab: JSON.stringify(dup) })).message).toBe('model file: vocab entry 7 "日" repeats entry 4');
    const nonString = [...VOCAB.slice(0, -1), 5];
    expect(decodeError(withMeta({ ...baseMeta(m), vocab: JSON.stringify(nonString) })).message).toBe(
      'model file: vocab entry 10 must be a string, got number',
    );
  });

  it('bad training', () => {
    expect(decodeError(withMeta({ ...baseMeta(m), training: 'x' })).message).toBe('model file: metadata "training" is not valid JSON');
    expect(decodeError(withMeta({ ...baseMeta(m), training: '[1]' })).message).toBe('model file: metadata "training" must be a JSON object');
  });

  it('tensor shape differs from the config, naming the tensor and both shapes', () => {
    const tensors = specTensors(m).map((t) => (t.name === 'rnn.weight_hh_l1' ? { ...t, shape: [6, 24] } : t));
    expect(decodeError(withMeta(baseMeta(m), tensors)).message).toBe(
      'model file: tensor "rnn.weight_hh_l1" has shape [6,24] but config needs [24,6]',
    );
    // A vocab one longer than the embedding was trained for.
    const meta = { ...baseMeta(m), vocab: JSON.stringify([...VOCAB, 'z']) };
    expect(decodeError(withMeta(meta)).message).toBe('model file: tensor "embedding.weight" has shape [11,4] but config needs [12,4]');
    // Same data, config says GRU.
    const gru = { ...baseMeta(m), config: JSON.stringify({ ...CONFIG, cell: 'gru' }) };
    expect(decodeError(withMeta(gru)).message).toBe('model file: tensor "rnn.weight_ih_l0" has shape [24,4] but config needs [18,4]');
  });

  it('missing tensor', () => {
    const tensors = specTensors(m).filter((t) => t.name !== 'decoder.bias');
    expect(decodeError(withMeta(baseMeta(m), tensors)).message).toBe('model file: tensor "decoder.bias" is missing (config needs [11])');
  });

  it('unexpected tensors are named', () => {
    const oneLayer = { ...baseMeta(m), config: JSON.stringify({ ...CONFIG, layers: 1 }) };
    expect(decodeError(withMeta(oneLayer)).message).toBe(
      'model file: unexpected tensors "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1" (not parameters of a 1-layer lstm)',
    );
    const stray = [...specTensors(m), { name: 'lm_head.weight', shape: [1], data: new Float32Array(1) }];
    expect(decodeError(withMeta(baseMeta(m), stray)).message).toBe('model file: unexpected tensor "lm_head.weight" (not parameters of a 2-layer lstm)');
  });

  it('non-finite weights name the tensor and index', () => {
    const bad = model();
    bad.tensors.get('rnn.bias_ih_l0')![5] = NaN;
    expect(decodeError(encodeModelFile(bad)).message).toBe('model file: tensor "rnn.bias_ih_l0" has a non-finite value (NaN) at index 5');
  });
});

describe('atomic writes and reading from disk', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlab-io-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const tempFiles = (d: string) => fs.readdirSync(d).filter((n) => n.endsWith('.tmp'));

  it('writes, overwrites and leaves no temp files', async () => {
    const target = path.join(dir, 'm.safetensors');
    writeFileAtomic(target, new Uint8Array([1, 2, 3]));
    expect(Array.from(fs.readFileSync(target))).toEqual([1, 2, 3]);
    writeFileAtomic(target, new Uint8Array([9]));
    expect(Array.from(fs.readFileSync(target))).toEqual([9]);
    await writeFileAtomicAsync(target, new Uint8Array([4, 5]));
    expect(Array.from(fs.readFileSync(target))).toEqual([4, 5]);
    writeFileAtomic(target, new Uint8Array(0));
    expect(fs.readFileSync(target).length).toBe(0);
    expect(tempFiles(dir)).toEqual([]);
  });

  it('a failed write throws and leaves nothing behind', async () => {
    const before = fs.readdirSync(dir);
    const missing = path.join(dir, 'no-such-dir', 'm.safetensors');
    expect(() => writeFileAtomic(missing, new Uint8Array([1]))).toThrow(/ENOENT/);
    await expect(writeFileAtomicAsync(missing, new Uint8Array([1]))).rejects.toThrow(/ENOENT/);
    expect(fs.existsSync(path.join(dir, 'no-such-dir'))).toBe(false);
    // Rename fails (target is a non-empty directory): the temp file is removed.
    const blocker = path.join(dir, 'blocker');
    fs.mkdirSync(blocker);
    fs.writeFileSync(path.join(blocker, 'keep'), 'x');
    expect(() => writeFileAtomic(blocker, new Uint8Array([1]))).toThrow();
    await expect(writeFileAtomicAsync(blocker, new Uint8Array([1]))).rejects.toThrow();
    expect(tempFiles(dir)).toEqual([]);
    expect(fs.readdirSync(dir).sort()).toEqual([...before, 'blocker'].sort());
    fs.rmSync(blocker, { recursive: true });
  });

  it('reads back a model written atomically', () => {
    const target = path.join(dir, 'good.safetensors');
    const m = model();
    writeFileAtomic(target, encodeModelFile(m));
    const out = readModelFileFromDisk(target);
    expect(out.vocab).toEqual(VOCAB);
    expect(Array.from(out.tensors.get('decoder.bias')!)).toEqual(Array.from(m.tensors.get('decoder.bias')!));
  });

  const readError = (p: string): ModelFileError => {
    try {
      readModelFileFromDisk(p);
    } catch (err) {
      expect(err).toBeInstanceOf(ModelFileError);
      return err as ModelFileError;
    }
    throw new Error('expected readModelFileFromDisk to throw');
  };

  it('gives clear ModelFileErrors for missing files, directories, bad contents, huge and unreadable files', () => {
    const missing = path.join(dir, 'nope.safetensors');
    expect(readError(missing).message).toBe(`model file ${missing}: does not exist`);
    expect(readError(path.join(missing, 'x')).message).toMatch(/does not exist/);
    expect(readError(dir).message).toBe(`model file ${dir}: is a directory, not a model file`);

    const junk = path.join(dir, 'junk.safetensors');
    fs.writeFileSync(junk, 'hi');
    expect(readError(junk).message).toBe(`model file ${junk}: not a safetensors file (too short: 2 bytes)`);
    expect(readError(junk).path).toBe(junk);

    const huge = path.join(dir, 'huge.safetensors');
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, MAX_MODEL_FILE_BYTES + 1); // sparse on the usual file systems
    expect(readError(huge).message).toBe(`model file ${huge}: is 2147483649 bytes, larger than the 2 GiB limit`);
    fs.rmSync(huge);

    if (process.platform !== 'win32' && process.getuid?.() !== 0) {
      const locked = path.join(dir, 'locked.safetensors');
      fs.writeFileSync(locked, encodeModelFile(model()));
      fs.chmodSync(locked, 0o000);
      expect(readError(locked).message).toBe(`model file ${locked}: cannot be read (permission denied)`);
      fs.chmodSync(locked, 0o600);
    }
  });
});
