/**
 * The per-file pipeline: parse once, run the transform, apply its edits to the original text, then verify
 * the result by parsing it again (with BuildKit's line rules, not dockerfile-ast) and running the transform on
 * it: it must ask for nothing more. A file
 * whose edits do not verify is an internal error and is never written.
 */
import { hoistFromArgs, type Hoisted, type HoistOptions } from '../transforms/hoist-from-args.js';
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
}

export class VerificationError extends Error {}

export function fixDockerfile(text: string, options: HoistOptions = {}): DockerfileOutcome {
  const trivial = trivialFromCount(text);
  if (trivial !== null) return { output: text, edits: [], findings: [], hoisted: [], noFrom: trivial === 0, model: null };
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
  };
}
