/**
 * Which build args a CI build site should get, and the findings about it, whatever the site's shape (a shell
 * command, a build-push-action step): research ci.md §5 R1 (pass what the CI defines), R2 (leave an arg already
 * passed alone), R5 (possibly-unset variables), and the hazards of CI variables in an image reference.
 */
import type { Job } from '../src/ci/jobs.js';
import { GITHUB_EXPR_HAZARDS } from '../src/ci/platform.js';
import { suggest } from '../src/dockerfile/suggest.js';
import { finding, type Finding } from '../src/findings.js';

export interface DockerfileFacts {
  /** Repository-relative path. */
  path: string;
  /** Global ARG names the FROMs need, first use first (platform built-ins excluded). */
  needs: string[];
  /** Every ARG name the Dockerfile declares (any scope). */
  declared: Set<string>;
  /** Names used in the tag of a FROM image. */
  tagVars: Set<string>;
  /** Names used in the repository part (host/path) of a FROM image. */
  repoVars: Set<string>;
  /** Names whose global ARG has no default or was hoisted by this run. */
  undefaulted: Set<string>;
  /** Where the first FROM using a variable is (1-based). */
  line: number;
  column: number;
}

export interface ArgSite {
  /** The builder as the report names it (`docker build`, `docker/build-push-action`). */
  label: string;
  /** Repository-relative CI file the findings go to. */
  file: string;
  pos: { line: number; column: number };
  /** The jobs that run this site (one edit serves them all). */
  jobs: readonly Job[];
  /** Build args already passed, with the value as written (null: bare `NAME`). */
  passed: readonly { name: string; raw: string | null }[];
  /** An unset bare arg keeps the Dockerfile default (docker-family shell commands). */
  bareKeepsDefault: boolean;
}

export interface PlannedArg {
  name: string;
  /** Pass it bare (`--build-arg NAME`), so an unset variable keeps the Dockerfile default. */
  bare: boolean;
}

export const jobsText = (jobs: readonly Job[]) => {
  const names = [...new Set(jobs.map((j) => j.name))];
  return names.length === 1 ? `job '${names[0]}'` : `jobs ${names.map((j) => `'${j}'`).join(', ')}`;
};

/** Findings for one site and one Dockerfile, and the build args the site should get. */
export function planArgs(site: ArgSite, facts: DockerfileFacts, push: (f: Finding) => void): PlannedArg[] {
  const { jobs, pos } = site;
  const platform = jobs[0].platform;
  const passed = new Map(site.passed.map((p) => [p.name, p]));
  const text = jobsText(jobs);

  for (const p of site.passed) {
    if (facts.declared.has(p.name)) continue;
    const sug = suggest(p.name, facts.declared);
    push(finding('CiUnusedBuildArg', pos, `${site.label} passes build arg '${p.name}', which ${facts.path} never declares${sug ? ` (did you mean ${sug}?)` : ''}`, { name: p.name }));
  }

  const defined = (name: string) => jobs.every((j) => j.platform.predefined.has(name) || j.variables.has(name));
  const toAdd: PlannedArg[] = [];
  for (const name of facts.needs) {
    const p = passed.get(name);
    // What the variable stands for in this CI: its own name, the expression a job variable holds, the value passed.
    const values = [...jobs.map((j) => j.variables.get(name)?.raw ?? ''), p?.raw ?? ''].join('\n');
    const exprHazard = (kind: string) => GITHUB_EXPR_HAZARDS.some((h) => h.kind === kind && h.re.test(values));
    if (platform.beforeSha.has(name) || exprHazard('beforeSha')) {
      const what = platform.beforeSha.has(name) ? name : `${name} (github.event.before)`;
      push(
        finding('CiBeforeShaZeros', pos, platform.id === 'gitlab' && platform.beforeSha.has(name)
          ? `${facts.path} uses CI_COMMIT_BEFORE_SHA in FROM: it is forty zeros in merge request, first-push, manual and scheduled pipelines, so that tag almost never exists`
          : `${facts.path} uses ${what} in FROM: it is forty zeros on the first push of a branch and empty outside push events, so that tag almost never exists`, {
          name,
          fix: `use a stable tag (latest, or one derived from ${platform.id === 'gitlab' ? 'CI_DEFAULT_BRANCH' : 'the default branch'}) for the base image`,
        }),
      );
    }
    if (facts.tagVars.has(name) && (platform.refNames.has(name) || exprHazard('ref'))) {
      push(
        finding('CiRefNameInTag', pos, `${name} is used as an image tag in ${facts.path}, but branch and tag names can contain '/', which a tag cannot`, {
          name,
          fix: platform.refFix,
        }),
      );
    }
    if (facts.repoVars.has(name) && (platform.caseKept.has(name) || exprHazard('case'))) {
      push(
        finding('CiUppercaseRepository', pos, `${name} is used in the repository path of an image in ${facts.path}, but GitHub keeps the owner's and repository's capitals, which a repository path cannot have`, {
          name,
          fix: 'lower-case it first (e.g. a step running echo "IMAGE=${GITHUB_REPOSITORY,,}" >> "$GITHUB_ENV")',
        }),
      );
    }
    if (p) {
      const same = p.raw === null || jobs.every((j) => j.platform.sameValue(j, name, p.raw!));
      if (!same) push(finding('CiArgDifferentValue', pos, `${site.label} already passes ${name}=${p.raw}, not ${platform.shellValue(jobs[0], name, false)}; left as it is`, { name }));
      continue;
    }
    if (!defined(name)) {
      if (facts.undefaulted.has(name)) {
        push(
          finding('CiUndefinedVariable', pos, `${name} is used in a FROM of ${facts.path}, but the CI of ${text} never defines it; hoisted, not passed`, {
            name,
            fix: `if it is a project or repository variable, pass it to ${site.label} yourself`,
          }),
        );
      }
      continue;
    }
    const unset = platform.maybeUnset(name) && jobs.some((j) => !j.platform.guaranteed(j, name));
    const bare = unset && site.bareKeepsDefault && platform.unsetIsUnset;
    if (unset) {
      push(
        finding(
          'CiMaybeUnset',
          pos,
          bare
            ? `${name} is unset in some pipelines of ${text}; passed bare (--build-arg ${name}) so the Dockerfile default is kept then`
            : `${name} is unset in some pipelines of ${text}; ${site.label} passes it as empty then, which overrides the Dockerfile default`,
          { name, fix: platform.id === 'gitlab' ? `guard the job with "rules: - if: $${name}"` : `run the job only on the events that set ${name}` },
        ),
      );
    }
    toAdd.push({ name, bare });
  }
  return toAdd;
}
