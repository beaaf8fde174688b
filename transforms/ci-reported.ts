/**
 * Findings for the build sites that are reported, never edited (Jenkinsfiles, stand-alone shell scripts):
 * for each command that builds an analysed Dockerfile without passing a FROM variable that has no default
 * (or was hoisted by this run), the exact flags to add. Docker-family builders get a bare `--build-arg NAME` (the value comes from the environment and
 * an unset variable keeps the Dockerfile default); kaniko `--build-arg NAME=$NAME`; buildctl
 * `--opt build-arg:NAME=$NAME`. Pure: the builds and the Dockerfiles' facts in, findings out.
 */
import type { ReportedBuild } from '../src/ci/reported.js';
import { finding, type Finding } from '../src/findings.js';
import type { DockerfileFacts } from './ci-args.js';
import type { CiTransformResult } from './ci-steps.js';

const RULE = { jenkins: 'CiBuildInJenkinsfile', shell: 'CiBuildInShellScript' } as const;
const WHERE = { jenkins: 'Jenkinsfiles', shell: 'shell scripts' } as const;

export function flagFor(b: ReportedBuild, name: string): string {
  if (b.command.tool === 'buildctl') return `--opt build-arg:${name}=$${name}`;
  if (b.command.tool === 'kaniko') return `--build-arg ${name}=$${name}`;
  return `--build-arg ${name}`;
}

export function reportedTransform(builds: readonly ReportedBuild[], dockerfiles: ReadonlyMap<string, DockerfileFacts>): CiTransformResult {
  const findings: Finding[] = [];
  const built = new Set<string>();
  for (const b of builds) {
    const at = { line: b.line, column: b.column };
    const push = (f: Finding) => findings.push({ ...f, file: b.file });
    if (b.dockerfile === null) {
      for (const d of dockerfiles.keys()) built.add(d);
      const needing = [...dockerfiles.values()].filter((f) => f.needs.length > 0);
      if (needing.length === 0) continue;
      push(
        finding(RULE[b.kind], at, `${b.command.label} builds an image, but ${b.unresolved}; ${WHERE[b.kind]} are not edited`, {
          fix: `if it builds ${needing.map((f) => f.path).join(' or ')}, pass its FROM variables yourself`,
        }),
      );
      continue;
    }
    const facts = dockerfiles.get(b.dockerfile);
    if (!facts) continue;
    built.add(b.dockerfile);
    const passed = new Set(b.command.passed.map((p) => p.name));
    // Only the ones without a default: a defaulted FROM variable builds as it is.
    const missing = facts.needs.filter((n) => !passed.has(n) && facts.undefaulted.has(n));
    if (missing.length === 0) continue;
    const flags = missing.map((n) => flagFor(b, n)).join(' ');
    const dyn = b.command.dynamic.length ? ' (its dynamic arguments may already pass some of them)' : '';
    push(
      finding(RULE[b.kind], at, `${b.command.label} builds ${b.dockerfile} without passing ${missing.join(', ')}${dyn}; ${WHERE[b.kind]} are not edited: add ${flags}`, {
        fix: `add ${flags} to the command`,
      }),
    );
  }
  return { edits: new Map(), findings, built };
}
