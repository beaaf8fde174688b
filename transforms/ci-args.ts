/**
 * Which build args a CI build site should get, and the findings about it, whatever the site's shape (a shell
 * command, a build-push-action step): research ci.md §5 R1 (pass what the CI defines), R2 (leave an arg already
 * passed alone), R5 (possibly-unset variables), and the hazards of CI variables in an image reference.
 */
import type { BuildCommand } from '../src/ci/builders.js';
import type { Job } from '../src/ci/jobs.js';
import { GITHUB_EXPR_HAZARDS } from '../src/ci/platform.js';
import { suggest } from '../src/dockerfile/suggest.js';
import { finding, type Finding } from '../src/findings.js';

export interface DockerfileFacts {
  /** Repository-relative path. */
  path: string;
  /** Every variable the FROMs look up (directly or through global defaults), built-ins excluded, first use first. */
  uses: string[];
  /**
   * The ones the Dockerfile needs from the build (src/dockerfile/analyze.ts fromVars: as written, the FROM is
   * invalid without them). Only these are passed, and only these make a build site worth a warning.
   */
  needs: string[];
  /**
   * The needed ones the global scope does not declare in the file as read: no build arg can reach them, so every
   * build of it fails as written. A declared one (`ARG BASE` without a valid default) may be passed by a build
   * the tool cannot read (a Makefile, a builder action): where the tool cannot see the build, that is only info.
   */
  undeclared: Set<string>;
  /** Every ARG name the Dockerfile declares (any scope). */
  declared: Set<string>;
  /** Names used in the tag of a FROM image. */
  tagVars: Set<string>;
  /** Names used in the repository part (host/path) of a FROM image. */
  repoVars: Set<string>;
  /** The global ARG default of each used variable, as written in the file as read. */
  defaults: Map<string, string>;
  /** The repository opted in (--pass-defined, `pass-defined: true`) to pass CI-defined variables it does not need. */
  passDefined: boolean;
  /** Where the first FROM needing a variable is (else the first using one), 1-based, in the file as read. */
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
  /** The Dockerfile needs it (else it is passed only because the repository opted in: --pass-defined). */
  needed: boolean;
}

export const jobsText = (jobs: readonly Job[]) => {
  const names = [...new Set(jobs.map((j) => j.name))];
  return names.length === 1 ? `job '${names[0]}'` : `jobs ${names.map((j) => `'${j}'`).join(', ')}`;
};

/**
 * Build args BuildKit and Docker understand without an ARG in the Dockerfile, so passing them is never a
 * misspelling: the predefined proxy ARGs and BuildKit's built-in build args (docs.docker.com reference
 * "Predefined ARGs" and "BuildKit built-in build args"), plus SOURCE_DATE_EPOCH (reproducible builds).
 */
const BUILTIN_BUILD_ARGS = new Set([
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
  'BUILDKIT_CACHE_MOUNT_NS', 'BUILDKIT_CONTEXT_KEEP_GIT_DIR', 'BUILDKIT_INLINE_CACHE', 'BUILDKIT_MULTI_PLATFORM', 'BUILDKIT_SANDBOX_HOSTNAME', 'BUILDKIT_SYNTAX',
  'SOURCE_DATE_EPOCH',
]);

/**
 * The flag to add to a build that is reported, not edited (a script file, a Jenkinsfile), for `name`: the value
 * comes from the environment the command runs in; a docker-family `--build-arg NAME` keeps the Dockerfile
 * default when the variable is unset.
 */
export function flagFor(command: Pick<BuildCommand, 'tool'>, name: string): string {
  if (command.tool === 'buildctl') return `--opt build-arg:${name}=$${name}`;
  if (command.tool === 'kaniko') return `--build-arg ${name}=$${name}`;
  return `--build-arg ${name}`;
}

/** For a build whose Dockerfile is unknown: each Dockerfile that needs a variable the build does not pass. */
export function missingAnywhere(passed: readonly { name: string }[], dockerfiles: ReadonlyMap<string, DockerfileFacts>): Missing[] {
  const given = new Set(passed.map((p) => p.name));
  return [...dockerfiles.values()].map((f) => ({ path: f.path, names: f.needs.filter((n) => !given.has(n)), facts: f })).filter((m) => m.names.length > 0);
}

/** A Dockerfile a build may build, and the variables it needs that the build does not pass. */
export interface Missing {
  path: string;
  names: string[];
  facts: DockerfileFacts;
}

/** unseenSeverity for what builds the tool cannot read may miss. */
export const unseen = (missing: readonly Missing[]) => ({ severity: missing.some((m) => m.names.some((n) => m.facts.undeclared.has(n))) ? ('warning' as const) : ('info' as const) });

/** The hint of a build whose Dockerfile is unknown: what it should pass if it builds one that needs something. */
export function dynamicHint(missing: readonly Missing[], where: string): string {
  return `if it builds ${missing.map((m) => m.path).join(' or ')}, pass ${[...new Set(missing.flatMap((m) => m.names))].join(', ')} ${where}`;
}

/**
 * Findings about builds the tool cannot read or edit (a dynamic path or arguments, a script, an include, no
 * build at all) take their severity from `unseen`: a warning when a missing variable is undeclared (that build
 * cannot work as written), else info (a build elsewhere may well pass it: a Makefile, a builder action).
 */
/** Where a variable's value comes from in the jobs, for the report. */
function definedAs(jobs: readonly Job[], name: string): string {
  const raw = jobs.map((j) => j.variables.get(name)?.raw).find((r) => r !== undefined);
  return raw === undefined ? `${name} (predefined)` : `${name}=${raw}`;
}

/**
 * The audit finding of one insertion: where, which flags, and the Dockerfile and variables that need them.
 * Every CI edit carries one.
 */
export function addedFinding(site: { label: string; pos: { line: number; column: number } }, where: string, flags: readonly string[], facts: DockerfileFacts, args: readonly PlannedArg[]): Finding {
  const needed = args.filter((a) => a.needed).map((a) => a.name);
  const opted = args.filter((a) => !a.needed).map((a) => a.name);
  const why = [
    needed.length ? `${facts.path} needs ${needed.join(', ')} (as written, its FROM is not a valid reference without ${needed.length === 1 ? 'it' : 'them'})` : '',
    opted.length ? `${opted.join(', ')} passed because of --pass-defined (the Dockerfile default is valid)` : '',
  ].filter(Boolean);
  return finding('CiBuildArgAdded', site.pos, `${site.label} in ${where}: added ${flags.join(' ')}: ${why.join('; ')}`, {
    ...(args.length === 1 ? { name: args[0].name } : {}),
    fixed: true,
  });
}

/**
 * Findings for one site and one Dockerfile, and the build args the site should get: only the variables the
 * Dockerfile needs (src/dockerfile/analyze.ts fromVars), and, when the repository opted in, CI-defined ones
 * whose Dockerfile default is valid. A Dockerfile that needs nothing gets no warning (about hazards,
 * misspellings or values): that build works as it is; a CI-defined variable it does not need gets an info
 * finding (CiDefinedNotPassed).
 */
export function planArgs(site: ArgSite, facts: DockerfileFacts, push: (f: Finding) => void): PlannedArg[] {
  const { jobs, pos } = site;
  const platform = jobs[0].platform;
  const passed = new Map(site.passed.map((p) => [p.name, p]));
  const text = jobsText(jobs);
  const warn = facts.needs.length > 0;

  if (warn) {
    for (const p of site.passed) {
      if (facts.declared.has(p.name) || BUILTIN_BUILD_ARGS.has(p.name)) continue;
      const sug = suggest(p.name, facts.declared);
      push(finding('CiUnusedBuildArg', pos, `${site.label} passes build arg '${p.name}', which ${facts.path} never declares${sug ? ` (did you mean ${sug}?)` : ''}`, { name: p.name }));
    }
  }

  const defined = (name: string) => jobs.every((j) => j.platform.predefined.has(name) || j.variables.has(name));
  const toAdd: PlannedArg[] = [];
  for (const name of facts.uses) {
    const needed = facts.needs.includes(name);
    const p = passed.get(name);
    if (needed) hazards(name, p?.raw ?? null);
    if (p) {
      if (!needed) continue;
      const same = p.raw === null || jobs.every((j) => j.platform.sameValue(j, name, p.raw!));
      if (!same) push(finding('CiArgDifferentValue', pos, `${site.label} already passes ${name}=${p.raw}, not ${platform.shellValue(jobs[0], name, false)}; left as it is`, { name }));
      continue;
    }
    if (!defined(name)) {
      if (needed) {
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
    if (!needed && (!facts.passDefined || (unset && !bare))) {
      const dflt = facts.defaults.get(name);
      push(
        finding('CiDefinedNotPassed', pos, `the CI of ${text} defines ${definedAs(jobs, name)}, but ${facts.path} does not need it: the build uses ${dflt === undefined ? `its FROM without ${name}` : `the Dockerfile default ${name}=${dflt}`}; not passed`, {
          name,
          fix: facts.passDefined ? `it may be unset in some pipelines, where passing it would override the default with an empty value` : `to build with the CI's value, pass it yourself or run with --pass-defined`,
        }),
      );
      continue;
    }
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
    toAdd.push({ name, bare, needed });
  }
  return toAdd;

  /** The hazards of CI variables in an image reference, for a variable the build passes or is given. */
  function hazards(name: string, raw: string | null): void {
    // What the variable stands for in this CI: its own name, the expression a job variable holds, the value passed.
    const values = [...jobs.map((j) => j.variables.get(name)?.raw ?? ''), raw ?? ''].join('\n');
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
  }
}
