/**
 * Job matrices (issue 13 item 1): the jobs a matrix runs, each as a map of key → literal value, so a build whose
 * `-f`, context or `file:`/`context:` uses a matrix value can be resolved once per job and every Dockerfile it
 * builds checked.
 *
 * GitHub `strategy.matrix` (docs.github.com "Running variations of jobs in a workflow"): the cartesian product of
 * the keys' lists, `exclude` entries (partial matches) removed first, then each `include` entry added to every
 * combination it does not change an original value of (values added by an earlier include may be overwritten),
 * or appended as a combination of its own when it fits none; at most 256 jobs. A matrix, list or entry written
 * as an expression (`${{ fromJSON(…) }}`) cannot be read: null.
 *
 * GitLab `parallel:matrix`: src/ci/jobs.ts gitlabMatrixCells.
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { deref, mapGet, mapKeys, scalarText } from './jobs.js';
import type { CiFile } from './yaml.js';

/** One job of a matrix: key (a nested object's keys as `key.sub`) → value. */
export type MatrixCell = Map<string, string>;

const GITHUB_MAX = 256;

/** A matrix value's leaves: `key` → text for a scalar, `key.sub` → text for an object's scalars; null when unreadable. */
function leaves(file: CiFile, key: string, node: Node | null, out: MatrixCell, depth = 0): boolean {
  const n = deref(file, node);
  if (isMap(n)) {
    if (depth > 8) return false;
    for (const k of mapKeys(file, n)) if (!leaves(file, `${key}.${k}`, mapGet(file, n, k) ?? null, out, depth + 1)) return false;
    return true;
  }
  if (isSeq(n)) return true; // a list as a value: not a path a build can use; an expression naming it stays unknown
  const t = n === null ? '' : isScalar(n) ? scalarText(file, n) : null;
  if (t === null || t.includes('${{')) return false;
  out.set(key, t.replace(/^(["'])(.*)\1$/s, '$2'));
  return true;
}

/** An entry's leaves grouped by top-level key (a serialized form to compare whole values). */
function entryOf(file: CiFile, m: Node | null): { leaves: MatrixCell; top: Map<string, string> } | null {
  const e = deref(file, m);
  if (!isMap(e)) return null;
  const out: MatrixCell = new Map();
  const top = new Map<string, string>();
  for (const k of mapKeys(file, e)) {
    const own: MatrixCell = new Map();
    if (!leaves(file, k, mapGet(file, e, k) ?? null, own)) return null;
    for (const [p, v] of own) out.set(p, v);
    top.set(k, JSON.stringify([...own]));
  }
  return { leaves: out, top };
}

/** The jobs of a GitHub `strategy.matrix` (see the module comment), or null when it cannot be read. */
export function githubMatrixCells(file: CiFile, node: Node | null | undefined): MatrixCell[] | null {
  const m = deref(file, node ?? null);
  if (!isMap(m)) return null;
  type Cell = { values: MatrixCell; top: Map<string, string> };
  let cells: Cell[] | null = null;
  for (const k of mapKeys(file, m)) {
    if (k === 'include' || k === 'exclude') continue;
    const list = deref(file, mapGet(file, m, k) ?? null);
    if (!isSeq(list)) return null;
    const options: Cell[] = [];
    for (const it of list.items) {
      const own: MatrixCell = new Map();
      if (!leaves(file, k, it as Node, own)) return null;
      options.push({ values: own, top: new Map([[k, JSON.stringify([...own])]]) });
    }
    const base: Cell[] = cells ?? [{ values: new Map(), top: new Map() }];
    cells = base.flatMap((c) => options.map((o) => ({ values: new Map([...c.values, ...o.values]), top: new Map([...c.top, ...o.top]) })));
    if (cells.length > GITHUB_MAX * 4) return null;
  }
  let out: Cell[] = cells ?? [];
  const part = (k: 'include' | 'exclude') => {
    const n = deref(file, mapGet(file, m, k) ?? null);
    if (n === null) return [];
    if (!isSeq(n)) return null;
    const entries = n.items.map((it) => entryOf(file, it as Node));
    return entries.some((e) => e === null) ? null : (entries as NonNullable<ReturnType<typeof entryOf>>[]);
  };
  const exclude = part('exclude');
  const include = part('include');
  if (exclude === null || include === null) return null;
  // An exclude entry removes every combination that has each of its values.
  out = out.filter((c) => !exclude.some((e) => [...e.leaves].every(([p, v]) => c.values.get(p) === v)));
  const original = out.map((c) => c.top);
  const added: Cell[] = [];
  for (const inc of include) {
    let used = false;
    out.forEach((c, i) => {
      // Added only where none of its values overwrites an original matrix value of the combination.
      if ([...inc.top].some(([k, v]) => original[i].has(k) && original[i].get(k) !== v)) return;
      used = true;
      for (const k of inc.top.keys()) for (const p of [...c.values.keys()]) if (p === k || p.startsWith(`${k}.`)) c.values.delete(p);
      for (const [p, v] of inc.leaves) c.values.set(p, v);
    });
    if (!used) added.push({ values: new Map(inc.leaves), top: inc.top });
  }
  const all = [...out, ...added].map((c) => c.values);
  return all.length > 0 && all.length <= GITHUB_MAX ? all : null;
}

/**
 * The value of matrix key `key` in `cell`: GitHub gives a key another job of the matrix has an empty value;
 * null when no job of the matrix has it (an unknown key).
 */
export function cellValue(cells: readonly MatrixCell[], cell: MatrixCell, key: string): string | null {
  const v = cell.get(key);
  if (v !== undefined) return v;
  return cells.some((c) => c.has(key)) ? '' : null;
}

const MATRIX_IN_TEXT = /\$\{\{\s*matrix\.([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\s*\}\}/g;

/**
 * A `with:` input's text in one job of the matrix: each `${{ matrix.KEY }}` replaced by its value (GitHub
 * substitutes before the action sees it); null when another expression or an unknown key remains.
 */
export function substituteMatrix(text: string, cells: readonly MatrixCell[], cell: MatrixCell): string | null {
  let unknown = false;
  const out = text.replace(MATRIX_IN_TEXT, (_m, key: string) => {
    const v = cellValue(cells, cell, key);
    if (v === null) unknown = true;
    return v ?? '';
  });
  return unknown || out.includes('${{') ? null : out;
}

/** The matrix keys a text names as `${{ matrix.KEY }}`. */
export function matrixKeysIn(text: string): string[] {
  return [...new Set([...text.matchAll(MATRIX_IN_TEXT)].map((m) => m[1]))];
}
