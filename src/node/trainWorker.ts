import { parentPort, Worker, workerData } from 'node:worker_threads';
import { registerGpuThreadSpawner, type GpuThreadPort } from '../core/backend/gpuBridge';
import { startGpuThread } from '../worker/gpuThread';
import { TrainSession } from '../worker/session';
import { useNodeThreads } from './threads';
import { loadNodeWebGPU } from './webgpu';

/**
 * The desktop host's training thread: a worker_threads Worker running one
 * TrainSession. Started with workerData { role: 'gpu' } the same script is
 * instead the GPU thread of a webgpu run (see core/backend/gpuBridge.ts).
 */
if (!parentPort) throw new Error('trainWorker must run as a worker thread');
const port = parentPort;
const webgpu = loadNodeWebGPU();

/** A worker_threads port in the shape of a Web Worker (onmessage / postMessage). */
function webLike(target: { on(ev: 'message', f: (m: unknown) => void): void; postMessage(m: unknown): void }, terminate: () => void): GpuThreadPort {
  let handler: ((e: { data: unknown }) => void) | null = null;
  target.on('message', (data) => handler?.({ data }));
  return {
    postMessage: (m) => target.postMessage(m),
    get onmessage() {
      return handler;
    },
    set onmessage(f) {
      handler = f;
    },
    terminate,
  };
}

if ((workerData as { role?: string } | undefined)?.role === 'gpu') {
  void webgpu.then(() => startGpuThread(webLike(port, () => process.exit(0))));
} else {
  useNodeThreads();
  // WebGPU where the N-API binding loads (then webgpu runs on a GPU thread), else a recorded reason.
  const ready = webgpu.then((ok) => {
    if (ok)
      registerGpuThreadSpawner(() => {
        const w = new Worker(__filename, { workerData: { role: 'gpu' } });
        return webLike(w, () => void w.terminate());
      });
  });
  const session = new TrainSession(
    (m) => port.postMessage(m),
    () => process.exit(70),
  );
  port.on('message', (m) => void ready.then(() => session.receive(m)));
}
