/**
 * The GitLab job model (gitlabhq doc/ci/yaml/index.md, yaml_optimization.md): every job's effective
 * `before_script` + `script` (one shell), through `default:`, `extends` chains (hashes deep-merged, arrays
 * replaced), `<<:` merge keys, aliases and `!reference`, each item kept as the scalar node where it is
 * written, so edits land on the shared definition once. Also the job's variables (global, `extends`,
 * job, `parallel:matrix`).
 */
import { isAlias, isMap, isScalar, isSeq, visit, type Alias, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { combine, POSIX, WINDOWS_IMAGE, WINDOWS_LABEL, type ShellChoice } from './dialect.js';
import type { Job, JobVariable, ScriptItem } from './model.js';
import { GITLAB } from './platform.js';
import { position, type CiFile, type CiSource } from './yaml.js';

/** Why a variable's value node says empty: a null (`V:`, `V: ~`, `V: null`) or an empty string; else undefined. */
export function emptyValue(node: Node | null | undefined, what = 'defined'): string | undefined {
  if (node === undefined) return `${what} without a value`;
  if (node === null || (isScalar(node) && node.value === null)) return `${what} as null, an empty value`;
  if (isScalar(node) && node.value === '') return `${what} as an empty string`;
  return undefined;
}

const RESERVED = new Set([
  'default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache', 'before_script',
  'after_script', 'types', 'spec', 'pages:deploy',
]);

interface Located {
  file: CiFile;
  node: Node | null;
}

export const keyOf = (p: Pair): string | null => (isScalar(p.key) ? (p.key.value === undefined ? String(p.key.source) : String(p.key.value)) : null);
export const isMerge = (p: Pair) => isScalar(p.key) && (p.key.source === '<<' || p.key.value === '<<');

interface AliasTable {
  /** Each alias in the document → what `Alias.resolve(doc)` returns for it. */
  at: Map<Alias, Node | undefined>;
  /** The last node with each anchor: what `resolve(doc)` returns for an alias that is not in the document. */
  last: Map<string, Node>;
}
const aliasTables = new WeakMap<CiFile['doc'], AliasTable>();

/**
 * `Alias.resolve(doc)` walks the whole document each time (the anchors and aliases in visit order, then the
 * last node before the alias with its anchor); one walk per document answers every alias the same way.
 */
function aliasTable(doc: CiFile['doc']): AliasTable {
  let t = aliasTables.get(doc);
  if (t) return t;
  const at = new Map<Alias, Node | undefined>();
  const last = new Map<string, Node>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node) && !at.has(node)) at.set(node, last.get(node.source));
      const anchor = (node as { anchor?: string }).anchor;
      if (anchor) last.set(anchor, node);
    },
  });
  t = { at, last };
  aliasTables.set(doc, t);
  return t;
}

export function deref(file: CiFile, node: unknown): Node | null {
  let n = node as Node | null;
  for (let k = 0; k < 20 && isAlias(n); k++) {
    const t = aliasTable(file.doc);
    n = (t.at.has(n) ? t.at.get(n) : t.last.get(n.source)) ?? null;
  }
  return n ?? null;
}

/**
 * The mappings whose entries `node` holds: itself (through an alias) and, for a mapping, the sources of its
 * `<<:` merge keys, transitively. An entry added to any of them may become one of `node`'s.
 */
export function mergeSources(file: CiFile, node: Node | null | undefined, out = new Set<Node>(), depth = 0): Set<Node> {
  const n = deref(file, node ?? null);
  if (!n || out.has(n) || depth > 20) return out;
  out.add(n);
  if (isMap(n)) {
    for (const p of n.items) {
      if (!isMerge(p)) continue;
      const v = deref(file, p.value);
      for (const s of isSeq(v) ? v.items : [v]) mergeSources(file, s as Node, out, depth + 1);
    }
  }
  return out;
}

/** A map's explicit pairs by key (the first of each) and its `<<:` pairs, computed once per map. */
interface KeyIndex {
  byKey: Map<string, Pair>;
  merges: Pair[];
  /** mapKeys' answer, once computed (merge sources are resolved through the map's own document). */
  keys?: string[];
}
const keyIndexes = new WeakMap<YAMLMap, KeyIndex>();

/**
 * The index of a map's keys: nothing edits a parsed document, so one pass over its pairs answers every later
 * look-up in constant time (a job model looks the same keys up in every job, and the root map has one key per
 * job: scanning it per job made the model quadratic in the number of jobs).
 */
function keyIndex(map: YAMLMap): KeyIndex {
  let ix = keyIndexes.get(map);
  if (ix) return ix;
  ix = { byKey: new Map(), merges: [] };
  for (const p of map.items) {
    if (isMerge(p)) {
      ix.merges.push(p);
      continue;
    }
    const k = keyOf(p);
    if (k !== null && !ix.byKey.has(k)) ix.byKey.set(k, p);
  }
  keyIndexes.set(map, ix);
  return ix;
}

/** A map's value for `key`, explicit pairs first, then `<<:` sources in order. */
export function mapGet(file: CiFile, map: YAMLMap, key: string, depth = 0): Node | null | undefined {
  const ix = keyIndex(map);
  const own = ix.byKey.get(key);
  if (own) return deref(file, own.value);
  if (depth > 10) return undefined;
  for (const p of ix.merges) {
    const v = deref(file, p.value);
    const sources = isSeq(v) ? v.items.map((x) => deref(file, x)) : [v];
    for (const s of sources) {
      if (!isMap(s)) continue;
      const got = mapGet(file, s, key, depth + 1);
      if (got !== undefined) return got;
    }
  }
  return undefined;
}

/** All keys of a map, merges included (explicit pairs win). */
export function mapKeys(file: CiFile, map: YAMLMap, depth = 0): string[] {
  const ix = keyIndex(map);
  if (ix.keys && depth === 0) return ix.keys.slice();
  const keys = new Set<string>();
  for (const p of map.items) {
    if (isMerge(p)) {
      if (depth > 10) continue;
      const v = deref(file, p.value);
      for (const s of isSeq(v) ? v.items.map((x) => deref(file, x)) : [v]) if (isMap(s)) for (const k of mapKeys(file, s, depth + 1)) keys.add(k);
    } else {
      const k = keyOf(p);
      if (k !== null) keys.add(k);
    }
  }
  const out = [...keys];
  if (depth === 0) ix.keys = out.slice();
  return out;
}

/**
 * A map of environment variables (`env:`, `environment:`) into `out`: each as a JobVariable whose value is the
 * literal text, or null when `literal` says the CI expands it (a `$`, by default).
 */
export function addEnvMap(
  out: Map<string, JobVariable>,
  file: CiFile,
  node: Node | null | undefined,
  where: string,
  literal: (text: string) => boolean = (t) => !t.includes('$'),
): void {
  const m = deref(file, node ?? null);
  if (!isMap(m)) return;
  for (const k of mapKeys(file, m)) {
    const v = mapGet(file, m, k);
    const text = scalarText(file, v ?? null);
    const at = position(file, (v ?? m).range?.[0] ?? 0);
    const empty = emptyValue(v ?? null, `${where} defines it`);
    out.set(k, {
      value: text !== null && literal(text) && !empty ? text : null,
      source: `${where} in ${file.path}:${at.line}`,
      ...(text !== null ? { raw: text } : {}),
      ...(empty ? { empty } : {}),
    });
  }
}

export function scalarText(file: CiFile, n: Node | null | undefined): string | null {
  if (!isScalar(n)) return null;
  if (n.type === 'PLAIN' && n.range) return file.text.slice(n.range[0], n.range[1]);
  return n.value === null ? '' : String(n.value);
}

export interface JobModel {
  jobs: Job[];
  /** Problems met while resolving (unknown `extends`, unresolvable `!reference`). */
  notes: { file: CiFile; offset: number; message: string }[];
  /** What each job was read from, for a later model over partly the same files (buildJobModel's `prior`). */
  inputs?: ReadonlyMap<string, JobInputs>;
  /** The values the global `variables:` give (JSON), which every job takes (those its `inherit:` keeps). */
  globals?: string;
}

/** A definition of a job name (or hidden job) in one file. */
interface Def {
  file: CiFile;
  map: YAMLMap;
  keyNode: Node;
}

/**
 * What one job of a model was read from: the definitions of every name it looked up (its own, its `extends` chain,
 * its `!reference`s), the `default:` keywords it asked for and the top-level before_script when it took it, each
 * as found (by identity). A job reads the documents only through these, and the global variables (JobModel.globals).
 */
interface Reading {
  defs: Map<string, readonly Def[] | undefined>;
  defaults: Map<string, Located | undefined>;
  rootBefore?: { got: Located | undefined };
}
interface JobInputs extends Reading {
  job: Job;
  notes: JobModel['notes'];
}

const sameLocated = (a: Located | undefined, b: Located | undefined) => a === b || (a !== undefined && b !== undefined && a.file === b.file && a.node === b.node);

/**
 * The GitLab jobs of `src`. With `prior` (the model of the same pipeline before some of its files changed, see the
 * CI verification in src/ci-pass.ts), a job whose inputs (JobInputs) are all the same objects as when `prior` read
 * it, under the same global variables, is `prior`'s Job itself: the same definitions in the same parsed documents
 * (an unchanged file keeps its parsed document, src/ci/yaml.ts reusingParsed) give the same job, so it is not read
 * again. A definition in a changed file is a new object, so every job that reads one is read again.
 */
export function buildJobModel(src: CiSource, prior?: JobModel): JobModel {
  const defs = new Map<string, Def[]>();
  const globalVars: Located[] = [];
  const defaults: { file: CiFile; map: YAMLMap }[] = [];
  const notes: JobModel['notes'] = [];
  for (const file of src.files) {
    const root = file.doc.contents;
    if (!isMap(root)) continue;
    for (const p of root.items) {
      const k = keyOf(p);
      const v = deref(file, p.value);
      if (k === null || isMerge(p)) continue;
      if (k === 'variables') globalVars.push({ file, node: v });
      else if (k === 'default' && isMap(v)) defaults.push({ file, map: v });
      else if (!RESERVED.has(k) && isMap(v)) {
        const list = defs.get(k) ?? [];
        list.push({ file, map: v, keyNode: p.key as Node });
        defs.set(k, list);
      }
    }
  }

  /** The job being read: every name whose definitions it looks up, with what it found (JobInputs). */
  let reading: Reading | null = null;
  /** Names looked up while computing a jobLayers entry (replayed into `reading` when the entry is reused). */
  let looked: string[] | null = null;
  const defsOf = (name: string): readonly Def[] | undefined => {
    const got = defs.get(name);
    reading?.defs.set(name, got);
    looked?.push(name);
    return got;
  };

  /** Layers of a job, lowest precedence first: each definition's `extends` chain, then itself. */
  const layers = (name: string, depth = 0, seen = new Set<string>()): { file: CiFile; map: YAMLMap }[] => {
    if (depth > 11 || seen.has(name)) return [];
    seen.add(name);
    const out: { file: CiFile; map: YAMLMap }[] = [];
    for (const d of defsOf(name) ?? []) {
      const ext = mapGet(d.file, d.map, 'extends');
      const names = isSeq(ext) ? ext.items.map((x) => scalarText(d.file, deref(d.file, x))) : [scalarText(d.file, ext)];
      for (const n of names) {
        if (!n) continue;
        if (!defsOf(n)) {
          notes.push({ file: d.file, offset: ext?.range?.[0] ?? 0, message: `extends '${n}', which is not defined in the repository's CI files` });
          continue;
        }
        out.push(...layers(n, depth + 1, new Set(seen)));
      }
      out.push({ file: d.file, map: d.map });
    }
    return out;
  };

  /** layers(name), computed once per job name (the notes it adds are added again on each call, as before). */
  const layerCache = new Map<string, { out: { file: CiFile; map: YAMLMap }[]; notes: JobModel['notes']; looked: string[] }>();
  const jobLayers = (name: string): readonly { file: CiFile; map: YAMLMap }[] => {
    const hit = layerCache.get(name);
    if (hit) {
      for (const n of hit.notes) notes.push({ ...n });
      for (const n of hit.looked) defsOf(n);
      return hit.out;
    }
    const before = notes.length;
    looked = [];
    const out = layers(name);
    layerCache.set(name, { out, notes: notes.slice(before).map((n) => ({ ...n })), looked });
    looked = null;
    return out;
  };

  const lookup = (name: string, path: string[]): Located | undefined => {
    const ls = jobLayers(name);
    for (let i = ls.length - 1; i >= 0; i--) {
      let node: Node | null | undefined = ls[i].map;
      for (const k of path) {
        node = isMap(node) ? mapGet(ls[i].file, node, k) : undefined;
        if (node === undefined) break;
      }
      if (node !== undefined) return { file: ls[i].file, node };
    }
    return undefined;
  };

  const flatten = (file: CiFile, node: Node | null, depth = 0): ScriptItem[] => {
    const n = deref(file, node);
    if (!n || depth > 10) return [];
    if (isScalar(n)) return [{ file, node: n }];
    if (isSeq(n) && n.tag === '!reference') {
      const parts = n.items.map((x) => scalarText(file, deref(file, x)) ?? '');
      const got = parts.length >= 2 ? lookup(parts[0], parts.slice(1)) : undefined;
      if (!got) {
        notes.push({ file, offset: n.range?.[0] ?? 0, message: `!reference [${parts.join(', ')}] does not resolve in the repository's CI files` });
        return [];
      }
      return flatten(got.file, got.node, depth + 1);
    }
    if (isSeq(n)) return n.items.flatMap((x) => flatten(file, x as Node, depth + 1));
    return [];
  };

  const addVars = (out: Map<string, JobVariable>, file: CiFile, node: Node | null, where: string, take: (name: string) => boolean = () => true) => {
    const m = deref(file, node);
    if (!isMap(m)) return;
    for (const k of mapKeys(file, m)) {
      if (!take(k)) continue;
      let v = mapGet(file, m, k);
      // The long form `V: {value: …, description: …}`: GitLab (Ruby) reads a missing or null value as "" (nil.to_s).
      // `expand: false` makes it raw: the runner does not expand `$` in it.
      let raw = false;
      if (isMap(v)) {
        const e = mapGet(file, v, 'expand');
        raw = isScalar(e) && e.value === false;
        v = mapGet(file, v, 'value');
      }
      const text = scalarText(file, v ?? null);
      const at = position(file, (v ?? m).range?.[0] ?? 0);
      const empty = emptyValue(v, `${where} define it`);
      out.set(k, {
        value: text !== null && !text.includes('$') && !empty ? text : null,
        source: `${where} in ${file.path}:${at.line}`,
        ...(text !== null ? { raw: text } : {}),
        ...(empty ? { empty } : {}),
        ...(raw ? { expand: false } : {}),
      });
    }
  };

  // The deprecated top-level before_script (a default keyword too: gitlabhq entry/default.rb takes it), the last file's.
  let rootBefore: Located | undefined;
  for (const f of src.files) {
    const root = f.doc.contents;
    const b = isMap(root) ? mapGet(f, root, 'before_script') : undefined;
    if (b !== undefined) rootBefore = { file: f, node: b };
  }

  // The global variables, read once: a job takes those its `inherit:` keeps, in the same order and with the same
  // values as reading them for each job would give. `globals` says what they are, for reusing a prior job.
  const globalSets = globalVars.map((g) => {
    const all = new Map<string, JobVariable>();
    addVars(all, g.file, g.node, 'global variables');
    return all;
  });
  const globals = JSON.stringify(globalSets.map((m) => [...m]));
  const inputs = new Map<string, JobInputs>();
  /** True when every input `old` was read from is, in this model, the same object it was. */
  const unchanged = (old: Reading): boolean => {
    for (const [name, list] of old.defs) {
      const now = defs.get(name);
      if (now === list) continue;
      if (now === undefined || list === undefined || now.length !== list.length) return false;
      if (list.some((d, i) => d.file !== now[i].file || d.map !== now[i].map || d.keyNode !== now[i].keyNode)) return false;
    }
    for (const [key, got] of old.defaults) if (!sameLocated(got, findDefault(key))) return false;
    return !old.rootBefore || sameLocated(old.rootBefore.got, rootBefore);
  };

  const jobs: Job[] = [];
  for (const name of defs.keys()) {
    if (name.startsWith('.')) continue;
    const old = prior?.inputs?.get(name);
    if (old && prior!.globals === globals && unchanged(old)) {
      jobs.push(old.job);
      notes.push(...old.notes.map((n) => ({ ...n })));
      inputs.set(name, old);
      continue;
    }
    const noted = notes.length;
    reading = { defs: new Map(), defaults: new Map() };
    const ds = defsOf(name)!;
    const file = ds[ds.length - 1].file;
    const at = position(file, ds[ds.length - 1].keyNode.range?.[0] ?? 0);
    const script = lookup(name, ['script']);
    const own = lookup(name, ['before_script']);
    const inherits = inheritance(name);
    let before: Located | undefined = own;
    if (!before && inherits.default('before_script')) {
      before = defaultKey('before_script');
      if (!before) {
        reading.rootBefore = { got: rootBefore };
        before = rootBefore;
      }
    }
    const items = [...(before ? flatten(before.file, before.node) : []), ...(script ? flatten(script.file, script.node) : [])];
    const variables = new Map<string, JobVariable>();
    for (const g of globalSets) for (const [k, v] of g) if (inherits.variable(k)) variables.set(k, { ...v });
    for (const l of jobLayers(name)) {
      const v = mapGet(l.file, l.map, 'variables');
      if (v !== undefined) addVars(variables, l.file, v, 'variables');
    }
    const matrix = lookup(name, ['parallel', 'matrix']);
    if (matrix && isSeq(matrix.node)) {
      for (const entry of matrix.node.items) {
        const m = deref(matrix.file, entry as Node);
        if (!isMap(m)) continue;
        const at2 = position(matrix.file, m.range?.[0] ?? 0);
        for (const k of mapKeys(matrix.file, m)) variables.set(k, { value: null, source: `parallel:matrix in ${matrix.file.path}:${at2.line}` });
      }
    }
    const ifs: string[] = [];
    const rules = lookup(name, ['rules']);
    /** Each rule the job can run by, with its `variables:` (the first rule that matches sets them). */
    const ruleVars: Map<string, JobVariable>[] = [];
    if (rules && isSeq(rules.node)) {
      for (const r of rules.node.items) {
        const m = deref(rules.file, r as Node);
        if (!isMap(m)) continue;
        if (scalarText(rules.file, mapGet(rules.file, m, 'when')) === 'never') continue;
        ifs.push(scalarText(rules.file, mapGet(rules.file, m, 'if')) ?? '');
        const vars = new Map<string, JobVariable>();
        const rv = mapGet(rules.file, m, 'variables');
        if (rv !== undefined) addVars(vars, rules.file, rv, `rules:variables of job '${name}'`);
        ruleVars.push(vars);
      }
    }
    applyRuleVariables(variables, ruleVars);
    const only: string[] = [];
    const o = lookup(name, ['only']);
    const onlyNode = o && isMap(o.node) ? mapGet(o.file, o.node, 'refs') : o?.node;
    if (o && isSeq(onlyNode)) for (const x of onlyNode.items) only.push(scalarText(o.file, deref(o.file, x as Node)) ?? '');
    const job: Job = { name, file, line: at.line, column: at.column, items, variables, ifs, only, platform: GITLAB };
    const fromDefault = (key: string) => (inherits.default(key) ? defaultKey(key) : undefined);
    const shell = gitlabShell(job, lookup(name, ['tags']) ?? fromDefault('tags'), lookup(name, ['image']) ?? fromDefault('image'), matrix);
    if (shell.dialect !== 'posix') job.shell = shell;
    if (matrix) job.matrix = gitlabMatrixCells(matrix.file, matrix.node);
    jobs.push(job);
    inputs.set(name, { ...reading, job, notes: notes.slice(noted).map((n) => ({ ...n })) });
    reading = null;
  }
  return { jobs, notes, inputs, globals };

  /** A `default:` keyword (the last file's wins, as for before_script), as the job being read takes it. */
  function defaultKey(key: string): Located | undefined {
    const got = findDefault(key);
    reading?.defaults.set(key, got);
    return got;
  }

  function findDefault(key: string): Located | undefined {
    let got: Located | undefined;
    for (const d of defaults) {
      const v = mapGet(d.file, d.map, key);
      if (v !== undefined) got = { file: d.file, node: v };
    }
    return got;
  }

  /**
   * A job's `inherit:` (through `extends`, deep-merged like any hash): `default:` and `variables:` are each
   * true (the default), false, or a list of the default keywords or global variables to keep (gitlabhq
   * lib/gitlab/ci/config/entry/inherit/{default,variables}.rb, applied in processable.rb overwrite_entry and
   * root_and_job_variables_value). Anything else is a configuration error for GitLab: nothing is inherited.
   */
  function inheritance(name: string): { default(key: string): boolean; variable(name: string): boolean } {
    const rule = (what: 'default' | 'variables') => {
      const got = lookup(name, ['inherit', what]);
      if (got === undefined) return () => true;
      const n = deref(got.file, got.node);
      if (isScalar(n) && typeof n.value === 'boolean') return () => n.value as boolean;
      if (isSeq(n)) {
        const keep = new Set(n.items.map((x) => scalarText(got.file, deref(got.file, x as Node))));
        return (key: string) => keep.has(key);
      }
      return () => false;
    };
    return { default: rule('default'), variable: rule('variables') };
  }
}

/**
 * `rules: - if: … variables: {…}`: the variables of the rule that matches override the job's (gitlabhq
 * doc/ci/yaml rules:variables). A name every rule sets is set (its literal value only when every rule gives the
 * same one); a name only some rules set is set in some pipelines: unset then, unless the job defines it anyway.
 * Empty in any of them is empty in some pipelines.
 */
function applyRuleVariables(variables: Map<string, JobVariable>, rules: readonly Map<string, JobVariable>[]): void {
  const names = new Set(rules.flatMap((r) => [...r.keys()]));
  for (const n of names) {
    const base = variables.get(n);
    const sets = rules.map((r) => r.get(n) ?? base);
    const given = sets.filter((v): v is JobVariable => v !== undefined);
    const values = new Set(given.map((v) => v.value));
    const empty = given.find((v) => v.empty)?.empty;
    const first = rules.map((r) => r.get(n)).find((v) => v !== undefined)!;
    variables.set(n, {
      value: given.length === sets.length && values.size === 1 ? [...values][0] : null,
      source: first.source,
      ...(first.raw !== undefined ? { raw: first.raw } : {}),
      ...(empty ? { empty: `${empty}${given.length > 1 ? ' in some pipelines' : ''}` } : {}),
      ...(given.length < sets.length ? { maybeUnset: `only some of its rules: set ${n}` } : {}),
    });
  }
}

/**
 * The jobs of a GitLab `parallel:matrix` list (docs.gitlab.com "CI/CD YAML syntax reference", parallel:matrix:
 * each entry is the product of its keys' values, a value or a list of values; at most 200 jobs), or null when
 * it cannot be read (a value that expands a variable).
 */
export function gitlabMatrixCells(file: CiFile, node: Node | null | undefined): Map<string, string>[] | null {
  const list = deref(file, node ?? null);
  if (!isSeq(list)) return null;
  const out: Map<string, string>[] = [];
  for (const entry of list.items) {
    const m = deref(file, entry as Node);
    if (!isMap(m)) return null;
    let acc: Map<string, string>[] = [new Map()];
    for (const k of mapKeys(file, m)) {
      const v = deref(file, mapGet(file, m, k) ?? null);
      const items = isSeq(v) ? v.items.map((x) => deref(file, x as Node)) : [v];
      const vals: string[] = [];
      for (const x of items) {
        const t = isScalar(x) ? scalarText(file, x) : null;
        if (t === null || t.includes('$')) return null;
        vals.push(t.replace(/^(["'])(.*)\1$/s, '$2'));
      }
      acc = acc.flatMap((c) => vals.map((x) => new Map([...c, [k, x]])));
    }
    out.push(...acc);
    if (out.length > 200) return null;
  }
  return out.length ? out : null;
}

/**
 * The shell of a GitLab job (src/ci/dialect.ts): PowerShell when it runs on a Windows runner (a tag naming
 * Windows, a `mcr.microsoft.com/windows/…` image) or its script reads `$env:`; otherwise a POSIX shell. Tags
 * written with `parallel:matrix` variables (`tags: [$OS]`) are read for every matrix job: when some are
 * Windows and some are not, the shell cannot be decided.
 */
function gitlabShell(job: Job, tags: Located | undefined, image: Located | undefined, matrix: Located | undefined): ShellChoice {
  for (const it of job.items) {
    if (typeof it.node.value === 'string' && /\$\{?env:[A-Za-z_]/i.test(it.node.value)) return { dialect: 'pwsh', why: 'its script reads $env:' };
  }
  const img = image ? deref(image.file, image.node) : null;
  const imgName = image ? (isMap(img) ? scalarText(image.file, mapGet(image.file, img, 'name')) : scalarText(image.file, img)) : null;
  if (imgName && WINDOWS_IMAGE.test(imgName)) return { dialect: 'pwsh', why: `image ${imgName}, a Windows container` };
  const seq = tags ? deref(tags.file, tags.node) : null;
  const list = tags && isSeq(seq) ? seq.items.map((x) => scalarText(tags.file, deref(tags.file, x as Node)) ?? '') : tags && isScalar(seq) ? [scalarText(tags.file, seq) ?? ''] : [];
  if (list.length === 0) return POSIX;
  // Each matrix job's variable values (one combination per job), or one job without matrix values.
  const combos: Map<string, string>[] = [];
  const mnode = matrix ? deref(matrix.file, matrix.node) : null;
  if (matrix && isSeq(mnode)) {
    for (const entry of mnode.items) {
      const m = deref(matrix.file, entry as Node);
      if (!isMap(m)) continue;
      let acc: Map<string, string>[] = [new Map()];
      for (const k of mapKeys(matrix.file, m)) {
        const v = mapGet(matrix.file, m, k);
        const vals = isSeq(v) ? v.items.map((x) => scalarText(matrix.file, deref(matrix.file, x as Node)) ?? '') : [scalarText(matrix.file, v ?? null) ?? ''];
        acc = acc.flatMap((c) => vals.map((x) => new Map([...c, [k, x]])));
      }
      combos.push(...acc);
    }
  }
  if (combos.length === 0) combos.push(new Map());
  const expand = (t: string, c: Map<string, string>) =>
    t.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (m, n: string) => c.get(n) ?? job.variables.get(n)?.value ?? m);
  const seen = new Map<string, ShellChoice['dialect']>();
  for (const c of combos) {
    const names = list.map((t) => expand(t, c));
    seen.set(names.join(', '), names.some((t) => WINDOWS_LABEL.test(t)) ? 'pwsh' : 'posix');
  }
  const what = `tags: ${list.join(', ')}`;
  const choice = combine([...seen].map(([where, dialect]) => ({ dialect, where })), what);
  if (choice.dialect === 'pwsh') return { dialect: 'pwsh', why: `${what}, a Windows runner` };
  return choice;
}

