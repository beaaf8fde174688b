/**
 * Bake files at the repository root (docker/buildx bake: `docker-bake.json`, `docker-bake.override.json`,
 * `docker-bake.hcl`, `docker-bake.override.hcl`). JSON is parsed with source ranges (as YAML, a superset);
 * each target's context (default `.`), `dockerfile` (relative to the context, default `Dockerfile`), `args`
 * and `inherits` are read, and the file's `variable` block. HCL has no parser with source ranges on npm, so
 * HCL targets are read shallowly (string-literal `context`/`dockerfile`, the keys of `args`) for a report.
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { deref, keyOf, mapGet, mapKeys, scalarText } from './jobs.js';
import type { RepoLister } from './github.js';
import { joinPath } from './steps.js';
import { loadCiFile, position, type CiFile, type CiProblem } from './yaml.js';

export const BAKE_JSON = ['docker-bake.json', 'docker-bake.override.json'];
export const BAKE_HCL = ['docker-bake.hcl', 'docker-bake.override.hcl'];

export interface BakeTarget {
  file: CiFile;
  /** JSON: the target's object and the file's root; null for HCL (report only). */
  node: YAMLMap | null;
  root: YAMLMap | null;
  name: string;
  /** Names passed in args, own and inherited. */
  passed: string[];
  /** Variables the file declares. */
  variables: Set<string>;
  /**
   * How each declared variable defaults (docker/buildx bake/hclparser resolveValue): without a `default` it is
   * the environment variable or "" (so `${V}` passes an empty value where the environment has none); with
   * `default = null` an unset one leaves the arg out and the Dockerfile default applies (bake-reference.md
   * "Variable"); with `default = ""` it is empty too. JSON: the variable's object, for adding a default.
   */
  defaults: Map<string, { kind: 'none' | 'null' | 'empty' | 'value'; node: YAMLMap | null }>;
  dockerfile: string | null;
  unresolved?: string;
  line: number;
  column: number;
}

function resolve(t: BakeTarget, ctx: string | null, df: string | null): void {
  const c = ctx ?? '.';
  if (c.includes('$') || (df ?? '').includes('$')) t.unresolved = 'the context or dockerfile is interpolated';
  else if (/^[a-z]+:\/\//.test(c) || /\.git(#|$)/.test(c) || c.startsWith('target:')) t.unresolved = `the context ${c} is not a local directory`;
  else {
    const base = joinPath('', c);
    t.dockerfile = base === null ? null : joinPath(base, df ?? 'Dockerfile');
    if (t.dockerfile === null) t.unresolved = 'the Dockerfile is outside the repository';
  }
}

function loadJson(file: CiFile): BakeTarget[] {
  const root = file.doc.contents;
  if (!isMap(root)) return [];
  const vars = mapGet(file, root, 'variable');
  const variables = new Set(isMap(vars) ? mapKeys(file, vars) : []);
  const defaults: BakeTarget['defaults'] = new Map();
  if (isMap(vars)) {
    for (const k of variables) {
      const v = mapGet(file, vars, k);
      if (!isMap(v)) {
        defaults.set(k, { kind: 'value', node: null });
        continue;
      }
      const d = mapGet(file, v, 'default');
      const kind = d === undefined ? 'none' : d === null || (isScalar(d) && d.value === null) ? 'null' : isScalar(d) && d.value === '' ? 'empty' : 'value';
      defaults.set(k, { kind, node: v });
    }
  }
  const targets = mapGet(file, root, 'target');
  if (!isMap(targets)) return [];
  const byName = new Map<string, YAMLMap>();
  for (const p of targets.items) {
    const k = keyOf(p);
    const v = deref(file, p.value);
    if (k !== null && isMap(v)) byName.set(k, v);
  }
  /** A key through the `inherits` chain (the target's own value first). */
  const get = (m: YAMLMap, key: string, depth = 0): Node | null | undefined => {
    const own = mapGet(file, m, key);
    if (own !== undefined || depth > 10) return own;
    const inh = mapGet(file, m, 'inherits');
    for (const n of isSeq(inh) ? [...inh.items].reverse() : []) {
      const parent = byName.get(scalarText(file, deref(file, n as Node)) ?? '');
      const got = parent ? get(parent, key, depth + 1) : undefined;
      if (got !== undefined) return got;
    }
    return undefined;
  };
  const argNames = (m: YAMLMap, depth = 0): string[] => {
    const own = mapGet(file, m, 'args');
    const out = isMap(own) ? mapKeys(file, own) : [];
    const inh = mapGet(file, m, 'inherits');
    if (depth < 10) for (const n of isSeq(inh) ? inh.items : []) {
      const parent = byName.get(scalarText(file, deref(file, n as Node)) ?? '');
      if (parent) out.push(...argNames(parent, depth + 1));
    }
    return out;
  };
  const out: BakeTarget[] = [];
  for (const p of targets.items) {
    const name = keyOf(p);
    const m = byName.get(name ?? '');
    if (name === null || !m) continue;
    const t: BakeTarget = { file, node: m, root, name, passed: argNames(m), variables, defaults, dockerfile: null, ...position(file, (p.key as Node).range?.[0] ?? 0) };
    if (get(m, 'dockerfile-inline') !== undefined) t.unresolved = 'the Dockerfile is inline (dockerfile-inline)';
    else resolve(t, scalarText(file, get(m, 'context') ?? null), scalarText(file, get(m, 'dockerfile') ?? null));
    out.push(t);
  }
  // A target only other targets inherit from (and no group names) is a helper: it builds nothing by itself.
  const names = (n: Node | null | undefined) => (isSeq(n) ? n.items.map((x) => scalarText(file, deref(file, x as Node)) ?? '') : []);
  const inherited = new Set([...byName.values()].flatMap((m) => names(mapGet(file, m, 'inherits'))));
  const groups = deref(file, mapGet(file, root, 'group') ?? null);
  const grouped = new Set(isMap(groups) ? mapKeys(file, groups).flatMap((g) => {
    const body = deref(file, mapGet(file, groups, g) ?? null);
    return isMap(body) ? names(deref(file, mapGet(file, body, 'targets') ?? null)) : [];
  }) : []);
  return out.filter((t) => !inherited.has(t.name) || grouped.has(t.name) || t.name === 'default');
}

/** The body of the `{` block starting at `open`, skipping strings; null when unbalanced. */
function block(text: string, open: number): string | null {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      i = text.indexOf('\n', i);
      if (i < 0) return null;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  return null;
}

/** Depth-0 text of a block body (nested blocks and strings blanked), for matching keys of the block itself. */
function topLevel(body: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '{' || c === '[' || c === '(') depth++;
    if (depth === 0) out += c;
    else out += c === '\n' ? '\n' : ' ';
    if (c === '}' || c === ']' || c === ')') depth--;
  }
  return out;
}

/** The string literals of an HCL list value (`["a", "b"]`), or null when it holds anything else. */
function stringList(value: string): string[] | null {
  const m = /^\[([\s\S]*)\]$/.exec(value.trim());
  if (!m) return null;
  const items = m[1].split(',').map((x) => x.trim()).filter(Boolean);
  const out: string[] = [];
  for (const it of items) {
    const q = /^"([^"$]*)"$/.exec(it);
    if (!q) return null;
    out.push(q[1]);
  }
  return out;
}

interface HclTarget {
  t: BakeTarget;
  ctx: string | null | undefined;
  df: string | null | undefined;
  /** Parent targets (null: not a list of string literals). */
  inherits: string[] | null;
  args: string[];
}

function loadHcl(path: string, text: string): BakeTarget[] {
  const file = { path, text } as CiFile;
  const variables = new Set([...text.matchAll(/^\s*variable\s+"([A-Za-z_][A-Za-z0-9_]*)"/gm)].map((m) => m[1]));
  const defaults: BakeTarget['defaults'] = new Map();
  for (const m of text.matchAll(/^\s*variable\s+"([A-Za-z_][A-Za-z0-9_]*)"\s*\{/gm)) {
    const body = block(text, m.index! + m[0].length - 1);
    const d = body === null ? null : /^\s*default\s*=\s*(.*?)\s*$/m.exec(topLevel(body));
    const raw = d ? /^\s*default\s*=\s*(.*?)\s*$/m.exec(body!)![1] : null;
    defaults.set(m[1], { kind: body === null ? 'value' : raw === null ? 'none' : raw === 'null' ? 'null' : raw === '""' ? 'empty' : 'value', node: null });
  }
  const all: HclTarget[] = [];
  for (const m of text.matchAll(/^\s*target\s+"([^"]+)"\s*\{/gm)) {
    const open = m.index! + m[0].length - 1;
    const body = block(text, open);
    const before = text.slice(0, m.index! + m[0].indexOf('target'));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    const t: BakeTarget = { file, node: null, root: null, name: m[1], passed: [], variables, defaults, dockerfile: null, line, column };
    const h: HclTarget = { t, ctx: undefined, df: undefined, inherits: [], args: [] };
    all.push(h);
    if (body === null) {
      t.unresolved = 'the target block could not be read';
      continue;
    }
    const top = topLevel(body);
    const str = (key: string): string | null | undefined => {
      const k = new RegExp(`^\\s*${key}\\s*=\\s*(.*)$`, 'm').exec(top);
      if (!k) return undefined;
      const v = new RegExp(`^\\s*${key}\\s*=\\s*"([^"$]*)"\\s*$`, 'm').exec(body);
      return v ? v[1] : null;
    };
    h.ctx = str('context');
    h.df = str('dockerfile');
    const inh = /^\s*inherits\s*=/m.exec(top);
    if (inh) {
      const open2 = body.indexOf('[', inh.index);
      const close = open2 < 0 ? -1 : body.indexOf(']', open2);
      h.inherits = close < 0 ? null : stringList(body.slice(open2, close + 1));
    }
    // In `top` the braces of nested blocks are blanked: find the key there, its `{` in the body.
    const args = /^\s*args\s*=\s*$/m.exec(top) ?? /^\s*args\s*=/m.exec(top);
    if (args) {
      const a = block(body, body.indexOf('{', args.index));
      for (const k of (a ?? '').matchAll(/^\s*"?([A-Za-z_][A-Za-z0-9_]*)"?\s*=/gm)) h.args.push(k[1]);
    }
  }
  // docker/buildx bake: a target takes the attributes of the targets it inherits (later ones win), its own win
  // over them; args merge. Followed for string literals; anything else leaves the target unresolved.
  const byName = new Map(all.map((h) => [h.t.name, h]));
  const chain = (h: HclTarget, depth = 0): HclTarget[] | null => {
    if (h.inherits === null || depth > 10) return null;
    const out: HclTarget[] = [];
    for (const n of h.inherits) {
      const parent = byName.get(n);
      if (!parent) return null;
      const up = chain(parent, depth + 1);
      if (up === null) return null;
      out.push(...up, parent);
    }
    return out;
  };
  for (const h of all) {
    if (h.t.unresolved) continue;
    const parents = chain(h);
    if (parents === null) {
      h.t.unresolved = 'the target inherits from targets that cannot be read';
      continue;
    }
    const pick = (k: 'ctx' | 'df') => [h, ...[...parents].reverse()].map((x) => x[k]).find((v) => v !== undefined);
    h.t.passed = [...new Set([...parents.flatMap((p) => p.args), ...h.args])];
    const ctx = pick('ctx');
    const df = pick('df');
    if (ctx === null || df === null) h.t.unresolved = 'the context or dockerfile is an expression';
    else resolve(h.t, ctx ?? null, df ?? null);
  }
  // A target only other targets inherit from (and no group names) is a helper, like docker/metadata-action's
  // `docker-metadata-action`: it builds nothing by itself.
  const grouped = new Set([...text.matchAll(/^\s*targets\s*=\s*(\[[^\]]*\])/gm)].flatMap((m) => stringList(m[1]) ?? []));
  const inherited = new Set(all.flatMap((h) => h.inherits ?? []));
  return all.filter((h) => !inherited.has(h.t.name) || grouped.has(h.t.name) || h.t.name === 'default').map((h) => h.t);
}

/**
 * Why `text` is not JSON (buildx reads a `.json` Bake file with HCL's JSON parser, which takes JSON only), with
 * where, or null. The YAML parser the file is then read with for its source ranges accepts more (trailing
 * commas, comments, single quotes), so JSON is checked first: an edit is never planned on a file Bake refuses.
 */
export function jsonProblem(text: string): { message: string; line: number; column: number } | null {
  try {
    JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return null;
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    const m = /at position (\d+)/.exec(raw);
    let at = m ? Number(m[1]) + (text.charCodeAt(0) === 0xfeff ? 1 : 0) : text.length;
    let message = raw.replace(/ in JSON at position \d+.*$/s, '').replace(/^Unexpected end of JSON input$/, 'unexpected end of input');
    // `,` then `}` or `]`: name the comma, where the fix is.
    if (text[at] === '}' || text[at] === ']') {
      let c = at - 1;
      while (c >= 0 && /\s/.test(text[c])) c--;
      if (text[c] === ',') {
        at = c;
        message = `trailing comma before ${text[m ? Number(m[1]) : at]} (JSON allows none)`;
      }
    }
    const before = text.slice(0, at);
    return { message: `invalid JSON: ${message}; not edited`, line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
  }
}

export function loadBake(repo: RepoLister, problems: CiProblem[] = []): { files: CiFile[]; targets: BakeTarget[] } | null {
  const files: CiFile[] = [];
  const targets: BakeTarget[] = [];
  for (const n of BAKE_JSON) {
    const text = repo.read(n);
    if (text === null) continue;
    const bad = jsonProblem(text);
    if (bad) {
      problems.push({ path: n, kind: 'error', ...bad });
      continue;
    }
    const file = loadCiFile(n, text, problems);
    if (!file) continue;
    files.push(file);
    targets.push(...loadJson(file));
  }
  for (const n of BAKE_HCL) {
    const text = repo.read(n);
    if (text === null) continue;
    const hcl = loadHcl(n, text);
    // Listed for the report only: never edited.
    if (hcl.length) files.push(hcl[0].file);
    targets.push(...hcl);
  }
  return files.length || targets.length ? { files, targets } : null;
}
