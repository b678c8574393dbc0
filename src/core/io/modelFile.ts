/**
 * The Recurrent Lab model file: a safetensors file whose tensors are the PyTorch-named
 * parameters and whose metadata carries format, config, vocab and training notes.
 */
import { ModelFileError, formatShape } from './errors';
import { decodeSafetensors, encodeSafetensors } from './safetensors';
import { LIMITS, configProblem, parameterSpecs, type ModelConfig } from '../nn/config';

export const MODEL_FORMAT = 'recurrent-lab/1';

/** Tensor names under this prefix are reserved (e.g. optimizer state); readers skip them. */
export const RESERVED_TENSOR_PREFIX = 'optimizer.';

export interface ModelFileContents {
  config: ModelConfig;
  vocab: string[];
  training: Record<string, unknown>;
  tensors: Map<string, Float32Array>;
}

/** Exactly the stored config fields, in a fixed order, whatever else the object carries. */
function configJson(c: ModelConfig): string {
  const { cell, layers, hidden, embed, dropout, tokenizer } = c;
  return JSON.stringify({ cell, layers, hidden, embed, dropout, tokenizer });
}

/** Bad input here is a programmer error, so it throws a plain Error rather than ModelFileError. */
export function encodeModelFile(c: ModelFileContents): Uint8Array {
  const problem = configProblem(c.config);
  if (problem) throw new Error(`encodeModelFile: ${problem}`);
  const vocabIssue = vocabProblem(c.vocab);
  if (vocabIssue) throw new Error(`encodeModelFile: ${vocabIssue}`);

  const specs = parameterSpecs(c.config, c.vocab.length);
  const known = new Set(specs.map((s) => s.name));
  for (const name of c.tensors.keys()) {
    if (!known.has(name)) throw new Error(`encodeModelFile: tensor "${name}" is not a parameter of this config`);
  }
  const tensors = specs.map(({ name, shape }) => {
    const data = c.tensors.get(name);
    if (!data) throw new Error(`encodeModelFile: tensor "${name}" is missing`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (data.length !== count) {
      throw new Error(`encodeModelFile: tensor "${name}" has ${data.length} values but shape ${formatShape(shape)} needs ${count}`);
    }
    return { name, shape, data };
  });

  return encodeSafetensors(tensors, {
    format: MODEL_FORMAT,
    config: configJson(c.config),
    vocab: JSON.stringify(c.vocab),
    training: JSON.stringify(c.training ?? {}),
  });
}

export function decodeModelFile(bytes: Uint8Array): ModelFileContents {
  const { metadata, tensors } = decodeSafetensors(bytes);
  const meta = (key: string): string | undefined => (Object.hasOwn(metadata, key) ? metadata[key] : undefined);

  const format = meta('format');
  if (format === undefined) throw new ModelFileError('not a Recurrent Lab model (format missing)');
  if (format !== MODEL_FORMAT) {
    throw new ModelFileError(`not a Recurrent Lab model (format ${clip(JSON.stringify(format))}, expected "${MODEL_FORMAT}")`);
  }

  const rawConfig = parseJsonMeta('config', meta('config'));
  const problem = configProblem(rawConfig);
  if (problem) throw new ModelFileError(problem);
  const { cell, layers, hidden, embed, dropout, tokenizer } = rawConfig as ModelConfig;
  const config: ModelConfig = { cell, layers, hidden, embed, dropout, tokenizer };

  const vocab = parseJsonMeta('vocab', meta('vocab'));
  const vocabIssue = vocabProblem(vocab);
  if (vocabIssue) throw new ModelFileError(vocabIssue);

  const rawTraining = meta('training');
  const training = rawTraining === undefined ? {} : parseJsonMeta('training', rawTraining);
  if (typeof training !== 'object' || training === null || Array.isArray(training)) {
    throw new ModelFileError('metadata "training" must be a JSON object');
  }

  const specs = parameterSpecs(config, (vocab as string[]).length);
  const params = new Map<string, Float32Array>();
  for (const spec of specs) {
    const t = tensors.get(spec.name);
    if (!t) throw new ModelFileError(`tensor "${spec.name}" is missing (config needs ${formatShape(spec.shape)})`);
    if (!sameShape(t.shape, spec.shape)) {
      throw new ModelFileError(`tensor "${spec.name}" has shape ${formatShape(t.shape)} but config needs ${formatShape(spec.shape)}`);
    }
    params.set(spec.name, t.data);
  }
  const unexpected = [...tensors.keys()].filter((n) => !params.has(n) && !n.startsWith(RESERVED_TENSOR_PREFIX));
  if (unexpected.length > 0) {
    const shown = unexpected.slice(0, 5).map((n) => JSON.stringify(n)).join(', ');
    const more = unexpected.length > 5 ? ` and ${unexpected.length - 5} more` : '';
    const model = `${config.layers}-layer ${config.cell}`;
    throw new ModelFileError(`unexpected tensor${unexpected.length > 1 ? 's' : ''} ${shown}${more} (not parameters of a ${model})`);
  }

  return { config, vocab: vocab as string[], training: training as Record<string, unknown>, tensors: params };
}

function parseJsonMeta(key: string, text: string | undefined): unknown {
  if (text === undefined) throw new ModelFileError(`metadata "${key}" is missing`);
  try {
    return JSON.parse(text);
  } catch {
    throw new ModelFileError(`metadata "${key}" is not valid JSON`);
  }
}

/** A message naming the first fault of a vocabulary, or null. */
export function vocabProblem(v: unknown): string | null {
  if (!Array.isArray(v)) return 'vocab must be a JSON array of strings';
  const [lo, hi] = LIMITS.vocab;
  if (v.length < lo || v.length > hi) return `vocab must have ${lo}..${hi} entries, got ${v.length}`;
  const firstIndex = new Map<string, number>();
  for (let i = 0; i < v.length; i++) {
    const tok: unknown = v[i];
    if (typeof tok !== 'string') return `vocab entry ${i} must be a string, got ${tok === null ? 'null' : typeof tok}`;
    const prev = firstIndex.get(tok);
    if (prev !== undefined) return `vocab entry ${i} ${clip(JSON.stringify(tok))} repeats entry ${prev}`;
    firstIndex.set(tok, i);
  }
  return null;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
