import { Generator } from '../../core/generate/generator';
import { parseArgs, UsageError, type CommandSpec } from '../args';
import { BACKEND_FLAG, openModel, Output } from '../io';

export const sampleSpec: CommandSpec = {
  name: 'sample',
  summary: 'Generate text from a model, optionally continuing a prompt.',
  usage: 'rlab sample MODEL [--prompt S] [--length N] [--temperature X] [--top-k K] [--top-p P] [--seed N] [--backend NAME] [--json]',
  positionals: [1, 1],
  flags: {
    prompt: { type: 'string', arg: 'S', help: 'text to continue (default: start from a blank state)' },
    length: { type: 'int', arg: 'N', help: 'tokens to generate (default 500)' },
    temperature: { type: 'number', arg: 'X', help: '0 = always the most likely token; higher = more varied (default 0.8)' },
    'top-k': { type: 'int', arg: 'K', help: 'sample only from the K most likely tokens (default: all)' },
    'top-p': { type: 'number', arg: 'P', help: 'sample only from the most likely tokens covering probability P (default 1)' },
    seed: { type: 'int', arg: 'N', help: 'random seed (default 1)' },
    backend: BACKEND_FLAG,
    json: { type: 'bool', help: 'print {"text","prompt"} as JSON (text: the generated continuation, without the prompt)' },
    help: { type: 'bool', help: 'show this help' },
  },
};

export async function sample(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, sampleSpec);
  const out = new Output(!!flags.json);
  const length = (flags.length as number | undefined) ?? 500;
  const temperature = (flags.temperature as number | undefined) ?? 0.8;
  const topK = (flags['top-k'] as number | undefined) ?? 0;
  const topP = (flags['top-p'] as number | undefined) ?? 1;
  if (length < 0 || length > 1_000_000) throw new UsageError(`rlab sample: --length must be between 0 and 1000000; got ${length}`);
  if (temperature < 0 || temperature > 100) throw new UsageError(`rlab sample: --temperature must be between 0 and 100; got ${temperature}`);
  if (topK < 0) throw new UsageError(`rlab sample: --top-k must be 0 or more; got ${topK}`);
  if (!(topP > 0 && topP <= 1)) throw new UsageError(`rlab sample: --top-p must be in (0, 1]; got ${topP}`);
  const { model, tokenizer } = await openModel(positionals[0], flags.backend ?? 'auto', out);
  const gen = new Generator(model, tokenizer);
  const prompt = (flags.prompt as string | undefined) ?? '';
  const unknown = gen.feedText(prompt);
  if (unknown.length) out.note(`note: ${unknown.length} prompt symbol(s) the model has never seen were skipped: ${[...new Set(unknown)].slice(0, 8).map((u) => JSON.stringify(u)).join(' ')}`);
  const text = gen.generate(length, { temperature, topK, topP }, (flags.seed as number | undefined) ?? 1);
  out.event({ text, prompt });
  out.text(prompt + text);
  return 0;
}
