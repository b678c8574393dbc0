import { modelContents } from '../io/modelContents';
import { encodeModelFile } from '../io/modelFile';
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
