import type { BackendName } from '../../core/backend/backend';
import { AUTO_ORDER, createBackend } from '../../core/backend/select';
import { benchComplete, benchTrain, benchTyping, CHARLSTM } from '../../core/train/benchmark';
import type { CellType } from '../../core/nn/config';
import { parseArgs, UsageError, type CommandSpec } from '../args';
import { Output } from '../io';
import { loadNodeWebGPU } from '../../node/webgpu';

export const benchSpec: CommandSpec = {
  name: 'bench',
  summary: 'Measure training throughput (the charlstm workload: V=96, E=64, 1 layer, T=64, B=32, Adam) and completion latency on every available backend.',
  usage: 'rlab bench [--backends LIST] [--hidden LIST] [--cell lstm|gru|rnn] [--quick] [--json]',
  positionals: [0, 0],
  flags: {
    backends: { type: 'list', arg: 'LIST', help: 'comma-separated backends to measure (default: every one that is available here)' },
    hidden: { type: 'list', arg: 'LIST', help: 'hidden sizes to measure (default 128,512)' },
    cell: { type: 'string', choices: ['lstm', 'gru', 'rnn'], help: 'recurrent cell (default lstm)' },
    quick: { type: 'bool', help: 'fewer timed steps (for smoke tests)' },
    json: { type: 'bool', help: 'one JSON line per measurement (and {"backend","available":false,"reason"} per unavailable backend)' },
    help: { type: 'bool', help: 'show this help' },
  },
};


export async function bench(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, benchSpec);
  const out = new Output(!!flags.json);
  const names = ((flags.backends as string[] | undefined) ?? AUTO_ORDER) as BackendName[];
  for (const n of names) if (!AUTO_ORDER.includes(n)) throw new UsageError(`rlab bench: unknown backend ${JSON.stringify(n)} (choose from ${AUTO_ORDER.join(', ')})`);
  const hiddens = ((flags.hidden as string[] | undefined) ?? ['128', '512']).map(Number);
  for (const h of hiddens) if (!Number.isInteger(h) || h < 1 || h > 4096) throw new UsageError(`rlab bench: hidden sizes must be whole numbers in 1..4096`);
  const cell = ((flags.cell as string | undefined) ?? 'lstm') as CellType;
  const quick = !!flags.quick;
  const explicit = flags.backends !== undefined;

  if (names.includes('webgpu')) await loadNodeWebGPU();
  for (const name of names) {
    let backend;
    try {
      backend = (await createBackend(name)).backend;
    } catch (e) {
      const reason = (e as Error).message;
      out.event({ backend: name, available: false, reason });
      out.note(`${name}: unavailable (${reason})`);
      if (explicit) return 1;
      continue;
    }
    try {
      for (const hidden of hiddens) {
        const w = { ...CHARLSTM, cell, hidden };
        const r = benchTrain(backend, w, quick ? { warmup: 1, minSteps: 1, maxSteps: 2, maxSeconds: 1 } : undefined);
        out.event({ backend: name, cell, layers: w.layers, hidden, embed: w.embed, seq: w.seq, batch: w.batch, vocab: w.vocab, charsPerSec: r.charsPerSec, steps: r.steps, seconds: r.seconds });
        out.text(`${name.padEnd(10)} train ${cell} H=${String(hidden).padEnd(4)} ${Math.round(r.charsPerSec).toLocaleString('en').padStart(8)} chars/s  (${r.steps} steps in ${r.seconds.toFixed(1)} s)`);
      }
      const c = benchComplete(backend, cell, 256, 32, quick ? 3 : 30);
      out.event({ backend: name, cell, hidden: 256, task: 'complete', chars: 32, medianMs: c.medianMs, p95Ms: c.p95Ms });
      out.text(`${name.padEnd(10)} complete 32 chars after a 32-char prefix, H=256: median ${c.medianMs.toFixed(2)} ms, p95 ${c.p95Ms.toFixed(2)} ms`);
      // The editor completes on the cpu backend; the slower backends would take minutes here.
      if (!quick && (name === 'cpu' || explicit)) {
        for (const cached of [true, false]) {
          const k = benchTyping(backend, cell, 256, cached);
          out.event({ backend: name, cell, hidden: 256, task: 'typing', cache: cached, chars: 32, keystrokes: k.keystrokes, medianMs: k.medianMs, p95Ms: k.p95Ms });
          out.text(`${name.padEnd(10)} typing, a 32-char suggestion per keystroke (${cached ? 'with' : 'without'} the state cache), H=256: median ${k.medianMs.toFixed(2)} ms, p95 ${k.p95Ms.toFixed(2)} ms`);
        }
      }
    } finally {
      backend.dispose();
    }
  }
  return 0;
}
