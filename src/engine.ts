/**
 * The per-file pipeline: parse once, run the transform, apply its edits to the original text, then verify
 * the result by parsing it again (with BuildKit's line rules, not dockerfile-ast) and running the transform on
 * it: it must ask for nothing more. A file
 * whose edits do not verify is an internal error and is never written.
 */
import { formatArgValue, hoistFromArgs, type Hoisted, type HoistOptions } from '../transforms/hoist-from-args.js';
import { fromVars, type FromVars } from './dockerfile/analyze.js';
import { firstKeyword, parseDockerfile, type DockerfileModel } from './dockerfile/parse.js';
import { precheck } from './dockerfile/prefilter.js';
import { applyEdits, type TextEdit } from './edits.js';
import type { Finding } from './findings.js';
import { LineTable } from './text.js';

export interface DockerfileOutcome {
  output: string;
  edits: TextEdit[];
  findings: Finding[];
  hoisted: Hoisted[];
  /** Why the file is not processed (it has no FROM; with `requireDockerfile`, it does not start with ARG or
   * FROM): then nothing else is set. Null when it is processed. */
  skip: string | null;
  /** The parsed output (the verification parse; the input's model when nothing changed); null when the
   * pre-check proved there was nothing to parse for (no variable in FROM, no global ARG). */
  model: DockerfileModel | null;
  /** When the pre-check skipped the parse (model null, skip null): the names the stages' ARGs declare, which
   * the CI side reads (a build arg no ARG takes is CiUnusedBuildArg). Else null. */
  args: string[] | null;
  /** The FROM variables of the file as read, and which of them it needs from the build (the need rule). */
  vars: FromVars;
  /** The parse of the text as read (null when nothing was parsed): FixOptions.parsed for another call on it. */
  parsed: DockerfileModel | null;
}

export interface FixOptions extends HoistOptions {
  /** Take the file only if it reads as a Dockerfile: its first instruction ARG or FROM (what BuildKit accepts).
   * For discovered files; a file named on the command line is taken as it is. */
  requireDockerfile?: boolean;
  /** The parse of this same text from an earlier call (its DockerfileOutcome.parsed), e.g. to fix it again with
   * other defaults: the text is not parsed again (the transform does not modify a model). */
  parsed?: DockerfileModel;
}

export class VerificationError extends Error {}

const NO_VARS: FromVars = { uses: [], needs: [] };

/** The supplied defaults as the ARG values the transform would write (see fromVars). */
export function fallbacks(options: HoistOptions, model: DockerfileModel): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, d] of options.defaults ?? []) out.set(name, formatArgValue(d.value, model.escape));
  return out;
}

export const NO_FROM = 'no FROM instruction: not a Dockerfile anything builds';

const skipped = (text: string, skip: string): DockerfileOutcome => ({ output: text, edits: [], findings: [], hoisted: [], skip, model: null, args: null, vars: NO_VARS, parsed: null });

/** A word of the file for a message: quoted, at most 24 characters. */
const quote = (word: string) => JSON.stringify(word.length > 24 ? `${word.slice(0, 24)}…` : word);

export function fixDockerfile(text: string, options: FixOptions = {}): DockerfileOutcome {
  // One line table for the content check, the pre-check and the parse.
  const table = new LineTable(text);
  if (options.requireDockerfile) {
    const first = firstKeyword(table);
    if (first !== null && !/^(ARG|FROM)$/i.test(first)) return skipped(text, `not a Dockerfile: starts with ${quote(first)}, not ARG or FROM`);
  }
  const trivial = precheck(text, table);
  if (trivial?.froms === 0) return skipped(text, NO_FROM);
  // A file with our pragma is parsed, so a rule it misnames is reported (UnknownRuleInPragma).
  if (trivial && !text.includes('dockerfile-argfix')) return { output: text, edits: [], findings: [], hoisted: [], skip: null, model: null, args: trivial.args, vars: NO_VARS, parsed: null };
  const model = options.parsed ?? parseDockerfile(text, 'dockerfile-ast', table);
  if (model.froms.length === 0) return skipped(text, NO_FROM);
  const result = hoistFromArgs(model, options);
  const output = applyEdits(text, result.edits);
  let outModel = model;
  if (output !== text) {
    // Verify with BuildKit's line rules rather than a second dockerfile-ast parse: independent of both the
    // first parse and the transform, and several times cheaper.
    outModel = parseDockerfile(output, 'buildkit');
    const again = hoistFromArgs(outModel, options);
    if (again.edits.length > 0) {
      throw new VerificationError('internal error: the planned edits do not settle the file (not written)');
    }
  }
  return {
    output,
    edits: result.edits,
    findings: result.findings,
    hoisted: result.hoisted,
    skip: null,
    model: outModel,
    args: null,
    vars: model.froms.length ? fromVars(model, fallbacks(options, model)) : NO_VARS,
    parsed: model,
  };
}
