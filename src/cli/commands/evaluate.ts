import { streamLoss } from '../../core/train/evaluate';
import { readTextFile } from '../../node/readText';
import { parseArgs, type CommandSpec } from '../args';
import { BACKEND_FLAG, openModel, Output } from '../io';

export const evalSpec: CommandSpec = {
  name: 'eval',
  summary: 'Mean next-token loss of a model on a text, read as one stream from a zero state (nats per token, and bits per character).',
  usage: 'rlab eval MODEL FILE [--skip-unknown] [--backend NAME] [--json]',
  positionals: [2, 2],
  flags: {
    'skip-unknown': { type: 'bool', help: 'drop symbols the model has never seen instead of failing' },
    backend: BACKEND_FLAG,
    json: { type: 'bool', help: 'print {"loss","bpc","tokens","unknown"} as JSON (unknown: symbols skipped)' },
    help: { type: 'bool', help: 'show this help' },
  },
};

export class EvalError extends Error {
  override name = 'EvalError';
}

export async function evaluate(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, evalSpec);
  const [modelPath, file] = positionals;
  const out = new Output(!!flags.json);
  const text = readTextFile(file);
  const { model, tokenizer } = await openModel(modelPath, flags.backend ?? 'auto', out);
  const unknown = new Map<string, number>();
  const ids = tokenizer.encode(text, (t) => unknown.set(t, (unknown.get(t) ?? 0) + 1));
  if (unknown.size && !flags['skip-unknown']) {
    const list = [...unknown.keys()].slice(0, 8).map((t) => JSON.stringify(t)).join(', ');
    throw new EvalError(`${file} has ${unknown.size} symbol(s) not in the model's vocabulary: ${list}${unknown.size > 8 ? ', …' : ''} (use --skip-unknown to drop them)`);
  }
  if (ids.length < 2) throw new EvalError(`${file} has ${ids.length} known token(s); need at least 2 to measure a loss`);
  const { loss, predicted } = streamLoss(model, ids, 1, 256);
  // Bits per character: total nats over the characters the predicted tokens span.
  const chars = tokenizer.kind === 'char' ? predicted : Math.max(1, tokenizer.decode(ids.subarray(1)).length);
  const bpc = (loss * predicted) / chars / Math.LN2;
  out.event({ loss, bpc, tokens: predicted, unknown: [...unknown.values()].reduce((a, b) => a + b, 0) });
  out.text(`loss ${loss.toFixed(4)} nats/token, ${bpc.toFixed(4)} bits/char over ${predicted} predicted tokens`);
  return 0;
}
