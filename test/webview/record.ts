/**
 * Records the host -> panel messages of real training runs: three small
 * models (RNN, LSTM, GRU) trained by the real CLI on the sample corpus, their
 * events replayed through the panel's RunHistory exactly as the extension
 * host does, and the probe / gradient-flow / sampling / unrolled answers the
 * host computes (panelData) for the trained LSTM.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createBackend } from '../../src/core/backend/select';
import { decodeModelFile } from '../../src/core/io/modelFile';
import { loadModel } from '../../src/core/io/modelContents';
import type { TrainEvent } from '../../src/core/train/events';
import { gradientFlowMessage, modelInfo, probeMessage, sampleMessage, unrollMessage } from '../../src/worker/panelData';
import { RunHistory } from '../../src/extension/panelRuns';
import type { RunEvent } from '../../src/extension/runEvents';
import type { ToPanel } from '../../src/protocol/panel';
import { PANEL_STRINGS } from '../../src/protocol/panelStrings';

export const ROOT = resolve(__dirname, '../..');
export const ARTIFACTS = join(ROOT, 'test/artifacts/webview');
const CORPUS = join(ROOT, 'media/sample/sonnets.txt');

/** JSON form of the messages: typed arrays become plain arrays (the panel accepts both). */
export interface Fixture {
  init: ToPanel;
  initJa: ToPanel;
  live: ToPanel[];
  replay: ToPanel[];
  model: ToPanel;
  probe: ToPanel;
  gradientFlow: ToPanel;
  sample: ToPanel;
  unrolled: ToPanel;
  /** The text the probe read. */
  probeText: string;
}

function train(cell: string, out: string): Promise<Array<{ at: number; event: TrainEvent }>> {
  return new Promise((ok, fail) => {
    const args = [join(ROOT, 'bin/rlab.js'), 'train', CORPUS, '--cell', cell, '--hidden', '48', '--embed', '16', '--seq', '32', '--batch', '16', '--steps', '300', '--val-every', '25', '--lr', '0.01', '--backend', 'cpu', '--seed', '1', '--json', '--out', out];
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const events: Array<{ at: number; event: TrainEvent }> = [];
    let buf = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        if (line.startsWith('{')) events.push({ at: Date.now(), event: JSON.parse(line) as TrainEvent });
      }
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => (code === 0 ? ok(events) : fail(new Error(`rlab train --cell ${cell} failed (${code}): ${err}`))));
  });
}

const plain = (m: unknown): unknown => JSON.parse(JSON.stringify(m, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array, (x) => (Number.isNaN(x) ? null : x)) : v)));

export async function record(): Promise<Fixture> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const cells = ['rnn', 'lstm', 'gru'];
  const runs = await Promise.all(cells.map((c) => train(c, join(ARTIFACTS, `${c}.safetensors`))));
  // `live`: what the host posts while the runs train (status at once, metric points in batches, as its 200 ms
  // flush does); `replay`: what a panel opened or reloaded afterwards receives.
  const history = new RunHistory();
  const live: ToPanel[] = [];
  cells.forEach((cell, i) => {
    const name = `sonnets-${cell}`;
    const t0 = runs[i][0]?.at ?? Date.now();
    let n = 0;
    const feed = (ev: RunEvent, at: number) => {
      live.push(...history.add(ev, at));
      if (++n % 40 === 0) live.push(...history.pending());
    };
    feed({ run: name, kind: 'started', settings: { cell, tokenizer: 'char', hidden: 48 }, source: { name: 'sonnets.txt', files: [CORPUS] } }, t0);
    for (const { at, event } of runs[i]) feed({ run: name, kind: 'event', event }, at);
    feed({ run: name, kind: 'finished', model: join(ARTIFACTS, `${cell}.safetensors`), reason: 'done' }, runs[i].at(-1)!.at);
  });
  const replay = history.replay();

  const { backend } = await createBackend('reference');
  const { model, tokenizer } = loadModel(decodeModelFile(readFileSync(join(ARTIFACTS, 'lstm.safetensors'))), backend);
  const corpus = readFileSync(CORPUS, 'utf8');
  const at = corpus.indexOf('Shall I compare thee');
  const probeText = corpus.slice(at, at + 420);
  const ja = JSON.parse(readFileSync(join(ROOT, 'l10n/bundle.l10n.ja.json'), 'utf8')) as Record<string, string>;
  const f: Fixture = {
    init: { type: 'init', lang: 'en', strings: Object.fromEntries(PANEL_STRINGS.map((s) => [s, s])) },
    initJa: { type: 'init', lang: 'ja', strings: Object.fromEntries(PANEL_STRINGS.map((s) => [s, ja[s] ?? s])) },
    live,
    replay,
    model: { type: 'model', model: modelInfo('sonnets-lstm', model, tokenizer) },
    probe: probeMessage(1, model, tokenizer, probeText, 'sonnets.txt:339–351', 400),
    gradientFlow: gradientFlowMessage(1, model, tokenizer, 'sonnets-lstm', corpus.slice(0, 20000), 64, true),
    sample: sampleMessage(model, tokenizer, { type: 'sample', id: 1, prompt: 'Shall I compare thee', temperature: 0.8, topK: 0, topP: 0.95, length: 160, seed: 7 }),
    unrolled: unrollMessage(model, tokenizer, { type: 'unroll', id: 1, prompt: 'Shall I compare thee to a summer', steps: 8 }),
    probeText,
  };
  const out = plain(f) as Fixture;
  writeFileSync(join(ARTIFACTS, 'recorded-messages.json'), JSON.stringify(out));
  return out;
}
