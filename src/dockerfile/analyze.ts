/**
 * BuildKit's meaning of a Dockerfile's global scope and FROM lines, computed statically.
 * Sources (moby/buildkit frontend/dockerfile/): dockerfile2llb/convert.go buildMetaArgs and
 * buildDispatchStates; dockerfile2llb/validations.go validateBaseImagesWithDefaultArgs;
 * dockerfile2llb/platform.go defaultArgs. Research notes: shared/research/buildkit.md §1–4.
 */
import type { DockerfileModel, FromInstr, SourceWord } from './parse.js';
import { validateReference } from './reference.js';
import { expandWord, type Escape, type VarUse } from './shell.js';

/** platform.go defaultArgs: the 11 automatic platform args, always in the global scope. */
export const BUILTIN_ARGS = [
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDOSVERSION',
  'BUILDARCH',
  'BUILDVARIANT',
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETOSVERSION',
  'TARGETARCH',
  'TARGETVARIANT',
  'TARGETSTAGE',
] as const;
const BUILTIN_SET: ReadonlySet<string> = new Set(BUILTIN_ARGS);
export const isBuiltin = (name: string): boolean => BUILTIN_SET.has(name);

/**
 * The values the checks assume for the built-ins: a linux/amd64 builder building the last stage
 * (TARGETSTAGE is the last stage's name, or "default" when it has none).
 */
export function builtinEnv(model: DockerfileModel): Map<string, string> {
  const last = model.froms[model.froms.length - 1];
  return new Map<string, string>([
    ['BUILDPLATFORM', 'linux/amd64'],
    ['BUILDOS', 'linux'],
    ['BUILDOSVERSION', ''],
    ['BUILDARCH', 'amd64'],
    ['BUILDVARIANT', ''],
    ['TARGETPLATFORM', 'linux/amd64'],
    ['TARGETOS', 'linux'],
    ['TARGETOSVERSION', ''],
    ['TARGETARCH', 'amd64'],
    ['TARGETVARIANT', ''],
    ['TARGETSTAGE', last?.stageName ?? 'default'],
  ]);
}

/** A name an ARG can declare and `$NAME` can read back: `$1` reads '1', `$@` reads '@' (lex.go processName). */
export function isDeclarableName(name: string): boolean {
  return /^[\p{L}_][\p{L}\p{N}_]*$/u.test(name);
}

/** One global ARG name as the scope sees it: `raw` is the default as written, null for `ARG NAME`. */
export interface GlobalEntry {
  name: string;
  raw: string | null;
}

/**
 * convert.go buildMetaArgs with no build args: walk the global ARGs in order, expand each default against
 * what is defined so far; `ARG NAME` without a value declares but does not set (Dockerfile >= 1.11).
 */
export function evalGlobals(entries: readonly GlobalEntry[], builtins: ReadonlyMap<string, string>, escape: Escape) {
  const env = new Map(builtins);
  const declared = new Set<string>(BUILTIN_SET);
  let error: string | null = null;
  for (const e of entries) {
    declared.add(e.name);
    if (e.raw === null) continue;
    const r = expandWord(e.raw, env, escape);
    if (r.error && !error) error = `ARG ${e.name}: ${r.error}`;
    env.set(e.name, r.value);
  }
  return { env, declared, error };
}

export interface FromCheck {
  from: FromInstr;
  /** The base name after substitution, or null when expansion failed. */
  value: string | null;
  /** Why the reference is invalid (distribution/reference wording), or null. */
  invalid: string | null;
  /** Lexer error, when expansion failed. */
  error: string | null;
}

/**
 * validations.go validateBaseImagesWithDefaultArgs, per FROM: expand the image word with the defaults and
 * parse it as a reference, for every stage. `scratch` and ordinary stage names are valid references; BuildKit
 * does not special-case stage names here, so a legal but reference-invalid stage name (`build-`) fires too.
 * Unlike BuildKit we keep going after a lexer error, so every FROM gets a verdict.
 */
export function checkFroms(model: DockerfileModel, env: ReadonlyMap<string, string>): FromCheck[] {
  const fixed = fixedChecksOf(model);
  return model.froms.map((from) => checkOne(model, from, env, fixed));
}

/** Quotes: the characters besides `$` and the escape that the lexer reads. */
const RE_LEXED = /['"]/;

/**
 * The check of each FROM whose image word has no `$`, by stage index: it reads no variable, so every environment
 * gives it (the transform checks every FROM before and after its edits, and again on its output).
 */
const fixedChecks = new WeakMap<DockerfileModel, (FromCheck | undefined)[]>();
function fixedChecksOf(model: DockerfileModel): (FromCheck | undefined)[] {
  let list = fixedChecks.get(model);
  if (!list) fixedChecks.set(model, (list = []));
  return list;
}

/** checkFroms for one FROM. */
export function checkFrom(model: DockerfileModel, from: FromInstr, env: ReadonlyMap<string, string>): FromCheck {
  return checkOne(model, from, env, fixedChecksOf(model));
}

function checkOne(model: DockerfileModel, from: FromInstr, env: ReadonlyMap<string, string>, fixed: (FromCheck | undefined)[]): FromCheck {
  const { text } = from.image;
  const slot = !text.includes('$') && model.froms[from.index] === from ? from.index : -1;
  if (slot >= 0 && fixed[slot]) return fixed[slot];
  // No `$`, quote or escape character: the lexer hands the word back as it is (shell.ts processStopOn).
  const r = slot >= 0 && !RE_LEXED.test(text) && !text.includes(model.escape) ? { value: text, error: null } : expandWord(text, env, model.escape);
  const c: FromCheck = r.error ? { from, value: null, invalid: null, error: r.error } : { from, value: r.value, invalid: validateReference(r.value), error: null };
  if (slot >= 0) fixed[slot] = c;
  return c;
}

export interface FromUse {
  use: VarUse;
  from: FromInstr;
  /** Where the use sits: the image word or the --platform value. */
  word: SourceWord;
  part: 'image' | 'platform';
  /** Source offset of the '$'. */
  offset: number;
}

/** Every variable a FROM looks up (platform first, as convert.go expands it second but reports by name). */
export function fromUses(model: DockerfileModel, env: ReadonlyMap<string, string>): FromUse[] {
  const out: FromUse[] = [];
  const add = (from: FromInstr, word: SourceWord | null, part: FromUse['part']) => {
    if (!word || !word.text.includes('$')) return;
    for (const use of expandWord(word.text, env, model.escape).uses) out.push({ use, from, word, part, offset: word.map[use.start] });
  };
  for (let k = 0; k < model.froms.length; k++) {
    const from = model.froms[k];
    add(from, from.image, 'image');
    add(from, from.platform, 'platform');
  }
  return out;
}

/** containerd platforms.Parse: os[/arch[/variant]], each part non-empty ([A-Za-z0-9_.-], os may carry a version). */
export function isPlatform(value: string): boolean {
  const parts = value.split('/');
  return parts.length <= 3 && parts.every((p, i) => (i === 0 ? /^[A-Za-z0-9_.-]+(\([^()]*\))?$/ : /^[A-Za-z0-9_.-]+$/).test(p));
}

/** The global ARGs by name (each name's declarations in file order), once per model. */
const globalsByName = new WeakMap<DockerfileModel, Map<string, DockerfileModel['globalArgs']>>();
export function globalsNamed(model: DockerfileModel, name: string): DockerfileModel['globalArgs'] {
  let ix = globalsByName.get(model);
  if (!ix) {
    ix = new Map();
    for (const a of model.globalArgs) {
      const list = ix.get(a.name);
      if (list) list.push(a);
      else ix.set(a.name, [a]);
    }
    globalsByName.set(model, ix);
  }
  return ix.get(name) ?? [];
}

/** Every name a word looks up, directly or through the defaults of the global ARGs it names (transitively). */
export function namesUnder(model: DockerfileModel, word: string): Set<string> {
  const names = new Set<string>();
  const visit = (text: string) => {
    for (const u of expandWord(text, new Map(), model.escape).uses) {
      if (names.has(u.name)) continue;
      names.add(u.name);
      for (const a of globalsNamed(model, u.name)) if (a.raw !== null) visit(a.raw);
    }
  };
  visit(word);
  return names;
}

/**
 * An environment that is `base` with each name of `fill` set to `value`, without copying `base`: what the
 * shell expander reads of an environment (get, has).
 */
function overlay(base: ReadonlyMap<string, string>, fill: ReadonlySet<string>, value: string): ReadonlyMap<string, string> {
  if (fill.size === 0) return base;
  return {
    get: (k: string) => (fill.has(k) ? value : base.get(k)),
    has: (k: string) => fill.has(k) || base.has(k),
  } as unknown as ReadonlyMap<string, string>;
}

/** A FROM variable and where a FROM first uses it (1-based, in the file as read). */
export interface FromVar {
  name: string;
  line: number;
  column: number;
  /** The global ARG's default as written (the last declaration of the name), null when it has none. */
  default: string | null;
  /** The global scope declares it (else no build arg can reach the FROM: the build cannot work as written). */
  declared: boolean;
}

export interface FromVars {
  /** Every variable the FROMs look up (directly or through global defaults), built-ins excluded, first use first. */
  uses: FromVar[];
  /** The ones the Dockerfile NEEDS from the build: see {@link fromVars}. */
  needs: FromVar[];
}

/**
 * The need rule, on the Dockerfile as the repository wrote it (before any edit of ours, so a default we write
 * is only a fallback and never removes a need). BuildKit builds a FROM with the global scope and no build args
 * (convert.go buildMetaArgs: an undeclared or value-less name expands to empty). When that gives a valid
 * reference (image) or platform (`--platform`), the FROM builds as it is and none of its variables is needed,
 * whatever the CI defines: passing one would change a working build (`${DEBUG:+-debug}`, `stable${VARIANT}` and
 * an optional registry prefix are all meant to be empty by default). When it does not, the variables without a
 * default (undeclared, or `ARG NAME` without a value) that the FROM fails without are needed; failing those,
 * every variable of the FROM (the defaults are at fault).
 * `fallbacks` (name → ARG value text) are the defaults the user supplies for the tool to write: an ARG whose
 * default is exactly that counts as having none, so a second run reports what the first did.
 */
export function fromVars(model: DockerfileModel, fallbacks: ReadonlyMap<string, string> = new Map()): FromVars {
  const written = (a: { name: string; raw: string | null }) => (a.raw !== null && fallbacks.get(a.name) === a.raw ? null : a.raw);
  const builtins = builtinEnv(model);
  const declared = (n: string) => globalsNamed(model, n).length > 0;
  /** The global scope as written, with the names in `fill` given a plain value (as if passed as build args). */
  const evalWith = (fill: ReadonlySet<string>) =>
    evalGlobals(
      [
        ...[...fill].filter((n) => !declared(n)).map((name) => ({ name, raw: PLACEHOLDER })),
        ...model.globalArgs.map((a) => ({ name: a.name, raw: fill.has(a.name) ? PLACEHOLDER : written(a) })),
      ],
      builtins,
      model.escape,
    ).env;
  const env = evalWith(new Set());
  // Names some global default reads. When `fill` holds none of them, filling changes no other global's value,
  // so the scope with `fill` is the scope as written with those names set: no walk over every global per FROM
  // (a file with thousands of stages and as many ARGs would make that quadratic).
  const read = new Set<string>();
  for (const a of model.globalArgs) {
    const raw = written(a);
    if (raw !== null && raw.includes('$')) for (const u of expandWord(raw, new Map(), model.escape).uses) read.add(u.name);
  }
  const envWith = (fill: ReadonlySet<string>) => ([...fill].some((n) => read.has(n)) ? evalWith(fill) : overlay(env, fill, PLACEHOLDER));
  const defaults = new Map<string, string>();
  for (const a of model.globalArgs) {
    const raw = written(a);
    if (raw !== null) defaults.set(a.name, raw);
  }
  const uses = new Map<string, FromVar>();
  const needs = new Map<string, FromVar>();
  const visit = (from: FromInstr, word: SourceWord) => {
    const names = [...namesUnder(model, word.text)].filter((n) => !isBuiltin(n) && isDeclarableName(n));
    if (names.length === 0) return;
    const first = expandWord(word.text, env, model.escape);
    const pos = model.table.position(word.map[first.uses[0]?.start ?? 0]);
    const at = (name: string): FromVar => ({ name, ...pos, default: defaults.get(name) ?? null, declared: declared(name) });
    for (const n of names) if (!uses.has(n)) uses.set(n, at(n));
    const validIn = (e: ReadonlyMap<string, string>) => {
      if (word === from.image) {
        const c = checkFrom(model, from, e);
        return c.error === null && c.invalid === null;
      }
      const r = expandWord(word.text, e, model.escape);
      return r.error === null && isPlatform(r.value);
    };
    if (validIn(env)) return;
    // The FROM fails as written. A variable without a default is to blame when the FROM still fails with it
    // unset and every other one given a value (`${BASE}${DEBUG:+-debug}` blames BASE, not DEBUG; an inline
    // `${V:-x}` default counts); when none is to blame alone, all of them are; with none, the defaults are.
    const undefaulted = names.filter((n) => !defaults.has(n));
    const blamed = undefaulted.filter((n) => !validIn(envWith(new Set(undefaulted.filter((o) => o !== n)))));
    for (const n of blamed.length ? blamed : undefaulted.length ? undefaulted : names) if (!needs.has(n)) needs.set(n, at(n));
  };
  // Only the words with a variable (visit is a closure: no call, and no closure context, for the rest).
  for (let k = 0; k < model.froms.length; k++) {
    const { image, platform } = model.froms[k];
    if (image.text.includes('$')) visit(model.froms[k], image);
    if (platform?.text.includes('$')) visit(model.froms[k], platform);
  }
  const order = new Map([...uses.keys()].map((n, i) => [n, i]));
  return { uses: [...uses.values()], needs: [...needs.values()].sort((a, b) => order.get(a.name)! - order.get(b.name)!) };
}

/** A value that is valid in every part of a reference but a digest: a host, a path component, a tag, an OS. */
const PLACEHOLDER = 'x';
