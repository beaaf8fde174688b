/**
 * The library API (the package's only entry point: `import { fixDockerfile, plan } from 'dockerfile-argfix'`).
 * Everything else in the package is internal: package.json `exports` exposes this module and package.json only.
 *
 *   fixDockerfile(text, options)  one Dockerfile's text in; the fixed text, the findings and the hoisted ARGs out.
 *                                 Pure: no file system, no config files, no CI.
 *   plan(paths, options)          files and directories in, as the CLI takes them; the report (the document
 *                                 `-f json` prints) and the new text of every file that would change out.
 *                                 Reads, never writes.
 *
 * Both run the engine the CLI runs (src/engine.ts, src/run.ts), so their results are the CLI's, byte for byte.
 */
import { fixDockerfile as fixText } from './engine.js';
import { unifiedDiff } from './diff.js';
import { InputError } from './errors.js';
import { RULES, type Finding, type RuleName, type Severity } from './findings.js';
import { CI_SYSTEMS, type CiSystem } from './ci/systems.js';
import type { SuppliedDefault, Hoisted } from '../transforms/hoist-from-args.js';
import type { Status, Summary } from './report.js';

export type { CiSystem, Finding, Hoisted, RuleName, Severity, Status, Summary };

/** The rules the tool reports, with their severity, description and documentation URL where there is one. */
export { RULES } from './findings.js';

/** Defaults for hoisted ARGs: NAME → value, like `--default NAME=VALUE` (a Map keeps its order; a later entry wins). */
export type Defaults = Readonly<Record<string, string>> | ReadonlyMap<string, string>;

export interface FixDockerfileOptions {
  /** The values the hoisted ARGs get as their defaults (`ARG NAME=value`). */
  defaults?: Defaults;
  /** The file's path, for the findings (`Finding.file`), the diff headers and error messages. Default `Dockerfile`. */
  path?: string;
  /** Rules to report as suppressed and make no edit for (the config file's `ignore:`). */
  ignore?: Iterable<RuleName>;
}

export interface FixDockerfileResult {
  /** The new text: the input with the edits applied (the input itself when nothing changes). */
  text: string;
  changed: boolean;
  /** Findings sorted by line and column; `file` is `options.path`. */
  findings: Finding[];
  /** The ARGs declared before the first FROM, in the order they were written. */
  hoisted: Hoisted[];
  /** The change as a unified diff (`a/PATH`, `b/PATH` headers, as the CLI prints it); empty when nothing changes. */
  diff: string;
  /** Why the text was not processed (it has no FROM instruction), else null. */
  skipped: string | null;
}

/** An input the tool cannot read: `message` is `path:line:column: reason`, as the CLI prints it. */
export class DockerfileArgfixError extends Error {
  constructor(
    message: string,
    /** The file the problem is in. */
    readonly path: string,
    /** 1-based; 0 when the problem has no line. */
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'DockerfileArgfixError';
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function defaultEntries(defaults: Defaults | undefined, what: string): [string, string][] {
  if (defaults === undefined) return [];
  const entries: [string, string][] = defaults instanceof Map ? [...defaults] : Object.entries(defaults);
  for (const [name, value] of entries) {
    if (!NAME.test(name)) throw new TypeError(`${what}: invalid variable name '${name}'`);
    if (typeof value !== 'string') throw new TypeError(`${what}: the default of ${name} must be a string`);
    if (/[\r\n]/.test(value)) throw new TypeError(`${what}: the default of ${name} must be one line`);
  }
  return entries;
}

function ruleSet(ignore: Iterable<string> | undefined): Set<string> {
  const rules = new Set<string>();
  for (const rule of ignore ?? []) {
    if (!Object.hasOwn(RULES, rule)) throw new TypeError(`ignore: unknown rule '${rule}'`);
    rules.add(rule);
  }
  return rules;
}

/**
 * Declares the global ARGs that the FROM lines of one Dockerfile need, as the CLI does for a Dockerfile named on
 * its command line, with no CI. Throws DockerfileArgfixError when the text cannot be read as a Dockerfile, and
 * TypeError for invalid options.
 */
export function fixDockerfile(text: string, options: FixDockerfileOptions = {}): FixDockerfileResult {
  if (typeof text !== 'string') throw new TypeError('fixDockerfile: text must be a string');
  const path = options.path ?? 'Dockerfile';
  const defaults = new Map<string, SuppliedDefault>();
  for (const [name, value] of defaultEntries(options.defaults, 'defaults')) defaults.set(name, { value, source: 'options.defaults' });
  let outcome: ReturnType<typeof fixText>;
  try {
    outcome = fixText(text, { defaults, ignore: ruleSet(options.ignore) });
  } catch (e) {
    if (e instanceof InputError) throw new DockerfileArgfixError(e.format(path), path, e.line, e.column);
    throw e;
  }
  const findings = outcome.findings.map((f) => ({ ...f, file: path })).sort((a, b) => a.line - b.line || a.column - b.column);
  return {
    text: outcome.output,
    changed: outcome.output !== text,
    findings,
    hoisted: outcome.hoisted,
    diff: unifiedDiff(path, text, outcome.output, outcome.edits),
    skipped: outcome.skip,
  };
}

export interface PlanOptions {
  /** The directory paths are resolved from and reported relative to (default: `process.cwd()`). */
  cwd?: string;
  /** Like `--default NAME=VALUE`: wins over the config files. */
  defaults?: Defaults;
  /** Like `--config FILE`: a fleet config, merged under each repository's own `.dockerfile-argfix.yaml`. */
  config?: string;
  /** `false` leaves the CI files alone (`--no-ci`); a list chooses the CI systems (`--ci`). Default: every one found. */
  ci?: boolean | readonly CiSystem[];
  /** Like `--pass-defined`. */
  passDefined?: boolean;
  /** `false` also looks at .gitignored paths (`--no-gitignore`). Default true. */
  gitignore?: boolean;
  /** Larger files are refused (`--max-file-size`; default 4 MiB). */
  maxBytes?: number;
  /** Worker threads for planning repositories (`--jobs`). Default 1: in this thread. */
  jobs?: number;
}

/** A finding in the report (`-f json`): a Finding without `file` (the file entry says it). */
export interface ReportFinding {
  rule: RuleName;
  severity: Severity;
  line: number;
  column: number;
  name?: string;
  message: string;
  fixed: boolean;
  suppressed: boolean;
  fix?: string;
  url?: string;
}

/** A file in the report (`-f json`). */
export interface FileReport {
  /** Relative to `cwd`, with `/`. */
  path: string;
  changed: boolean;
  status: Status;
  error?: string;
  /** Why a skipped file was passed over. */
  note?: string;
  findings: ReportFinding[];
  hoisted: Hoisted[];
  /** The file's change as a unified diff; absent when it does not change. */
  diff?: string;
}

/** A repository in the report (`-f json`). */
export interface RepoReport {
  /** Its root relative to `cwd` (`.` for `cwd` itself). */
  repo: string;
  changed: number;
  errors: number;
  findings: { error: number; warning: number; info: number };
  needsHuman: number;
  /** The paths of its files in `files`. */
  files: string[];
  error?: string;
}

/** The document `dockerfile-argfix -f json` prints. */
export interface Report {
  files: FileReport[];
  repos: RepoReport[];
  summary: Summary;
}

/** A file the plan would change, with its new text. */
export interface PlannedChange {
  /** As in the report: relative to `cwd`, with `/`. */
  path: string;
  absolutePath: string;
  /** The whole new content (UTF-8). */
  text: string;
}

export interface PlanResult {
  report: Report;
  /** Every file that would change (Dockerfiles and CI files), in report order. */
  changes: PlannedChange[];
  /** The error lines the CLI prints on stderr (`path:line:column: message`); `report.summary.errors` counts them. */
  errors: string[];
}

/**
 * Plans the fix of every Dockerfile found under `paths` (files or directories, as the CLI takes them; default
 * `.`) and of the CI files that build them, exactly as a dry run of the CLI does, and writes nothing. An
 * unreadable or unparsable file is an error in the report (the others are still planned); invalid options throw
 * TypeError.
 */
export async function plan(paths: readonly string[] = ['.'], options: PlanOptions = {}): Promise<PlanResult> {
  const cwd = options.cwd ?? process.cwd();
  const defaults = defaultEntries(options.defaults, 'defaults');
  const ci = options.ci ?? true;
  if (Array.isArray(ci)) {
    for (const name of ci) {
      if (!(CI_SYSTEMS as readonly string[]).includes(name)) throw new TypeError(`ci: unknown CI system '${String(name)}' (known: ${CI_SYSTEMS.join(', ')})`);
    }
  }
  const jobs = options.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1) throw new TypeError('jobs must be a positive whole number');
  if (options.maxBytes !== undefined && (!Number.isInteger(options.maxBytes) || options.maxBytes < 1)) throw new TypeError('maxBytes must be a positive whole number of bytes');
  // The tree side (discovery, YAML, CI readers, worker pool) loads only when a tree is planned. One import after the
  // other: run.js loads the other two (and jest's ESM loader races on parallel imports of one graph).
  const { collect, planOptions, assemble } = await import('./run.js');
  const { planAll } = await import('./pool.js');
  const { toJson } = await import('./report.js');
  const runOptions = {
    paths: paths.length ? [...paths] : ['.'],
    gitignore: options.gitignore !== false,
    defaults,
    ...(options.config !== undefined ? { config: options.config } : {}),
    ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
    ci: ci !== false,
    ...(Array.isArray(ci) ? { ciSystems: [...(ci as readonly CiSystem[])] } : {}),
    ...(options.passDefined ? { passDefined: true } : {}),
  };
  const collected = collect(runOptions, cwd);
  const plans = await planAll(collected.jobs, planOptions(runOptions, cwd, true), jobs);
  const { reports, summary, repos } = assemble(cwd, collected, plans);
  const changes: PlannedChange[] = [];
  for (const p of plans) for (const w of p.writes) changes.push({ path: p.reports[w.report].path, absolutePath: w.abs, text: w.text });
  const order = new Map(reports.map((r, i) => [r.path, i]));
  changes.sort((a, b) => order.get(a.path)! - order.get(b.path)!);
  return {
    // The very document -f json prints, so the two can never differ.
    report: JSON.parse(toJson(reports, summary, repos)) as Report,
    changes,
    errors: [...collected.errors, ...reports.filter((r) => r.error !== undefined).map((r) => r.error!)],
  };
}
