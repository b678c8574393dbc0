import type { Arr, Backend } from './backend';

/**
 * A synchronous Backend over an asynchronous GPU: the products run on a GPU
 * thread (gpu.js WebGPU kernels return Promises), and the training thread
 * blocks on Atomics until each result is back. Operands travel through a
 * SharedArrayBuffer. This lets the one training loop use WebGPU unchanged.
 */
export interface GpuThreadPort {
  postMessage(m: unknown): void;
  onmessage: ((e: { data: unknown }) => void) | null;
  terminate(): void;
}

export type GpuThreadSpawner = () => GpuThreadPort;
let spawner: GpuThreadSpawner | null = null;

/** Hosts that can start a GPU thread register how (a Worker running the bundled gpuThread script). */
export function registerGpuThreadSpawner(s: GpuThreadSpawner | null): void {
  spawner = s;
}

export function gpuThreadSpawner(): GpuThreadSpawner | null {
  return spawner;
}

// Control words: [0] request sequence, [1] done sequence, [2] op (0 NT, 1 NN, 2 TN, -1 exit),
// [3..5] m, n, k, [6] accumulate, [7] status (0 ok, else the error text's length in msg), [8] data generation.
const OPS = { NT: 0, NN: 1, TN: 2 } as const;
const TIMEOUT_MS = 60_000;

export async function createBridgedBackend(port: GpuThreadPort, initialFloats = 1 << 20): Promise<Backend> {
  const ctrl = new Int32Array(new SharedArrayBuffer(16 * 4));
  const msg = new Uint8Array(new SharedArrayBuffer(2048));
  let data = new Float32Array(new SharedArrayBuffer(initialFloats * 4));
  const ready = await new Promise<{ ok: boolean; reason?: string }>((resolve) => {
    const t = setTimeout(() => resolve({ ok: false, reason: 'webgpu: the GPU thread did not start within 30 s' }), 30_000);
    port.onmessage = (e) => {
      clearTimeout(t);
      resolve(e.data as { ok: boolean; reason?: string });
    };
    port.postMessage({ type: 'init', ctrl: ctrl.buffer, msg: msg.buffer, data: data.buffer });
  });
  port.onmessage = null;
  if (!ready.ok) {
    port.terminate();
    throw new Error(ready.reason ?? 'webgpu: the GPU thread failed');
  }
  let seq = 0;
  let disposed = false;

  const waitFor = (index: number, want: number, what: string) => {
    const deadline = Date.now() + TIMEOUT_MS;
    let v: number;
    while ((v = Atomics.load(ctrl, index)) !== want) {
      Atomics.wait(ctrl, index, v, 1000);
      if (Date.now() > deadline) throw new Error(`webgpu: the GPU thread did not answer (${what}) within ${TIMEOUT_MS / 1000} s`);
    }
  };

  const product = (op: number, a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean) => {
    if (disposed) throw new Error('webgpu: backend used after dispose()');
    const na = m * k;
    const nb = k * n;
    const nc = m * n;
    if (na + nb + nc > data.length) {
      // A bigger exchange buffer: hand it over and wait until the GPU thread holds it.
      data = new Float32Array(new SharedArrayBuffer(Math.max(na + nb + nc, data.length * 2) * 4));
      const gen = Atomics.load(ctrl, 8) + 1;
      port.postMessage({ type: 'data', data: data.buffer, gen });
      waitFor(8, gen, 'buffer');
    }
    data.set(a.subarray(0, na), 0);
    data.set(b.subarray(0, nb), na);
    if (accumulate) data.set(c.subarray(0, nc), na + nb);
    ctrl[2] = op;
    ctrl[3] = m;
    ctrl[4] = n;
    ctrl[5] = k;
    ctrl[6] = accumulate ? 1 : 0;
    ctrl[7] = 0;
    Atomics.store(ctrl, 0, ++seq);
    Atomics.notify(ctrl, 0);
    waitFor(1, seq, 'product');
    if (ctrl[7] !== 0) throw new Error(new TextDecoder().decode(msg.slice(0, ctrl[7])));
    c.set(data.subarray(na + nb, na + nb + nc));
  };

  return {
    name: 'webgpu',
    dtype: 'f32',
    alloc: (n: number) => new Float32Array(n),
    matmulNT: (a, b, c, m, n, k, acc) => product(OPS.NT, a, b, c, m, n, k, acc),
    matmulNN: (a, b, c, m, n, k, acc) => product(OPS.NN, a, b, c, m, n, k, acc),
    matmulTN: (a, b, c, m, n, k, acc) => product(OPS.TN, a, b, c, m, n, k, acc),
    dispose() {
      if (disposed) return;
      disposed = true;
      ctrl[2] = -1;
      Atomics.store(ctrl, 0, ++seq);
      Atomics.notify(ctrl, 0);
      port.terminate();
    },
  };
}
