/** Page for the WebGPU bridge test: starts the training worker and hands back its report. */
interface WorkerLike {
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror: ((e: { message?: string }) => void) | null;
  postMessage(m: unknown): void;
}
(globalThis as unknown as { rlabBridge: () => Promise<unknown> }).rlabBridge = () =>
  new Promise((resolve, reject) => {
    const W = (globalThis as unknown as { Worker: new (url: string) => WorkerLike }).Worker;
    const w = new W('bridgeTrainer.js');
    w.onmessage = (e) => resolve(e.data);
    w.onerror = (e) => reject(new Error(`trainer worker error: ${e.message ?? 'unknown'}`));
    w.postMessage('go');
  });
