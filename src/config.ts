/**
 * `.dockerfile-argfix.yaml` or `.dockerfile-argfix.yml` (or `--config FILE`): data only, read with YAML's failsafe schema so every value
 * is the string as written (`TAG: 3.10` stays "3.10", not the number 3.1).
 *
 *   defaults:
 *     CI_REGISTRY_IMAGE: registry.example.com/group/app
 *     CI_COMMIT_BEFORE_SHA: latest
 *   ignore: [CiBeforeShaZeros]        # rules reported as suppressed, never edited for
 *   registry: registry.example.com    # self-hosted GitLab registry host (CI_REGISTRY_IMAGE from git remote)
 *   pass-defined: true                # also pass CI-defined FROM variables whose default is already valid
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DEFAULT_MAX_BYTES } from './fsio.js';
import { dirname, join, resolve } from 'node:path';
import { InputError } from './errors.js';
import { unknownRule } from './findings.js';

export const CONFIG_NAME = '.dockerfile-argfix.yaml';
/** The names a config file may have, both read; both in one directory is an error (which one applies would be a guess). */
export const CONFIG_NAMES = [CONFIG_NAME, '.dockerfile-argfix.yml'] as const;

export interface Config {
  /** Absolute path of the file, or null when there is none. */
  path: string | null;
  defaults: Map<string, string>;
  /** Registry host of a self-hosted GitLab, for deriving CI_REGISTRY_IMAGE from the git remote. */
  registry?: string;
  /** Rules reported as suppressed everywhere (and given no edit), like hadolint's `ignored:`. */
  ignore: Set<string>;
  /** `pass-defined: true`: also pass CI-defined FROM variables whose Dockerfile default is already valid. */
  passDefined?: boolean;
}

const KNOWN_KEYS = new Set(['defaults', 'registry', 'ignore', 'pass-defined']);

/** Parses a config file's text; errors name the line. */
export function parseConfig(text: string): Map<string, string> {
  return parseConfigFile(text).defaults;
}

/** The YAML library, loaded on the first config file read: most runs have none, and a run whose Dockerfiles need
 * nothing never loads it otherwise (the CI side imports it only where it is needed). */
let yamlLib: typeof import('yaml') | null = null;
const loadYaml = () => (yamlLib ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

export function parseConfigFile(text: string): Omit<Config, 'path'> {
  const { isMap, isScalar, isSeq, LineCounter, parseDocument } = loadYaml();
  const lc = new LineCounter();
  const doc = parseDocument(text, { schema: 'failsafe', lineCounter: lc, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const at = lc.linePos(e.pos[0]);
    throw new InputError(e.message.split('\n')[0], at.line, at.col);
  }
  const defaults = new Map<string, string>();
  let registry: string | undefined;
  let passDefined: boolean | undefined;
  const ignore = new Set<string>();
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === '')) return { defaults, ignore };
  const where = (node: { range?: [number, number, number] | null } | null | undefined) =>
    lc.linePos(node?.range?.[0] ?? 0);
  if (!isMap(root)) {
    const at = where(root);
    throw new InputError('the config must be a mapping', at.line, at.col);
  }
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!KNOWN_KEYS.has(key)) {
      const at = where(pair.key as never);
      throw new InputError(`unknown key '${key}' (known: ${[...KNOWN_KEYS].join(', ')})`, at.line, at.col);
    }
    if (pair.value === null) continue;
    if (key === 'registry') {
      const v = isScalar(pair.value) ? String(pair.value.value).trim() : '';
      if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(v)) {
        const at = where(pair.value as never);
        throw new InputError('registry must be a host name (host[:port])', at.line, at.col);
      }
      registry = v;
      continue;
    }
    if (key === 'pass-defined') {
      const v = isScalar(pair.value) ? String(pair.value.value) : '';
      if (v !== 'true' && v !== 'false') {
        const at = where(pair.value as never);
        throw new InputError('pass-defined must be true or false', at.line, at.col);
      }
      passDefined = v === 'true';
      continue;
    }
    if (key === 'ignore') {
      const at = where(pair.value as never);
      if (!isSeq(pair.value)) throw new InputError('ignore must be a list of rule names', at.line, at.col);
      for (const item of pair.value.items) {
        const rule = isScalar(item) ? String(item.value) : '';
        const unknown = unknownRule(rule);
        if (unknown !== null) {
          const p = where(item as never);
          throw new InputError(`ignore: ${unknown}`, p.line, p.col);
        }
        ignore.add(rule);
      }
      continue;
    }
    if (!isMap(pair.value)) {
      const at = where(pair.value as never);
      throw new InputError('defaults must map variable names to values', at.line, at.col);
    }
    for (const item of pair.value.items) {
      const name = isScalar(item.key) ? String(item.key.value) : '';
      const at = where(item.key as never);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new InputError(`invalid variable name '${name}'`, at.line, at.col);
      if (!isScalar(item.value)) throw new InputError(`the default of ${name} must be a single value`, at.line, at.col);
      const value = String(item.value.value);
      if (/[\r\n]/.test(value)) throw new InputError(`the default of ${name} must be one line`, at.line, at.col);
      defaults.set(name, value);
    }
  }
  return { defaults, ignore, ...(registry ? { registry } : {}), ...(passDefined !== undefined ? { passDefined } : {}) };
}

/**
 * The nearest `.dockerfile-argfix.yaml` (or `.yml`) at or above `from`, or null; an InputError when one
 * directory has both. `memo` (directory → answer) lets many directories of one tree share the look-ups of
 * their common ancestors; `exists` is existsSync, or an answer from discovery's listings (src/listing.ts).
 */
export function findConfig(from: string, memo: Map<string, string | null | InputError> = new Map(), exists: (path: string) => boolean = existsSync): string | null {
  const dir = resolve(from);
  let hit = memo.get(dir);
  if (hit === undefined) {
    const here = CONFIG_NAMES.map((n) => join(dir, n)).filter((p) => exists(p));
    if (here.length > 1) hit = new InputError(`${CONFIG_NAMES[0]} is in the same directory; keep one of them`, 0, 0, here[1]);
    else if (here.length === 1) hit = here[0];
    else {
      try {
        hit = dirname(dir) === dir ? null : findConfig(dirname(dir), memo, exists);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        hit = e;
      }
    }
    memo.set(dir, hit);
  }
  // A new error each time: the caller may rewrite its file for display.
  if (hit instanceof InputError) throw new InputError(hit.message, 0, 0, hit.file);
  return hit;
}

/** The config for a path: the explicit file, or the nearest `.dockerfile-argfix.yaml` upward. */
export function loadConfig(explicit: string | undefined, from: string): Config {
  return readConfig(explicit ? resolve(explicit) : findConfig(from));
}

/** The config in `path` (null: none, the empty config). */
export function readConfig(path: string | null): Config {
  if (!path) return { path: null, defaults: new Map(), ignore: new Set() };
  let text: string;
  try {
    // A regular file of sane size: a link to a device or a FIFO would never end.
    const st = statSync(path);
    if (!st.isFile()) throw new InputError('cannot read config (not a regular file)', 0, 0, path);
    if (st.size > DEFAULT_MAX_BYTES) throw new InputError(`cannot read config (larger than ${DEFAULT_MAX_BYTES} bytes)`, 0, 0, path);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read config (${(e as NodeJS.ErrnoException).code ?? String(e)})`, 0, 0, path);
  }
  try {
    return { path, ...parseConfigFile(text) };
  } catch (e) {
    if (e instanceof InputError) e.file = path;
    throw e;
  }
}
