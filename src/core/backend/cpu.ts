import type { Arr, Backend } from './backend';
import { PAGE, wasmApi, type WasmMemory } from './wasm/emit';
import { HelperThread } from './wasm/helperThread';
import { buildMatmulModule, DOT_ROWS, GEMM_ROWS, relaxedProbeModule, type MatmulExports } from './wasm/matmulKernels';
import { canBlock, threadSpawner } from './threads';

/**
 * The `cpu` backend: hand-written WebAssembly SIMD kernels (see
 * wasm/matmulKernels.ts). With a shared heap and a registered thread spawner
 * (threads.ts), large products are split by columns between this thread and
 * a helper thread running the same kernels on the same memory.
 *
 * Memory. When SharedArrayBuffer exists the module's memory is shared with a
 * large maximum: growing a shared memory never detaches earlier views, so
 * `alloc` hands out Float32Array views straight into the heap and the kernels
 * run on them in place. Without SharedArrayBuffer (a browser page that is not
 * cross-origin isolated), growth would detach every view, so `alloc` returns
 * plain Float32Arrays instead and each product copies its operands into a
 * scratch region (correct, a little slower).
 *
 * Any Float32Array is accepted: heap views (including `subarray`s at any
 * element offset) are used in place, others are copied into scratch and C
 * is copied back. Views into a shared heap are backed by a SharedArrayBuffer;
 * posting one to a worker shares rather than copies it.
 */

// Cache blocking (elements). Chosen by measurement on scripts/bench-matmul.ts;
// the B block of gemm (KC × NC) and of dot (NC rows × K) should sit in L2.
const GEMM_KC = 128;
const GEMM_NC = 256;
const DOT_BLOCK_BYTES = 128 * 1024;
const DOT_KC = 2048;

const ALIGN = 64;
const alignUp = (x: number): number => Math.ceil(x / ALIGN) * ALIGN;

export interface CpuBackendOptions {
  /** Initial heap size in MiB (it grows on demand). Default 16. */
  initialMB?: number;
  /** Force the non-shared fallback (tests). */
  noShared?: boolean;
  /** Use relaxed SIMD when the engine supports it. Default true. */
  relaxed?: boolean;
  /** Threads for large products: 1 or 2 (default: 2 when the host registered a spawner and has 2+ cores). */
  threads?: number;
}

export interface CpuBackend extends Backend {
  alloc(n: number): Float32Array;
  /** Threads that share large products (1 or 2). */
  readonly threads: number;
  /** True when alloc returns views into a shared WebAssembly heap. */
  readonly sharedHeap: boolean;
  /** True when the kernels use f32x4.relaxed_madd. */
  readonly relaxedSimd: boolean;
}

export async function createCpuBackend(opts: CpuBackendOptions = {}): Promise<CpuBackend> {
  const wa = wasmApi();
  if (!wa) throw new Error('cpu backend: WebAssembly is not available');
  const initialPages = Math.max(1, Math.ceil(((opts.initialMB ?? 16) * 1024 * 1024) / PAGE));

  let memory: WasmMemory | undefined;
  let maximumPages = 0;
  if (!opts.noShared && typeof SharedArrayBuffer === 'function') {
    // 4 GiB is only reserved address space; smaller maxima for hosts that refuse it.
    for (const max of [65536, 32768, 16384, 4096]) {
      if (max < initialPages) break;
      try {
        memory = new wa.Memory({ initial: initialPages, maximum: max, shared: true });
        maximumPages = max;
        break;
      } catch {
        // try a smaller reservation, then give up on sharing
      }
    }
  }
  const shared = memory !== undefined;
  if (!memory) memory = new wa.Memory({ initial: initialPages });

  let relaxed = false;
  if (opts.relaxed !== false) {
    try {
      relaxed = wa.validate(relaxedProbeModule());
    } catch {
      relaxed = false;
    }
  }
  const bytes = buildMatmulModule({
    memory: { module: 'env', name: 'memory', initialPages, maximumPages: shared ? maximumPages : undefined, shared },
    relaxed,
  });
  const module = await wa.compile(bytes);
  const instance = await wa.instantiate(module, { env: { memory } });
  const spawner = threadSpawner();
  const wanted = opts.threads ?? (spawner && spawner.cores >= 2 ? 2 : 1);
  let helper: HelperThread | null = null;
  if (wanted >= 2 && shared && spawner && canBlock()) {
    try {
      helper = new HelperThread(spawner, module, memory, KERNEL_NAMES);
      // only a running helper is kept: no product ever waits on one that never started
      if (!(await helper.started())) {
        helper.dispose();
        helper = null;
      }
    } catch {
      helper = null; // one thread it is
    }
  }
  return new CpuBackendImpl(memory, shared, relaxed, instance.exports as unknown as MatmulExports, helper);
}

const KERNEL_NAMES = ['gemm1', 'gemm2', 'gemm3', 'gemm4', 'dot1', 'dot2', 'packB8', 'packA1', 'packA2', 'packA3', 'packA4'] as const;
const FN = { gemm: [0, 0, 1, 2, 3], dot: [4, 4, 5], packB8: 6, packA: [7, 7, 8, 9, 10] } as const;
/** Below this many multiply-adds a product stays on one thread: waking the helper costs more than it saves. */
const SPLIT_MIN_MACS = 1 << 19;

/** Runs (or records, for the helper) one kernel call: function index and its integer arguments. */
type Call = (fn: number, args: number[]) => void;

class CpuBackendImpl implements CpuBackend {
  readonly name = 'cpu' as const;
  readonly dtype = 'f32' as const;
  private heap: Float32Array;
  /** Every buffer object the memory has had: views made before a (shared) grow keep the old object. */
  private readonly buffers = new WeakSet<object>();
  /** End of allocated heap (bytes). Scratch space for one product starts above it. */
  private top = ALIGN;
  private scratch = 0;
  private disposed = false;
  private readonly fns: Array<(...args: number[]) => void>;
  private readonly direct: Call;

  constructor(
    private readonly memory: WasmMemory,
    readonly sharedHeap: boolean,
    readonly relaxedSimd: boolean,
    kernels: MatmulExports,
    private helper: HelperThread | null,
  ) {
    this.heap = new Float32Array(memory.buffer);
    this.buffers.add(memory.buffer);
    const table = kernels as unknown as Record<string, (...args: number[]) => void>;
    this.fns = KERNEL_NAMES.map((n) => table[n]);
    this.direct = (fn, args) => this.fns[fn](...args);
  }

  get threads(): number {
    return this.helper && !this.helper.dead ? 2 : 1;
  }

  /**
   * Splits the columns [0, n) of a product between the helper (the right part)
   * and this thread (the left part), or runs it whole here when it is small.
   * `half(j0, nc, call)` issues the kernel calls for columns [j0, j0+nc).
   */
  private split(m: number, n: number, k: number, align: number, half: (j0: number, nc: number, call: Call) => void): void {
    const helper = this.helper;
    if (!helper || helper.dead || m * n * k < SPLIT_MIN_MACS || n < 2 * align) return half(0, n, this.direct);
    const left = Math.max(align, Math.round(n / 2 / align) * align);
    const calls: Array<[number, number[]]> = [];
    half(left, n - left, (fn, args) => calls.push([fn, args]));
    helper.begin();
    if (!calls.every(([fn, args]) => helper.push(fn, args))) {
      for (const [fn, args] of calls) this.direct(fn, args);
      return half(0, left, this.direct);
    }
    helper.dispatch();
    half(0, left, this.direct);
    helper.wait();
  }

  private ensure(endByte: number): void {
    const have = this.memory.buffer.byteLength;
    if (endByte <= have) return;
    this.memory.grow(Math.ceil((endByte - have) / PAGE));
    this.heap = new Float32Array(this.memory.buffer);
    this.buffers.add(this.memory.buffer);
  }

  alloc(n: number): Float32Array {
    this.check();
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`cpu.alloc: bad length ${n}`);
    if (!this.sharedHeap) return new Float32Array(n);
    const addr = this.top;
    this.top = alignUp(addr + n * 4);
    this.ensure(this.top);
    const view = new Float32Array(this.memory.buffer, addr, n);
    view.fill(0); // the region may have served as scratch
    return view;
  }

  private check(): void {
    if (this.disposed) throw new Error('cpu backend: used after dispose');
  }

  private inHeap(x: Float32Array): boolean {
    return this.buffers.has(x.buffer);
  }

  /** Byte address of the first `len` elements of x inside the heap, copying into scratch when needed. */
  private place(x: Arr, len: number, what: string, copyIn: boolean): number {
    if (!(x instanceof Float32Array)) {
      throw new TypeError(`cpu backend is f32-only: ${what} is a ${x?.constructor?.name ?? typeof x}, expected Float32Array`);
    }
    if (x.length < len) throw new RangeError(`cpu backend: ${what} has ${x.length} elements, needs ${len}`);
    if (this.inHeap(x)) return x.byteOffset;
    const addr = this.scratchAlloc(len * 4);
    if (copyIn) this.heap.set(len === x.length ? x : x.subarray(0, len), addr >> 2);
    return addr;
  }

  /** Shared prologue: validates, places operands, returns addresses; `finish` copies C back if it was placed in scratch. */
  private run(
    a: Arr,
    b: Arr,
    c: Arr,
    m: number,
    n: number,
    k: number,
    accumulate: boolean,
    body: (pa: number, pb: number, pc: number) => void,
  ): void {
    this.check();
    for (const [v, nm] of [
      [m, 'm'],
      [n, 'n'],
      [k, 'k'],
    ] as const) {
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`cpu backend: bad ${nm} = ${v}`);
    }
    this.scratch = this.top;
    const pa = this.place(a, m * k, 'A', true);
    const pb = this.place(b, k * n, 'B', true);
    const pc = this.place(c, m * n, 'C', accumulate);
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!accumulate) this.heap.fill(0, pc >> 2, (pc >> 2) + m * n);
    } else {
      body(pa, pb, pc);
    }
    if (!this.inHeap(c as Float32Array)) (c as Float32Array).set(this.heap.subarray(pc >> 2, (pc >> 2) + m * n));
  }

  /** Reserves `bytes` of scratch for the current product. */
  private scratchAlloc(bytes: number): number {
    const addr = this.scratch;
    this.scratch = alignUp(addr + bytes);
    this.ensure(this.scratch);
    return addr;
  }

  /**
   * C[M,N] (+)= Σ_p A(i,p)·B[p,:], A(i,p) at pa + i·sai + p·sap; blocked over
   * k and n. Full 8-column panels of each B block are packed contiguous when
   * several row tiles reuse them; A is packed when its k-stride is large (TN).
   */
  private gemmBlocked(pa: number, sai: number, sap: number, pb: number, ldb: number, pc: number, ldc: number, m: number, n: number, k: number, accumulate: boolean, call: Call): void {
    const packB = m > GEMM_ROWS && n >= 8;
    const packA = sap !== 4 && n > 8;
    const bufB = packB ? this.scratchAlloc(GEMM_KC * GEMM_NC * 4) : 0;
    const bufA = packA ? this.scratchAlloc(GEMM_KC * 16) : 0;
    for (let p0 = 0; p0 < k; p0 += GEMM_KC) {
      const kc = Math.min(GEMM_KC, k - p0);
      const acc = p0 > 0 || accumulate ? 1 : 0;
      for (let j0 = 0; j0 < n; j0 += GEMM_NC) {
        const nc = Math.min(GEMM_NC, n - j0);
        const bAddr = pb + p0 * ldb + j0 * 4;
        const panels = packB ? nc >> 3 : 0;
        const rest = nc - panels * 8;
        if (panels) call(FN.packB8, [bAddr, ldb, bufB, kc, panels]);
        for (let i = 0; i < m; i += GEMM_ROWS) {
          const rows = Math.min(GEMM_ROWS, m - i);
          const gemm = FN.gemm[rows];
          let aAddr = pa + i * sai + p0 * sap;
          let asai = sai;
          let asap = sap;
          if (packA) {
            call(FN.packA[rows], [aAddr, sai, sap, bufA, kc]);
            aAddr = bufA;
            asai = 4;
            asap = 16;
          }
          const cAddr = pc + i * ldc + j0 * 4;
          if (panels) call(gemm, [aAddr, asai, asap, bufB, 32, kc * 32, cAddr, ldc, panels * 8, kc, acc]);
          if (rest) call(gemm, [aAddr, asai, asap, bAddr + panels * 32, ldb, 32, cAddr + panels * 32, ldc, rest, kc, acc]);
        }
      }
    }
  }

  matmulNT(a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): void {
    this.run(a, b, c, m, n, k, accumulate, (pa, pb, pc) => {
      const ld = k * 4;
      const ldc = n * 4;
      // Block over rows of B so the B block is reused from L2 across all rows of A.
      const nb = Math.max(4, Math.floor(DOT_BLOCK_BYTES / (Math.min(k, DOT_KC) * 4)) & ~3);
      this.split(m, n, k, 4, (c0, cn, call) => {
        for (let p0 = 0; p0 < k; p0 += DOT_KC) {
          const kc = Math.min(DOT_KC, k - p0);
          const acc = p0 > 0 || accumulate ? 1 : 0;
          for (let j0 = c0; j0 < c0 + cn; j0 += nb) {
            const nc = Math.min(nb, c0 + cn - j0);
            for (let i = 0; i < m; i += DOT_ROWS) {
              const rows = Math.min(DOT_ROWS, m - i);
              call(FN.dot[rows], [pa + i * ld + p0 * 4, ld, pb + j0 * ld + p0 * 4, ld, pc + i * ldc + j0 * 4, ldc, nc, kc, acc]);
            }
          }
        }
      });
    });
  }

  matmulNN(a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): void {
    this.run(a, b, c, m, n, k, accumulate, (pa, pb, pc) =>
      this.split(m, n, k, 8, (j0, nc, call) => this.gemmBlocked(pa, k * 4, 4, pb + j0 * 4, n * 4, pc + j0 * 4, n * 4, m, nc, k, accumulate, call)),
    );
  }

  matmulTN(a: Arr, b: Arr, c: Arr, m: number, n: number, k: number, accumulate: boolean): void {
    this.run(a, b, c, m, n, k, accumulate, (pa, pb, pc) =>
      this.split(m, n, k, 8, (j0, nc, call) => this.gemmBlocked(pa, 4, m * 4, pb + j0 * 4, n * 4, pc + j0 * 4, n * 4, m, nc, k, accumulate, call)),
    );
  }

  dispose(): void {
    this.disposed = true;
    this.helper?.dispose();
    this.helper = null;
  }
}
