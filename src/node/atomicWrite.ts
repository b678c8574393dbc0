/**
 * Atomic file writes and model reads from disk (Node only).
 * A crash or full disk mid-write must never leave a half-written model under the real name,
 * so we write a temp file beside the target, fsync it, then rename it over the target.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ModelFileError } from '../core/io/errors';
import { decodeModelFile, type ModelFileContents } from '../core/io/modelFile';

/** Larger files are refused before reading: no real model is this big, and Buffers top out near here. */
export const MAX_MODEL_FILE_BYTES = 2 * 1024 * 1024 * 1024;

/** Same directory as the target, so the rename never crosses file systems; dot-prefixed to stay out of listings. */
function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
}

export function writeFileAtomic(target: string, bytes: Uint8Array): void {
  const tmp = tempPathFor(target);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx');
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
  } catch (err) {
    if (fd !== undefined) tryQuietly(() => fs.closeSync(fd!));
    tryQuietly(() => fs.unlinkSync(tmp));
    throw err;
  }
  syncDirectory(path.dirname(target));
}

export async function writeFileAtomicAsync(target: string, bytes: Uint8Array): Promise<void> {
  const tmp = tempPathFor(target);
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(tmp, 'wx');
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fsp.rename(tmp, target);
  } catch (err) {
    if (handle) await handle.close().catch(() => undefined);
    await fsp.unlink(tmp).catch(() => undefined);
    throw err;
  }
  syncDirectory(path.dirname(target));
}

/** Makes the rename itself durable on POSIX; directories cannot be opened this way on Windows, which is fine. */
function syncDirectory(dir: string): void {
  tryQuietly(() => {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  });
}

function tryQuietly(f: () => void): void {
  try {
    f();
  } catch {
    // Best effort: the original error (if any) is the one worth reporting.
  }
}

/** Reads and validates a model; every failure, including I/O, is a one-line ModelFileError naming the path. */
export function readModelFileFromDisk(file: string): ModelFileContents {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    throw new ModelFileError(ioProblem(err), file);
  }
  if (stat.isDirectory()) throw new ModelFileError('is a directory, not a model file', file);
  if (!stat.isFile()) throw new ModelFileError('is not a regular file', file);
  if (stat.size > MAX_MODEL_FILE_BYTES) {
    throw new ModelFileError(`is ${stat.size} bytes, larger than the 2 GiB limit`, file);
  }
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new ModelFileError(ioProblem(err), file);
  }
  try {
    return decodeModelFile(bytes);
  } catch (err) {
    if (err instanceof ModelFileError) throw new ModelFileError(err.detail, file);
    throw err;
  }
}

function ioProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  if (code === 'ENOTDIR') return 'does not exist (a parent is not a directory)';
  if (code === 'EISDIR') return 'is a directory, not a model file';
  const msg = err instanceof Error ? err.message : String(err);
  return `cannot be read (${msg.replace(/\s+/g, ' ')})`;
}
