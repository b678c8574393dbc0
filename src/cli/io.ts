import { BACKEND_CHOICES, type BackendChoice } from '../core/backend/backend';
import { createBackend, type BackendReport } from '../core/backend/select';
import { loadModel } from '../core/io/modelContents';
import { readModelFileFromDisk } from '../node/atomicWrite';
import type { Backend } from '../core/backend/backend';
import { loadNodeWebGPU } from '../node/webgpu';
import { InputError } from '../node/readText';
import { UsageError } from './args';

/** Where a command writes: JSON lines on stdout with --json, human text otherwise; notes always go to stderr. */
export class Output {
  constructor(readonly json: boolean) {}
  event(obj: object): void {
    if (this.json) process.stdout.write(JSON.stringify(obj) + '\n');
  }
  text(s: string): void {
    if (!this.json) process.stdout.write(s.endsWith('\n') ? s : s + '\n');
  }
  note(s: string): void {
    process.stderr.write(s.endsWith('\n') ? s : s + '\n');
  }
}

export async function openBackend(choice: unknown, out: Output, explain = true): Promise<{ backend: Backend; report: BackendReport }> {
  const c = (choice ?? 'auto') as BackendChoice;
  if (!BACKEND_CHOICES.includes(c)) throw new UsageError(`--backend must be one of ${BACKEND_CHOICES.join(', ')}; got ${JSON.stringify(choice)}`);
  if (c === 'auto' || c === 'webgpu') await loadNodeWebGPU();
  let r;
  try {
    r = await createBackend(c);
  } catch (e) {
    // An unavailable backend is the user's environment, not a bug: one clear line, exit 1.
    throw new InputError(`backend ${c} is not available here: ${(e as Error).message}`);
  }
  if (explain && !out.json && c === 'auto') out.note(`backend: ${r.report.reason}`);
  return r;
}

export async function openModel(file: string, backendChoice: unknown, out: Output) {
  const contents = readModelFileFromDisk(file);
  const { backend, report } = await openBackend(backendChoice ?? 'auto', out, false);
  return { contents, backend, report, ...loadModel(contents, backend) };
}

export const BACKEND_FLAG = { type: 'string', choices: BACKEND_CHOICES, help: 'compute backend (default auto: the fastest measured here)' } as const;
