import { modelContents } from '../io/modelContents';
import { encodeModelFile, type ModelFileContents } from '../io/modelFile';
import { decodeSafetensors, encodeSafetensors } from '../io/safetensors';
import { sha256Hex } from '../io/sha256';
import type { ResumeFrom, Trainer, TrainResult } from './trainer';

export const OPTIMIZER_FORMAT = 'recurrent-lab-optimizer/1';

/**
 * The two files a finished (or interrupted) run leaves: the model, with how
 * it was trained in its metadata, and the optimizer state for resuming it.
 */
export function savedRun(
  trainer: Trainer,
  result: TrainResult,
  info: { text: string; backend: string; started: string; source: { name?: string; files: string[] } },
): { model: Uint8Array; optimizer: Uint8Array } {
  const training = {
    steps: result.steps,
    corpus: { digest: `sha256:${sha256Hex(info.text)}`, length: info.text.length, ...info.source },
    trainLoss: result.loss,
    valLoss: result.valLoss,
    bpc: result.bpc,
    backend: info.backend,
    seed: trainer.settings.seed,
    date: info.started,
    seconds: result.seconds,
    charsPerSec: result.charsPerSec,
    stopped: result.reason,
    settings: trainer.settings,
  };
  const opt = trainer.optimizer;
  return {
    model: encodeModelFile(modelContents(trainer.model, trainer.tokenizer.vocab, training)),
    optimizer: encodeSafetensors(
      [...opt.state()].map(([name, data]) => ({ name, shape: [data.length], data: Float32Array.from(data) })),
      { format: OPTIMIZER_FORMAT, optimizer: opt.kind, steps: String(opt.steps) },
    ),
  };
}

/** Reads an optimizer file for resuming; throws a ModelFileError when it is damaged. */
export function readOptimizerState(bytes: Uint8Array): NonNullable<ResumeFrom['optimizer']> {
  const o = decodeSafetensors(bytes);
  return { kind: o.metadata.optimizer ?? '', steps: Number(o.metadata.steps ?? 0), tensors: new Map([...o.tensors].map(([k, v]) => [k, v.data])) };
}

/** Where a model's optimizer state lives: beside it, `NAME.optim.safetensors`. */
export function optimizerPath(model: string): string {
  return model.replace(/\.safetensors$/i, '') + '.optim.safetensors';
}

/**
 * What training resumes from: a decoded model file and, when there is one, its optimizer file.
 * An optimizer file that cannot be read is handed to `unreadable` and left out (the trainer then
 * starts fresh moments and says so).
 */
export function resumeFrom(c: ModelFileContents, optimizer?: Uint8Array, unreadable?: (e: Error) => void): ResumeFrom {
  const resume: ResumeFrom = { config: c.config, vocab: c.vocab, tensors: c.tensors, steps: typeof c.training.steps === 'number' ? c.training.steps : 0 };
  if (optimizer) {
    try {
      resume.optimizer = readOptimizerState(optimizer);
    } catch (e) {
      unreadable?.(e as Error);
    }
  }
  return resume;
}
