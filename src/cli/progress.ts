import type { TrainEvent } from '../core/train/events';
import type { TrainSettings } from '../core/train/settings';
import { DEFAULT_STEPS } from '../core/train/settings';

/** The TTY progress line: bar, step, loss, validation loss, speed and time left. Redrawn at most 10 times a second. */
export class Progress {
  private last = 0;
  private val: number | null = null;
  private started = Date.now();
  private shown = false;
  constructor(private readonly stream: NodeJS.WriteStream) {}

  onEvent(e: TrainEvent, s: TrainSettings): void {
    if (e.event === 'notice') {
      this.clear();
      this.stream.write(`note: ${e.message}\n`);
    } else if (e.event === 'start') {
      this.started = Date.now();
      this.stream.write(`training ${e.cell} ${e.layers}×${e.hidden} (${e.parameters.toLocaleString('en')} parameters, vocabulary ${e.vocab}) on ${e.trainTokens.toLocaleString('en')} tokens, validating on ${e.valTokens.toLocaleString('en')}, backend ${e.backend}\n`);
    } else if (e.event === 'val') {
      this.val = e.valLoss;
    } else if (e.event === 'step') {
      const now = Date.now();
      if (now - this.last < 100) return;
      this.last = now;
      const elapsed = (now - this.started) / 1000;
      const byTime = s.time ? elapsed / s.time : 0;
      const noBudget = s.steps === undefined && s.time === undefined && s.epochs === undefined;
      const bySteps = s.steps ? e.step / s.steps : noBudget ? e.step / DEFAULT_STEPS : 0;
      const byEpochs = s.epochs ? e.epoch / s.epochs : 0;
      const frac = Math.min(1, Math.max(byTime, bySteps, byEpochs));
      const width = 24;
      const fill = Math.round(frac * width);
      const eta = frac > 0 ? (elapsed / frac) * (1 - frac) : NaN;
      const line = `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% step ${e.step} loss ${e.loss.toFixed(3)}${this.val !== null ? ` val ${this.val.toFixed(3)}` : ''} ${fmtRate(e.charsPerSec)} chars/s ETA ${fmtTime(eta)}`;
      if (this.stream.isTTY) this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 120) - 1)}\x1b[K`);
      else if (e.step % 100 === 0) this.stream.write(line + '\n');
      this.shown = true;
    }
  }

  clear(): void {
    if (this.shown && this.stream.isTTY) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}

function fmtRate(x: number): string {
  return x >= 1000 ? `${(x / 1000).toFixed(1)}k` : x.toFixed(0);
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}
