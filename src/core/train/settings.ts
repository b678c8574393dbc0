import { LIMITS, type ModelConfig } from '../nn/config';
import type { OptimizerKind } from '../optim/optimizer';
import type { ScheduleKind } from '../optim/schedule';

/** Everything that shapes a training run: the model's config and how to train it. Defaults are chosen so a first run on a novel-sized text is a good one. */
export interface TrainSettings extends ModelConfig {
  seq: number;
  batch: number;
  lr: number;
  optimizer: OptimizerKind;
  clip: number;
  schedule: ScheduleKind;
  warmup: number;
  /** Budget: the first one reached ends the run. Unset budgets are ignored; with none set, `steps` defaults. */
  steps?: number;
  epochs?: number;
  time?: number;
  val: number;
  /** Validate every this many steps (0: only at the end). */
  valEvery: number;
  /** Stop after this many validations without improvement and keep the best weights (0: off). */
  patience: number;
  seed: number;
}

export const DEFAULT_SETTINGS: TrainSettings = {
  cell: 'lstm',
  layers: 1,
  hidden: 256,
  embed: 64,
  dropout: 0,
  tokenizer: 'char',
  seq: 64,
  batch: 32,
  lr: 2e-3,
  optimizer: 'adam',
  clip: 5,
  schedule: 'cosine',
  warmup: 20,
  val: 0.1,
  valEvery: 200,
  patience: 0,
  seed: 1,
};

/** When no budget is given. */
export const DEFAULT_STEPS = 2000;

type NumKey = { [K in keyof TrainSettings]-?: TrainSettings[K] extends number | undefined ? K : never }[keyof TrainSettings];

/** [min, max, integer] for every numeric setting: absurd values are refused with a message naming the range. */
export const RANGES: Record<NumKey, [number, number, boolean]> = {
  layers: [...LIMITS.layers, true],
  hidden: [...LIMITS.hidden, true],
  embed: [...LIMITS.embed, true],
  dropout: [...LIMITS.dropout, false],
  seq: [1, 4096, true],
  batch: [1, 4096, true],
  lr: [1e-7, 10, false],
  clip: [0, 1e6, false],
  warmup: [0, 1e7, true],
  steps: [1, 1e9, true],
  epochs: [1e-3, 1e6, false],
  time: [0.1, 1e7, false],
  val: [0, 0.5, false],
  valEvery: [0, 1e9, true],
  patience: [0, 1e6, true],
  seed: [0, 2 ** 32 - 1, true],
};

const CHOICES = {
  cell: ['rnn', 'lstm', 'gru'],
  tokenizer: ['char', 'word'],
  optimizer: ['adam', 'sgd'],
  schedule: ['constant', 'cosine', 'linear'],
} as const;

/** Merges user values over the defaults, refusing unknown keys, wrong types and out-of-range values with one clear message. */
export function resolveSettings(user: Record<string, unknown>, base: TrainSettings = DEFAULT_SETTINGS): TrainSettings {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(user)) {
    if (value === undefined) continue;
    if (key in CHOICES) {
      const allowed = CHOICES[key as keyof typeof CHOICES] as readonly string[];
      if (typeof value !== 'string' || !allowed.includes(value)) throw new RangeError(`${key} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
      out[key] = value;
    } else if (key in RANGES) {
      const [lo, hi, integer] = RANGES[key as NumKey];
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`${key} must be a number; got ${JSON.stringify(value)}`);
      if (integer && !Number.isInteger(value)) throw new RangeError(`${key} must be a whole number; got ${value}`);
      if (value < lo || value > hi) throw new RangeError(`${key} must be between ${lo} and ${hi}; got ${value}`);
      out[key] = value;
    } else {
      throw new RangeError(`unknown setting "${key}"`);
    }
  }
  return out as unknown as TrainSettings;
}
