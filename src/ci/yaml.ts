/**
 * GitLab CI files with source ranges: `.gitlab-ci.yml` (or `.yaml`) and the local files it includes, parsed
 * with `yaml` (merge keys on, `!reference` a known tag, ranges kept). Nothing here
 * re-serialises a document: callers edit the text through node ranges.
 */
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, visit, type Document, type Node, type Scalar } from 'yaml';
import { InputError } from '../errors.js';
import { templateByFirstLine, templateByKeys, templateByMarkers, templateInPath } from './templates.js';

export const CI_NAMES = ['.gitlab-ci.yml', '.gitlab-ci.yaml'];

export interface CiFile {
  /** Repository-relative, `/`-separated. */
  path: string;
  text: string;
  doc: Document.Parsed;
  lc: LineCounter;
}

export interface ExternalInclude {
  file: string;
  line: number;
  column: number;
  kind: 'remote' | 'project' | 'template' | 'component' | 'missing' | 'wildcard';
  what: string;
}

export interface CiSource {
  files: CiFile[];
  external: ExternalInclude[];
  /**
   * Files of the pipeline that could not be read (invalid YAML; the main file also when it is a template):
   * GitLab merges every file into one configuration, so the jobs of the readable ones are not known either
   * (see analyse in src/ci-pass.ts).
   */
  unreadable: string[];
}

/**
 * A CI file a loader could not use, for that file alone: `error` for invalid YAML (path:line:col), `skipped`
 * for a template (a note). The loader goes on with its other files.
 */
export interface CiProblem {
  path: string;
  kind: 'error' | 'skipped';
  message: string;
  line?: number;
  column?: number;
}

export class CiYamlError extends InputError {
  constructor(
    readonly path: string,
    message: string,
    line: number,
    column: number,
  ) {
    super(message, line, column);
  }
}

const REFERENCE_TAG = { tag: '!reference', collection: 'seq' as const, resolve: <T>(s: T) => s };

/** Deeper flow nesting than any CI file needs; refused before parsing (the parser recurses per level). */
export const MAX_NESTING = 1000;

/** Offset where flow collections ([, {) nest deeper than MAX_NESTING, or -1. Quotes and comments skipped. */
function tooDeep(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[' || c === '{') {
      if (++depth > MAX_NESTING) return i;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' && c === '"' ? 2 : 1;
      if (text[j] === c) i = j;
    }
  }
  return -1;
}

/** Parsed files parseCiText may answer with (reusingParsed), by path. */
let reuse: ReadonlyMap<string, CiFile> | null = null;

/**
 * Runs `fn` with parseCiText answering from `files` for a path whose text is unchanged: the same text parses to
 * the same document (nothing edits a parsed document), so only the changed files are parsed again.
 */
export function reusingParsed<T>(files: readonly CiFile[], fn: () => T): T {
  const prev = reuse;
  reuse = new Map(files.map((f) => [f.path, f]));
  try {
    return fn();
  } finally {
    reuse = prev;
  }
}

/**
 * One CI file. `header: true` for a GitLab file, which may start with a `spec:` header document (CI/CD inputs,
 * docs.gitlab.com/ci/inputs: "Specs must be declared at the top of a configuration file, in a header section
 * separated from the rest of the configuration with `---`"): the pipeline is then the second document (gitlabhq
 * Gitlab::Ci::Config::Yaml::Result: a header when there are two documents and the first has a `spec` key).
 */
export function parseCiText(path: string, text: string, header = false): CiFile {
  const reused = reuse?.get(path);
  if (reused && reused.text === text) return reused;
  if (!header) return parseCi(path, text, false)[0];
  const docs = parseCi(path, text, true).filter((d) => d.doc.contents !== null);
  if (docs.length <= 1) return docs[0] ?? parseCi(path, text, false)[0];
  const first = docs[0].doc.contents;
  const spec = isMap(first) && first.items.some((p) => isScalar(p.key) && p.key.value === 'spec');
  if (docs.length === 2 && spec) return docs[1];
  const at = docs[1].lc.linePos(docs[1].doc.range[0]);
  throw new CiYamlError(
    path,
    spec
      ? `${docs.length} YAML documents: GitLab reads a spec: header and one pipeline document after it; not read`
      : 'several YAML documents without a spec: header: GitLab reads only the first; not read',
    at.line,
    at.col,
  );
}

/** A file of several `---`-separated documents (Drone, Woodpecker): one CiFile per document, sharing the text. */
export function parseCiDocuments(path: string, text: string): CiFile[] {
  return parseCi(path, text, true);
}

function parseCi(path: string, text: string, multi: boolean): CiFile[] {
  const lc = new LineCounter();
  const deep = tooDeep(text);
  if (deep >= 0) {
    lc.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0 && i < deep; i = text.indexOf('\n', i + 1)) lc.addNewLine(i + 1);
    const at = lc.linePos(deep);
    throw new CiYamlError(path, `invalid YAML: nested more than ${MAX_NESTING} levels deep`, at.line, at.col);
  }
  const options = {
    lineCounter: lc,
    merge: true,
    // Duplicate keys: GitLab would silently keep the last one; editing on either reading could be wrong. They
    // are refused (firstDuplicateKey), in one pass: the parser's own check scans the map per key, which is
    // quadratic in a map's size (a GitLab file's root map has one key per job).
    uniqueKeys: false,
    customTags: [REFERENCE_TAG],
  };
  let docs: Document.Parsed[];
  try {
    if (multi) {
      const all = parseAllDocuments(text, options);
      docs = Array.isArray(all) ? all : [all as unknown as Document.Parsed];
    } else docs = [parseDocument(text, options)];
  } catch (e) {
    if (e instanceof RangeError) throw new CiYamlError(path, 'invalid YAML: nested too deeply', 1, 1);
    throw e;
  }
  for (const doc of docs) {
    let err: { pos: [number, ...number[]]; code: string; message: string } | undefined = doc.errors[0];
    const dup = firstDuplicateKey(doc);
    if (dup >= 0 && (!err || dup < err.pos[0])) err = { pos: [dup], code: 'DUPLICATE_KEY', message: 'Map keys must be unique' };
    if (!err) continue;
    const at = lc.linePos(err.pos[0]);
    const message =
      err.code === 'DUPLICATE_KEY'
        ? 'duplicate key (YAML 1.2 forbids it; CI systems differ on which one wins): make the keys unique first; not edited'
        : /call stack/i.test(err.message)
          ? 'nested too deeply'
          : err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new CiYamlError(path, `invalid YAML: ${message}`, at.line, at.col);
  }
  return docs.map((doc) => ({ path, text, doc, lc }));
}

/**
 * Where the first key that repeats an earlier key of its map starts, or -1: yaml's `uniqueKeys: true` rule
 * (scalar keys with the same value; other keys only when they are the same node), with a Set per map.
 */
function firstDuplicateKey(doc: Document.Parsed): number {
  let first = -1;
  visit(doc, {
    Map: (_k, map) => {
      const seen = new Set<unknown>();
      for (const p of map.items) {
        const key = p.key as Node | null;
        const id = isScalar(key) ? key.value : key;
        if (typeof id === 'number' && Number.isNaN(id)) continue; // NaN !== NaN: never a duplicate
        if (seen.has(id)) {
          const at = key?.range?.[0] ?? map.range?.[0] ?? 0;
          if (first < 0 || at < first) first = at;
        } else seen.add(id);
      }
    },
  });
  return first;
}

/** The template marker of a path or of a text's first line, or null. */
function template(path: string, text: string): string | null {
  const p = templateInPath(path);
  return p ? `a template (${p})` : templateByFirstLine(text);
}

function failed(path: string, text: string, e: unknown, problems: CiProblem[], templates = true): null {
  if (!(e instanceof CiYamlError)) throw e;
  const t = templates ? templateByMarkers(text) : null;
  if (t) problems.push({ path, kind: 'skipped', message: `${t}; not read as a CI file` });
  else problems.push({ path, kind: 'error', message: e.message, line: e.line, column: e.column });
  return null;
}

/**
 * A loader's way to parse one CI file: the parsed file, or null with the reason recorded in `problems` (a
 * template is skipped, invalid YAML is an error for this file alone) so the loader goes on with the others.
 * `templates: false` for a file another CI file names (a GitLab local include): the CI system reads it
 * whatever it looks like, so it is parsed as it is and only invalid YAML stops it (an error).
 */
export function loadCiFile(path: string, text: string, problems: CiProblem[], templates = true, header = false): CiFile | null {
  const t = templates ? template(path, text) : null;
  if (t) {
    problems.push({ path, kind: 'skipped', message: `${t}; not read as a CI file` });
    return null;
  }
  let file: CiFile;
  try {
    file = parseCiText(path, text, header);
  } catch (e) {
    return failed(path, text, e, problems, templates);
  }
  if (!templates) return file;
  const k = templateByKeys(text, file.doc, (o) => file.lc.linePos(o));
  if (k) {
    problems.push({ path, kind: 'skipped', message: `${k}; not read as a CI file` });
    return null;
  }
  return file;
}

/** loadCiFile for a file of several `---` documents (Drone, Woodpecker): one CiFile per document. */
export function loadCiDocuments(path: string, text: string, problems: CiProblem[]): CiFile[] | null {
  const t = template(path, text);
  if (t) {
    problems.push({ path, kind: 'skipped', message: `${t}; not read as a CI file` });
    return null;
  }
  let docs: CiFile[];
  try {
    docs = parseCiDocuments(path, text);
  } catch (e) {
    return failed(path, text, e, problems);
  }
  for (const d of docs) {
    const k = templateByKeys(text, d.doc, (o) => d.lc.linePos(o));
    if (k) {
      problems.push({ path, kind: 'skipped', message: `${k}; not read as a CI file` });
      return null;
    }
  }
  return docs;
}

export function position(file: CiFile, offset: number): { line: number; column: number } {
  const p = file.lc.linePos(offset);
  return { line: p.line, column: p.col };
}

function normalise(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

/**
 * Loads the main CI file and its local includes (recursively, each once). `read` returns a file's text by
 * repository-relative path, or null when it does not exist. A file that cannot be read (invalid YAML, a
 * template) is recorded in `problems` and listed in `unreadable`; the other files are still loaded.
 */
export function loadCi(read: (path: string) => string | null, problems: CiProblem[] = [], refused: (path: string) => string | undefined = () => undefined): CiSource | null {
  let main: string | null = null;
  let mainText: string | null = null;
  for (const n of CI_NAMES) {
    mainText = read(n);
    const why = mainText === null ? refused(n) : undefined;
    if (why !== undefined) {
      // The pipeline's main file exists but cannot be read as text: an error, and no job is known.
      problems.push({ path: n, kind: 'error', message: why });
      return { files: [], external: [], unreadable: [n] };
    }
    if (mainText !== null) {
      main = n;
      break;
    }
  }
  if (main === null || mainText === null) return null;
  const files: CiFile[] = [];
  const external: ExternalInclude[] = [];
  const unreadable: string[] = [];
  const seen = new Set<string>();
  const visit = (path: string, text: string) => {
    seen.add(path);
    // The main file is found by its name (it may be a template); an include is named by the pipeline.
    const file = loadCiFile(path, text, problems, path === main, true);
    if (!file) {
      unreadable.push(path);
      return;
    }
    const includes: string[] = [];
    const root = file.doc.contents;
    if (isMap(root)) {
      const inc = root.items.find((p) => isScalar(p.key) && p.key.value === 'include')?.value as Node | null | undefined;
      const items = isSeq(inc) ? inc.items : inc ? [inc] : [];
      for (const it of items as Node[]) {
        const at = position(file, it.range?.[0] ?? 0);
        const ext = (kind: ExternalInclude['kind'], what: string) => external.push({ file: path, ...at, kind, what });
        if (isScalar(it)) {
          const s = String(it.value);
          if (/^https?:\/\//.test(s)) ext('remote', s);
          else includes.push(s);
        } else if (isMap(it)) {
          const get = (k: string) => {
            const v = it.items.find((p) => isScalar(p.key) && p.key.value === k)?.value;
            return isScalar(v) ? String((v as Scalar).value) : v ? '…' : undefined;
          };
          const local = get('local');
          if (local !== undefined) includes.push(local);
          else if (get('remote') !== undefined) ext('remote', get('remote')!);
          else if (get('project') !== undefined) ext('project', `${get('project')}:${get('file') ?? ''}`);
          else if (get('template') !== undefined) ext('template', get('template')!);
          else if (get('component') !== undefined) ext('component', get('component')!);
        }
      }
      for (const inc of includes) {
        const at = position(file, 0);
        if (/[*?]/.test(inc)) {
          external.push({ file: path, ...at, kind: 'wildcard', what: inc });
          continue;
        }
        const rel = normalise(inc);
        if (seen.has(rel)) continue;
        const t = read(rel);
        const why = t === null ? refused(rel) : undefined;
        if (why !== undefined) {
          // Present but not readable as text (UTF-16, a NUL byte): as unreadable as invalid YAML.
          seen.add(rel);
          problems.push({ path: rel, kind: 'error', message: why });
          unreadable.push(rel);
          continue;
        }
        if (t === null) {
          external.push({ file: path, ...at, kind: 'missing', what: inc });
          continue;
        }
        visit(rel, t);
      }
    }
    files.push(file);
  };
  visit(main, mainText);
  // Included files first, the main file last (it overrides them), as GitLab merges them.
  const mainFile = files.find((f) => f.path === main);
  return { files: mainFile ? [...files.filter((f) => f !== mainFile), mainFile] : files, external, unreadable };
}
