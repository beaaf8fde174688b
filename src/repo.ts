/**
 * One repository is the unit of work: its Dockerfiles, its CI files and its config are planned together
 * (parse, transform, apply, verify), without writing anything. Plans are plain data, so a worker thread can
 * make them (src/worker.ts) and the main thread writes and reports them in a stable order.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { SuppliedDefault } from '../transforms/hoist-from-args.js';
import type { CiWrite, RootCi } from './ci-pass.js';
import type { Discovered } from './discover.js';
import { CI_SYSTEMS, type CiSystem } from './ci/systems.js';
import { findConfig, loadConfig, readConfig, type Config } from './config.js';
import { unifiedDiff } from './diff.js';
import { fallbacks, fixDockerfile, type DockerfileOutcome } from './engine.js';
import type { TextEdit } from './edits.js';
import { InputError } from './errors.js';
import { Listing, type ListingData } from './listing.js';
import { readText } from './fsio.js';
import type { Finding } from './findings.js';
import { editRegions, fingerprintFindings } from './formats/fingerprint.js';
import type { FileReport } from './report.js';

export interface PlanOptions {
  cwd: string;
  /** --default NAME=VALUE, in order (a later one wins). */
  defaults: [string, string][];
  /** The fleet config (--config): merged under each repository's own config. */
  config?: string;
  maxBytes?: number;
  /** Keep the new texts for writing (--write); a dry run keeps only the diffs. */
  write: boolean;
  /** Make RepoPlan.patch (--patch-dir); else it stays empty. */
  patch?: boolean;
  ci: boolean;
  /** The CI systems to patch (default: all). */
  ciSystems?: CiSystem[];
  /** --pass-defined: also pass CI-defined variables whose Dockerfile default is already valid. */
  passDefined?: boolean;
  /** --ignore RULE: suppressed everywhere, added to every config's ignore list. */
  ignore?: string[];
  /** --no-inline-config (false): the Dockerfiles' `# dockerfile-argfix` pragmas are not read. */
  inlineConfig?: boolean;
  /** Give every finding its `fingerprint` (-f sarif and -f gitlab carry them; nothing else reads them). */
  fingerprints?: boolean;
  /** Give every changed file its `edits` as line/column regions (-f sarif's fixes; nothing else reads them). */
  editRegions?: boolean;
}

/** A file to write, as data (the expected bytes travel from a worker as a Uint8Array). */
export interface PlannedWrite {
  abs: string;
  text: string;
  expected: Uint8Array;
  mode: number;
  /** Index into RepoPlan.reports of the file's report. */
  report: number;
}

export interface RepoPlan {
  root: string;
  reports: FileReport[];
  writes: PlannedWrite[];
  /** The repository's changes as one patch with paths relative to its root (`git apply` from there); empty
   * unless PlanOptions.patch asks for it. */
  patch: string;
}

/** What marks a repository root besides .git. */
const ROOT_MARKERS = ['.git', '.gitlab-ci.yml', '.gitlab-ci.yaml', '.github/workflows', 'bitbucket-pipelines.yml', 'azure-pipelines.yml', 'azure-pipelines.yaml', '.circleci/config.yml', '.circleci/config.yaml', '.drone.yml', '.woodpecker.yml', '.woodpecker'];

export function display(cwd: string, abs: string): string {
  const rel = relative(cwd, abs) || abs;
  return rel.split(sep).join('/');
}

/** A finder of repository roots (see {@link rootFinder}). */
export type RootFinder = (abs: string, fallback: string) => string;

/**
 * A finder of repository roots: the nearest ancestor holding .git or a CI file, else `fallback`. Each directory
 * is looked at once (one readdir, or none where `listing` has discovery's) however many files below it ask.
 */
export function rootFinder(listing?: Listing): RootFinder {
  const memo = new Map<string, string | null>();
  // Only the names matter (a marker may be a file, a directory or a link, as readdir reports it).
  const marked = (dir: string): boolean => {
    let names: readonly string[];
    try {
      names = listing?.dir(dir)?.names ?? readdirSync(dir);
    } catch {
      return false;
    }
    return ROOT_MARKERS.some((m) => {
      const slash = m.indexOf('/');
      if (slash < 0) return names.includes(m);
      if (!names.includes(m.slice(0, slash))) return false;
      const path = join(dir, m);
      return listing?.exists(path) ?? existsSync(path);
    });
  };
  const up = (dir: string): string | null => {
    const hit = memo.get(dir);
    if (hit !== undefined) return hit;
    const found = marked(dir) ? dir : dirname(dir) === dir ? null : up(dirname(dir));
    memo.set(dir, found);
    return found;
  };
  return (abs: string, fallback: string) => up(dirname(abs)) ?? fallback;
}

/** A displayed path outside the current directory. */
export const climbs = (path: string) => path === '..' || path.startsWith('../');

/** `diff` with the header paths `path` replaced by `to`. */
function reheaded(diff: string, path: string, to: string): string {
  const head = `--- a/${path}\n+++ b/${path}\n`;
  return diff.startsWith(head) ? `--- a/${to}\n+++ b/${to}\n${diff.slice(head.length)}` : diff;
}

/** Names of files the CI side reads (workflow, pipeline, compose and bake files, GitLab includes, the config,
 * Jenkinsfiles, shell scripts): any YAML, `docker-bake*.hcl|json`, `Jenkinsfile*`, `*.sh`. */
export const RE_CI_NAME = /(\.ya?ml|\.sh)$|^docker-bake.*\.(hcl|json)$|^Jenkinsfile/i;
export const RE_DOCKERFILE_NAME = /^(Dockerfile|Containerfile)|\.dockerfile$/i;

/**
 * The repository to analyse for a file given on the command line that is one of its CI files (pre-commit passes
 * just the changed `.gitlab-ci.yml`, and a CI change can need a Dockerfile's edit): the root `findRoot` gives,
 * the nearest directory with .git or a CI file. Null for a Dockerfile (it keeps its own behaviour: that file and
 * its repository's CI files), a file of another kind, or one in no repository.
 */
export function ciFileRepository(abs: string, findRoot: (abs: string, fallback: string) => string): string | null {
  const name = abs.slice(abs.lastIndexOf(sep) + 1);
  if (RE_DOCKERFILE_NAME.test(name) || !RE_CI_NAME.test(name)) return null;
  try {
    if (!statSync(abs).isFile()) return null;
  } catch {
    return null;
  }
  return findRoot(abs, '') || null;
}

/** The repository's own config with the fleet config's ignore list and registry under it (defaults stay apart:
 * fleet defaults rank below CI-derived ones, the repository's own above them). */
function mergeConfigs(fleet: Config | null, own: Config): Config {
  if (!fleet) return own;
  return {
    path: own.path,
    defaults: own.defaults,
    ignore: new Set([...fleet.ignore, ...own.ignore]),
    ...(own.registry ?? fleet.registry ? { registry: own.registry ?? fleet.registry } : {}),
    ...((own.passDefined ?? fleet.passDefined) !== undefined ? { passDefined: own.passDefined ?? fleet.passDefined } : {}),
  };
}

/**
 * `listing`: the directories at or below `root` that discovery listed (src/listing.ts); the config lookup and the
 * CI side read them instead of the disk.
 */
export async function planRepo(root: string, files: readonly Discovered[], opts: PlanOptions, listing?: ListingData): Promise<RepoPlan> {
  const { cwd } = opts;
  const listed = listing ? new Listing(listing) : undefined;
  const exists = listed ? (p: string) => listed.exists(p) ?? existsSync(p) : undefined;
  const reports: FileReport[] = [];
  const writes: PlannedWrite[] = [];
  const patches: string[] = [];
  /** The text of each Dockerfile as read, by its reported path (for the findings' fingerprints). */
  const texts = new Map<string, string>();
  const cliDefaults = new Map<string, SuppliedDefault>();
  for (const [name, value] of opts.defaults) cliDefaults.set(name, { value, source: '--default' });

  const configError = (e: unknown): InputError => {
    if (!(e instanceof InputError)) throw e;
    if (e.file) e.file = display(cwd, e.file);
    return e;
  };
  let fleet: Config | null | InputError = null;
  if (opts.config) {
    try {
      fleet = loadConfig(opts.config, root);
    } catch (e) {
      fleet = configError(e);
    }
  }
  // Per directory the nearest config file, per config file its parsed (and merged) config.
  const configPaths = new Map<string, string | null | InputError>();
  const configs = new Map<string | null, Config | InputError>();
  const configFor = (dir: string): Config | InputError => {
    let path: string | null;
    try {
      path = findConfig(dir, configPaths, exists);
    } catch (e) {
      return configError(e);
    }
    let c = configs.get(path);
    if (!c) {
      try {
        c = fleet instanceof InputError ? fleet : mergeConfigs(fleet, readConfig(path));
        if (opts.ignore?.length && !(c instanceof InputError)) c = { ...c, ignore: new Set([...c.ignore, ...opts.ignore]) };
      } catch (e) {
        c = configError(e);
      }
      configs.set(path, c);
    }
    return c;
  };

  const queue = (report: FileReport, abs: string, before: string, text: string, expected: Uint8Array, mode: number, edits: readonly TextEdit[]) => {
    report.status = 'changed';
    report.diff = unifiedDiff(report.path, before, text, edits);
    if (opts.editRegions) report.edits = editRegions(before, edits);
    if (opts.patch) patches.push(unifiedDiff(display(root, abs), before, text, edits));
    if (opts.write) writes.push({ abs, text, expected, mode, report: reports.indexOf(report) });
  };

  /** Lowest priority first: fleet config, CI-derived (`ci`), the repository's config, --default. */
  const defaultsOf = (config: Config, ci: ReadonlyMap<string, SuppliedDefault>): Map<string, SuppliedDefault> => {
    const defaults = new Map<string, SuppliedDefault>();
    if (fleet && !(fleet instanceof InputError)) {
      for (const [name, value] of fleet.defaults) defaults.set(name, { value, source: display(cwd, fleet.path!) });
    }
    for (const [name, d] of ci) defaults.set(name, d);
    const configName = config.path ? display(cwd, config.path) : '';
    for (const [name, value] of config.defaults) defaults.set(name, { value, source: configName });
    for (const [name, d] of cliDefaults) defaults.set(name, d);
    return defaults;
  };
  const failed = (report: FileReport, e: unknown) => {
    report.status = 'error';
    report.error = e instanceof InputError ? e.format(report.path) : `${report.path}: ${e instanceof Error ? e.message : String(e)}`;
  };

  // 1. The Dockerfiles, without the CI: what each needs (the need rule is about the file as written).
  const planned: { abs: string; rel: string; report: FileReport; config: Config; read: ReturnType<typeof readText>; outcome: DockerfileOutcome }[] = [];
  for (const file of files) {
    const abs = file.path;
    const path = display(cwd, abs);
    const report: FileReport = { path, status: 'unchanged', findings: [], hoisted: [], diff: '' };
    reports.push(report);
    const config = configFor(dirname(abs));
    if (config instanceof InputError) {
      report.status = 'error';
      report.error = config.format(path);
      continue;
    }
    try {
      const read = readText(abs, opts.maxBytes);
      // A discovered file must read as a Dockerfile; one named on the command line is taken as it is.
      const outcome = fixDockerfile(read.text, { defaults: defaultsOf(config, new Map()), ignore: config.ignore, inlineConfig: opts.inlineConfig !== false, requireDockerfile: !file.explicit });
      if (outcome.skip !== null) {
        report.status = 'skipped';
        report.note = outcome.skip;
        // Why a discovered file is not taken is listed with --verbose (the summary counts it): a repository whose
        // Dockerfiles need nothing prints its summary and nothing else. A file named on the command line says why.
        if (!file.explicit) report.verboseOnly = true;
        continue;
      }
      planned.push({ abs, rel: display(root, abs), report, config, read, outcome });
      if (opts.fingerprints) texts.set(path, read.text);
    } catch (e) {
      failed(report, e);
    }
  }

  // 2. The CI side (YAML, shell parser) loads only when it is on and some Dockerfile needs a variable (or the
  // repository opted in to pass CI-defined ones): a repository that needs nothing never has its CI files read.
  const rootConfig = configFor(root);
  const passDefined = opts.passDefined === true || (!(rootConfig instanceof InputError) && rootConfig.passDefined === true);
  const wanted = planned.some((p) => p.outcome.vars.needs.length > 0 || (passDefined && p.outcome.vars.uses.length > 0));
  // Every CI system is read for the defaults it gives the Dockerfiles (job variables, the git remote), whatever
  // --ci/--no-ci say: those choose only which CI files are edited and reported, so the Dockerfile edit is the same
  // with or without them. With --no-ci nothing of the CI is reported (its unreadable files neither).
  const ciMod = wanted ? await import('./ci-pass.js') : null;
  const rels = planned.map((p) => p.rel);
  const all: RootCi | null = ciMod ? ciMod.prepareCi(root, rootConfig, new Set(CI_SYSTEMS), rels, listed) : null;
  const subset = opts.ciSystems && !CI_SYSTEMS.every((s) => opts.ciSystems!.includes(s));
  const ci: RootCi | null = !opts.ci || !ciMod ? null : subset ? ciMod.prepareCi(root, rootConfig, new Set(opts.ciSystems), rels, listed) : all;

  // The user's own defaults count as none on the file as left (fromVars' fallbacks), as in phase 1.
  // A file the pre-check skipped has no model: the CI side still reads the ARGs its stages declare (a build arg no
  // ARG takes is CiUnusedBuildArg), which the pre-check read as the parse does.
  const factsOf = (p: (typeof planned)[number], outcome: DockerfileOutcome) => {
    const facts = ciMod!.ciFacts(p.rel, outcome.model, outcome.vars, passDefined, suppliedFor(p, outcome.model));
    return { ...facts, ...(outcome.args ? { declared: new Set(outcome.args) } : {}), report: p.report };
  };
  const suppliedFor = (p: (typeof planned)[number], model: DockerfileOutcome['model']) => (model ? fallbacks({ defaults: defaultsOf(p.config, new Map()) }, model) : new Map<string, string>());
  // A CI value becomes a default only for a variable every CI build of the Dockerfile passes once the CI edits are
  // made (src/ci-pass.ts passedEverywhere): planned once on the Dockerfiles without CI defaults.
  let everywhere: Map<string, Set<string>> | null = null;
  if (all && ciMod && planned.some((p) => all.defaultsFor(p.rel).size > all.defaultsFor(p.rel, new Set()).size)) {
    for (const p of planned) all.facts.set(p.rel, factsOf(p, p.outcome));
    everywhere = ciMod.passedEverywhere(all);
  }
  for (const p of planned) {
    const { report, read } = p;
    let outcome = p.outcome;
    try {
      if (all && ciMod) {
        // A value the CI gives a needed variable becomes its fallback default (below the config and --default).
        const needed = new Set(outcome.vars.needs.map((n) => n.name));
        const asRead = ciMod.ciFacts(p.rel, outcome.model, outcome.vars);
        const fromCi = new Map([...all.defaultsFor(p.rel, everywhere?.get(p.rel) ?? new Set(), asRead.repoVars)].filter(([name]) => needed.has(name)));
        // A CI value that makes a FROM invalid is no default (CiValueInvalidReference reports it).
        for (const bad of asRead.checkValues?.(new Map([...fromCi].map(([n, d]) => [n, d.value]))) ?? []) for (const n of bad.names) fromCi.delete(n);
        // The need stays what the file as written has (phase 1), whatever value the CI now supplies.
        if (fromCi.size) outcome = { ...fixDockerfile(read.text, { defaults: defaultsOf(p.config, fromCi), ignore: p.config.ignore, inlineConfig: opts.inlineConfig !== false, ...(outcome.parsed ? { parsed: outcome.parsed } : {}) }), vars: outcome.vars };
      }
      if (ci && ciMod) {
        ci.facts.set(p.rel, factsOf(p, outcome));
      }
      report.findings = outcome.findings.map((f) => ({ ...f, file: report.path }));
      report.hoisted = outcome.hoisted;
      if (outcome.output !== read.text) queue(report, p.abs, read.text, outcome.output, read.bytes, read.mode, outcome.edits);
    } catch (e) {
      failed(report, e);
    }
  }

  if (ci && ciMod) {
    const queued: CiWrite[] = [];
    const ciReports = ciMod.finishCi(ci, {
      cwd,
      queue: (w: CiWrite) => queued.push(w),
      display: (abs) => display(cwd, abs),
      diff: unifiedDiff,
    });
    const config = rootConfig;
    for (const r of ciReports) {
      if (!(config instanceof InputError)) for (const f of r.findings) if (config.ignore.has(f.rule)) f.suppressed = true;
      reports.push(r);
    }
    // CI findings placed on a Dockerfile (CiNoBuildCommand: no CI file to put them on) follow the same ignore list.
    if (!(config instanceof InputError)) for (const p of planned) for (const f of p.report.findings) if (f.rule.startsWith('Ci') && config.ignore.has(f.rule)) f.suppressed = true;
    for (const w of queued) {
      const r = ciReports.find((x) => x.path === display(cwd, w.abs))!;
      const before = Buffer.from(w.expected).toString('utf8');
      if (opts.editRegions) r.edits = editRegions(before, w.edits);
      if (opts.patch) patches.push(unifiedDiff(display(root, w.abs), before, w.text, w.edits));
      if (opts.write) writes.push({ abs: w.abs, text: w.text, expected: w.expected, mode: w.mode, report: reports.indexOf(r) });
    }
  }
  // Fingerprints (src/formats/fingerprint.ts) from the text of each finding's line: the Dockerfiles' texts are at
  // hand; a CI file with findings is read again (nothing is written before every repository is planned).
  // Only for the formats that carry them (PlanOptions.fingerprints): no other output reads them.
  const byFile = new Map<string, Finding[]>();
  if (opts.fingerprints) for (const r of reports) for (const f of r.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  for (const [file, list] of byFile) {
    const abs = resolve(cwd, file);
    let text = texts.get(file);
    if (text === undefined) {
      try {
        text = readText(abs, opts.maxBytes).text;
      } catch {
        text = '';
      }
    }
    fingerprintFindings(list, file, text);
  }
  // The dry-run diff names files by their paths from the current directory (`git apply` there). When a changed
  // file of the repository is outside it, every diff of the repository names its files from the repository root
  // instead (`git apply` there, as with --patch-dir): git refuses a path that climbs with `..`.
  if (reports.some((r) => r.status === 'changed' && climbs(r.path))) {
    for (const r of reports) if (r.diff) r.diff = reheaded(r.diff, r.path, display(root, resolve(cwd, r.path)));
  }
  return { root, reports, writes, patch: patches.join('') };
}
