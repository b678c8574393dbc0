import { createGpujsAsyncProducts, type AsyncProducts } from '../core/backend/gpujsAsync';

/**
 * The GPU thread behind gpuBridge.ts: waits (without blocking its event loop)
 * for a product request in shared memory, runs it with gpu.js's asynchronous
 * WebGPU kernels, and signals the blocked training thread.
 */
export interface GpuThreadScope {
  onmessage: ((e: { data: unknown }) => void) | null;
  postMessage(m: unknown): void;
}
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> | string } }).waitAsync;

let ctrl: Int32Array;
let msg: Uint8Array;
let data: Float32Array;

/** True for the message that makes a worker the GPU thread (gpuBridge's `init`). */
export function isGpuThreadInit(m: unknown): boolean {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'init' && (m as { ctrl?: unknown }).ctrl instanceof SharedArrayBuffer;
}

/** Makes this worker the GPU thread: it answers gpuBridge's messages from now on. */
export function startGpuThread(scope: GpuThreadScope): void {
  scope.onmessage = (e) => onMessage(scope, e.data);
}

function onMessage(scope: GpuThreadScope, raw: unknown): void {
  const m = raw as { type: string; ctrl: SharedArrayBuffer; msg: SharedArrayBuffer; data: SharedArrayBuffer; gen: number };
  if (m.type === 'data') {
    data = new Float32Array(m.data);
    Atomics.store(ctrl, 8, m.gen);
    Atomics.notify(ctrl, 8);
    return;
  }
  if (m.type !== 'init') return;
  ctrl = new Int32Array(m.ctrl);
  msg = new Uint8Array(m.msg);
  data = new Float32Array(m.data);
  createGpujsAsyncProducts('webgpu').then(
    (products) => {
      scope.postMessage({ ok: true });
      void serve(products);
    },
    (err: unknown) => scope.postMessage({ ok: false, reason: err instanceof Error ? err.message : String(err) }),
  );
}

async function serve(products: AsyncProducts): Promise<void> {
  let seen = 0;
  for (;;) {
    const w = waitAsync(ctrl, 0, seen);
    if (w.async) await w.value;
    seen = Atomics.load(ctrl, 0);
    const op = ctrl[2];
    if (op === -1) return;
    const [m, n, k] = [ctrl[3], ctrl[4], ctrl[5]];
    const na = m * k;
    const nb = k * n;
    const nc = m * n;
    // Private copies: WebGPU uploads need buffers that are not shared.
    const a = data.slice(0, na);
    const b = data.slice(na, na + nb);
    const c = data.slice(na + nb, na + nb + nc);
    try {
      await products[op === 0 ? 'matmulNT' : op === 1 ? 'matmulNN' : 'matmulTN'](a, b, c, m, n, k, ctrl[6] === 1);
      data.set(c, na + nb);
      ctrl[7] = 0;
    } catch (err) {
      const text = new TextEncoder().encode((err instanceof Error ? err.message : String(err)).slice(0, 500));
      msg.set(text.subarray(0, msg.length));
      ctrl[7] = Math.min(text.length, msg.length) || 1;
    }
    Atomics.store(ctrl, 1, seen);
    Atomics.notify(ctrl, 1);
  }
}
