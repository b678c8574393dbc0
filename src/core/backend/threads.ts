/**
 * How the cpu backend gets a second core. Starting a thread is host-specific
 * (worker_threads in Node, a Worker from a blob URL in a browser), so each
 * host registers a spawner at start-up; without one the backend runs on one
 * thread. The spawner wraps `body` (which defines `function main(init)`) with
 * the glue that calls main with the first message the thread receives.
 */
export interface ThreadHandle {
  postMessage(message: unknown): void;
  terminate(): void;
}

export interface ThreadSpawner {
  spawn(body: string): ThreadHandle;
  /** Cores this host may use for compute. */
  cores: number;
}

let registered: ThreadSpawner | null = null;

export function registerThreadSpawner(s: ThreadSpawner | null): void {
  registered = s;
}

export function threadSpawner(): ThreadSpawner | null {
  return registered;
}

/** True when this thread may block in Atomics.wait (workers and Node; not a browser's main thread). */
export function canBlock(): boolean {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics === 'undefined') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}
