import type { BackendChoice } from '../core/backend/backend';
import type { BackendReport } from '../core/backend/select';
import type { TrainEvent } from '../core/train/events';
import type { TrainResult } from '../core/train/trainer';
import type { FromPanel, ToPanel } from './panel';
import { fieldProblem, isBytes, isNumber, isObject, isString } from './validate';

/** Host -> training worker. */
export type ToWorker =
  | {
      type: 'train';
      text: string;
      /** User settings (validated by resolveSettings in the worker). */
      settings: Record<string, unknown>;
      backend: BackendChoice;
      /** A model file to continue from, and its optimizer state. */
      resume?: { model: Uint8Array; optimizer?: Uint8Array };
      /** Metadata recorded in the model file. */
      source: { name: string; files: string[] };
      /** Fault injection for tests: the thread dies (as if killed) when this step is reached. */
      dieAtStep?: number;
    }
  | { type: 'stop' }
  | InspectMessage;

/** What the inspection panel asks of a model; answered off the host's thread. */
export type InspectRequest =
  | { kind: 'probe'; reqId: number; text: string; source: string; maxSteps: number }
  | { kind: 'gradientFlow'; reqId: number; text: string; name: string; maxK: number; compare: boolean; labels: { fresh: string; layer: string } }
  | { kind: 'sample'; req: Extract<FromPanel, { type: 'sample' }> }
  | { kind: 'unroll'; req: Extract<FromPanel, { type: 'unroll' }> };

/** `model` (the file's bytes) comes with the first request for a `modelKey`; the worker keeps that model until another key arrives. */
export interface InspectMessage {
  type: 'inspect';
  id: number;
  modelKey: string;
  model?: Uint8Array;
  request: InspectRequest;
}

/** Training worker -> host. */
export type FromWorker =
  | { type: 'backend'; report: BackendReport }
  | { type: 'event'; event: TrainEvent }
  | { type: 'result'; result: TrainResult; backend: string; model: Uint8Array; optimizer: Uint8Array }
  | { type: 'error'; message: string; kind: 'input' | 'internal'; id?: number }
  /** The answer to an inspect request: a message for the panel. */
  | { type: 'inspected'; id: number; message: ToPanel }
  /** The worker has no model for that key: send the bytes again. */
  | { type: 'needModel'; id: number };

export function parseToWorker(m: unknown): { ok: ToWorker } | { error: string } {
  if (!isObject(m)) return { error: 'message is not an object' };
  if (m.type === 'stop') return { ok: { type: 'stop' } };
  if (m.type === 'inspect') {
    const p = fieldProblem(m, { id: isNumber, modelKey: isString, model: [isBytes, 'optional'], request: isObject });
    if (p) return { error: `inspect: ${p}` };
    const kind = (m.request as Record<string, unknown>).kind;
    if (kind !== 'probe' && kind !== 'gradientFlow' && kind !== 'sample' && kind !== 'unroll') return { error: `inspect: unknown request ${JSON.stringify(kind)}` };
    return { ok: m as unknown as ToWorker };
  }
  if (m.type === 'train') {
    const p = fieldProblem(m, { text: isString, settings: isObject, backend: isString, source: isObject, resume: [isObject, 'optional'], dieAtStep: [isNumber, 'optional'] });
    if (p) return { error: `train: ${p}` };
    if (m.resume !== undefined) {
      const r = m.resume as Record<string, unknown>;
      if (!isBytes(r.model) || (r.optimizer !== undefined && !isBytes(r.optimizer))) return { error: 'train: resume must hold model bytes' };
    }
    return { ok: m as unknown as ToWorker };
  }
  return { error: `unknown message type ${JSON.stringify(m.type)}` };
}

export function parseFromWorker(m: unknown): { ok: FromWorker } | { error: string } {
  if (!isObject(m)) return { error: 'message is not an object' };
  switch (m.type) {
    case 'backend':
      return isObject(m.report) ? { ok: m as unknown as FromWorker } : { error: 'backend: missing report' };
    case 'event':
      return isObject(m.event) && isString(m.event.event) ? { ok: m as unknown as FromWorker } : { error: 'event: missing event' };
    case 'result': {
      const p = fieldProblem(m, { result: isObject, backend: isString, model: isBytes, optimizer: isBytes });
      return p ? { error: `result: ${p}` } : { ok: m as unknown as FromWorker };
    }
    case 'inspected':
      return isNumber(m.id) && isObject(m.message) ? { ok: m as unknown as FromWorker } : { error: 'inspected: malformed' };
    case 'needModel':
      return isNumber(m.id) ? { ok: m as unknown as FromWorker } : { error: 'needModel: malformed' };
    case 'error': {
      const p = fieldProblem(m, { message: isString, kind: isString });
      return p ? { error: `error: ${p}` } : { ok: m as unknown as FromWorker };
    }
    default:
      return { error: `unknown message type ${JSON.stringify(m.type)}` };
  }
}

