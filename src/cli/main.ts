import { ModelFileError } from '../core/io/errors';
import { TrainError } from '../core/train/trainer';
import { InputError } from '../node/readText';
import { useNodeThreads } from '../node/threads';
import { helpText, UsageError, type CommandSpec } from './args';
import { bench, benchSpec } from './commands/bench';
import { complete, completeSpec } from './commands/complete';
import { EvalError, evaluate, evalSpec } from './commands/evaluate';
import { info, infoSpec } from './commands/info';
import { inspect, inspectSpec } from './commands/inspect';
import { sample, sampleSpec } from './commands/sample';
import { train, trainSpec } from './commands/train';

declare const RLAB_VERSION: string;

const COMMANDS: Record<string, [CommandSpec, (argv: string[]) => Promise<number>]> = {
  train: [trainSpec, train],
  eval: [evalSpec, evaluate],
  sample: [sampleSpec, sample],
  complete: [completeSpec, complete],
  inspect: [inspectSpec, inspect],
  bench: [benchSpec, bench],
  info: [infoSpec, info],
};

function usage(): string {
  const lines = ['usage: rlab COMMAND [options]   (rlab COMMAND --help for its options)', '', 'Train and use recurrent language models (RNN, LSTM, GRU) on text.', '', 'commands:'];
  for (const [name, [spec]] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)}${spec.summary}`);
  return lines.join('\n');
}

/** Errors that describe a problem with the user's input or files: one line, exit 1. */
const EXPECTED = [ModelFileError, TrainError, InputError, EvalError, RangeError];

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(usage() + '\n');
    return cmd ? 0 : 2;
  }
  if (cmd === '--version') {
    process.stdout.write(`${typeof RLAB_VERSION === 'string' ? RLAB_VERSION : 'dev'}\n`);
    return 0;
  }
  const entry = COMMANDS[cmd];
  if (!entry) {
    process.stderr.write(`rlab: unknown command ${JSON.stringify(cmd)} (see rlab --help)\n`);
    return 2;
  }
  const [spec, run] = entry;
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(helpText(spec) + '\n');
    return 0;
  }
  try {
    return await run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    if (EXPECTED.some((k) => e instanceof k)) process.stderr.write(`rlab: error: ${msg}\n`);
    else {
      process.stderr.write(`rlab: internal error: ${msg}\n`);
      if (process.env.RLAB_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    }
    return 1;
  }
}

useNodeThreads();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`rlab: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
