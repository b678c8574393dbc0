import * as vscode from 'vscode';
import type { BackendReport } from '../core/backend/select';
import type { TrainEvent } from '../core/train/events';

/** Everything a training run reports, for whoever listens (the inspection panel, tests). */
export type RunEvent =
  | { run: string; kind: 'started'; settings: Record<string, unknown>; source: { name: string; files: string[] } }
  | { run: string; kind: 'backend'; report: BackendReport }
  | { run: string; kind: 'event'; event: TrainEvent }
  | { run: string; kind: 'finished'; model: string | null; reason: string };

export const runEvents = new vscode.EventEmitter<RunEvent>();
