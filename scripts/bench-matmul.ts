/**
 * Micro benchmark: GFLOP/s of the cpu backend's three products vs the
 * reference backend, at the shapes of an LSTM language model (B=32 streams,
 * T=64 steps, E=64, V=96, H=128 and 512) plus a few square-ish checks.
 *
 *   npx esbuild scripts/bench-matmul.ts --bundle --platform=node --outfile=/tmp/bm.js && node /tmp/bm.js [--no-ref] [--quick]
 */
import type { Arr, Backend } from '../src/core/backend/backend';
import { createCpuBackend } from '../src/core/backend/cpu';
import { ReferenceBackend } from '../src/core/backend/reference';

type Op = 'NT' | 'NN' | 'TN';
interface Shape {
  op: Op;
  m: number;
  n: number;
  k: number;
  note: string;
}

const args = new Set(process.argv.slice(2));
const B = 32;
const T = 64;
const E = 64;
const V = 96;
const shapes: Shape[] = [];
for (const H of [128, 512]) {
  const G = 4 * H;
  shapes.push(
    { op: 'NT', m: B * T, n: G, k: E, note: `H=${H} X·W_ihᵀ` },
    { op: 'NT', m: B, n: G, k: H, note: `H=${H} h·W_hhᵀ (per step)` },
    { op: 'NT', m: B * T, n: V, k: H, note: `H=${H} logits` },
    { op: 'NT', m: 1, n: G, k: H, note: `H=${H} generation h·W_hhᵀ` },
    { op: 'NN', m: B, n: H, k: G, note: `H=${H} dZ·W_hh (per step)` },
    { op: 'NN', m: B * T, n: E, k: G, note: `H=${H} dZ·W_ih` },
    { op: 'NN', m: B * T, n: H, k: V, note: `H=${H} dLogits·W_out` },
    { op: 'TN', m: G, n: E, k: B * T, note: `H=${H} dW_ih` },
    { op: 'TN', m: G, n: H, k: B * T, note: `H=${H} dW_hh` },
    { op: 'TN', m: V, n: H, k: B * T, note: `H=${H} dW_out` },
  );
}
shapes.push(
  { op: 'NN', m: 64, n: 1024, k: 256, note: '64×256·256×1024' },
  { op: 'NN', m: 32, n: 2048, k: 512, note: '32×512·512×2048' },
  { op: 'NN', m: 512, n: 512, k: 512, note: '512³' },
);

function rand(be: Backend, n: number): Arr {
  const x = be.alloc(n);
  for (let i = 0; i < n; i++) x[i] = Math.random() * 2 - 1;
  return x;
}

function time(be: Backend, s: Shape, budgetMs: number): number {
  const a = rand(be, s.m * s.k);
  const b = rand(be, s.k * s.n);
  const c = be.alloc(s.m * s.n);
  const f = s.op === 'NT' ? be.matmulNT : s.op === 'NN' ? be.matmulNN : be.matmulTN;
  const run = (): void => f.call(be, a, b, c, s.m, s.n, s.k, false);
  run();
  let reps = 0;
  let best = Infinity;
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs || reps < 3) {
    const t = performance.now();
    run();
    best = Math.min(best, performance.now() - t);
    reps++;
  }
  return (2 * s.m * s.n * s.k) / (best * 1e-3) / 1e9;
}

async function main(): Promise<void> {
  const cpu = await createCpuBackend();
  const ref = new ReferenceBackend('f32');
  const budget = args.has('--quick') ? 100 : 400;
  console.log(`cpu backend: sharedHeap=${cpu.sharedHeap} relaxedSimd=${cpu.relaxedSimd}`);
  console.log('op  shape (M×N×K)          cpu GFLOP/s   ref GFLOP/s   note');
  for (const s of shapes) {
    const g = time(cpu, s, budget);
    const r = args.has('--no-ref') ? NaN : time(ref, s, Math.min(budget, 200));
    const dims = `${s.m}×${s.n}×${s.k}`.padEnd(20);
    console.log(`${s.op}  ${dims} ${g.toFixed(1).padStart(10)}   ${r.toFixed(2).padStart(11)}   ${s.note}`);
  }
  cpu.dispose();
}

void main();
