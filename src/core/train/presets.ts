import type { TrainSettings } from './settings';

export type PresetName = 'tiny' | 'small' | 'medium';

/** Starting points offered when training from the editor; any field can still be overridden. */
export const PRESETS: Record<PresetName, Partial<TrainSettings>> = {
  /** Seconds on any machine: enough to see the loss fall and gates move. */
  tiny: { cell: 'lstm', layers: 1, hidden: 64, embed: 32, seq: 32, batch: 16, steps: 300, valEvery: 100 },
  /** A minute or two: readable samples on a novel-sized text. */
  small: { cell: 'lstm', layers: 1, hidden: 256, embed: 64, seq: 64, batch: 32, steps: 1500, valEvery: 200 },
  /** Ten minutes or more: two layers with dropout, for completions worth using. */
  medium: { cell: 'lstm', layers: 2, hidden: 512, embed: 64, seq: 64, batch: 32, dropout: 0.2, steps: 4000, valEvery: 250 },
};
