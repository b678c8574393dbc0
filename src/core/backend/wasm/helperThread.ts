import type { ThreadHandle, ThreadSpawner } from '../threads';
import type { WasmMemory } from './emit';

/**
 * A second thread that runs lists of kernel calls on the same shared
 * WebAssembly memory. The main thread writes the calls (function index,
 * argument count, integer arguments) into a shared queue, bumps a sequence
 * number and goes on with its own half of the product; the helper runs its
 * list and publishes the same sequence number when done. No data is copied:
 * both instances address one heap.
 */

// Control words: [0] request sequence, [1] call count (-1: exit), [2] done sequence, [3] 1 once running.
const BODY = `
function main(init) {
  const inst = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
  const fns = init.names.map((n) => inst.exports[n]);
  const c = new Int32Array(init.ctrl);
  const q = new Int32Array(init.queue);
  Atomics.store(c, 3, 1);
  let seen = 0;
  for (;;) {
    let s;
    while ((s = Atomics.load(c, 0)) === seen) Atomics.wait(c, 0, seen);
    seen = s;
    const count = c[1];
    if (count < 0) return;
    let p = 0;
    for (let i = 0; i < count; i++) {
      const f = fns[q[p]];
      const n = q[p + 1];
      const a = p + 2;
      if (n === 5) f(q[a], q[a + 1], q[a + 2], q[a + 3], q[a + 4]);
      else if (n === 9) f(q[a], q[a + 1], q[a + 2], q[a + 3], q[a + 4], q[a + 5], q[a + 6], q[a + 7], q[a + 8]);
      else f(q[a], q[a + 1], q[a + 2], q[a + 3], q[a + 4], q[a + 5], q[a + 6], q[a + 7], q[a + 8], q[a + 9], q[a + 10]);
      p += 2 + n;
    }
    Atomics.store(c, 2, seen);
    Atomics.notify(c, 2);
  }
}`;

const QUEUE_INTS = 1 << 20;

export class HelperThread {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(16));
  private readonly queue = new Int32Array(new SharedArrayBuffer(QUEUE_INTS * 4));
  private readonly thread: ThreadHandle;
  private seq = 0;
  private used = 0;
  private count = 0;
  dead = false;

  constructor(spawner: ThreadSpawner, module: unknown, memory: WasmMemory, names: readonly string[]) {
    this.thread = spawner.spawn(BODY);
    this.thread.postMessage({ module, memory, ctrl: this.ctrl.buffer, queue: this.queue.buffer, names });
  }

  /**
   * Resolves true once the thread runs, false after `ms`. It yields meanwhile, and must: a
   * browser may start a worker's nested worker only while the parent's event loop turns, so a
   * parent that blocked at once would wait for a helper that never starts.
   */
  async started(ms = 3000): Promise<boolean> {
    const end = Date.now() + ms;
    while (Atomics.load(this.ctrl, 3) !== 1) {
      if (Date.now() > end) return false;
      await new Promise((r) => setTimeout(r, 2));
    }
    return true;
  }

  /** Starts a new list of calls. */
  begin(): void {
    this.used = 0;
    this.count = 0;
  }

  /** Appends one call; false when the queue is full (the caller then runs that half itself). */
  push(fn: number, args: readonly number[]): boolean {
    if (this.used + 2 + args.length > QUEUE_INTS) return false;
    const q = this.queue;
    q[this.used++] = fn;
    q[this.used++] = args.length;
    for (const a of args) q[this.used++] = a;
    this.count++;
    return true;
  }

  /** Hands the list to the thread. */
  dispatch(): void {
    this.ctrl[1] = this.count;
    this.seq++;
    Atomics.store(this.ctrl, 0, this.seq);
    Atomics.notify(this.ctrl, 0);
  }

  /** Blocks until the dispatched list is done. */
  wait(): void {
    const deadline = Date.now() + 30_000;
    let v: number;
    while ((v = Atomics.load(this.ctrl, 2)) !== this.seq) {
      Atomics.wait(this.ctrl, 2, v, 1000);
      if (Date.now() > deadline) {
        this.dead = true;
        throw new Error('cpu backend: the helper thread stopped responding');
      }
    }
  }

  dispose(): void {
    this.ctrl[1] = -1;
    Atomics.store(this.ctrl, 0, ++this.seq);
    Atomics.notify(this.ctrl, 0);
    this.thread.terminate();
  }
}
