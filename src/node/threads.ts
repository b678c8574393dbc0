import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { registerThreadSpawner, type ThreadSpawner } from '../core/backend/threads';

/** Node's way to give the cpu backend a second core: a worker_threads Worker that never keeps the process alive. */
export const nodeThreadSpawner: ThreadSpawner = {
  cores: availableParallelism(),
  spawn(body: string) {
    const worker = new Worker(`${body}\nrequire('node:worker_threads').parentPort.once('message', main);`, { eval: true });
    worker.unref();
    return {
      postMessage: (m) => worker.postMessage(m),
      terminate: () => void worker.terminate(),
    };
  },
};

export function useNodeThreads(): void {
  if (process.env.RLAB_THREADS === '1') return;
  registerThreadSpawner(nodeThreadSpawner);
}
