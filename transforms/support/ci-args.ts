/**
 * Which build args a CI build site should get, and the findings about it, whatever the site's shape (a shell
 * command, a build-push-action step): research ci.md §5 R1 (pass what the CI defines), R2 (leave an arg already
 * passed alone), R5 (possibly-unset variables), and the hazards of CI variables in an image reference.
 */
import type { BuildCommand } from '../../src/ci/builders.js';
import type { Job } from '../../src/ci/model.js';
import { substituteMatrix, type MatrixCell } from '../../src/ci/matrix.js';
import { GITHUB_EXPR_HAZARDS } from '../../src/ci/platform.js';
import { suggest } from '../../src/dockerfile/suggest.js';
import type { TextEdit } from '../../src/edits.js';
import { finding, type Finding } from '../../src/findings.js';

/** What every CI transform answers. */
export interface CiTransformResult {
  /** Edits per CI file path. */
  edits: Map<string, TextEdit[]>;
  /** Findings with `file` set to a repository-relative path. */
  findings: Finding[];
  /** Dockerfiles some step builds (all of them when a step's Dockerfile is unknown). */
  built: Set<string>;
}

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
  /** Every ARG name the Dockerfile declares (any scope). */
  declared: Set<string>;
  /** Names used in the tag of a FROM image. */
  tagVars: Set<string>;
  /** Names used in the repository part (host/path) of a FROM image. */
  repoVars: Set<string>;
  /** The global ARG default of each used variable, as written in the file as read. */
  defaults: Map<string, string>;
  /**
   * The Dockerfile as the tool leaves it (its planned edits applied): the variables it still needs from the
   * build, a default the user supplied (config, --default) counting as none (fromVars' fallbacks), so a second
   * run sees the same; and the default, by name, of each variable whose FROMs are valid without a build arg
   * (what an unset variable falls back to). Findings are about this state: what the first run leaves unfixed
   * is what the second run reports.
   */
  after: { needs: string[]; kept: Map<string, string>; undeclared: Set<string> };
  /** When set, each job-based build site of this Dockerfile adds the names it passes once its edit is made. */
  sites?: Set<string>[];
  /** The repository opted in (--pass-defined, `pass-defined: true`) to pass CI-defined variables it does not need. */
  passDefined: boolean;
  /**
   * The FROMs (of the Dockerfile as the tool leaves it) that are invalid when the build passes `values`, each
   * build arg overriding its global ARG as BuildKit does; only FROMs whose needed variables all have a value
   * in `values` are checked. Absent where the model is unknown.
   */
  checkValues?(values: ReadonlyMap<string, string>): { image: string; value: string; invalid: string; names: string[] }[];
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
  /**
   * Build args already passed, with the value as written (null: bare `NAME`); `via`: passed by an assignment to
   * the variable the command expands (`$EXTRA_ARGS`, src/ci/dynargs.ts), in some branch at least: its value is
   * the job's business (no finding about it).
   */
  passed: readonly { name: string; raw: string | null; via?: string }[];
  /** An unset bare arg keeps the Dockerfile default (docker-family shell commands). */
  bareKeepsDefault: boolean;
  /** An empty value keeps the Dockerfile default too (the Drone/Woodpecker docker plugins skip empty ones). */
  emptyKeepsDefault?: boolean;
  /**
   * Other jobs the same edit reaches (a shared command that builds other Dockerfiles in them, which declare
   * the variable): passing it must be right for them as well.
   */
  coJobs?: (name: string) => readonly Job[];
  /** The same command builds another Dockerfile (in other jobs) that declares the name: passing it is no mistake. */
  declaredElsewhere?: (name: string) => boolean;
}

export interface PlannedArg {
  name: string;
  /** Pass it bare (`--build-arg NAME`), so an unset variable keeps the Dockerfile default. */
  bare: boolean;
  /** The Dockerfile needs it (else it is passed only because the repository opted in: --pass-defined). */
  needed: boolean;
}

/**
 * The jobs as jobsText names them, a matrix job with the values of its cell (`job 'build' with matrix
 * BASE_TAG=3.12:slim`; several cells of one job separated by `;`; all of them: no values).
 */
export function runsText(runs: readonly { job: Job; cell: MatrixCell | null }[]): string {
  const byName = new Map<string, string[]>();
  for (const r of runs) {
    const cells = byName.get(r.job.name) ?? [];
    // Every job of its matrix: named without values.
    const every = r.job.matrix?.every((c) => runs.some((o) => o.job === r.job && o.cell === c));
    const text = r.cell && !every ? [...r.cell].map(([k, v]) => `${k}=${v}`).join(', ') : '';
    if (text && !cells.includes(text)) cells.push(text);
    byName.set(r.job.name, cells);
  }
  const one = (name: string, cells: string[]) => `'${name}'${cells.length ? ` with matrix ${cells.join('; ')}` : ''}`;
  return `${byName.size === 1 ? 'job' : 'jobs'} ${[...byName].map(([n, c]) => one(n, c)).join(', ')}`;
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
  return [...dockerfiles.values()].map((f) => ({ path: f.path, names: f.after.needs.filter((n) => !given.has(n)), facts: f })).filter((m) => m.names.length > 0);
}

/**
 * Of the args planned for a site that cannot be edited (a shape, a shell, arguments the tool cannot extend),
 * the ones to report: those the Dockerfile as left still needs, and opted-in ones (--pass-defined), which a
 * second run plans again. One whose need the tool's own Dockerfile edit met (a default every build agrees on)
 * is no longer missing there.
 */
export function stillMissing(facts: DockerfileFacts, names: readonly string[]): string[] {
  return names.filter((n) => facts.after.needs.includes(n) || facts.passDefined);
}

/** A Dockerfile a build may build, and the variables it needs that the build does not pass. */
export interface Missing {
  path: string;
  names: string[];
  facts: DockerfileFacts;
}

/**
 * The severity of a finding about builds the tool cannot read or edit (a dynamic path or arguments, a script, an
 * include, no build at all): a warning when a variable they may miss is still undeclared once the Dockerfile is
 * fixed (that build cannot work as written), else info (a build elsewhere may well pass it: a Makefile, a
 * builder action).
 */
export const unseen = (missing: readonly Missing[]) => ({ severity: missing.some((m) => m.names.some((n) => m.facts.after.undeclared.has(n))) ? ('warning' as const) : ('info' as const) });

/** The hint of a build whose Dockerfile is unknown: what it should pass if it builds one that needs something. */
export function dynamicHint(missing: readonly Missing[], where: string): string {
  return `if it builds ${missing.map((m) => m.path).join(' or ')}, pass ${[...new Set(missing.flatMap((m) => m.names))].join(', ')} ${where}`;
}

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
 * The value `job` gives `name` in every pipeline, or null when it gives none or one not known here (a matrix
 * key, an input, an expression, a project variable). GitLab expands `$V`/`${V}` in a variable's value once, with
 * Go's os.Expand over the job's variables as written (gitlab-runner common JobVariables.ExpandValue/Get: `$$` is
 * `$`, a name no variable can have is "", an unclosed `${` is dropped); a reference is known only to another
 * literal variable of the job, or to a name no CI variable can have (GitLab keys are `[A-Za-z0-9_]+`).
 */
export function jobValue(job: Job, name: string, cell?: MatrixCell | null): string | null {
  const v = job.variables.get(name);
  if (cell) {
    const m = matrixValue(job, name, cell);
    if (m !== undefined) return m;
  }
  if (!v || v.empty || v.maybeUnset || (v.kind !== undefined && v.kind !== 'env')) return null;
  if (v.value !== null) return v.value;
  if (job.platform.id !== 'gitlab' || v.raw === undefined) return null;
  if (v.expand === false) return v.raw;
  const lookup = (key: string): string | null => {
    if (key === '$') return '$';
    if (!/^[A-Za-z0-9_]+$/.test(key)) return '';
    if (cell) {
      const m = matrixValue(job, key, cell);
      if (m !== undefined) return m;
    }
    const w = job.variables.get(key);
    return w && w.value !== null && !w.empty && !w.maybeUnset && (w.kind === undefined || w.kind === 'env') ? w.value : null;
  };
  const s = v.raw;
  let out = '';
  for (let j = 0; j < s.length; j++) {
    if (s[j] !== '$' || j + 1 >= s.length) {
      out += s[j];
      continue;
    }
    const rest = s.slice(j + 1);
    let key: string | null = null;
    let width = 0;
    if (rest[0] === '{') {
      if (rest.length > 2 && /[*#$@!?\-0-9]/.test(rest[1]) && rest[2] === '}') [key, width] = [rest[1], 3];
      else {
        const close = rest.indexOf('}');
        if (close === 1) [key, width] = ['', 2];
        else if (close < 0) [key, width] = ['', 1];
        else [key, width] = [rest.slice(1, close), close + 1];
      }
    } else if (/[*#$@!?\-0-9]/.test(rest[0])) [key, width] = [rest[0], 1];
    else {
      const m = /^[A-Za-z0-9_]*/.exec(rest)![0];
      [key, width] = [m, m.length];
    }
    if (key === '' && width === 0) out += '$';
    else if (key !== '') {
      const got = lookup(key);
      if (got === null) return null;
      out += got;
    }
    j += width;
  }
  return out;
}

/**
 * The value one job of a matrix (`cell`, one entry of Job.matrix) gives `name` where the matrix decides it:
 * a GitLab `parallel:matrix` variable or an Azure `strategy.matrix` leg variable is the cell's value (absent
 * from the cell: the job's value is not known here); a GitHub variable written with `${{ matrix.KEY }}` (an
 * `env:` value; GitHub substitutes the expression before the step runs) or a matrix key itself is the value
 * with the cell's values substituted. Null: unknown or empty (no value); undefined: the matrix does not decide it.
 */
function matrixValue(job: Job, name: string, cell: MatrixCell): string | null | undefined {
  const v = job.variables.get(name);
  if (!v || !job.matrix) return undefined;
  const known = (x: string | null | undefined) => (x === undefined || x === null || x === '' ? null : x);
  if (job.platform.id === 'gitlab' && v.source.startsWith('parallel:matrix ')) return known(cell.get(name));
  if (job.platform.id === 'azure' && v.source.startsWith('strategy.matrix ')) return known(cell.get(job.macros?.get(name) ?? name));
  if (job.platform.id === 'github' && v.kind === 'matrix') return known(substituteMatrix(`\${{ matrix.${name} }}`, job.matrix, cell));
  if ((v.kind === undefined || v.kind === 'env') && v.raw !== undefined && v.raw !== substituteCell(job, v.raw, cell)) {
    const t = substituteCell(job, v.raw, cell);
    return t === null || /[$`]|<</.test(t) ? null : known(t);
  }
  return undefined;
}

/**
 * `text` with the CI-side substitutions of one matrix job done, as the CI does them before the shell runs:
 * GitHub `${{ matrix.KEY }}` (null when another expression remains), CircleCI `<< parameters.KEY >>` (the
 * job's parameter values; null when one is unknown). Other systems: the text as it is.
 */
export function substituteCell(job: Job, text: string, cell: MatrixCell): string | null {
  if (!job.matrix) return text;
  if (job.platform.id === 'github') return text.includes('${{') ? substituteMatrix(text, job.matrix, cell) : text;
  if (job.platform.id === 'circleci') {
    let unknown = false;
    const out = text.replace(/<<\s*parameters\.([A-Za-z_][\w-]*)\s*>>/g, (_m, k: string) => {
      const got = cell.get(k);
      if (got === undefined) unknown = true;
      return got ?? '';
    });
    return unknown ? null : out;
  }
  return text;
}

/** What a job gives a variable: a value, a value in some pipelines only, an empty value, or nothing. */
export interface Coverage {
  kind: 'set' | 'maybe' | 'empty' | 'undefined';
  why?: string;
}

/**
 * The variable `name` in `job`: its own definition first (a job variable overrides a predefined one), then the
 * platform's predefined variables, unset in some pipelines unless the job only runs when it is set.
 */
export function coverage(job: Job, name: string): Coverage {
  const v = job.variables.get(name);
  if (v) {
    if (v.empty) return { kind: 'empty', why: v.empty };
    if (v.maybeUnset) return { kind: 'maybe', why: v.maybeUnset };
    return { kind: 'set' };
  }
  if (job.platform.predefined.has(name)) return job.platform.maybeUnset(name) && !job.platform.guaranteed(job, name) ? { kind: 'maybe' } : { kind: 'set' };
  return { kind: 'undefined' };
}

/** How a site passes a variable: `NAME=value` for every job, bare `NAME` (read from each job's environment), or not. */
export type PassMode = 'value' | 'bare' | 'none';

/**
 * Whether a bare pass is right for a job that has `c`: its value reaches the build, or the Dockerfile default is
 * kept. docker, buildx, podman, buildah and nerdctl read a bare `--build-arg NAME` from the environment and leave
 * the arg unset when NAME is unset (docker/cli opts.ValidateEnv, buildx listToMap, buildah readBuildArg,
 * containerd/nerdctl#1417), but pass an empty value when NAME is set empty; kaniko turns an unset one into
 * `NAME=` (GoogleContainerTools/kaniko cmd/executor/cmd/root.go resolveEnvironmentBuildArgs), and buildctl
 * has no bare form (moby/buildkit cmd/buildctl/build/opt.go: `invalid value`): bareKeepsDefault says which.
 */
function bareIsRight(site: ArgSite, job: Job, name: string, c: Coverage): boolean {
  if (site.emptyKeepsDefault) return c.kind !== 'set' || envReadable(job, name);
  switch (c.kind) {
    case 'set':
      return site.bareKeepsDefault && envReadable(job, name);
    case 'undefined':
      return site.bareKeepsDefault;
    case 'maybe':
      // GitHub and Azure export a variable of another event as empty, not unset.
      return site.bareKeepsDefault && job.platform.unsetIsUnset;
    case 'empty':
      return false;
  }
}

/**
 * A bare `--build-arg NAME` is right in every job of the site (and the jobs its edit also reaches): the job's
 * value reaches the build where it has one, and the Dockerfile default applies where it has none. What a build
 * in a script file gets (the same script also runs on a laptop, where NAME is usually unset).
 */
export function bareEverywhere(site: ArgSite, name: string): boolean {
  return [...site.jobs, ...(site.coJobs?.(name) ?? [])].every((j) => bareIsRight(site, j, name, coverage(j, name)));
}

/** The job's value of `name` is an environment variable (not a GitHub matrix key or input). */
const envReadable = (job: Job, name: string) => {
  const kind = job.variables.get(name)?.kind;
  return kind === undefined || kind === 'env';
};

/**
 * How the site should pass a needed variable (the only variables a build passes unasked for): `NAME=$NAME`
 * where every job has a value; bare where some have none or may have none, if a bare arg is right in every
 * job the edit reaches (the job's value where it has one, the Dockerfile default where it is unset); else not
 * at all — `NAME=$NAME` would override the Dockerfile default with an empty value where the job's value is
 * empty or unset. Never passed when no job of the site gives it a value.
 */
export function passMode(site: ArgSite, name: string): PassMode {
  const own = site.jobs.map((j) => coverage(j, name));
  if (!own.some((c) => c.kind === 'set' || c.kind === 'maybe')) return 'none';
  const all = [...site.jobs, ...(site.coJobs?.(name) ?? [])].map((j) => ({ j, c: coverage(j, name) }));
  if (all.every(({ c }) => c.kind === 'set')) return 'value';
  return all.every(({ j, c }) => bareIsRight(site, j, name, c)) ? 'bare' : 'none';
}

/**
 * The build args a site should get for one Dockerfile: each variable it needs (src/dockerfile/analyze.ts
 * fromVars, on the file as read) that the site does not pass yet, in its pass mode; and, when the repository
 * opted in (--pass-defined), the CI-defined variables it does not need. No findings: see reportArgs.
 */
export function decideArgs(site: ArgSite, facts: DockerfileFacts): PlannedArg[] {
  const passed = new Set(site.passed.map((p) => p.name));
  const out: PlannedArg[] = [];
  for (const name of facts.uses) {
    if (passed.has(name)) continue;
    const needed = facts.needs.includes(name);
    if (!needed && !facts.passDefined) continue;
    const mode = passMode(site, name);
    if (mode !== 'none') out.push({ name, bare: mode === 'bare', needed });
  }
  return out;
}

/**
 * The findings about one site and one Dockerfile, on the state the tool leaves (facts.after, and the site
 * passing what it passed plus `added`): a second run, which reads that state, finds the same. A Dockerfile that
 * then needs nothing gets no warning (about hazards, misspellings or values): its build works as it is; a
 * CI-defined variable it does not need and the site does not pass gets an info finding (CiDefinedNotPassed).
 */
export function reportArgs(site: ArgSite, facts: DockerfileFacts, added: readonly PlannedArg[], push: (f: Finding) => void): void {
  const { jobs, pos } = site;
  const platform = jobs[0].platform;
  const text = jobsText(jobs);
  const needs = facts.after.needs;
  const passed = new Map<string, { name: string; raw: string | null; via?: string }>(site.passed.map((p) => [p.name, p]));
  for (const a of added) if (!passed.has(a.name)) passed.set(a.name, { name: a.name, raw: a.bare ? null : platform.shellValue(jobs[0], a.name, false) });
  facts.sites?.push(new Set(passed.keys()));

  if (needs.length > 0) {
    for (const p of passed.values()) {
      if ('via' in p && p.via !== undefined) continue;
      if (facts.declared.has(p.name) || BUILTIN_BUILD_ARGS.has(p.name) || site.declaredElsewhere?.(p.name)) continue;
      const sug = suggest(p.name, facts.declared);
      push(finding('CiUnusedBuildArg', pos, `${site.label} passes build arg '${p.name}', which ${facts.path} never declares${sug ? ` (did you mean ${sug}?)` : ''}`, { name: p.name }));
    }
  }

  checkValues();

  const defined = (name: string) => jobs.every((j) => j.platform.predefined.has(name) || j.variables.has(name));
  for (const name of facts.uses) {
    const needed = needs.includes(name);
    const p = passed.get(name);
    if (needed) hazards(name, p?.raw ?? null);
    if (p) {
      if (!needed || ('via' in p && p.via !== undefined)) continue;
      const same = p.raw === null || jobs.every((j) => j.platform.sameValue(j, name, p.raw!));
      if (!same) {
        push(finding('CiArgDifferentValue', pos, `${site.label} already passes ${name}=${p.raw}, not ${platform.shellValue(jobs[0], name, false)}; left as it is`, { name }));
        continue;
      }
      covered(name, p.raw === null ? 'bare' : 'value');
      continue;
    }
    if (needed) {
      covered(name, 'none');
      continue;
    }
    if (!defined(name)) continue;
    const dflt = facts.after.kept.get(name) || facts.defaults.get(name);
    const unsafe = facts.passDefined && passMode(site, name) === 'none';
    push(
      finding('CiDefinedNotPassed', pos, `the CI of ${text} defines ${definedAs(jobs, name)}, but ${facts.path} does not need it: the build uses ${dflt === undefined ? `its FROM without ${name}` : `the Dockerfile default ${name}=${dflt}`}; not passed`, {
        name,
        fix: unsafe ? `it is empty or unset in some pipelines, where passing it would override the default with an empty value` : `to build with the CI's value, pass it yourself or run with --pass-defined`,
      }),
    );
  }

  /**
   * The values each job passes for the needed variables, substituted into the FROMs: a reference they make
   * invalid is a warning naming the job, the variables and the reference (CiValueInvalidReference). Only values
   * known here count (jobValue, or a literal the site passes); a FROM with a needed variable of unknown value is
   * not checked.
   */
  function checkValues(): void {
    if (!facts.checkValues || facts.needs.length === 0) return;
    type Run = { job: Job; cell: MatrixCell | null };
    const byMessage = new Map<string, { runs: Run[]; names: string[]; image: string; value: string; invalid: string; values: Map<string, string> }>();
    for (const j of jobs) {
      // A job with a matrix runs once per cell, each with its own values (src/ci/matrix.ts).
      for (const cell of j.matrix?.length ? j.matrix : [null]) {
        const values = new Map<string, string>();
        for (const name of facts.needs) {
          const p = passed.get(name);
          if (!p) continue;
          let value: string | null;
          if (p.raw === null || j.platform.sameValue(j, name, p.raw)) value = jobValue(j, name, cell);
          else {
            // A literal the site passes; `${{ matrix.KEY }}`, `<< parameters.KEY >>`: the cell's values.
            const raw = cell ? substituteCell(j, p.raw, cell) : p.raw;
            value = raw === null || /[$%`]|<</.test(raw) ? null : raw.replace(/^(["'])(.*)\1$/s, '$2');
          }
          if (value !== null) values.set(name, value);
        }
        if (values.size === 0) continue;
        for (const bad of facts.checkValues(values)) {
          const key = `${bad.image}\0${bad.value}`;
          const g = byMessage.get(key) ?? { runs: [], ...bad, values };
          g.runs.push({ job: j, cell });
          byMessage.set(key, g);
        }
      }
    }
    for (const g of byMessage.values()) {
      const first = g.runs[0].job;
      const written = (n: string) => first.variables.get(n)?.raw;
      const given = g.names.map((n) => `${n}=${JSON.stringify(g.values.get(n))}${written(n) !== undefined && written(n) !== g.values.get(n) ? ` (written ${written(n)})` : ''}`).join(', ');
      push(
        finding('CiValueInvalidReference', pos, `${runsText(g.runs)} ${g.runs.length === 1 ? 'passes' : 'pass'} ${given} to ${facts.path}: FROM ${g.image} becomes "${g.value}", which is not a valid reference (${g.invalid})`, {
          ...(g.names.length === 1 ? { name: g.names[0] } : {}),
          fix: `correct ${g.names.map((n) => { const src = first.variables.get(n)?.source; return src ? `${n} (${src})` : n; }).join(', ')}`,
        }),
      );
    }
  }

  /**
   * The findings about the jobs of the site that do not give a needed variable a value, as the site passes it
   * (`mode`): unset (CiMaybeUnset), empty (CiEmptyVariable) or never defined (CiUndefinedVariable). A variable
   * the site passes although no job defines it is the site's own business (a project variable): no finding.
   */
  function covered(name: string, mode: PassMode): void {
    const byKind = new Map<Coverage['kind'], { jobs: Job[]; why: string[] }>();
    for (const j of jobs) {
      const c = coverage(j, name);
      const g = byKind.get(c.kind) ?? { jobs: [], why: [] };
      g.jobs.push(j);
      if (c.why && !g.why.includes(c.why)) g.why.push(c.why);
      byKind.set(c.kind, g);
    }
    const undef = byKind.get('undefined');
    if (undef?.jobs.length === jobs.length) {
      // Passed although no job defines it: the site's own business (a project or repository variable).
      if (mode === 'none') {
        push(
          finding('CiUndefinedVariable', pos, `${name} is used in a FROM of ${facts.path}, but the CI of ${text} never defines it; hoisted, not passed`, {
            name,
            fix: `if it is a project or repository variable, pass it to ${site.label} yourself`,
          }),
        );
      }
      return;
    }
    const kept = facts.after.kept.get(name);
    const fallback = kept === undefined ? `${facts.path}'s FROM is not valid without it` : kept === '' ? `${facts.path}'s FROM is valid without it` : `the Dockerfile default is ${name}=${kept}`;
    /** What the build gets where the job has no value, as the site passes it. */
    const there = (k: Coverage['kind']) => {
      const empty = mode === 'value' || (mode === 'bare' && k === 'empty' && !site.emptyKeepsDefault);
      if (empty) return `there ${mode === 'bare' ? `the bare --build-arg ${name}` : site.label} passes it empty, which overrides the Dockerfile default${kept === undefined ? ` (and ${fallback})` : ''}`;
      return kept === undefined ? `there the build fails: ${fallback}` : `there the build goes without it: ${fallback}`;
    };
    /** Why a site that does not pass it cannot (some job has a value). */
    const reasons = () => {
      const out = new Set<string>();
      for (const j of [...jobs, ...(site.coJobs?.(name) ?? [])]) {
        const c = coverage(j, name);
        if (bareIsRight(site, j, name, c)) continue;
        if (c.kind === 'empty') out.add(`an empty ${name} would override the Dockerfile default, and a bare --build-arg passes it empty too`);
        else if (c.kind === 'set') {
          if (site.bareKeepsDefault) out.add(`a matrix key or input is no environment variable for a bare --build-arg to read`);
        } else if (!site.bareKeepsDefault) out.add(`${site.label} has no bare --build-arg that leaves ${name} unset where it has no value, and ${name}=$${name} would pass it empty there`);
        else out.add(`${j.platform.id === 'github' ? 'GitHub' : 'the CI'} sets ${name} empty where it has no value, and a bare --build-arg passes it empty too`);
      }
      return [...out].join('; ');
    };
    const valued = jobs.filter((j) => ['set', 'maybe'].includes(coverage(j, name).kind));
    const also = valued.length ? `, also in ${valued.length === jobs.length ? 'the pipelines' : jobsText(valued)} where it has a value, which is not passed` : '';
    const tail = (k: Coverage['kind']) =>
      mode === 'none'
        ? `; not passed (${valued.length ? reasons() : 'no job here gives it a value'}): ${kept === undefined ? `${fallback}, so the build fails${also}` : `the build goes without it${also}: ${fallback}`}`
        : `: ${there(k)}`;

    if (undef) {
      const others = jobs.filter((j) => !undef.jobs.includes(j));
      push(
        finding('CiUndefinedVariable', pos, `${name} is used in a FROM of ${facts.path}, and ${jobsText(others)} define${others.length === 1 ? 's' : ''} it, but ${jobsText(undef.jobs)} never define${undef.jobs.length === 1 ? 's' : ''} it${tail('undefined')}`, {
          name,
          fix: `define ${name} in ${jobsText(undef.jobs)}${mode === 'none' ? ', or give each job its own build command' : ''}`,
        }),
      );
    }
    const maybe = byKind.get('maybe');
    if (maybe) {
      push(
        finding('CiMaybeUnset', pos, `${name} has no value in some pipelines of ${jobsText(maybe.jobs)}${maybe.why.length ? ` (${maybe.why.join('; ')})` : ''}${tail('maybe')}`, {
          name,
          fix: platform.id === 'gitlab' ? `guard the job with "rules: - if: $${name}", or give ${name} a value in every pipeline` : `run the job only on the events that set ${name}`,
        }),
      );
    }
    const empty = byKind.get('empty');
    if (empty) {
      push(
        finding('CiEmptyVariable', pos, `${name} is empty in ${jobsText(empty.jobs)} (${empty.why.join('; ')})${tail('empty')}`, {
          name,
          fix: `give ${name} a value in ${jobsText(empty.jobs)}${kept === undefined ? '' : ', or leave it out there to build with the Dockerfile default'}`,
        }),
      );
    }
  }

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

/**
 * A build whose path uses matrix values builds each of `candidates` in some job of the matrix, and one edit
 * reaches every job. Passing `names` is right only where it changes no job that works as it is (the need rule):
 * why it would, or null. A candidate that declares a name without needing it builds with its own default (or
 * the ARG unset), which the passed value would override; a candidate the tool has not analysed (missing,
 * generated, outside discovery) may declare anything.
 */
export function matrixConflict(candidates: readonly string[], dockerfiles: ReadonlyMap<string, DockerfileFacts>, names: readonly string[]): string | null {
  const why: string[] = [];
  for (const c of candidates) {
    const f = dockerfiles.get(c);
    if (!f) {
      why.push(`${c} is not a Dockerfile the tool analysed, so what it declares is not known`);
      continue;
    }
    for (const n of names) {
      // With --pass-defined the repository asked for CI values over valid defaults: no job's build changes unasked.
      if (!f.declared.has(n) || f.needs.includes(n) || f.passDefined) continue;
      const d = f.defaults.get(n);
      why.push(`${c} declares ${n}${d !== undefined ? ` with the default ${n}=${d}` : ''} and builds without it, so passing it would change that build`);
    }
  }
  return why.length ? why.join('; ') : null;
}

/** One build of a matrix step, per candidate Dockerfile (build-push-action, Docker@2). */
export interface MatrixClone {
  dockerfile: string | null;
  job: Job;
  line: number;
  column: number;
  matrix?: { via: string; candidates: string[] };
}

/** What a matrix step's one edit adds: the args its Dockerfiles' builds miss, merged, and why it may not be made. */
export interface MatrixArgs {
  toAdd: PlannedArg[];
  /** Names some candidate declares (passing them to the others is no misspelling). */
  declared: Set<string>;
  /** The candidates that need what is added, for the audit finding. */
  needing: string;
  /** Why the one edit would change a job that works as it is (then nothing is added). */
  conflict: string | null;
  /** The candidates' still-missing needed names, for matrixFinding. */
  missing: Missing[];
}

/**
 * The args of a matrix step whose clones each build one candidate Dockerfile: each clone's own decision
 * (`site`, `keep` filters names the system cannot spell), merged; conflict as matrixConflict says.
 */
export function matrixArgs<C extends MatrixClone>(clones: readonly C[], dockerfiles: ReadonlyMap<string, DockerfileFacts>, site: (c: C) => ArgSite, keep: (c: C, name: string) => boolean = () => true): MatrixArgs {
  const leader = clones[0];
  const toAdd: PlannedArg[] = [];
  const declared = new Set<string>();
  const needing: string[] = [];
  for (const c of clones) {
    const facts = dockerfiles.get(c.dockerfile!);
    if (!facts) continue;
    for (const n of facts.declared) declared.add(n);
    const own = decideArgs(site(c), facts).filter(({ name }) => keep(c, name));
    if (own.some((x) => x.needed)) needing.push(facts.path);
    for (const x of own) {
      const seen = toAdd.find((m) => m.name === x.name);
      if (seen) seen.needed ||= x.needed;
      else toAdd.push({ ...x });
    }
  }
  const { candidates } = leader.matrix!;
  const names = toAdd.map((x) => x.name);
  const conflict = toAdd.length ? matrixConflict(candidates, dockerfiles, names) : null;
  const missing = candidates.flatMap((d) => {
    const f = dockerfiles.get(d);
    return f ? [{ path: f.path, names: stillMissing(f, names).filter((n) => f.uses.includes(n)), facts: f }] : [];
  });
  return { toAdd, declared, needing: needing.join(' and ') || leader.dockerfile!, conflict, missing };
}

/** The finding of a matrix build left unedited (matrixConflict), or null when no candidate still misses anything. */
export function matrixFinding(label: string, where: string, pos: { line: number; column: number }, via: string, candidates: readonly string[], reason: string, missing: readonly Missing[], spell: (name: string) => string): Finding | null {
  const live = missing.filter((m) => m.names.length > 0);
  if (live.length === 0) return null;
  const names = [...new Set(live.flatMap((m) => m.names))];
  return finding('CiDynamicDockerfile', pos, `${label} in ${where}: its matrix (${via}) builds ${candidates.join(', ')}; ${live.map((m) => m.path).join(' and ')} need${live.length === 1 ? 's' : ''} ${names.join(', ')}, but ${reason}; not edited`, {
    fix: `pass ${names.map(spell).join(' ')} only in the matrix jobs that build ${live.map((m) => m.path).join(' or ')} (e.g. a matrix value holding the flags), or give those builds their own step`,
    ...unseen(live),
  });
}
