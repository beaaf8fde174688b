/**
 * Bake files at the repository root (docker/buildx bake: `docker-bake.json`, `docker-bake.override.json`,
 * `docker-bake.hcl`, `docker-bake.override.hcl`). JSON is parsed with source ranges (as YAML, a superset);
 * each target's context (default `.`), `dockerfile` (relative to the context, default `Dockerfile`), `args`
 * and `inherits` are read, and the file's `variable` block. HCL is read with the parser Bake uses (src/ci/hcl.ts),
 * which gives no source ranges: the transform finds where to insert and proves the edit by parsing again.
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { deref, keyOf, mapGet, mapKeys, scalarText } from './jobs.js';
import type { RepoLister } from './github.js';
import { joinPath } from './steps.js';
import { loadCiFile, position, type CiFile, type CiProblem } from './yaml.js';
import { parseHcl, type HclBody } from './hcl.js';

export const BAKE_JSON = ['docker-bake.json', 'docker-bake.override.json'];
export const BAKE_HCL = ['docker-bake.hcl', 'docker-bake.override.hcl'];

export interface BakeTarget {
  file: CiFile;
  /** JSON: the target's object and the file's root; null for HCL. */
  node: YAMLMap | null;
  root: YAMLMap | null;
  /** HCL: where the target is patched. */
  hcl?: HclSite;
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

/** A Bake HCL file as read: its text and its body as Bake's parser reads it (src/ci/hcl.ts). */
export interface HclFile {
  file: CiFile;
  parsed: HclBody;
}

/** Where an HCL target's args are patched, and what the transform needs to plan and prove the edit. */
export interface HclSite {
  /** Every Bake HCL file read, in Bake's order (docker-bake.hcl, then docker-bake.override.hcl). */
  files: HclFile[];
  /** The file whose block of the target gets the args: the first that defines it. */
  file: HclFile;
  /** The target's label. */
  target: string;
  /** The block's own `args`: absent, an object (its keys), or another expression (not extended). */
  args: 'none' | 'object' | 'expression';
  /** Each declared variable: the files that declare it, in order. */
  declaredIn: Map<string, HclFile[]>;
  /** The targets it inherits from, through their own `inherits` too. */
  parents: string[];
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
/** The bodies of `type` blocks labelled `label` in a parsed file (hcl2json: `{type: {label: [body, …]}}`). */
const bodies = (parsed: HclBody, type: string): Map<string, unknown[]> => {
  const m = parsed[type];
  return new Map(isObj(m) ? Object.entries(m).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]) : []);
};
/** A string attribute: its text, null for an expression or template (`${…}`), undefined when absent. */
const str = (v: unknown): string | null | undefined => (v === undefined ? undefined : typeof v === 'string' && !v.includes('${') ? v : null);
const strList = (v: unknown): string[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'string' && !x.includes('${')) ? (v as string[]) : null);

/**
 * The product of a target's `matrix` (docker/buildx bake: each key a list of values; the target builds once per
 * combination, and `${key}` in its attributes is that combination's value), or null when it is not lists of strings.
 */
function matrixRows(matrix: unknown): Map<string, string>[] | null {
  if (!isObj(matrix)) return null;
  let rows: Map<string, string>[] = [new Map()];
  for (const [k, v] of Object.entries(matrix)) {
    const list = strList(v);
    if (!list || !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k)) return null;
    rows = rows.flatMap((r) => list.map((x) => new Map([...r, [k, x]])));
    if (rows.length > 256) return null;
  }
  return rows;
}

/**
 * The Bake HCL files together, as buildx merges them (bake/hcl.go: one body; a target or variable defined in
 * several files or blocks is merged, later attributes over earlier ones, args key by key; a target takes the
 * attributes of the targets it `inherits`, later ones over earlier ones, its own over all; bake-reference.md
 * "Override files", "target.inherits"). Context and dockerfile must be string literals, or `${key}` of the
 * target's own `matrix` (each combination a candidate Dockerfile); anything else leaves the target unresolved.
 */
function loadHcl(files: HclFile[]): BakeTarget[] {
  const declaredIn = new Map<string, HclFile[]>();
  const defaults: BakeTarget['defaults'] = new Map();
  for (const f of files) {
    for (const [name, list] of bodies(f.parsed, 'variable')) {
      declaredIn.set(name, [...(declaredIn.get(name) ?? []), ...list.map(() => f)]);
      // bake/hclparser keeps the last block of a variable, whole (p.vars[name] = v).
      for (const body of list) {
        const d = isObj(body) ? body.default : undefined;
        defaults.set(name, { kind: !isObj(body) || !('default' in body) ? 'none' : d === null ? 'null' : d === '' ? 'empty' : 'value', node: null });
      }
    }
  }
  const variables = new Set(declaredIn.keys());
  /** Each target's bodies, in Bake's order, with the file of each. */
  const blocks = new Map<string, { f: HclFile; body: Record<string, unknown> }[]>();
  for (const f of files) {
    for (const [name, list] of bodies(f.parsed, 'target')) {
      for (const body of list) blocks.set(name, [...(blocks.get(name) ?? []), { f, body: isObj(body) ? body : {} }]);
    }
  }
  /** A merged attribute (the last block's that has it). */
  const attr = (name: string, key: string): unknown => [...(blocks.get(name) ?? [])].reverse().find((b) => key in b.body)?.body[key];
  const argKeys = (name: string): string[] | null => {
    const out: string[] = [];
    for (const b of blocks.get(name) ?? []) {
      if (!('args' in b.body)) continue;
      if (!isObj(b.body.args)) return null;
      out.push(...Object.keys(b.body.args));
    }
    return out;
  };
  const inheritsOf = (name: string): string[] | null => {
    const v = attr(name, 'inherits');
    return v === undefined ? [] : strList(v);
  };
  const chain = (name: string, depth = 0): string[] | null => {
    const inh = inheritsOf(name);
    if (inh === null || depth > 10) return null;
    const out: string[] = [];
    for (const n of inh) {
      if (!blocks.has(n)) return null;
      const up = chain(n, depth + 1);
      if (up === null) return null;
      out.push(...up, n);
    }
    return out;
  };
  const out: BakeTarget[] = [];
  for (const [name, list] of blocks) {
    const home = list[0].f;
    const at = new RegExp(`^[ \\t]*target[ \\t]+"${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`, 'm').exec(home.file.text);
    const before = home.file.text.slice(0, at ? at.index + at[0].indexOf('target') : 0);
    const pos = { line: before.split('\n').length, column: before.length - before.lastIndexOf('\n') };
    const own = list.filter((b) => b.f === home);
    const hcl: HclSite = { files, file: home, target: name, args: !('args' in own[0].body) ? 'none' : isObj(own[0].body.args) ? 'object' : 'expression', declaredIn, parents: [] };
    const base: BakeTarget = { file: home.file, node: null, root: null, hcl, name, passed: [], variables, defaults, dockerfile: null, ...pos };
    const parents = chain(name);
    if (own.length > 1) {
      out.push({ ...base, unresolved: `the target is defined twice in ${home.file.path}` });
      continue;
    }
    if (parents === null) {
      out.push({ ...base, unresolved: 'the target inherits from targets that cannot be read' });
      continue;
    }
    const keys = [name, ...parents].map(argKeys);
    if (keys.some((k) => k === null)) {
      // args written as an expression (merge(), a conditional): what it passes is not known here.
      out.push({ ...base, unresolved: 'its args are an expression' });
      continue;
    }
    base.passed = [...new Set(keys.flat() as string[])];
    hcl.parents = parents;
    const pick = (key: string) => [name, ...[...parents].reverse()].map((n) => attr(n, key)).find((v) => v !== undefined);
    if (pick('dockerfile-inline') !== undefined) {
      out.push({ ...base, unresolved: 'the Dockerfile is inline (dockerfile-inline)' });
      continue;
    }
    const ctx = pick('context');
    const df = pick('dockerfile');
    const rows = attr(name, 'matrix') === undefined ? [new Map<string, string>()] : matrixRows(attr(name, 'matrix'));
    if (rows === null) {
      out.push({ ...base, unresolved: 'its matrix is not lists of strings (or has more than 256 combinations)' });
      continue;
    }
    const seen = new Set<string>();
    for (const row of rows) {
      /** `${key}` of the matrix replaced; null when anything else is interpolated. */
      const sub = (v: unknown): string | null | undefined => {
        if (v === undefined) return undefined;
        if (typeof v !== 'string') return null;
        const t = v.replace(/\$\{([A-Za-z_][A-Za-z0-9_-]*)\}/g, (m, k: string) => row.get(k) ?? m);
        return str(t);
      };
      const c = sub(ctx);
      const d = sub(df);
      const t: BakeTarget = { ...base };
      if (c === null || d === null) t.unresolved = 'the context or dockerfile is an expression';
      else resolve(t, c ?? null, d ?? null);
      const key = t.dockerfile ?? `\0${t.unresolved}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(t);
    }
  }
  // A target only other targets inherit from (and no group names) is a helper, like docker/metadata-action's
  // `docker-metadata-action`: it builds nothing by itself.
  const grouped = new Set(files.flatMap((f) => [...bodies(f.parsed, 'group').values()].flat().flatMap((g) => (isObj(g) ? (strList(g.targets) ?? []) : []))));
  const inherited = new Set([...blocks.keys()].flatMap((n) => inheritsOf(n) ?? []));
  return out.filter((t) => !inherited.has(t.name) || grouped.has(t.name) || t.name === 'default');
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
  const hcl: HclFile[] = [];
  for (const n of BAKE_HCL) {
    const text = repo.read(n);
    if (text === null) continue;
    const parsed = parseHcl(text);
    if (parsed === null) {
      // hcl2-parser gives no message or position: Bake itself (`docker buildx bake --print`) shows where.
      problems.push({ path: n, kind: 'error', message: 'invalid HCL: the HCL parser rejects it (docker buildx bake --print shows where); not edited' });
      continue;
    }
    const file = { path: n, text } as CiFile;
    files.push(file);
    hcl.push({ file, parsed });
  }
  targets.push(...loadHcl(hcl));
  return files.length || targets.length ? { files, targets } : null;
}
