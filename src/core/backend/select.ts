import type { Backend, BackendChoice, BackendName } from './backend';
import { BACKEND_CHOICES } from './backend';
import { createGpujsBackend } from './gpujs';
import { oneLine } from './gpujsKernels';
import { ReferenceBackend } from './reference';
import { createBridgedBackend, gpuThreadSpawner } from './gpuBridge';
import { canBlock } from './threads';

/**
 * Backend selection. An explicit choice is created or fails with its reason;
 * 'auto' creates every backend that can run here, times one product on each
 * and keeps the fastest, reporting why each of the others lost or was skipped.
 */

export type CandidateStatus = 'chosen' | 'slower' | 'unavailable' | 'not-tried';

export interface BackendReport {
  choice: BackendChoice;
  chosen: BackendName;
  /** One human sentence: the winner's rate, then each other candidate's fate. */
  reason: string;
  candidates: Array<{ name: BackendName; status: CandidateStatus; detail: string; gflops?: number }>;
}

export interface CreateBackendOptions {
  dtype?: 'f32' | 'f64';
  log?: (line: string) => void;
  /** Time the candidates (default: true for 'auto', false for an explicit choice). With false, 'auto' takes the first that works. */
  probe?: boolean;
}

/** Preference order for 'auto' (also the tie-break order, and the order without probing). */
export const AUTO_ORDER: readonly BackendName[] = ['webgpu', 'webgl2', 'headlessgl', 'cpu', 'webasm', 'reference'];

// The probe: one NT product of the shape an LSTM step's input projection has.
const PROBE = { m: 64, n: 1024, k: 256 };
const PROBE_BUDGET_MS = 300;

type Candidate = BackendReport['candidates'][number];

function now(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() : Date.now();
}

/** "webgpu: no adapter" → "no adapter", so the reason can say "webgpu unavailable: no adapter". */
function withoutName(name: string, msg: string): string {
  return msg.startsWith(`${name}: `) ? msg.slice(name.length + 2) : msg;
}

async function instantiate(name: BackendName, dtype: 'f32' | 'f64', log?: (line: string) => void): Promise<Backend> {
  if (dtype === 'f64' && name !== 'reference') {
    throw new Error(`${name}: computes in f32 only; f64 (gradient checks) needs the reference backend`);
  }
  switch (name) {
    case 'reference':
      return new ReferenceBackend(dtype);
    case 'cpu': {
      // loaded lazily: its WebAssembly module is only compiled when cpu is actually wanted
      let mod: typeof import('./cpu');
      try {
        mod = await import('./cpu');
      } catch (e) {
        throw new Error(`cpu: could not load the cpu backend (${oneLine(e)})`);
      }
      return mod.createCpuBackend();
    }
    case 'webgpu': {
      // gpu.js's WebGPU kernels are asynchronous: train through a GPU thread when the host can start one.
      const spawn = gpuThreadSpawner();
      if (spawn && typeof SharedArrayBuffer === 'function' && canBlock()) return createBridgedBackend(spawn());
      return createGpujsBackend(name, { log });
    }
    case 'webgl2':
    case 'headlessgl':
    case 'webasm':
      return createGpujsBackend(name, { log });
    default:
      throw new Error(`unknown backend "${String(name)}" (choose one of ${BACKEND_CHOICES.join(', ')})`);
  }
}

function fill(x: Float32Array | Float64Array, seed: number): void {
  // deterministic values in [-1, 1): a cheap LCG, no dependency on the project RNG
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2147483648 - 1;
  }
}

/**
 * A small NT product against the reference: a fast but wrong backend must
 * never win. Tolerance is relative to Σ|a||b| per element, since float32
 * summation error grows with the magnitude of the terms, not of the result.
 */
function parityError(backend: Backend): string | null {
  const m = 7, n = 13, k = 29;
  const a = backend.alloc(m * k), b = backend.alloc(n * k), c = backend.alloc(m * n);
  fill(a, 1);
  fill(b, 2);
  backend.matmulNT(a, b, c, m, n, k, false);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0, mag = 0;
      for (let p = 0; p < k; p++) {
        s += a[i * k + p] * b[j * k + p];
        mag += Math.abs(a[i * k + p] * b[j * k + p]);
      }
      if (!(Math.abs(c[i * n + j] - s) <= 1e-4 * mag + 1e-30)) {
        return `wrong results on the parity check (C[${i},${j}] = ${c[i * n + j]}, expected ${s})`;
      }
    }
  }
  return null;
}

/** GFLOP/s on the probe product: one warm-up (which also builds kernels), then the best of up to 3 runs within the budget. */
function probe(backend: Backend): number {
  const { m, n, k } = PROBE;
  const a = backend.alloc(m * k), b = backend.alloc(n * k), c = backend.alloc(m * n);
  fill(a, 3);
  fill(b, 4);
  const start = now();
  let t = now();
  backend.matmulNT(a, b, c, m, n, k, false);
  let best = now() - t;
  for (let r = 0; r < 3 && now() - start < PROBE_BUDGET_MS; r++) {
    t = now();
    backend.matmulNT(a, b, c, m, n, k, false);
    best = Math.min(best, now() - t);
  }
  return (2 * m * n * k) / (Math.max(best, 1e-3) * 1e6);
}

const fmt = (g: number) => `${g.toFixed(g < 10 ? 2 : 1)} GFLOP/s`;

function sentence(chosen: Candidate, all: Candidate[], prefix = ''): string {
  const head = chosen.gflops !== undefined ? `${chosen.name}: ${fmt(chosen.gflops)} on the probe` : `${chosen.name}: ${chosen.detail}`;
  const rest = all
    .filter((c) => c !== chosen)
    .map((c) => {
      switch (c.status) {
        case 'slower':
          return c.gflops !== undefined ? `${c.name} ${fmt(c.gflops)} (slower)` : `${c.name} (slower)`;
        case 'unavailable':
          return `${c.name} unavailable: ${c.detail}`;
        default:
          return `${c.name} not tried: ${c.detail}`;
      }
    });
  return prefix + [head, ...rest].join('; ');
}

export async function createBackend(
  choice: BackendChoice,
  opts: CreateBackendOptions = {},
): Promise<{ backend: Backend; report: BackendReport }> {
  const dtype = opts.dtype ?? 'f32';
  const log = opts.log;
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new Error(`unknown backend "${String(choice)}" (choose one of ${BACKEND_CHOICES.join(', ')})`);
  }

  if (choice !== 'auto') {
    const backend = await instantiate(choice, dtype, log); // throws its own one-line reason
    const me: Candidate = { name: choice, status: 'chosen', detail: 'explicit choice' };
    if (opts.probe) {
      try {
        me.gflops = probe(backend);
      } catch (e) {
        backend.dispose();
        throw new Error(`${choice}: failed on the probe (${oneLine(e)})`);
      }
    }
    const others: Candidate[] = AUTO_ORDER.filter((n) => n !== choice).map((name) => ({
      name,
      status: 'not-tried' as const,
      detail: `${choice} was chosen explicitly`,
    }));
    const report: BackendReport = {
      choice,
      chosen: choice,
      reason: me.gflops !== undefined ? `${choice}: explicit choice, ${fmt(me.gflops)} on the probe` : `${choice}: explicit choice`,
      candidates: [me, ...others],
    };
    log?.(`backend: ${report.reason}`);
    return { backend, report };
  }

  if (dtype === 'f64') {
    // only the oracle computes in double precision; nothing to compare
    const backend = new ReferenceBackend('f64');
    const candidates: Candidate[] = AUTO_ORDER.map((name) =>
      name === 'reference'
        ? { name, status: 'chosen' as const, detail: 'the only backend that computes in f64' }
        : { name, status: 'not-tried' as const, detail: 'f32 only' },
    );
    const report: BackendReport = {
      choice,
      chosen: 'reference',
      reason: 'reference: f64 was requested, and only the reference backend computes in double precision',
      candidates,
    };
    log?.(`backend: ${report.reason}`);
    return { backend, report };
  }

  const doProbe = opts.probe ?? true;
  const candidates: Candidate[] = [];
  let best: { backend: Backend; cand: Candidate } | null = null;
  for (const name of AUTO_ORDER) {
    if (!doProbe && best) {
      candidates.push({ name, status: 'not-tried', detail: `${best.cand.name} came first and probing was off` });
      continue;
    }
    let backend: Backend;
    try {
      backend = await instantiate(name, dtype, log);
    } catch (e) {
      const cand: Candidate = { name, status: 'unavailable', detail: withoutName(name, oneLine(e)) };
      candidates.push(cand);
      log?.(`backend ${name}: unavailable: ${cand.detail}`);
      continue;
    }
    const cand: Candidate = { name, status: 'slower', detail: '' };
    try {
      const bad = name === 'reference' ? null : parityError(backend);
      if (bad) throw new Error(bad);
      if (doProbe) {
        cand.gflops = probe(backend);
        cand.detail = `${fmt(cand.gflops)} on the probe`;
      } else {
        cand.detail = 'first available (not probed)';
      }
    } catch (e) {
      backend.dispose();
      cand.status = 'unavailable';
      cand.detail = withoutName(name, oneLine(e));
      candidates.push(cand);
      log?.(`backend ${name}: unavailable: ${cand.detail}`);
      continue;
    }
    candidates.push(cand);
    log?.(`backend ${name}: ${cand.detail}`);
    // strictly faster wins, so ties keep the earlier (preferred) backend
    if (!best || (cand.gflops ?? 0) > (best.cand.gflops ?? 0)) {
      if (best) best.backend.dispose();
      best = { backend, cand };
    } else {
      backend.dispose();
    }
  }
  // the reference backend always instantiates, so best is set
  const winner = best as { backend: Backend; cand: Candidate };
  winner.cand.status = 'chosen';
  const report: BackendReport = {
    choice,
    chosen: winner.cand.name,
    reason: sentence(winner.cand, candidates),
    candidates,
  };
  log?.(`backend: ${report.reason}`);
  return { backend: winner.backend, report };
}
