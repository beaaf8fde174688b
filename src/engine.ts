/**
 * The per-file pipeline: parse once, run the transform, apply its edits to the original text, then verify
 * the result by parsing it again (with BuildKit's line rules, not dockerfile-ast) and running the transform on
 * it: it must ask for nothing more. A file
 * whose edits do not verify is an internal error and is never written.
 */
import { formatArgValue, hoistFromArgs, type Hoisted, type HoistOptions } from '../transforms/hoist-from-args.js';
import { fromVars, type FromVars } from './dockerfile/analyze.js';
import { parseDockerfile, type DockerfileModel } from './dockerfile/parse.js';
import { trivialFromCount } from './dockerfile/prefilter.js';
import { applyEdits, type TextEdit } from './edits.js';
import type { Finding } from './findings.js';

export interface DockerfileOutcome {
  output: string;
  edits: TextEdit[];
  findings: Finding[];
  hoisted: Hoisted[];
  /** The file has no FROM: not a Dockerfile anything builds. */
  noFrom: boolean;
  /** The parsed output (the verification parse; the input's model when nothing changed); null when the
   * pre-check proved there was nothing to parse for (no variable, no ARG: no facts for the CI side either). */
  model: DockerfileModel | null;
  /** The FROM variables of the file as read, and which of them it needs from the build (the need rule). */
  vars: FromVars;
}

const NO_VARS: FromVars = { uses: [], needs: [] };

export class VerificationError extends Error {}

/** The supplied defaults as the ARG values the transform would write (see fromVars). */
function fallbacks(options: HoistOptions, model: DockerfileModel): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, d] of options.defaults ?? []) out.set(name, formatArgValue(d.value, model.escape));
  return out;
}

export function fixDockerfile(text: string, options: HoistOptions = {}): DockerfileOutcome {
  const trivial = trivialFromCount(text);
  if (trivial !== null) return { output: text, edits: [], findings: [], hoisted: [], noFrom: trivial === 0, model: null, vars: NO_VARS };
  const model = parseDockerfile(text);
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
    noFrom: model.froms.length === 0,
    model: outModel,
    vars: model.froms.length ? fromVars(model, fallbacks(options, model)) : NO_VARS,
  };
}
