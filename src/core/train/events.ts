/** What a training run reports, in the shape of `rlab train --json` lines. */
export type TrainEvent =
  | {
      event: 'start';
      cell: string;
      layers: number;
      hidden: number;
      embed: number;
      parameters: number;
      vocab: number;
      trainTokens: number;
      valTokens: number;
      batch: number;
      seq: number;
      backend: string;
      resumedFrom: number;
    }
  | { event: 'notice'; message: string }
  | { event: 'step'; step: number; loss: number; chars: number; charsPerSec: number; lr: number; gradNorm: number; epoch: number }
  | { event: 'val'; step: number; valLoss: number; bpc: number; best: boolean }
  | ({ event: 'done'; model: string | null; backend: string } & TrainResult);

/** How a run ended, as the trainer returns it. */
export interface TrainResult {
  steps: number;
  loss: number;
  valLoss: number | null;
  bpc: number | null;
  chars: number;
  charsPerSec: number;
  seconds: number;
  reason: StopReason;
}

export type StopReason = 'budget' | 'cancelled' | 'early-stop' | 'diverged';
