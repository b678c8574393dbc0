/**
 * Learning-rate schedules. `progress` is the fraction of the run done (0..1),
 * known from the step budget or the time budget, so a time-limited run decays
 * on the same curve as a step-limited one.
 */
export type ScheduleKind = 'constant' | 'cosine' | 'linear';

export interface Schedule {
  kind: ScheduleKind;
  /** Steps of linear warm-up from lr/10. */
  warmup: number;
  /** Final learning rate as a fraction of the peak. */
  floor: number;
}

export function learningRate(peak: number, s: Schedule, step: number, progress: number): number {
  if (step < s.warmup) return peak * (0.1 + (0.9 * (step + 1)) / s.warmup);
  const p = Math.min(1, Math.max(0, progress));
  switch (s.kind) {
    case 'constant':
      return peak;
    case 'linear':
      return peak * (s.floor + (1 - s.floor) * (1 - p));
    case 'cosine':
      return peak * (s.floor + (1 - s.floor) * 0.5 * (1 + Math.cos(Math.PI * p)));
  }
}
