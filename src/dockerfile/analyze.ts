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
  return model.froms.map((from) => checkFrom(model, from, env));
}

/** checkFroms for one FROM. */
export function checkFrom(model: DockerfileModel, from: FromInstr, env: ReadonlyMap<string, string>): FromCheck {
  const r = expandWord(from.image.text, env, model.escape);
  if (r.error) return { from, value: null, invalid: null, error: r.error };
  return { from, value: r.value, invalid: validateReference(r.value), error: null };
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
  for (const from of model.froms) {
    for (const [part, word] of [
      ['image', from.image],
      ['platform', from.platform],
    ] as const) {
      if (!word || !word.text.includes('$')) continue;
      for (const use of expandWord(word.text, env, model.escape).uses) {
        out.push({ use, from, word, part, offset: word.map[use.start] });
      }
    }
  }
  return out;
}
