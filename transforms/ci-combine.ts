/**
 * The CI transform over every system at once: the per-system transforms' results (shell steps, build-push-action
 * steps, Compose services, Bake targets, Docker@2 tasks, plugins, reported builds) in; the insertions per CI file
 * and the findings out, with the findings that need all systems at once: a Dockerfile with FROM variables that
 * nothing builds, and CI files not in the repository. The engine's CI pass (src/ci-pass.ts) runs the per-system
 * transforms and hands their results here.
 */
import type { ScriptFileBuild } from '../src/ci/steps.js';
import type { ExternalInclude } from '../src/ci/yaml.js';
import type { TextEdit } from '../src/edits.js';
import { finding, type Finding } from '../src/findings.js';
import { unseen, type CiTransformResult, type DockerfileFacts } from './support/ci-args.js';

export interface CiCombineInput {
  /** The per-system transforms' results, in the order their findings are reported. */
  parts: readonly CiTransformResult[];
  /** Builds in scripts a CI step runs (src/ci/steps.ts). */
  scriptFiles: readonly Pick<ScriptFileBuild, 'script' | 'line'>[];
  external: readonly ExternalInclude[];
  dockerfiles: ReadonlyMap<string, DockerfileFacts>;
}

export function combineCi(input: CiCombineInput): { edits: Map<string, TextEdit[]>; findings: Finding[] } {
  const { dockerfiles, parts } = input;
  const edits = new Map<string, TextEdit[]>();
  const findings: Finding[] = [];
  const built = new Set<string>();
  for (const p of parts) {
    for (const [path, list] of p.edits) edits.set(path, [...(edits.get(path) ?? []), ...list]);
    findings.push(...p.findings);
    for (const d of p.built) built.add(d);
  }
  // A build in a script a CI step runs is reported there, with the job's context (CiBuildInScriptFile): the
  // same command read as a stand-alone script is not reported again.
  const called = new Set(input.scriptFiles.map((s) => `${s.script}:${s.line}`));
  for (let i = findings.length - 1; i >= 0; i--) {
    const f = findings[i];
    if (f.rule === 'CiBuildInShellScript' && called.has(`${f.file}:${f.line}`)) findings.splice(i, 1);
  }
  // As the Dockerfiles are left: a need the tool's own default met is no longer a reason to look for the build.
  const unbuilt = [...dockerfiles.values()].filter((f) => !built.has(f.path) && f.after.needs.length > 0).map((f) => ({ ...f, needs: f.after.needs }));
  const externals = input.external;
  for (const f of unbuilt) {
    const ext = externals.length ? ` (the build may live in ${externals.map((x) => `${x.kind} include ${x.what}`).join(', ')})` : '';
    findings.push({
      ...finding('CiNoBuildCommand', { line: f.line, column: f.column }, `${f.path} needs ${f.needs.join(', ')} from the build, but no CI step the tool reads builds it${ext}`, {
        fix: `pass ${f.needs.map((n) => `--build-arg ${n}`).join(' ')} where it is built`,
        // Declared ARGs may be passed by a build the tool cannot read (a Makefile, a builder action): info then.
        ...unseen([{ path: f.path, names: f.needs, facts: f }]),
      }),
      file: f.path,
    });
  }
  // An include the tool cannot read matters only when a Dockerfile that needs something has no visible build.
  if (unbuilt.length) {
    for (const x of externals) {
      findings.push({
        ...finding(
          'CiExternalInclude',
          { line: x.line, column: x.column },
          x.kind === 'missing' || x.kind === 'wildcard'
            ? `local include ${x.what} cannot be read; its jobs may build ${unbuilt.map((f) => f.path).join(', ')}, which need${unbuilt.length === 1 ? 's' : ''} ${[...new Set(unbuilt.flatMap((f) => f.needs))].join(', ')}`
            : `${x.kind} include ${x.what} is not in the repository; its jobs may build ${unbuilt.map((f) => f.path).join(', ')}, which need${unbuilt.length === 1 ? 's' : ''} ${[...new Set(unbuilt.flatMap((f) => f.needs))].join(', ')}`,
          { fix: `pass ${[...new Set(unbuilt.flatMap((f) => f.needs))].map((n) => `--build-arg ${n}`).join(' ')} in the job that builds it`, ...unseen(unbuilt.map((f) => ({ path: f.path, names: f.needs, facts: f }))) },
        ),
        file: x.file,
      });
    }
  }
  return { edits, findings };
}
