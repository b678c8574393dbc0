/** Page entry (page.js): exposes the suite, and a way to run it in a dedicated Worker (worker.js). */
import { runSuite, type SuiteOptions, type SuiteResult } from './suite';

interface WorkerLike {
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror: ((e: { message?: string }) => void) | null;
  postMessage(m: unknown): void;
  terminate(): void;
}

function inWorker(opts: SuiteOptions): Promise<SuiteResult> {
  const W = (globalThis as unknown as { Worker: new (url: string) => WorkerLike }).Worker;
  return new Promise((resolve, reject) => {
    const w = new W('worker.js');
    w.onmessage = (e) => {
      w.terminate();
      const d = e.data as { result?: SuiteResult; error?: string };
      if (d.result) resolve(d.result);
      else reject(new Error(`worker failed: ${d.error}`));
    };
    w.onerror = (e) => {
      w.terminate();
      reject(new Error(`worker error: ${e.message ?? 'unknown'}`));
    };
    w.postMessage(opts);
  });
}

(globalThis as unknown as { rlab: unknown }).rlab = {
  inPage: (opts: SuiteOptions) => runSuite('page', opts),
  inWorker,
};
