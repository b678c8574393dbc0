import { parentPort } from 'node:worker_threads';
import { TrainSession } from '../worker/session';
import { useNodeThreads } from './threads';
import { loadNodeWebGPU } from './webgpu';

/** The desktop host's training thread: a worker_threads Worker running one TrainSession. */
if (!parentPort) throw new Error('trainWorker must run as a worker thread');
const port = parentPort;
useNodeThreads();
// Before any backend is chosen: WebGPU where the N-API binding loads, else a recorded reason.
const webgpu = loadNodeWebGPU();
const session = new TrainSession(
  (m) => port.postMessage(m),
  () => process.exit(70),
);
port.on('message', (m) => void webgpu.then(() => session.receive(m)));
