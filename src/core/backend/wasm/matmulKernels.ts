/**
 * WebAssembly SIMD matrix kernels, generated at run time with emit.ts.
 *
 * Two kernel families; all addresses and strides are in bytes:
 *
 * - `gemm{R}(a, sai, sap, b, ldb, bstep, c, ldc, n, k, acc)` — "broadcast" form
 *   for matmulNN/TN: C[r, 0..n) (+)= Σ_p A(r,p)·B(p, 0..n) for r < R (R = 1..4),
 *   with A(r,p) at a + r·sai + p·sap (so one kernel serves A and Aᵀ) and B's
 *   8-column tile t at b + t·bstep, row p of it at + p·ldb: row-major B is
 *   (ldb = 4n, bstep = 32), packed panels are (ldb = 32, bstep = 32k). A tile of R rows × 8 columns of C lives in
 *   2R f32x4 registers; each step splats one A value per row and loads two B
 *   vectors. Column remainders use 4-wide tiles and then partial lane
 *   loads/stores, so nothing outside the operands is ever read or written.
 *
 * - `dot{R}(a, lda, b, ldb, c, ldc, n, k, acc)` — dot-product form for
 *   matmulNT: C[r, j] (+)= Σ_p A[r,p]·B[j,p] for r < R (R = 1..2). Both
 *   operands are contiguous along k, so we vectorise over k: R×4 (row, col)
 *   accumulators, reduced horizontally at the end straight into 4 adjacent
 *   C entries. No transposed copy of the weights is needed, which matters
 *   for the per-step h·W_hhᵀ where B is large and M is only the batch.
 *
 * `acc` = 0 overwrites C, 1 adds to it. Callers guarantee n ≥ 1, k ≥ 1.
 */
import { FnBuilder, I32, ModuleBuilder, V128, type MemoryImport } from './emit';

export interface MatmulKernelOptions {
  memory: MemoryImport;
  /** Use f32x4.relaxed_madd (may fuse) instead of mul+add. */
  relaxed?: boolean;
}

type GemmFn = (a: number, sai: number, sap: number, b: number, ldb: number, bstep: number, c: number, ldc: number, n: number, k: number, acc: number) => void;
type PackBFn = (src: number, ldb: number, dst: number, k: number, panels: number) => void;
type PackAFn = (src: number, sai: number, sap: number, dst: number, k: number) => void;
type DotFn = (a: number, lda: number, b: number, ldb: number, c: number, ldc: number, n: number, k: number, acc: number) => void;

export interface MatmulExports {
  gemm1: GemmFn;
  gemm2: GemmFn;
  gemm3: GemmFn;
  gemm4: GemmFn;
  dot1: DotFn;
  dot2: DotFn;
  packB8: PackBFn;
  packA1: PackAFn;
  packA2: PackAFn;
  packA3: PackAFn;
  packA4: PackAFn;
}

export const GEMM_ROWS = 4;
export const DOT_ROWS = 2;

/** acc += x·y, with x, y, acc locals (v128). */
function madd(f: FnBuilder, relaxed: boolean, acc: number, x: number, y: number): void {
  if (relaxed) f.get(x).get(y).get(acc).f32x4RelaxedMadd().set(acc);
  else f.get(acc).get(x).get(y).f32x4Mul().f32x4Add().set(acc);
}

/** Pushes a v128 loaded from `addr`+off holding `lanes` floats (4 = full); missing lanes are zero. */
function loadLanes(f: FnBuilder, addr: number, off: number, lanes: number): void {
  if (lanes === 4) f.get(addr).v128Load(off);
  else if (lanes === 1) f.get(addr).v128Load32Zero(off);
  else if (lanes === 2) f.get(addr).v128Load64Zero(off);
  else f.get(addr).get(addr).v128Load64Zero(off).v128Load32Lane(off + 8, 2);
}

/** Stores the first `lanes` floats of local v at addr+off. */
function storeLanes(f: FnBuilder, addr: number, off: number, v: number, lanes: number): void {
  if (lanes === 4) f.get(addr).get(v).v128Store(off);
  else if (lanes === 1) f.get(addr).get(v).v128Store32Lane(off, 0);
  else if (lanes === 2) f.get(addr).get(v).v128Store64Lane(off, 0);
  else {
    f.get(addr).get(v).v128Store64Lane(off, 0);
    f.get(addr).get(v).v128Store32Lane(off + 8, 2);
  }
}

function emitGemm(mb: ModuleBuilder, R: number, relaxed: boolean): void {
  const f = mb.function(`gemm${R}`, [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [a, sai, sap, b, ldb, bstep, c, ldc, n, k, acc] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const n4 = f.local(I32);
  const j4 = f.local(I32);
  const btile = f.local(I32); // B address of the current 8-column tile
  const cnt = f.local(I32);
  const bp = f.local(I32);
  const tmpAddr = f.local(I32);
  const abase: number[] = [];
  const ap: number[] = [];
  const crow: number[] = [];
  for (let r = 0; r < R; r++) {
    abase.push(f.local(I32));
    ap.push(f.local(I32));
    crow.push(f.local(I32));
  }
  const va = f.local(V128);
  const vb = [f.local(V128), f.local(V128)];
  const accs: number[][] = [];
  for (let r = 0; r < R; r++) accs.push([f.local(V128), f.local(V128)]);

  // Row base pointers for A and C.
  for (let r = 0; r < R; r++) {
    f.get(a);
    if (r > 0) f.get(sai).i32(r).i32Mul().i32Add();
    f.set(abase[r]);
    f.get(c);
    if (r > 0) f.get(ldc).i32(r).i32Mul().i32Add();
    f.set(crow[r]);
  }
  f.get(n).i32(2).i32Shl().set(n4);
  f.i32(0).set(j4);
  f.get(b).set(btile);

  /** One R × (V·4) tile at column byte offset j4 (B at btile); `lanes` < 4 only for the last, partial vector (V = 1). */
  const tile = (V: number, lanes: number): void => {
    // Initial accumulators: C (accumulate) or zero.
    f.get(acc).if_();
    for (let r = 0; r < R; r++) {
      f.get(crow[r]).get(j4).i32Add().set(tmpAddr);
      for (let v = 0; v < V; v++) {
        loadLanes(f, tmpAddr, v * 16, v === V - 1 ? lanes : 4);
        f.set(accs[r][v]);
      }
    }
    f.else_();
    for (let r = 0; r < R; r++) for (let v = 0; v < V; v++) f.v128Zero().set(accs[r][v]);
    f.end();

    for (let r = 0; r < R; r++) f.get(abase[r]).set(ap[r]);
    f.get(btile).set(bp);
    f.get(k).set(cnt);
    const L = f.loop();
    for (let v = 0; v < V; v++) {
      loadLanes(f, bp, v * 16, v === V - 1 ? lanes : 4);
      f.set(vb[v]);
    }
    for (let r = 0; r < R; r++) {
      f.get(ap[r]).v128Load32Splat().set(va);
      for (let v = 0; v < V; v++) madd(f, relaxed, accs[r][v], va, vb[v]);
      f.get(ap[r]).get(sap).i32Add().set(ap[r]);
    }
    f.get(bp).get(ldb).i32Add().set(bp);
    f.get(cnt).i32(1).i32Sub().tee(cnt).brIf(L);
    f.end();

    for (let r = 0; r < R; r++) {
      f.get(crow[r]).get(j4).i32Add().set(tmpAddr);
      for (let v = 0; v < V; v++) storeLanes(f, tmpAddr, v * 16, accs[r][v], v === V - 1 ? lanes : 4);
    }
  };

  // Full 8-column tiles.
  const done8 = f.block();
  const l8 = f.loop();
  f.get(n4).get(j4).i32Sub().i32(32).i32LtS().brIf(done8);
  tile(2, 4);
  f.get(j4).i32(32).i32Add().set(j4);
  f.get(btile).get(bstep).i32Add().set(btile);
  f.br(l8);
  f.end();
  f.end();
  // One 4-column tile, then 1–3 leftover columns (row-major B only: packed calls pass n % 8 == 0).
  f.get(b).get(j4).i32Add().set(btile);
  f.get(n4).get(j4).i32Sub().i32(16).i32GeS().if_();
  tile(1, 4);
  f.get(j4).i32(16).i32Add().set(j4);
  f.get(btile).i32(16).i32Add().set(btile);
  f.end();
  for (const lanes of [1, 2, 3]) {
    f.get(n4).get(j4).i32Sub().i32(lanes * 4).i32Eq().if_();
    tile(1, lanes);
    f.end();
  }
}

function emitDot(mb: ModuleBuilder, R: number, relaxed: boolean): void {
  const f = mb.function(`dot${R}`, [I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [a, lda, b, ldb, c, ldc, n, k, acc] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const k16 = f.local(I32); // bytes covered by whole vectors
  const tail = f.local(I32); // k mod 4
  const j = f.local(I32);
  const q = f.local(I32);
  const tmpAddr = f.local(I32);
  const arow: number[] = [];
  const crow: number[] = [];
  for (let r = 0; r < R; r++) {
    arow.push(f.local(I32));
    crow.push(f.local(I32));
  }
  const bcol = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const va: number[] = [];
  for (let r = 0; r < R; r++) va.push(f.local(V128));
  const vb = f.local(V128);
  const s01 = f.local(V128);
  const s23 = f.local(V128);
  const accs: number[][] = [];
  for (let r = 0; r < R; r++) accs.push([f.local(V128), f.local(V128), f.local(V128), f.local(V128)]);

  for (let r = 0; r < R; r++) {
    f.get(a);
    if (r > 0) f.get(lda).i32(r).i32Mul().i32Add();
    f.set(arow[r]);
    f.get(c);
    if (r > 0) f.get(ldc).i32(r).i32Mul().i32Add();
    f.set(crow[r]);
  }
  f.get(k).i32(2).i32ShrU().i32(4).i32Shl().set(k16);
  f.get(k).i32(3).i32And().set(tail);
  f.i32(0).set(j);

  /** Accumulate over k for `lanes` live k-values per vector (4 in the main loop, the tail otherwise). */
  const step = (lanes: number): void => {
    for (let r = 0; r < R; r++) {
      f.get(arow[r]).get(q).i32Add().set(tmpAddr);
      loadLanes(f, tmpAddr, 0, lanes);
      f.set(va[r]);
    }
    for (let col = 0; col < 4; col++) {
      f.get(bcol[col]).get(q).i32Add().set(tmpAddr);
      loadLanes(f, tmpAddr, 0, lanes);
      f.set(vb);
      for (let r = 0; r < R; r++) madd(f, relaxed, accs[r][col], va[r], vb);
    }
  };

  /** A tile of R rows × 4 columns starting at column j, storing `cols` (1–4) of them. */
  const tile = (cols: number): void => {
    // Column pointers; beyond `cols` repeat the last valid row of B so nothing past B is read.
    for (let col = 0; col < 4; col++) {
      f.get(b).get(j).i32(Math.min(col, cols - 1)).i32Add().get(ldb).i32Mul().i32Add().set(bcol[col]);
    }
    for (let r = 0; r < R; r++) for (let col = 0; col < 4; col++) f.v128Zero().set(accs[r][col]);
    f.i32(0).set(q);
    f.get(k16).if_();
    const L = f.loop();
    step(4);
    f.get(q).i32(16).i32Add().tee(q).get(k16).i32LtS().brIf(L);
    f.end();
    f.end();
    for (const t of [1, 2, 3]) {
      f.get(tail).i32(t).i32Eq().if_();
      step(t);
      f.end();
    }
    // Horizontal sums: 4 accumulators of a row -> one vector of 4 adjacent C entries.
    for (let r = 0; r < R; r++) {
      const [x0, x1, x2, x3] = accs[r];
      f.get(x0).get(x1).shuffleF32(0, 4, 1, 5).get(x0).get(x1).shuffleF32(2, 6, 3, 7).f32x4Add().set(s01);
      f.get(x2).get(x3).shuffleF32(0, 4, 1, 5).get(x2).get(x3).shuffleF32(2, 6, 3, 7).f32x4Add().set(s23);
      f.get(s01).get(s23).shuffleF32(0, 1, 4, 5).get(s01).get(s23).shuffleF32(2, 3, 6, 7).f32x4Add().set(s01);
      f.get(crow[r]).get(j).i32(2).i32Shl().i32Add().set(tmpAddr);
      f.get(acc).if_();
      loadLanes(f, tmpAddr, 0, cols);
      f.get(s01).f32x4Add().set(s01);
      f.end();
      storeLanes(f, tmpAddr, 0, s01, cols);
    }
  };

  const done = f.block();
  const l4 = f.loop();
  f.get(n).get(j).i32Sub().i32(4).i32LtS().brIf(done);
  tile(4);
  f.get(j).i32(4).i32Add().set(j);
  f.br(l4);
  f.end();
  f.end();
  for (const cols of [1, 2, 3]) {
    f.get(n).get(j).i32Sub().i32(cols).i32Eq().if_();
    tile(cols);
    f.end();
  }
}

/**
 * packB8(src, ldb, dst, k, panels): copies `panels` 8-column panels of a
 * row-major block (k rows, stride ldb) into dst as [panel][p][8], so the gemm
 * kernel walks B contiguously instead of at a large power-of-two row stride
 * (which thrashes L1 sets and the TLB).
 */
function emitPackB(mb: ModuleBuilder): void {
  const f = mb.function('packB8', [I32, I32, I32, I32, I32]);
  const [src, ldb, dst, k, panels] = [0, 1, 2, 3, 4];
  const s = f.local(I32);
  const cnt = f.local(I32);
  const t = f.local(I32);
  f.i32(0).set(t);
  const done = f.block();
  const lt = f.loop();
  f.get(t).get(panels).i32GeS().brIf(done);
  f.get(src).get(t).i32(5).i32Shl().i32Add().set(s);
  f.get(k).set(cnt);
  const lp = f.loop();
  f.get(dst).get(s).v128Load(0).v128Store(0);
  f.get(dst).get(s).v128Load(16).v128Store(16);
  f.get(dst).i32(32).i32Add().set(dst);
  f.get(s).get(ldb).i32Add().set(s);
  f.get(cnt).i32(1).i32Sub().tee(cnt).brIf(lp);
  f.end();
  f.get(t).i32(1).i32Add().set(t);
  f.br(lt);
  f.end();
  f.end();
}

/**
 * packA{R}(src, sai, sap, dst, k): copies R rows × k of a strided A (element
 * (r,p) at src + r·sai + p·sap) into dst as [p][4] (lanes ≥ R left as is, never
 * read by gemm{R}). Used when A's k-stride is large (matmulTN).
 */
function emitPackA(mb: ModuleBuilder, R: number): void {
  const f = mb.function(`packA${R}`, [I32, I32, I32, I32, I32]);
  const [src, sai, sap, dst, k] = [0, 1, 2, 3, 4];
  const cnt = f.local(I32);
  const s = f.local(I32);
  f.get(src).set(s);
  f.get(k).set(cnt);
  const lp = f.loop();
  for (let r = 0; r < R; r++) {
    f.get(dst);
    f.get(s);
    if (r > 0) f.get(sai).i32(r).i32Mul().i32Add();
    f.f32Load().f32Store(r * 4);
  }
  f.get(dst).i32(16).i32Add().set(dst);
  f.get(s).get(sap).i32Add().set(s);
  f.get(cnt).i32(1).i32Sub().tee(cnt).brIf(lp);
  f.end();
}

export function buildMatmulModule(opts: MatmulKernelOptions): Uint8Array {
  const relaxed = !!opts.relaxed;
  const mb = new ModuleBuilder().importMemory(opts.memory);
  for (let r = 1; r <= GEMM_ROWS; r++) emitGemm(mb, r, relaxed);
  for (let r = 1; r <= DOT_ROWS; r++) emitDot(mb, r, relaxed);
  emitPackB(mb);
  for (let r = 1; r <= GEMM_ROWS; r++) emitPackA(mb, r);
  return mb.toBytes();
}

/** A minimal module using f32x4.relaxed_madd, to feature-test relaxed SIMD with WebAssembly.validate. */
export function relaxedProbeModule(): Uint8Array {
  const mb = new ModuleBuilder();
  const f = mb.function('p', [V128, V128, V128], [V128]);
  f.get(0).get(1).get(2).f32x4RelaxedMadd();
  return mb.toBytes();
}
