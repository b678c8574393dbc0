/** Worker entry (worker.js): runs the suite where there is no document; webgl2 draws on an OffscreenCanvas. */
import { runSuite, type SuiteOptions } from './suite';

const scope = globalThis as unknown as {
  onmessage: ((e: { data: unknown }) => void) | null;
  postMessage(m: unknown): void;
  document?: unknown;
  OffscreenCanvas?: unknown;
};

scope.onmessage = (e) => {
  const opts = e.data as SuiteOptions;
  const facts = { document: typeof scope.document, OffscreenCanvas: typeof scope.OffscreenCanvas };
  runSuite('worker', opts).then(
    (result) => scope.postMessage({ result: { ...result, info: `${result.info} (worker: document ${facts.document}, OffscreenCanvas ${facts.OffscreenCanvas})` } }),
    (err: unknown) => scope.postMessage({ error: err instanceof Error ? err.stack ?? err.message : String(err) }),
  );
};
