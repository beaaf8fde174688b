/** Test trees: a directory as data, and two runs of the tool on a generated repository. */

/** A directory as data: every file below it by its `/`-separated relative path, read as latin1 (bytes kept). */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { runJson } from './ci-fixtures.js';

export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p).split('\\').join('/')] = readFileSync(p, 'latin1');
    }
  };
  walk(dir);
  return out;
}

export interface TwoRuns<R> {
  first: { code: number; err: string; report: R };
  second: { code: number; err: string; report: R };
  /** The tree after each run. */
  after1: Record<string, string>;
  after2: Record<string, string>;
}

/**
 * `files` laid out in a temp directory and the tool run on it twice in write mode (`ci`: the --ci systems),
 * memoised by the files (a property's shrinking asks again for the same repository).
 */
export function twoRuns<R>(prefix: string, ci?: string[]): (files: Record<string, string>) => Promise<TwoRuns<R>> {
  const memo = new Map<string, Promise<TwoRuns<R>>>();
  return (files) => {
    const key = JSON.stringify(files);
    let p = memo.get(key);
    if (!p) {
      p = (async () => {
        const dir = mkdtempSync(join(tmpdir(), prefix));
        try {
          for (const [path, text] of Object.entries(files)) {
            mkdirSync(dirname(join(dir, path)), { recursive: true });
            writeFileSync(join(dir, path), text);
          }
          const first = await runJson<R>(dir, true, ci);
          const after1 = tree(dir);
          const second = await runJson<R>(dir, true, ci);
          return { first, second, after1, after2: tree(dir) };
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      })();
      if (memo.size > 5000) memo.clear();
      memo.set(key, p);
    }
    return p;
  };
}
