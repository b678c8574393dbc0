/**
 * A tiny WebAssembly binary emitter: just enough of the format (LEB128,
 * sections, function bodies, the scalar and 0xFD SIMD opcodes the matrix
 * kernels use) to build modules at run time from TypeScript. Building the
 * bytes at run time means no native toolchain, no build step and no binary
 * blobs: the same code works in tests, bundles, Node, Web Workers and pages.
 */

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

export function uleb(n: number, out: number[] = []): number[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`uleb: bad value ${n}`);
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(n: number, out: number[] = []): number[] {
  if (!Number.isInteger(n)) throw new RangeError(`sleb: bad value ${n}`);
  // i32 range only; arithmetic shift keeps the sign.
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function utf8(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c > 0x7f) throw new Error('emit: only ASCII names are supported');
    out.push(c);
  }
  return out;
}

function vec(items: number[][]): number[] {
  const out = uleb(items.length);
  for (const it of items) out.push(...it);
  return out;
}

/** A label handle: branches name the block they leave (or loop they repeat) instead of counting depths. */
export interface Label {
  readonly id: number;
}

/**
 * Builds one function body. Methods append one instruction each and return
 * `this`, so code reads close to the text format.
 */
export class FnBuilder {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];
  private readonly labels: number[] = [];
  private nextLabel = 0;

  constructor(
    readonly name: string,
    readonly params: readonly ValType[],
    readonly results: readonly ValType[] = [],
  ) {}

  /** Declares a new local; returns its index (params come first). */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  private op(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }
  private simd(sub: number, ...imm: number[]): this {
    this.code.push(0xfd);
    uleb(sub, this.code);
    for (const b of imm) this.code.push(b);
    return this;
  }
  private memarg(align: number, offset: number): number[] {
    return [...uleb(align), ...uleb(offset)];
  }

  // --- structured control, with named labels -------------------------------
  private open(opcode: number): Label {
    const id = this.nextLabel++;
    this.labels.push(id);
    this.op(opcode, 0x40); // empty block type
    return { id };
  }
  block(): Label {
    return this.open(0x02);
  }
  loop(): Label {
    return this.open(0x03);
  }
  /** `if` consumes an i32 condition. */
  if_(): Label {
    return this.open(0x04);
  }
  else_(): this {
    return this.op(0x05);
  }
  end(): this {
    if (this.labels.length === 0) throw new Error('emit: end without open block');
    this.labels.pop();
    return this.op(0x0b);
  }
  private depth(l: Label): number {
    const i = this.labels.lastIndexOf(l.id);
    if (i < 0) throw new Error('emit: branch to a label that is not open');
    return this.labels.length - 1 - i;
  }
  br(l: Label): this {
    return this.op(0x0c, ...uleb(this.depth(l)));
  }
  brIf(l: Label): this {
    return this.op(0x0d, ...uleb(this.depth(l)));
  }

  // --- locals and i32 ---------------------------------------------------------
  get(i: number): this {
    return this.op(0x20, ...uleb(i));
  }
  set(i: number): this {
    return this.op(0x21, ...uleb(i));
  }
  tee(i: number): this {
    return this.op(0x22, ...uleb(i));
  }
  i32(v: number): this {
    return this.op(0x41, ...sleb(v));
  }
  i32Eq(): this {
    return this.op(0x46);
  }
  i32LtS(): this {
    return this.op(0x48);
  }
  i32GeS(): this {
    return this.op(0x4e);
  }
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32And(): this {
    return this.op(0x71);
  }
  i32Shl(): this {
    return this.op(0x74);
  }
  i32ShrU(): this {
    return this.op(0x76);
  }

  f32Load(offset = 0): this {
    return this.op(0x2a, ...this.memarg(2, offset));
  }
  f32Store(offset = 0): this {
    return this.op(0x38, ...this.memarg(2, offset));
  }

  // --- SIMD (0xFD prefix). Alignment hints are 0: every access may be unaligned.
  v128Load(offset = 0): this {
    return this.simd(0x00, ...this.memarg(0, offset));
  }
  v128Load32Splat(offset = 0): this {
    return this.simd(0x09, ...this.memarg(0, offset));
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b, ...this.memarg(0, offset));
  }
  v128Const(bytes: readonly number[] = new Array(16).fill(0)): this {
    if (bytes.length !== 16) throw new Error('emit: v128.const needs 16 bytes');
    return this.simd(0x0c, ...bytes);
  }
  v128Zero(): this {
    return this.v128Const();
  }
  /** i8x16.shuffle with f32 lane indices (0–3 first operand, 4–7 second). */
  shuffleF32(l0: number, l1: number, l2: number, l3: number): this {
    const bytes: number[] = [];
    for (const l of [l0, l1, l2, l3]) for (let b = 0; b < 4; b++) bytes.push(l * 4 + b);
    return this.simd(0x0d, ...bytes);
  }
  /** Loads into one lane of the v128 on the stack: [addr, v] -> v'. */
  v128Load32Lane(offset: number, lane: number): this {
    return this.simd(0x56, ...this.memarg(0, offset), lane);
  }
  v128Store32Lane(offset: number, lane: number): this {
    return this.simd(0x5a, ...this.memarg(0, offset), lane);
  }
  v128Store64Lane(offset: number, lane: number): this {
    return this.simd(0x5b, ...this.memarg(0, offset), lane);
  }
  v128Load32Zero(offset = 0): this {
    return this.simd(0x5c, ...this.memarg(0, offset));
  }
  v128Load64Zero(offset = 0): this {
    return this.simd(0x5d, ...this.memarg(0, offset));
  }
  f32x4Add(): this {
    return this.simd(0xe4);
  }
  f32x4Mul(): this {
    return this.simd(0xe6);
  }
  /** Relaxed SIMD: a*b+c, fused or not at the engine's choice. Stack: [a, b, c]. */
  f32x4RelaxedMadd(): this {
    return this.simd(0x105);
  }

  /** The encoded body: local declarations, code, `end`. */
  body(): number[] {
    if (this.labels.length !== 0) throw new Error(`emit: ${this.name} has unclosed blocks`);
    const groups: number[][] = [];
    let i = 0;
    while (i < this.localTypes.length) {
      let j = i;
      while (j < this.localTypes.length && this.localTypes[j] === this.localTypes[i]) j++;
      groups.push([...uleb(j - i), this.localTypes[i]]);
      i = j;
    }
    const bytes = [...vec(groups), ...this.code, 0x0b];
    return [...uleb(bytes.length), ...bytes];
  }
}

export interface MemoryImport {
  module: string;
  name: string;
  initialPages: number;
  maximumPages?: number;
  shared: boolean;
}

/** Assembles a module: one imported memory, any number of exported functions. */
export class ModuleBuilder {
  private readonly fns: FnBuilder[] = [];
  private memory?: MemoryImport;

  importMemory(m: MemoryImport): this {
    if (m.shared && m.maximumPages === undefined) throw new Error('emit: shared memory needs a maximum');
    this.memory = m;
    return this;
  }

  function(name: string, params: readonly ValType[], results: readonly ValType[] = []): FnBuilder {
    const f = new FnBuilder(name, params, results);
    this.fns.push(f);
    return f;
  }

  toBytes(): Uint8Array {
    const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];
    // One type per function keeps this simple; a few duplicates cost nothing.
    const types = this.fns.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    out.push(...section(1, vec(types)));
    if (this.memory) {
      const m = this.memory;
      const limits =
        m.maximumPages === undefined
          ? [0x00, ...uleb(m.initialPages)]
          : [m.shared ? 0x03 : 0x01, ...uleb(m.initialPages), ...uleb(m.maximumPages)];
      const imp = [...uleb(m.module.length), ...utf8(m.module), ...uleb(m.name.length), ...utf8(m.name), 0x02, ...limits];
      out.push(...section(2, vec([imp])));
    }
    out.push(...section(3, vec(this.fns.map((_, i) => uleb(i)))));
    out.push(...section(7, vec(this.fns.map((f, i) => [...uleb(f.name.length), ...utf8(f.name), 0x00, ...uleb(i)]))));
    out.push(...section(10, vec(this.fns.map((f) => f.body()))));
    return new Uint8Array(out);
  }
}

// --- the slice of the WebAssembly JS API we use ---------------------------
// tsconfig's libs (ES2022 + node types) declare no `WebAssembly` global, and
// src/core may not pull in DOM typings, so describe just what is needed.

export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(deltaPages: number): number;
}
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
export interface WasmApi {
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<unknown>;
  instantiate(module: unknown, imports: Record<string, Record<string, unknown>>): Promise<WasmInstance>;
}

export function wasmApi(): WasmApi | undefined {
  const wa = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return wa && typeof wa.Memory === 'function' ? wa : undefined;
}

/** Bytes per WebAssembly page. */
export const PAGE = 65536;
