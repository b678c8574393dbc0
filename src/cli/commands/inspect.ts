import { probeText } from '../../core/inspect/probe';
import { parseArgs, UsageError, type CommandSpec } from '../args';
import { BACKEND_FLAG, openModel, Output } from '../io';

export const inspectSpec: CommandSpec = {
  name: 'inspect',
  summary: 'Run text through a model and show every layer\'s hidden state and gates at every step.',
  usage: 'rlab inspect MODEL --text S [--backend NAME] [--json]',
  positionals: [1, 1],
  flags: {
    text: { type: 'string', arg: 'S', help: 'the text to read (required; at most 4096 tokens)' },
    backend: BACKEND_FLAG,
    json: { type: 'bool', help: 'print {"tokens","probability","layers":[{"h":[[…]],…}]} as JSON' },
    help: { type: 'bool', help: 'show this help' },
  },
};

export async function inspect(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, inspectSpec);
  const out = new Output(!!flags.json);
  if (typeof flags.text !== 'string' || flags.text.length === 0) throw new UsageError('rlab inspect: --text is required and must not be empty');
  const { model, tokenizer } = await openModel(positionals[0], flags.backend ?? 'auto', out);
  const r = probeText(model, tokenizer, flags.text);
  if (r.unknown.length) out.note(`note: skipped ${r.unknown.length} symbol(s) the model has never seen`);
  out.event({ tokens: r.tokens, probability: r.probability.map((p) => (Number.isNaN(p) ? null : p)), layers: r.layers });
  if (!out.json) {
    const quantities = Object.keys(r.layers[0] ?? {});
    out.text(`${model.config.cell} ${model.config.layers}×${model.config.hidden}: ${r.tokens.length} steps; quantities per layer: ${quantities.join(', ')}`);
    out.text('step  token        p(token)  layer-0 mean|h|  most active units (h)');
    r.tokens.forEach((tok, t) => {
      const h = r.layers[0].h[t];
      const mean = h.reduce((a, v) => a + Math.abs(v), 0) / h.length;
      const top = h
        .map((v, j) => [j, v] as const)
        .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
        .slice(0, 3)
        .map(([j, v]) => `#${j}=${v.toFixed(2)}`)
        .join(' ');
      const p = r.probability[t];
      out.text(`${String(t).padStart(4)}  ${JSON.stringify(tok).padEnd(11)}  ${Number.isNaN(p) ? '     -  ' : p.toFixed(4).padStart(8)}  ${mean.toFixed(3).padStart(15)}  ${top}`);
    });
  }
  return 0;
}
