/**
 * Reading and writing files without ever leaving one damaged: text is decoded strictly (UTF-8, no NUL),
 * and writes go to a temp file in the same directory that is renamed over the original, keeping its mode,
 * after checking that nobody changed the file since it was read. A repository's files are written all or
 * nothing (prepareWrites): every file is checked and staged in a temp file before the first rename.
 */
import { closeSync, fchmodSync, fsyncSync, lstatSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
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
  if (!st.isFile()) throw new InputError('is not a regular file');
  if (st.size > maxBytes) throw new InputError(`larger than the ${maxBytes}-byte limit (${st.size} bytes)`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(`cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return { text: decodeStrict(bytes), mode: st.mode & 0o7777, bytes };
}

/** A Dockerfile's bytes as text, strictly: UTF-16, a NUL byte or invalid UTF-8 is an InputError. */
export function decodeStrict(bytes: Uint8Array): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InputError('is UTF-16 encoded; BuildKit reads Dockerfiles as UTF-8');
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new InputError(`contains a NUL byte at offset ${nul} (binary file?)`);
  try {
    return decoder.decode(bytes);
  } catch {
    throw new InputError('is not valid UTF-8');
  }
}

export class ConcurrentChangeError extends InputError {}

/** Temp files not yet renamed or removed: removed on exit too (a second signal exits at once). */
const live = new Set<string>();
let exitHook = false;
function track(tmp: string): void {
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const t of live) {
        try {
          unlinkSync(t);
        } catch {
          /* already gone */
        }
      }
    });
  }
  live.add(tmp);
}
function drop(tmp: string): void {
  live.delete(tmp);
  try {
    unlinkSync(tmp);
  } catch {
    /* already gone */
  }
}

/**
 * Whether `path` may be replaced: a regular file (not a symbolic link: a link is never replaced), with one link
 * (a new file would split hard links, and writing in place through the inode is not atomic), a write bit (checked
 * on the mode, since root could write anyway), and still the bytes the plan was made from.
 */
function checkTarget(path: string, expected: Buffer, mode: number): void {
  if ((mode & 0o222) === 0) throw new InputError('is read-only; not written');
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConcurrentChangeError('vanished since it was read; not written');
    throw new InputError(`cannot write (${code ?? String(e)}); not written`);
  }
  if (st.isSymbolicLink()) throw new ConcurrentChangeError('is a symbolic link now; a link is never replaced; not written');
  if (!st.isFile()) throw new ConcurrentChangeError('is no longer a regular file; not written');
  if ((st.mode & 0o222) === 0) throw new InputError('is read-only; not written');
  if (st.nlink > 1) throw new InputError(`has ${st.nlink} hard links: a new file would split them, and writing in place is not atomic; not written`);
  let now: Buffer;
  try {
    now = readFileSync(path);
  } catch (e) {
    throw new InputError(`cannot read it again (${(e as NodeJS.ErrnoException).code ?? String(e)}); not written`);
  }
  if (!now.equals(expected)) throw new ConcurrentChangeError('changed on disk since it was read; not written');
}

/** Writes `content` to a new temp file beside `path` with `mode` exactly (whatever the umask), synced. */
function tempBeside(path: string, content: string | Buffer, mode: number): string {
  const tmp = join(dirname(path), `.${basename(path)}.argfix-${process.pid}-${Date.now().toString(36)}-${(seq++).toString(36)}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o600);
  } catch (e) {
    throw new InputError(`cannot create a file beside it (${(e as NodeJS.ErrnoException).code ?? String(e)}); not written`);
  }
  track(tmp);
  try {
    try {
      fchmodSync(fd, mode);
      writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    drop(tmp);
    throw new InputError(`cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)}); not written`);
  }
  return tmp;
}
let seq = 0;

/** Renames `tmp` over `path` after checking once more that `path` holds `expected`; removes `tmp` on failure. */
function replace(tmp: string, path: string, expected: Buffer, mode: number): void {
  try {
    checkTarget(path, expected, mode);
    renameSync(tmp, path);
    live.delete(tmp);
  } catch (e) {
    drop(tmp);
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)}); not written`);
  }
}

/** Replaces `path` with `text` atomically; refuses if its bytes are no longer `expected`. */
export function writeAtomic(path: string, text: string | Buffer, expected: Buffer, mode: number): void {
  checkTarget(path, expected, mode);
  replace(tempBeside(path, text, mode), path, expected, mode);
}

/** A change to write once every file has been planned and verified. */
export interface PendingWrite {
  abs: string;
  text: string;
  /** The bytes the plan was made from: the write is refused if the file no longer has them. */
  expected: Buffer;
  mode: number;
}

export interface WriteFailure {
  write: PendingWrite;
  error: InputError;
}

/** What became of one repository's writes. */
export interface CommitOutcome {
  /** Files now holding their new text. */
  written: number;
  /** The file(s) that could not be written; when any, the others were rolled back (see notRestored). */
  failures: WriteFailure[];
  /** Files already written when a later one failed that could not be put back as they were read. */
  notRestored: WriteFailure[];
}

/** One repository's files, each already in a synced temp file beside it: commit() renames them all. */
export interface Prepared {
  commit(hooks?: { beforeRename?(index: number): void }): CommitOutcome;
  /** Removes the temp files: nothing is written. */
  abort(): void;
}

export interface PrepareOutcome {
  /** Null when a file failed its checks (see failures) or the signal came: nothing was written. */
  prepared: Prepared | null;
  failures: WriteFailure[];
  interrupted: boolean;
}

/**
 * All or nothing for one repository, phase 1: checks every file (a regular file, not a link, one hard link,
 * writable, still the bytes read) and writes each new text to a synced temp file beside it. Any failure, or the
 * signal (checked between files), removes the temp files: nothing is written. Phase 2 (commit) only renames,
 * synchronously, checking each file once more; if a rename still fails (a race), the files already renamed are
 * put back from the bytes read, each atomically and only if it still holds the new text.
 */
export async function prepareWrites(writes: readonly PendingWrite[], signal?: AbortSignal): Promise<PrepareOutcome> {
  const failures: WriteFailure[] = [];
  const temps: string[] = [];
  const abort = () => temps.splice(0).forEach(drop);
  const seen = new Set<string>();
  for (const w of writes) {
    await new Promise((r) => setImmediate(r));
    if (signal?.aborted) {
      abort();
      return { prepared: null, failures: [], interrupted: true };
    }
    try {
      if (seen.has(w.abs)) throw new InputError('planned twice in one run (internal error); not written');
      seen.add(w.abs);
      checkTarget(w.abs, w.expected, w.mode);
      if (failures.length === 0) temps.push(tempBeside(w.abs, w.text, w.mode));
    } catch (e) {
      failures.push({ write: w, error: e instanceof InputError ? e : new InputError(String(e)) });
      abort();
    }
  }
  if (failures.length > 0) return { prepared: null, failures, interrupted: false };
  let done = false;
  return {
    interrupted: false,
    failures,
    prepared: {
      abort: () => {
        if (!done) abort();
        done = true;
      },
      commit: (hooks) => {
        if (done) throw new Error('already committed or aborted');
        done = true;
        const renamed: PendingWrite[] = [];
        const out: CommitOutcome = { written: 0, failures: [], notRestored: [] };
        for (let i = 0; i < writes.length; i++) {
          const w = writes[i];
          try {
            hooks?.beforeRename?.(i);
            replace(temps[i], w.abs, w.expected, w.mode);
            renamed.push(w);
          } catch (e) {
            out.failures.push({ write: w, error: e instanceof InputError ? e : new InputError(String(e)) });
            temps.slice(i + 1).forEach(drop);
            for (const r of renamed.reverse()) {
              try {
                writeAtomic(r.abs, r.expected, Buffer.from(r.text, 'utf8'), r.mode);
              } catch (err) {
                out.notRestored.push({ write: r, error: err instanceof InputError ? err : new InputError(String(err)) });
              }
            }
            out.written = out.notRestored.length;
            return out;
          }
        }
        out.written = renamed.length;
        return out;
      },
    },
  };
}
