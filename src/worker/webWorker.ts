import { registerThreadSpawner } from '../core/backend/threads';
import { registerGpuThreadSpawner, type GpuThreadPort } from '../core/backend/gpuBridge';
import { setHostNote } from '../core/backend/hostNotes';
import { isGpuThreadInit, startGpuThread } from './gpuThread';
import { TrainSession } from './session';

/** The web host's training thread: a nested Web Worker running one TrainSession. */
interface WorkerScope {
  postMessage(m: unknown): void;
  onmessage: ((e: { data: unknown }) => void) | null;
}
const scope = globalThis as unknown as WorkerScope;

// A second core for the cpu backend where the page is cross-origin isolated (SharedArrayBuffer exists).
interface BrowserWorker {
  postMessage(m: unknown): void;
  terminate(): void;
}
const g = globalThis as unknown as {
  Worker?: new (url: string) => BrowserWorker;
  Blob?: new (parts: string[], o: { type: string }) => unknown;
  URL?: { createObjectURL(b: unknown): string };
  navigator?: { hardwareConcurrency?: number };
};
if (typeof SharedArrayBuffer !== 'function') setHostNote('webgpu', 'this worker is not cross-origin isolated, so there is no SharedArrayBuffer for the GPU thread');
if (typeof SharedArrayBuffer === 'function' && g.Worker && g.Blob && g.URL) {
  const { Worker, Blob, URL } = g as Required<typeof g>;
  // webgpu's kernels are asynchronous: a second copy of this worker runs them while training blocks.
  const self = (globalThis as unknown as { location?: { href: string } }).location?.href;
  if (self) registerGpuThreadSpawner(() => new Worker(self) as unknown as GpuThreadPort);
  registerThreadSpawner({
    cores: g.navigator?.hardwareConcurrency ?? 1,
    spawn(body: string) {
      const glue = 'self.onmessage = (e) => { self.onmessage = null; main(e.data); };';
      return new Worker(URL.createObjectURL(new Blob([`${body}\n${glue}`], { type: 'text/javascript' })));
    },
  });
}
const session = new TrainSession(
  (m) => scope.postMessage(m),
  () => {
    // An uncaught error is how a Web Worker dies visibly: the host gets an error event and ends it.
    setTimeout(() => {
      throw new Error('training worker died (fault injection)');
    }, 0);
  },
);
scope.onmessage = (e) => {
  // The same script serves as the GPU thread of a webgpu run (see gpuBridge.ts): its first message says which.
  if (isGpuThreadInit(e.data)) {
    startGpuThread(scope);
    scope.onmessage!(e);
  } else session.receive(e.data);
};
