/**
 * safetensors codec (https://github.com/huggingface/safetensors format), F32 only.
 * Layout: u64 little-endian header length N, N bytes of UTF-8 JSON, then the data region.
 * Reading treats the bytes as hostile: every field is checked before any data is touched.
 */
import { ModelFileError, formatShape } from './errors';

export interface TensorToEncode {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface DecodedTensor {
  shape: number[];
  dtype: string;
  data: Float32Array;
}

export interface DecodedSafetensors {
  metadata: Record<string, string>;
  tensors: Map<string, DecodedTensor>;
}

/** Headers beyond this are refused before decoding, so a bad length cannot make us allocate gigabytes of JSON. */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

const METADATA_KEY = '__metadata__';
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function encodeSafetensors(tensors: TensorToEncode[], metadata: Record<string, string>): Uint8Array {
  // The header is assembled by hand so the entries keep the given order
  // (JSON.stringify would move integer-like names such as "0" to the front).
  const parts: string[] = [`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`];
  const seen = new Set<string>();
  let offset = 0;
  for (const t of tensors) {
    if (t.name === METADATA_KEY) throw new Error(`safetensors: "${METADATA_KEY}" is not a valid tensor name`);
    if (seen.has(t.name)) throw new Error(`safetensors: tensor "${t.name}" given twice`);
    seen.add(t.name);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      throw new Error(`safetensors: tensor "${t.name}" has ${t.data.length} values but shape ${formatShape(t.shape)} needs ${count}`);
    }
    const end = offset + t.data.length * 4;
    parts.push(`${JSON.stringify(t.name)}:${JSON.stringify({ dtype: 'F32', shape: t.shape, data_offsets: [offset, end] })}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  // Pad with spaces (valid JSON whitespace) so the data region starts 8-byte aligned.
  const headerLen = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const out = new Uint8Array(8 + headerLen + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);

  let pos = 8 + headerLen;
  for (const t of tensors) {
    if (LITTLE_ENDIAN_HOST) {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    } else {
      for (let i = 0; i < t.data.length; i++) view.setFloat32(pos + i * 4, t.data[i], true);
    }
    pos += t.data.byteLength;
  }
  return out;
}

interface Entry {
  name: string;
  shape: number[];
  dtype: string;
  begin: number;
  end: number;
}

export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  if (bytes.length < 8) throw new ModelFileError(`not a safetensors file (too short: ${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rawLen = view.getBigUint64(0, true);
  if (rawLen === 0n) throw new ModelFileError('header length is 0');
  if (rawLen > BigInt(bytes.length - 8)) throw new ModelFileError(`header length ${rawLen} exceeds file size ${bytes.length}`);
  if (rawLen > BigInt(MAX_HEADER_BYTES)) throw new ModelFileError(`header length ${rawLen} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const headerLen = Number(rawLen);

  const header = parseHeader(bytes.subarray(8, 8 + headerLen));
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;

  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) metadata = checkMetadata(value);
    else entries.push(checkEntry(name, value, dataLen));
  }
  checkOverlaps(entries);

  // Map in file order: JSON.parse would put integer-like names first.
  const tensors = new Map<string, DecodedTensor>();
  for (const e of [...entries].sort((a, b) => a.begin - b.begin)) {
    const data = readF32(bytes, view, dataStart + e.begin, dataStart + e.end);
    const bad = firstNonFinite(data);
    if (bad >= 0) throw new ModelFileError(`tensor "${e.name}" has a non-finite value (${data[bad]}) at index ${bad}`);
    tensors.set(e.name, { shape: e.shape, dtype: e.dtype, data });
  }
  return { metadata, tensors };
}

function parseHeader(raw: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new ModelFileError('header is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ModelFileError(`header is not valid JSON (${oneLine(err)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ModelFileError(`header must be a JSON object, got ${describe(parsed)}`);
  }
  return parsed as Record<string, unknown>;
}

function checkMetadata(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ModelFileError(`"${METADATA_KEY}" must be an object of strings, got ${describe(value)}`);
  }
  const pairs = Object.entries(value);
  for (const [k, v] of pairs) {
    if (typeof v !== 'string') throw new ModelFileError(`metadata "${k}" must be a string, got ${describe(v)}`);
  }
  // fromEntries defines own properties, so a "__proto__" key cannot reach the prototype.
  return Object.fromEntries(pairs) as Record<string, string>;
}

function checkEntry(name: string, value: unknown, dataLen: number): Entry {
  const where = `tensor "${name}"`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ModelFileError(`${where} must be described by an object, got ${describe(value)}`);
  }
  const o = value as Record<string, unknown>;
  if (typeof o.dtype !== 'string') throw new ModelFileError(`${where} has no dtype`);
  if (o.dtype !== 'F32') throw new ModelFileError(`${where} has dtype ${JSON.stringify(o.dtype)}; only F32 is supported`);

  const shape = o.shape;
  if (!Array.isArray(shape) || !shape.every(isIndex)) {
    throw new ModelFileError(`${where} shape must be an array of non-negative integers, got ${describe(shape)}`);
  }
  let count = shape.includes(0) ? 0 : 1;
  for (const d of shape as number[]) {
    count *= d;
    // Beyond the data region it can never match; stop before the product loses precision.
    if (count * 4 > dataLen) throw new ModelFileError(`${where} with shape ${formatShape(shape)} is larger than the data region (${dataLen} bytes)`);
  }

  const offs = o.data_offsets;
  if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(isIndex)) {
    throw new ModelFileError(`${where} data_offsets must be two non-negative integers, got ${describe(offs)}`);
  }
  const [begin, end] = offs as number[];
  if (begin > end) throw new ModelFileError(`${where} data_offsets [${begin},${end}] begin after they end`);
  if (end > dataLen) throw new ModelFileError(`${where} data_offsets [${begin},${end}] run past the data region (${dataLen} bytes)`);
  if (end - begin !== count * 4) {
    throw new ModelFileError(`${where} holds ${end - begin} bytes but shape ${formatShape(shape)} of F32 needs ${count * 4}`);
  }
  return { name, shape: (shape as number[]).slice(), dtype: o.dtype, begin, end };
}

/** Holes between tensors are tolerated; shared bytes are not. */
function checkOverlaps(entries: Entry[]): void {
  const sorted = entries.filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (cur.begin < prev.end) {
      throw new ModelFileError(`tensors "${prev.name}" [${prev.begin},${prev.end}] and "${cur.name}" [${cur.begin},${cur.end}] overlap`);
    }
  }
}

/** Copies into a fresh array: the source may be unaligned, and the caller should own the result. */
function readF32(bytes: Uint8Array, view: DataView, start: number, end: number): Float32Array {
  const out = new Float32Array((end - start) / 4);
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(out.buffer).set(bytes.subarray(start, end));
  } else {
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(start + i * 4, true);
  }
  return out;
}

function firstNonFinite(a: Float32Array): number {
  for (let i = 0; i < a.length; i++) {
    // x - x is NaN exactly for NaN and ±Infinity, and cheaper than Number.isFinite.
    if (a[i] - a[i] !== 0) return i;
  }
  return -1;
}

function isIndex(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Short, single-line rendering of a JSON value for messages. */
function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return clip(`array ${JSON.stringify(v)}`);
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return clip(`${typeof v} ${JSON.stringify(v)}`);
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function oneLine(err: unknown): string {
  return String(err instanceof Error ? err.message : err).replace(/\s+/g, ' ');
}
