/**
 * Findings for the build sites that are reported, never edited (Jenkinsfiles, stand-alone shell scripts):
 * for each command that builds an analysed Dockerfile without passing a variable it needs (src/dockerfile/analyze.ts
 * fromVars), the exact flags to add. Docker-family builders get a bare `--build-arg NAME` (the value comes from the environment and
 * an unset variable keeps the Dockerfile default); kaniko `--build-arg NAME=$NAME`; buildctl
 * `--opt build-arg:NAME=$NAME`. Pure: the builds and the Dockerfiles' facts in, findings out.
 */
import type { ReportedBuild } from '../src/ci/reported.js';
import { finding, type Finding } from '../src/findings.js';
import { flagFor, missingAnywhere, unseen, type CiTransformResult, type DockerfileFacts } from './support/ci-args.js';

const RULE = { jenkins: 'CiBuildInJenkinsfile', shell: 'CiBuildInShellScript' } as const;
const WHERE = { jenkins: 'Jenkinsfiles', shell: 'shell scripts' } as const;

export function reportedTransform(builds: readonly ReportedBuild[], dockerfiles: ReadonlyMap<string, DockerfileFacts>): CiTransformResult {
  const findings: Finding[] = [];
  const built = new Set<string>();
  for (const b of builds) {
    const at = { line: b.line, column: b.column };
    // Arguments from a variable: what its visible assignments pass counts as passed (src/ci/dynargs.ts); they
    // may pass more only when some assignment cannot be read.
    const given = [...b.command.passed, ...[...(b.dynamicArgs?.passes ?? [])].map((name) => ({ name }))];
    const mayPassMore = b.command.dynamic.length > 0 && (b.dynamicArgs === undefined || b.dynamicArgs.opaque !== null);
    const push = (f: Finding) => findings.push({ ...f, file: b.file });
    if (b.dockerfile === null) {
      for (const d of dockerfiles.keys()) built.add(d);
      // Silent unless a Dockerfile it may build needs a variable the command does not pass.
      const needing = missingAnywhere(given, dockerfiles);
      if (needing.length === 0) continue;
      push(
        finding(RULE[b.kind], at, `${b.command.label} builds an image, but ${b.unresolved}; ${WHERE[b.kind]} are not edited`, {
          fix: `if it builds ${needing.map((f) => f.path).join(' or ')}, pass its FROM variables yourself`,
          ...unseen(needing),
        }),
      );
      continue;
    }
    const facts = dockerfiles.get(b.dockerfile);
    if (!facts) continue;
    built.add(b.dockerfile);
    const passed = new Set(given.map((p) => p.name));
    // Only what the Dockerfile needs: a FROM that is valid with its defaults builds as it is.
    const missing = facts.after.needs.filter((n) => !passed.has(n));
    if (missing.length === 0) continue;
    const flags = missing.map((n) => flagFor(b.command, n)).join(' ');
    const dyn = mayPassMore ? ` (its arguments from a variable may already pass some of them: ${b.dynamicArgs?.opaque ?? 'not read'})` : '';
    push(
      finding(RULE[b.kind], at, `${b.command.label} builds ${b.dockerfile} without passing ${missing.join(', ')}${dyn}; ${WHERE[b.kind]} are not edited: add ${flags}`, {
        fix: `add ${flags} to the command`,
        // Arguments from a variable or array may pass them already: as sure as the variables are undeclared.
        ...(mayPassMore ? unseen([{ path: facts.path, names: missing, facts }]) : {}),
      }),
    );
  }
  return { edits: new Map(), findings, built };
}
