import type { Backend } from '../backend/backend';
import { VocabTokenizer } from '../data/tokenizer';
import { RecurrentLM } from '../nn/model';
import type { ModelFileContents } from './modelFile';

/** A model and its vocabulary as the file stores them (weights copied out as float32). */
export function modelContents(model: RecurrentLM, vocab: readonly string[], training: Record<string, unknown>): ModelFileContents {
  const tensors = new Map<string, Float32Array>();
  for (const p of model.params) tensors.set(p.name, Float32Array.from(p.data));
  return { config: { ...model.config }, vocab: [...vocab], training, tensors };
}

/** Builds a ready model from validated file contents. */
export function loadModel(c: ModelFileContents, backend: Backend): { model: RecurrentLM; tokenizer: VocabTokenizer } {
  const model = new RecurrentLM(backend, c.config, c.vocab.length);
  for (const p of model.params) p.data.set(c.tensors.get(p.name)!);
  return { model, tokenizer: new VocabTokenizer(c.config.tokenizer, c.vocab) };
}
