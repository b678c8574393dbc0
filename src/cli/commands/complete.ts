import { complete as completeText, DEFAULT_COMPLETION } from '../../core/generate/complete';
import { parseArgs, UsageError, type CommandSpec } from '../args';
import { BACKEND_FLAG, openModel, Output } from '../io';

export const completeSpec: CommandSpec = {
  name: 'complete',
  summary: 'Print exactly what the inline completion provider would suggest after a prefix.',
  usage: 'rlab complete MODEL --prefix S [--max N] [--min-confidence P] [--backend NAME] [--json]',
  positionals: [1, 1],
  flags: {
    prefix: { type: 'string', arg: 'S', help: 'the text before the cursor (required)' },
    max: { type: 'int', arg: 'N', help: `most tokens to propose (default ${DEFAULT_COMPLETION.max})` },
    'min-confidence': { type: 'number', arg: 'P', help: `stop before a token less likely than P (default ${DEFAULT_COMPLETION.minConfidence})` },
    backend: BACKEND_FLAG,
    json: { type: 'bool', help: 'print {"completion","confidence","stoppedBy"} as JSON (confidence: each proposed token\'s probability; stoppedBy: max, newline or confidence)' },
    help: { type: 'bool', help: 'show this help' },
  },
};

export async function complete(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, completeSpec);
  const out = new Output(!!flags.json);
  if (flags.prefix === undefined) throw new UsageError('rlab complete: --prefix is required');
  const max = (flags.max as number | undefined) ?? DEFAULT_COMPLETION.max;
  const minConfidence = (flags['min-confidence'] as number | undefined) ?? DEFAULT_COMPLETION.minConfidence;
  if (max < 0 || max > 10000) throw new UsageError(`rlab complete: --max must be between 0 and 10000; got ${max}`);
  if (!(minConfidence >= 0 && minConfidence <= 1)) throw new UsageError(`rlab complete: --min-confidence must be between 0 and 1; got ${minConfidence}`);
  const { model, tokenizer } = await openModel(positionals[0], flags.backend ?? 'auto', out);
  const r = completeText(model, tokenizer, String(flags.prefix), { ...DEFAULT_COMPLETION, max, minConfidence });
  out.event({ completion: r.completion, confidence: r.confidence, stoppedBy: r.stoppedBy });
  out.text(r.completion);
  return 0;
}
