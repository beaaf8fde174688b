/**
 * Reading and writing files without ever leaving one damaged: text is decoded strictly (UTF-8, no NUL),
 * and writes go to a temp file in the same directory that is renamed over the original, keeping its mode,
 * after checking that nobody changed the file since it was read.
 */
import { closeSync, fchmodSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from './errors.js';

export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface ReadFile {
  text: string;
  mode: number;
  bytes: Buffer;
}

export function readText(path: string, maxBytes = DEFAULT_MAX_BYTES): ReadFile {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new InputError(`cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (st.isDirectory()) throw new InputError('is a directory');
  if (st.size > maxBytes) throw new InputError(`larger than the ${maxBytes}-byte limit (${st.size} bytes)`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(`cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InputError('is UTF-16 encoded; BuildKit reads Dockerfiles as UTF-8');
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new InputError(`contains a NUL byte at offset ${nul} (binary file?)`);
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new InputError('is not valid UTF-8');
  }
  return { text, mode: st.mode & 0o7777, bytes };
}

export class ConcurrentChangeError extends InputError {}

/** Replaces `path` with `text` atomically; refuses if its bytes are no longer `expected`. */
export function writeAtomic(path: string, text: string, expected: Buffer, mode: number): void {
  // No write bit for anyone: the owner asked for it to stay as it is (checked on the mode, since root
  // could write anyway).
  if ((mode & 0o222) === 0) throw new InputError('is read-only; not written');
  const tmp = join(dirname(path), `.${basename(path)}.argfix-${process.pid}-${Date.now().toString(36)}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o600);
  } catch (e) {
    throw new InputError(`cannot create a file beside it (${(e as NodeJS.ErrnoException).code ?? String(e)}); not written`);
  }
  try {
    try {
      fchmodSync(fd, mode); // the original mode exactly, whatever the umask
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (!readFileSync(path).equals(expected)) {
      throw new ConcurrentChangeError('changed on disk since it was read; not written');
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)}); not written`);
  }
}

/** A change to write once every file has been planned and verified. */
export interface PendingWrite {
  abs: string;
  text: string;
  /** The bytes the plan was made from: the write is refused if the file no longer has them. */
  expected: Buffer;
  mode: number;
  /** Called with the reason when this file could not be written. */
  failed(reason: InputError): void;
}

export interface WriteOutcome {
  written: number;
  /** The signal stopped the run before every file was written; the rest are untouched. */
  interrupted: boolean;
}

/**
 * Writes the pending changes one file at a time. Each write is synchronous (temp file, fsync, rename), so a
 * signal is only handled between files: every file ends up either old or new, and no temp file is left.
 */
export async function writeAll(pending: readonly PendingWrite[], signal?: AbortSignal): Promise<WriteOutcome> {
  let written = 0;
  for (const w of pending) {
    await new Promise((r) => setImmediate(r));
    if (signal?.aborted) return { written, interrupted: true };
    try {
      writeAtomic(w.abs, w.text, w.expected, w.mode);
      written++;
    } catch (e) {
      w.failed(e instanceof InputError ? e : new InputError(String(e)));
    }
  }
  return { written, interrupted: false };
}
