import { statSync } from 'node:fs';
import { parameterSpecs } from '../../core/nn/config';
import { readModelFileFromDisk } from '../../node/atomicWrite';
import { parseArgs, type CommandSpec } from '../args';
import { Output } from '../io';

export const infoSpec: CommandSpec = {
  name: 'info',
  summary: 'Describe a model file: architecture, vocabulary, how it was trained.',
  usage: 'rlab info MODEL [--json]',
  positionals: [1, 1],
  flags: {
    json: { type: 'bool', help: 'print {"model","bytes","parameters","config","vocabSize","training"} as JSON' },
    help: { type: 'bool', help: 'show this help' },
  },
};

export async function info(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, infoSpec);
  const out = new Output(!!flags.json);
  const file = positionals[0];
  const c = readModelFileFromDisk(file);
  const parameters = parameterSpecs(c.config, c.vocab.length).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  const bytes = statSync(file).size;
  out.event({ model: file, bytes, parameters, config: c.config, vocabSize: c.vocab.length, training: c.training });
  if (!out.json) {
    const t = c.training as Record<string, unknown>;
    const fmt = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : v === undefined || v === null ? '-' : String(v));
    out.text(`${file} (${(bytes / 1024).toFixed(1)} KiB)`);
    out.text(`  ${c.config.cell} × ${c.config.layers} layer(s), hidden ${c.config.hidden}, embedding ${c.config.embed}, dropout ${c.config.dropout}`);
    out.text(`  ${parameters.toLocaleString('en')} parameters; ${c.config.tokenizer} tokenizer with ${c.vocab.length} tokens: ${c.vocab.slice(0, 24).map((v) => JSON.stringify(v)).join(' ')}${c.vocab.length > 24 ? ' …' : ''}`);
    out.text(`  trained ${fmt(t.steps)} steps on ${fmt(t.backend)}, train loss ${fmt(t.trainLoss)}, val loss ${fmt(t.valLoss)}, seed ${fmt(t.seed)}, ${fmt(t.date)}`);
  }
  return 0;
}
