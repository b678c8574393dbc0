import { TrainSession } from './session';

/** The web host's training thread: a nested Web Worker running one TrainSession. */
interface WorkerScope {
  postMessage(m: unknown): void;
  onmessage: ((e: { data: unknown }) => void) | null;
}
const scope = globalThis as unknown as WorkerScope;
const session = new TrainSession((m) => scope.postMessage(m));
scope.onmessage = (e) => session.receive(e.data);
