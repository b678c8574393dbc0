import { readFileSync, statSync } from 'node:fs';

export class InputError extends Error {
  override name = 'InputError';
}

export const MAX_TEXT_BYTES = 512 * 1024 * 1024;

/**
 * Decodes bytes as UTF-8 text for training, refusing what is not text with a
 * reason that names the place: a NUL byte (binary), or a byte sequence that
 * is not UTF-8. A BOM is dropped and CRLF line ends become LF.
 */
export function decodeText(bytes: Uint8Array, name: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new InputError(`${name} looks like a binary file (NUL byte at offset ${nul}); give a text file`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    throw new InputError(`${name} is not UTF-8 text (invalid byte 0x${bytes[bad]?.toString(16).padStart(2, '0')} at offset ${bad})`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.replace(/\r\n/g, '\n');
}

/**
 * Offset of the first byte that starts an ill-formed UTF-8 sequence (as the
 * fatal TextDecoder judges it: no overlongs, surrogates or values past
 * U+10FFFF, no truncated sequence at the end), or 0 if none is found. One pass.
 */
function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const x = b[i];
    if (x < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (x >= 0xc2 && x <= 0xdf) need = 1;
    else if (x >= 0xe0 && x <= 0xef) {
      need = 2;
      if (x === 0xe0) lo = 0xa0;
      else if (x === 0xed) hi = 0x9f;
    } else if (x >= 0xf0 && x <= 0xf4) {
      need = 3;
      if (x === 0xf0) lo = 0x90;
      else if (x === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const y = b[i + k];
      if (y === undefined || y < (k === 1 ? lo : 0x80) || y > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return 0;
}

/** Reads a text file with clear errors for missing files, directories, huge files, binary and non-UTF-8 content. */
export function readTextFile(file: string): string {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new InputError(`${file} is a directory, not a text file`);
    size = st.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code ?? String(e)})`);
  }
  if (size > MAX_TEXT_BYTES) throw new InputError(`${file} is ${(size / 2 ** 20).toFixed(0)} MiB; the limit is ${MAX_TEXT_BYTES / 2 ** 20} MiB`);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new InputError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return decodeText(bytes, file);
}
