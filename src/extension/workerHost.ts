import type { ToWorker } from '../protocol/worker';

/** The training thread as the extension sees it, whichever host it runs in. */
export interface TrainingThread {
  post(m: ToWorker): void;
  terminate(): void;
}

export interface ThreadCallbacks {
  message(m: unknown): void;
  /** The thread died or could not start: a one-line reason. */
  failed(reason: string): void;
}

export type ThreadFactory = (cb: ThreadCallbacks) => Promise<TrainingThread>;
