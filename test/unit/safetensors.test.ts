import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { decodeSafetensors, encodeSafetensors } from '../../src/core/io/safetensors';
import { ModelFileError } from '../../src/core/io/errors';
import { sha256Hex } from '../../src/core/io/sha256';

/** An independent writer: header built by hand, no padding, data appended as given. */
function handMade(header: unknown, data: Uint8Array = new Uint8Array(0), headerLen?: bigint): Uint8Array {
  const json = typeof header === 'string' ? header : JSON.stringify(header);
  const h = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLen ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function f32le(values: number[]): Uint8Array {
  const b = new Uint8Array(values.length * 4);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => v.setFloat32(i * 4, x, true));
  return b;
}

function expectFileError(bytes: Uint8Array, pattern: RegExp): void {
  let caught: unknown;
  try {
    decodeSafetensors(bytes);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ModelFileError);
  const msg = (caught as Error).message;
  expect(msg).toMatch(/^model file: /);
  expect(msg).not.toContain('\n');
  expect(msg).toMatch(pattern);
}

const entry = (shape: number[], begin: number, end: number, dtype = 'F32') => ({ dtype, shape, data_offsets: [begin, end] });

describe('encodeSafetensors / decodeSafetensors', () => {
  const tensors = [
    { name: 'b', shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0, 1e-30, -1e30]) },
    { name: 'a', shape: [1], data: new Float32Array([42]) },
    { name: '0', shape: [0, 4], data: new Float32Array(0) },
    { name: 'scalar', shape: [], data: new Float32Array([7]) },
  ];

  it('round trips tensors, shapes, order and metadata', () => {
    const bytes = encodeSafetensors(tensors, { hello: 'world', jp: '日本語 🎉' });
    const out = decodeSafetensors(bytes);
    expect(out.metadata).toEqual({ hello: 'world', jp: '日本語 🎉' });
    expect([...out.tensors.keys()]).toEqual(['b', 'a', '0', 'scalar']);
    for (const t of tensors) {
      const got = out.tensors.get(t.name)!;
      expect(got.shape).toEqual(t.shape);
      expect(got.dtype).toBe('F32');
      expect(Array.from(got.data)).toEqual(Array.from(t.data));
    }
  });

  it('keeps the given order in the header and pads it so data is 8-byte aligned', () => {
    for (let extra = 0; extra < 9; extra++) {
      const bytes = encodeSafetensors(tensors, { pad: 'x'.repeat(extra) });
      const len = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      expect((8 + len) % 8).toBe(0);
      const text = new TextDecoder().decode(bytes.subarray(8, 8 + len));
      expect(text.trimEnd().endsWith('}')).toBe(true);
      expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true);
      const header = JSON.parse(text);
      expect(Object.keys(header)).toContain('__metadata__');
      expect(text.indexOf('"b"')).toBeLessThan(text.indexOf('"a"'));
      expect(text.indexOf('"a"')).toBeLessThan(text.indexOf('"0"'));
      expect(header.b).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    }
  });

  it('stores little-endian f32', () => {
    const bytes = encodeSafetensors([{ name: 'x', shape: [2], data: new Float32Array([1, -0.5]) }], {});
    const len = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(Array.from(bytes.subarray(8 + len))).toEqual(Array.from(f32le([1, -0.5])));
  });

  it('accepts data from a Float32Array view with an offset', () => {
    const big = new Float32Array([9, 8, 7, 6]);
    const view = big.subarray(1, 3);
    const out = decodeSafetensors(encodeSafetensors([{ name: 'v', shape: [2], data: view }], {}));
    expect(Array.from(out.tensors.get('v')!.data)).toEqual([8, 7]);
  });

  it('rejects bad input to the encoder as programmer errors', () => {
    expect(() => encodeSafetensors([{ name: 'x', shape: [3], data: new Float32Array(2) }], {})).toThrow(/needs 3/);
    const t = { name: 'x', shape: [1], data: new Float32Array(1) };
    expect(() => encodeSafetensors([t, t], {})).toThrow(/twice/);
    expect(() => encodeSafetensors([{ ...t, name: '__metadata__' }], {})).toThrow(/not a valid tensor name/);
  });

  it('decodes a file from an independent encoder (no padding, holes, any order)', () => {
    const data = new Uint8Array([...f32le([5, 6]), 0xde, 0xad, 0xbe, 0xef, ...f32le([1, 2, 3])]);
    const bytes = handMade({ y: entry([3], 12, 24), x: entry([2, 1], 0, 8), __metadata__: { k: 'v' } }, data);
    const out = decodeSafetensors(bytes);
    expect(out.metadata).toEqual({ k: 'v' });
    expect(Array.from(out.tensors.get('x')!.data)).toEqual([5, 6]);
    expect(out.tensors.get('x')!.shape).toEqual([2, 1]);
    expect(Array.from(out.tensors.get('y')!.data)).toEqual([1, 2, 3]);
  });

  it('works on an unaligned subarray of a larger buffer and returns owned copies', () => {
    const file = handMade({ x: entry([2], 0, 8) }, f32le([1.5, 2.5]));
    const host = new Uint8Array(file.length + 3);
    host.set(file, 3);
    const view = host.subarray(3);
    const out = decodeSafetensors(view);
    const data = out.tensors.get('x')!.data;
    expect(Array.from(data)).toEqual([1.5, 2.5]);
    expect(data.buffer).not.toBe(host.buffer);
    host.fill(0);
    expect(Array.from(data)).toEqual([1.5, 2.5]);
  });

  it('returns empty metadata when there is none, and does not let "__proto__" touch the prototype', () => {
    expect(decodeSafetensors(handMade({})).metadata).toEqual({});
    const out = decodeSafetensors(handMade('{"__metadata__":{"__proto__":"x","a":"b"}}'));
    expect(Object.getPrototypeOf(out.metadata)).toBe(Object.prototype);
    expect(Object.hasOwn(out.metadata, '__proto__')).toBe(true);
    expect(out.metadata.a).toBe('b');
  });

  describe('hostile files', () => {
    it('too short', () => {
      expectFileError(new Uint8Array(0), /not a safetensors file \(too short: 0 bytes\)/);
      expectFileError(new Uint8Array(5), /too short: 5 bytes/);
    });
    it('header length zero', () => {
      expectFileError(handMade('', new Uint8Array(8), 0n), /header length is 0/);
    });
    it('header length beyond the file', () => {
      expectFileError(handMade('{}', new Uint8Array(0), 9999999999n), /header length 9999999999 exceeds file size 10/);
      expectFileError(handMade('{}', new Uint8Array(0), 0xffffffffffffffffn), /header length 18446744073709551615 exceeds file size/);
      expectFileError(handMade('{}', new Uint8Array(0), 3n), /header length 3 exceeds file size 10/);
    });
    it('header length over 100 MB (even if the file were that big)', () => {
      const len = 100 * 1024 * 1024 + 1;
      const bytes = new Uint8Array(8 + len);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(len), true);
      expectFileError(bytes, /header length 104857601 exceeds the 104857600-byte limit/);
    });
    it('header not UTF-8', () => {
      const bytes = handMade('{"a":1}');
      bytes[10] = 0xff;
      expectFileError(bytes, /header is not valid UTF-8/);
    });
    it('header not JSON', () => {
      expectFileError(handMade('{"a": '), /header is not valid JSON/);
      expectFileError(handMade('hello'), /header is not valid JSON/);
    });
    it('header not an object', () => {
      expectFileError(handMade('[1,2]'), /header must be a JSON object, got array/);
      expectFileError(handMade('null'), /header must be a JSON object, got null/);
      expectFileError(handMade('42'), /header must be a JSON object, got number 42/);
    });
    it('metadata not an object of strings', () => {
      expectFileError(handMade({ __metadata__: { a: 1 } }), /metadata "a" must be a string, got number 1/);
      expectFileError(handMade({ __metadata__: { a: null } }), /metadata "a" must be a string, got null/);
      expectFileError(handMade({ __metadata__: ['x'] }), /"__metadata__" must be an object of strings, got array/);
      expectFileError(handMade({ __metadata__: 'x' }), /"__metadata__" must be an object of strings/);
    });
    it('entry not an object', () => {
      expectFileError(handMade({ t: 3 }), /tensor "t" must be described by an object/);
    });
    it('wrong or missing dtype', () => {
      for (const dt of ['F64', 'F16', 'BF16', 'I32', 'U8']) {
        expectFileError(handMade({ t: entry([1], 0, 4, dt) }, new Uint8Array(8)), new RegExp(`tensor "t" has dtype "${dt}"; only F32 is supported`));
      }
      expectFileError(handMade({ t: { shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor "t" has no dtype/);
    });
    it('bad shapes', () => {
      const d = new Uint8Array(16);
      expectFileError(handMade({ t: entry([-1], 0, 4) }, d), /tensor "t" shape must be an array of non-negative integers, got array \[-1\]/);
      expectFileError(handMade({ t: entry([1.5], 0, 4) }, d), /shape must be an array of non-negative integers/);
      expectFileError(handMade({ t: entry(['2'] as unknown as number[], 0, 8) }, d), /shape must be/);
      expectFileError(handMade({ t: { dtype: 'F32', shape: 4, data_offsets: [0, 16] } }, d), /shape must be .*got number 4/);
      expectFileError(handMade({ t: { dtype: 'F32', data_offsets: [0, 16] } }, d), /shape must be .*got nothing/);
      expectFileError(handMade({ t: entry([1e300, 1e300], 0, 4) }, d), /shape must be/);
      expectFileError(handMade({ t: entry([2 ** 40, 2 ** 40], 0, 4) }, d), /tensor "t" with shape \[1099511627776,1099511627776\] is larger than the data region \(16 bytes\)/);
    });
    it('bad offsets', () => {
      const d = new Uint8Array(16);
      expectFileError(handMade({ t: entry([1], 0, 20) }, d), /tensor "t" data_offsets \[0,20\] run past the data region \(16 bytes\)/);
      expectFileError(handMade({ t: entry([1], 8, 4) }, d), /data_offsets \[8,4\] begin after they end/);
      expectFileError(handMade({ t: entry([1], -4, 0) }, d), /data_offsets must be two non-negative integers/);
      expectFileError(handMade({ t: entry([1], 0.5, 4.5) }, d), /data_offsets must be two non-negative integers/);
      expectFileError(handMade({ t: { dtype: 'F32', shape: [1], data_offsets: [0] } }, d), /data_offsets must be two/);
      expectFileError(handMade({ t: { dtype: 'F32', shape: [1] } }, d), /data_offsets must be two .*got nothing/);
    });
    it('byte length does not match the shape', () => {
      expectFileError(handMade({ t: entry([2], 0, 12) }, new Uint8Array(16)), /tensor "t" holds 12 bytes but shape \[2\] of F32 needs 8/);
    });
    it('overlapping tensors', () => {
      const d = new Uint8Array(16);
      expectFileError(handMade({ a: entry([2], 0, 8), b: entry([2], 4, 12) }, d), /tensors "a" \[0,8\] and "b" \[4,12\] overlap/);
      expectFileError(handMade({ a: entry([1], 4, 8), b: entry([3], 0, 12) }, d), /tensors "b" \[0,12\] and "a" \[4,8\] overlap/);
      // Empty tensors occupy no bytes, so they overlap nothing.
      expect(() => decodeSafetensors(handMade({ a: entry([2], 0, 8), e: entry([0], 4, 4) }, d))).not.toThrow();
    });
    it('non-finite values, naming the tensor and index', () => {
      expectFileError(handMade({ ok: entry([1], 0, 4), t: entry([3], 4, 16) }, f32le([0, 1, 2, NaN])), /tensor "t" has a non-finite value \(NaN\) at index 2/);
      expectFileError(handMade({ t: entry([2], 0, 8) }, f32le([Infinity, 0])), /tensor "t" has a non-finite value \(Infinity\) at index 0/);
      expectFileError(handMade({ t: entry([2], 0, 8) }, f32le([0, -Infinity])), /\(-Infinity\) at index 1/);
    });
    it('random corruption only ever gives a ModelFileError', () => {
      const good = encodeSafetensors([{ name: 'w', shape: [4, 4], data: new Float32Array(16).fill(0.25) }], { k: 'v' });
      let seed = 12345;
      const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
      for (let trial = 0; trial < 2000; trial++) {
        const bad = good.slice();
        const flips = 1 + Math.floor(rand() * 4);
        for (let f = 0; f < flips; f++) bad[Math.floor(rand() * bad.length)] = Math.floor(rand() * 256);
        try {
          decodeSafetensors(bad);
        } catch (err) {
          expect(err).toBeInstanceOf(ModelFileError);
        }
      }
    });
  });
});

describe('sha256Hex', () => {
  it('matches the FIPS 180-4 vectors', () => {
    expect(sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('hashes strings as UTF-8', () => {
    const s = 'こんにちは 🌸';
    expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
  });

  it('agrees with node:crypto on every length around the block boundaries and on 100 kB', () => {
    const buf = new Uint8Array(randomBytes(100 * 1024));
    for (let n = 0; n <= 200; n++) {
      const part = buf.subarray(0, n);
      expect(sha256Hex(part)).toBe(createHash('sha256').update(part).digest('hex'));
    }
    expect(sha256Hex(buf)).toBe(createHash('sha256').update(buf).digest('hex'));
    // A view at an odd offset hashes only its own bytes.
    const view = buf.subarray(3, 70003);
    expect(sha256Hex(view)).toBe(createHash('sha256').update(view).digest('hex'));
  });
});
