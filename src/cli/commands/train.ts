import { basename, dirname, extname, resolve } from 'node:path';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { optimizerPath, resumeFrom, savedRun } from '../../core/train/savedRun';
import { resolveSettings, DEFAULT_SETTINGS } from '../../core/train/settings';
import { Trainer } from '../../core/train/trainer';
import type { TrainEvent } from '../../core/train/events';
import { Generator } from '../../core/generate/generator';
import { readModelFileFromDisk, writeFileAtomic } from '../../node/atomicWrite';
import { InputError, readTextFile } from '../../node/readText';
import { readFileSync } from 'node:fs';
import { parseArgs, UsageError, type CommandSpec } from '../args';
import { BACKEND_FLAG, openBackend, Output } from '../io';
import { Progress } from '../progress';

export const trainSpec: CommandSpec = {
  name: 'train',
  summary: 'Train a recurrent language model on text files and save it as a .safetensors model.',
  usage: 'rlab train FILE... [options]',
  positionals: [1, Infinity],
  flags: {
    cell: { type: 'string', choices: ['lstm', 'gru', 'rnn'], help: `recurrent cell (default ${DEFAULT_SETTINGS.cell})` },
    layers: { type: 'int', arg: 'N', help: `stacked recurrent layers (default ${DEFAULT_SETTINGS.layers})` },
    hidden: { type: 'int', arg: 'N', help: `hidden units per layer (default ${DEFAULT_SETTINGS.hidden})` },
    embed: { type: 'int', arg: 'N', help: `embedding size (default ${DEFAULT_SETTINGS.embed})` },
    dropout: { type: 'number', arg: 'P', help: `dropout between layers (default ${DEFAULT_SETTINGS.dropout})` },
    tokenizer: { type: 'string', choices: ['char', 'word'], help: `tokens: Unicode characters or words (default ${DEFAULT_SETTINGS.tokenizer})` },
    seq: { type: 'int', arg: 'T', help: `steps of backpropagation through time per chunk (default ${DEFAULT_SETTINGS.seq})` },
    batch: { type: 'int', arg: 'B', help: `parallel streams per step (default ${DEFAULT_SETTINGS.batch})` },
    lr: { type: 'number', arg: 'X', help: `peak learning rate (default ${DEFAULT_SETTINGS.lr})` },
    optimizer: { type: 'string', choices: ['adam', 'sgd'], help: `optimizer (default ${DEFAULT_SETTINGS.optimizer})` },
    clip: { type: 'number', arg: 'X', help: `clip the global gradient norm to X, 0 = off (default ${DEFAULT_SETTINGS.clip})` },
    schedule: { type: 'string', choices: ['cosine', 'linear', 'constant'], help: `learning-rate decay over the budget (default ${DEFAULT_SETTINGS.schedule})` },
    warmup: { type: 'int', arg: 'N', help: `warm-up steps (default ${DEFAULT_SETTINGS.warmup})` },
    steps: { type: 'int', arg: 'N', help: 'stop after N steps (with no --steps, --epochs or --time: 2000 steps)' },
    epochs: { type: 'number', arg: 'N', help: 'stop after N passes over the text (N may be fractional)' },
    time: { type: 'number', arg: 'SECONDS', help: 'stop after this many seconds; of --steps, --epochs and --time the first reached ends the run' },
    val: { type: 'number', arg: 'FRACTION', help: `hold out the last FRACTION of the text for validation (default ${DEFAULT_SETTINGS.val})` },
    'val-every': { type: 'int', arg: 'N', help: `validate every N steps, 0 = only at the end (default ${DEFAULT_SETTINGS.valEvery})` },
    patience: { type: 'int', arg: 'N', help: 'stop after N validations without improvement and keep the best weights (default off)' },
    seed: { type: 'int', arg: 'N', help: `random seed; the same seed repeats a run (default ${DEFAULT_SETTINGS.seed})` },
    backend: BACKEND_FLAG,
    out: { type: 'string', arg: 'MODEL', help: 'where to save the model (default NAME.CELL.safetensors, or the --resume file)' },
    resume: { type: 'string', arg: 'MODEL', help: 'continue training this model (its cell, sizes and vocabulary are kept)' },
    json: { type: 'bool', help: 'one JSON event per line on stdout' },
    quiet: { type: 'bool', help: 'no progress bar, notices or closing sample' },
    help: { type: 'bool', help: 'show this help' },
  },
};

const SETTING_FLAGS: Record<string, string> = {
  cell: 'cell', layers: 'layers', hidden: 'hidden', embed: 'embed', dropout: 'dropout', tokenizer: 'tokenizer', seq: 'seq', batch: 'batch',
  lr: 'lr', optimizer: 'optimizer', clip: 'clip', schedule: 'schedule', warmup: 'warmup', steps: 'steps', epochs: 'epochs', time: 'time',
  val: 'val', 'val-every': 'valEvery', patience: 'patience', seed: 'seed',
};

/** Refuses an --out that cannot be written before any training time is spent. */
function checkWritable(outPath: string): void {
  const dir = dirname(resolve(outPath));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`cannot save to ${outPath}: folder ${dir} does not exist`);
  if (existsSync(outPath) && statSync(outPath).isDirectory()) throw new InputError(`cannot save to ${outPath}: it is a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new InputError(`cannot save to ${outPath}: folder ${dir} is not writable`);
  }
}

export async function train(argv: string[]): Promise<number> {
  const { flags, positionals: files } = parseArgs(argv, trainSpec);
  const out = new Output(!!flags.json);
  const user: Record<string, unknown> = {};
  for (const [flag, key] of Object.entries(SETTING_FLAGS)) if (flags[flag] !== undefined) user[key] = flags[flag];
  let settings;
  try {
    settings = resolveSettings(user);
  } catch (e) {
    throw new UsageError(`rlab train: ${(e as Error).message}`);
  }

  const text = files.map(readTextFile).join('\n');
  const resumePath = flags.resume as string | undefined;
  const op = resumePath && optimizerPath(resumePath);
  const resume = resumePath
    ? resumeFrom(readModelFileFromDisk(resumePath), op && existsSync(op) ? readFileSync(op) : undefined, (e) =>
        out.note(`note: optimizer state ${op} unreadable (${e.message}); starting fresh moments`),
      )
    : undefined;
  const outPath = (flags.out as string | undefined) ?? resumePath ?? `${basename(files[0], extname(files[0]))}.${resume?.config.cell ?? settings.cell}.safetensors`;

  checkWritable(outPath);
  const { backend, report } = await openBackend(flags.backend, out);
  const trainer = new Trainer(backend, text, settings, resume);
  const progress = !out.json && !flags.quiet ? new Progress(process.stderr) : null;

  let interrupted = 0;
  const onSigint = () => {
    interrupted++;
    if (interrupted > 1) {
      process.stderr.write('\nrlab: interrupted twice; exiting without saving\n');
      process.exit(1);
    }
    progress?.clear();
    process.stderr.write('\nrlab: stopping after this step and saving the model (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);

  const started = new Date().toISOString();
  // Resident memory, sampled at every validation and at the end, so long runs show whether memory grows.
  let peakRss = process.memoryUsage.rss();
  const rssMiB = () => {
    const rss = process.memoryUsage.rss();
    peakRss = Math.max(peakRss, rss);
    return Math.round(rss / 2 ** 20);
  };
  const onEvent = (e: TrainEvent) => {
    out.event(e.event === 'val' ? { ...e, rssMiB: rssMiB() } : e);
    if (e.event === 'step' && e.step % 50 === 0) rssMiB();
    if (progress) progress.onEvent(e, settings);
    else if (!out.json && !flags.quiet && e.event === 'notice') out.note(`note: ${e.message}`);
  };
  let result;
  try {
    result = await trainer.run(onEvent, () => interrupted > 0, report.chosen);
  } finally {
    process.off('SIGINT', onSigint);
  }
  progress?.clear();

  const saved = savedRun(trainer, result, { text, backend: report.chosen, started, source: { files: files.map((f) => basename(f)) } });
  writeFileAtomic(outPath, saved.model);
  writeFileAtomic(optimizerPath(outPath), saved.optimizer);

  out.event({
    event: 'done',
    rssMiB: rssMiB(),
    peakRssMiB: Math.round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20),
    steps: result.steps,
    loss: result.loss,
    valLoss: result.valLoss,
    bpc: result.bpc,
    chars: result.chars,
    charsPerSec: result.charsPerSec,
    seconds: result.seconds,
    model: outPath,
    backend: report.chosen,
    reason: result.reason,
  } satisfies TrainEvent & { rssMiB: number; peakRssMiB: number });
  if (!out.json) {
    const val = result.valLoss === null ? 'no validation' : `val ${result.valLoss.toFixed(3)} nats/char (${result.bpc!.toFixed(3)} bpc)`;
    out.text(`${result.reason === 'cancelled' ? 'interrupted' : 'trained'}: ${result.steps} steps, loss ${result.loss.toFixed(3)}, ${val}, ${Math.round(result.charsPerSec)} chars/s on ${report.chosen}, ${result.seconds.toFixed(1)} s`);
    out.text(`saved ${outPath}${result.reason === 'cancelled' ? ` (resume with: rlab train ${files.join(' ')} --resume ${outPath})` : ''}`);
    if (!flags.quiet && result.reason !== 'cancelled') {
      const gen = new Generator(trainer.model, trainer.tokenizer);
      const sample = gen.generate(300, { temperature: 0.8, topK: 0, topP: 1 }, settings.seed);
      out.text(`\n--- sample (temperature 0.8) ---\n${sample}\n---`);
    }
  }
  return 0;
}
