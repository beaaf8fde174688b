/**
 * The job model's types, shared by the CI readers (src/ci/jobs.ts for GitLab, github.ts, azure.ts, ...) and the
 * platforms (platform.ts): a job with its script items and variables, and what differs between the CI systems
 * it may run on.
 */
import type { Scalar } from 'yaml';
import type { Dialect, ShellChoice } from './dialect.js';
import type { CiSystem } from './systems.js';
import type { CiFile } from './yaml.js';

export interface ScriptItem {
  file: CiFile;
  node: Scalar;
}

export interface JobVariable {
  /** Literal value (no `$`), or null when it expands something or is a matrix key. */
  value: string | null;
  /** Where it is defined, for the report. */
  source: string;
  /** How the CI exposes it: an environment variable (default), a matrix key or an input (GitHub expressions only). */
  kind?: 'env' | 'matrix' | 'input';
  /** The value as written, when it is a scalar (for hazards such as `${{ github.event.before }}`). */
  raw?: string;
  /**
   * Why the job's value is, or may be, empty (`V: ""`, `V:` or `V: null`, a long form without `value`, a
   * Bitbucket custom variable without default). The variable is set then, so a bare `--build-arg V` passes the
   * empty value too: no spelling keeps the Dockerfile default (docker/buildx/podman read `V` from the
   * environment when it is set, even empty).
   */
  empty?: string;
  /** GitLab `expand: false`: the value is taken as written, `$` and all. */
  expand?: false;
  /** Why the job may run without it (a GitLab variable only some of the job's `rules:` set). */
  maybeUnset?: string;
}

export interface Job {
  name: string;
  file: CiFile;
  line: number;
  column: number;
  /** before_script then script: one shell. */
  items: ScriptItem[];
  variables: Map<string, JobVariable>;
  /** The `rules:`/`only:` conditions, as text, to tell which variables are guaranteed. */
  ifs: string[];
  only: string[];
  platform: Platform;
  /** Repository-relative directory the shell starts in ('' = the checkout); null when not static. */
  cwd?: string | null;
  /** Azure Pipelines: the variable name a macro spells (`$(imageTag)`), by the name a Dockerfile may use. */
  macros?: Map<string, string>;
  /** What the report calls it ("job 'build'", "step 2 of job 'build' in .github/workflows/ci.yml"). */
  label?: string;
  /** The shell that runs the job's script (src/ci/dialect.ts); absent: a POSIX shell. */
  shell?: ShellChoice;
  /**
   * The jobs its matrix runs, each as key → literal value (src/ci/matrix.ts: GitHub `strategy.matrix`, GitLab
   * `parallel:matrix`); null when the matrix cannot be read; absent when it has none.
   */
  matrix?: Map<string, string>[] | null;
  /**
   * Rewrites this job's own CI-side substitutions in a script, after the platform's mask (Azure: a matrix
   * variable's macro `$(dockerfile)` as the same-length `${dockerfile}`, so its value can be looked up).
   */
  mask?(script: string): string;
}

export interface Platform {
  id: CiSystem;
  /** Variables the system defines in every job. */
  predefined: ReadonlySet<string>;
  maybeUnset(name: string): boolean;
  /** True when the job only runs with `name` set. */
  guaranteed(job: Job, name: string): boolean;
  /** Ref names that can contain `/` (invalid in a tag). */
  refNames: ReadonlySet<string>;
  refFix: string;
  /** Variables whose value is the previous commit, zeros in some pipelines. */
  beforeSha: ReadonlySet<string>;
  /** Variables that keep the case of the owner/repository (invalid in a repository path with capitals). */
  caseKept: ReadonlySet<string>;
  /** A bare `--build-arg NAME` keeps the Dockerfile default when NAME may be unset (GitLab: unset; GitHub: empty). */
  unsetIsUnset: boolean;
  /**
   * The value a shell step passes for `name` (`$NAME`, `${NAME}`, `$env:NAME`, `%NAME%`, or an expression), in
   * `dialect` (default: the job's).
   */
  shellValue(job: Job, name: string, braced: boolean, dialect?: Dialect): string;
  /** True when `raw` (as written after `NAME=`) passes the variable itself, in the job's shell. */
  sameValue(job: Job, name: string, raw: string): boolean;
  /** The variable holding the checkout directory (a path under it is a repository path). */
  workspace: string;
  /** Rewrites CI-side substitutions in a script (`${{ … }}`) into shell-parsable text of the same length. */
  mask?(script: string): string;
}
