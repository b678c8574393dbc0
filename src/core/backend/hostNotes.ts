import type { BackendName } from './backend';

/**
 * What the host learned while setting a backend up that the engine cannot see
 * for itself — e.g. why Node's N-API WebGPU binding did not load — so the
 * backend report can give the real reason instead of a generic one.
 */
const notes: Partial<Record<BackendName, string>> = {};

export function setHostNote(name: BackendName, note: string | null): void {
  if (note) notes[name] = note;
  else delete notes[name];
}

export function hostNote(name: BackendName): string | undefined {
  return notes[name];
}
