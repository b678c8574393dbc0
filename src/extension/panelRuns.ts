/**
 * Every training run of this session, kept for the inspection panel: the loss
 * curves are there when the panel opens late, is hidden or is reloaded.
 * Pure (type-only imports), so the webview tests replay recorded runs through it.
 */
import type { RunStatus, ToPanel, TokenizerName } from '../protocol/panel';
import type { RunEvent } from './runEvents';

interface Run {
  key: string;
  label: string;
  cell: string;
  tokenizer: TokenizerName;
  status: RunStatus;
  t0: number;
  chars: number;
  train: number[];
  val: number[];
  /** Points not yet sent to the panel. */
  sentTrain: number;
  sentVal: number;
}

export class RunHistory {
  private readonly runs = new Map<string, Run>();
  /** The run name -> key of its latest run (the same model name may be trained again). */
  private readonly live = new Map<string, string>();

  /** Records an event; returns the messages that must go out at once (run status). Metric points wait for `pending`. */
  add(ev: RunEvent, now = Date.now()): ToPanel[] {
    if (ev.kind === 'started') {
      let key = ev.run;
      for (let n = 2; this.runs.has(key); n++) key = `${ev.run} (${n})`;
      const s = ev.settings;
      const cell = typeof s.cell === 'string' ? s.cell : '';
      const tokenizer: TokenizerName = s.tokenizer === 'word' ? 'word' : 'char';
      const run: Run = { key, label: key, cell, tokenizer, status: 'running', t0: now, chars: 0, train: [], val: [], sentTrain: 0, sentVal: 0 };
      this.runs.set(key, run);
      this.live.set(ev.run, key);
      return [this.info(run)];
    }
    const run = this.runs.get(this.live.get(ev.run) ?? '');
    if (!run) return [];
    const secs = (now - run.t0) / 1000;
    if (ev.kind === 'event') {
      const e = ev.event;
      if (e.event === 'start') {
        run.cell = e.cell;
        return [this.info(run)];
      }
      if (e.event === 'step' && Number.isFinite(e.loss)) {
        run.chars = e.chars;
        run.train.push(e.step, e.chars, secs, e.loss);
      } else if (e.event === 'val' && Number.isFinite(e.valLoss)) {
        run.val.push(e.step, run.chars, secs, e.valLoss);
      }
      return [];
    }
    if (ev.kind === 'finished') {
      run.status = ev.reason === 'done' ? 'done' : ev.reason === 'cancelled' ? 'cancelled' : 'failed';
      this.live.delete(ev.run);
      return [...this.pending(), this.info(run)];
    }
    return [];
  }

  private info(r: Run): ToPanel {
    return { type: 'run', run: r.key, label: r.label, cell: r.cell, tokenizer: r.tokenizer, status: r.status };
  }

  /** Metric points added since the last call, one message per run that has any. */
  pending(): ToPanel[] {
    const out: ToPanel[] = [];
    for (const r of this.runs.values()) {
      if (r.sentTrain === r.train.length && r.sentVal === r.val.length) continue;
      out.push({ type: 'metrics', run: r.key, train: Float64Array.from(r.train.slice(r.sentTrain)), val: Float64Array.from(r.val.slice(r.sentVal)) });
      r.sentTrain = r.train.length;
      r.sentVal = r.val.length;
    }
    return out;
  }

  /** Everything, for a panel that has just (re)loaded. */
  replay(): ToPanel[] {
    const out: ToPanel[] = [];
    for (const r of this.runs.values()) {
      out.push(this.info(r));
      out.push({ type: 'metrics', run: r.key, train: Float64Array.from(r.train), val: Float64Array.from(r.val) });
      r.sentTrain = r.train.length;
      r.sentVal = r.val.length;
    }
    return out;
  }
}
