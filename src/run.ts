/** Orchestration: discover → read → fix (parse, transform, apply, verify) → diff | write | report → exit code. */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import pc from 'picocolors';
import type { SuppliedDefault } from '../transforms/hoist-from-args.js';
import { loadConfig, type Config } from './config.js';
import { unifiedDiff } from './diff.js';
import { discover } from './discover.js';
import { fixDockerfile } from './engine.js';
import { InputError } from './errors.js';
import { isOutstanding } from './findings.js';
import { readText, writeAtomic } from './fsio.js';
import { ciFacts, prepareCi, finishCi, type RootCi } from './ci/integrate.js';
import { CI_SYSTEMS, type CiSystem } from './ci/platform.js';
import { formatFinding, formatSummary, summarize, toJson, type FileReport } from './report.js';

export interface RunOptions {
  paths: string[];
  write: boolean;
  check: boolean;
  listDifferent: boolean;
  /** From --default NAME=VALUE, in order (a later one wins). */
  defaults: [string, string][];
  config?: string;
  format: 'text' | 'json';
  output?: string;
  color: boolean;
  quiet: boolean;
  gitignore: boolean;
  /** Run the CI transform (default true; --no-ci turns it off). */
  ci?: boolean;
  /** The CI systems to patch (--ci gitlab,github,…; default: all). */
  ciSystems?: readonly CiSystem[];
}

export interface Io {
  out(s: string): void;
  err(s: string): void;
  cwd: string;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

function display(cwd: string, abs: string): string {
  const rel = relative(cwd, abs) || abs;
  return rel.split(sep).join('/');
}

function colorDiff(diff: string): string {
  return diff.replace(/^.*$/gm, (l) =>
    l.startsWith('+++') || l.startsWith('---')
      ? pc.bold(l)
      : l.startsWith('+')
        ? pc.green(l)
        : l.startsWith('-')
          ? pc.red(l)
          : l.startsWith('@@')
            ? pc.cyan(l)
            : l,
  );
}

export function run(opts: RunOptions, io: Io): number {
  const mode = opts.write ? 'write' : opts.check ? 'check' : 'dry-run';
  const cwd = io.cwd;
  const paths = opts.paths.map((p) => resolve(cwd, p));
  const found = discover(paths, { gitignore: opts.gitignore });
  const reports: FileReport[] = [];
  const generalErrors: string[] = [];
  for (const e of found.errors) generalErrors.push(e.startsWith('/') ? display(cwd, e.split(': ')[0]) + e.slice(e.indexOf(': ')) : e);

  const cliDefaults = new Map<string, SuppliedDefault>();
  for (const [name, value] of opts.defaults) cliDefaults.set(name, { value, source: '--default' });
  const configs = new Map<string, Config | InputError>();
  const configFor = (dir: string): Config | InputError => {
    const key = opts.config ? '' : dir;
    let c = configs.get(key);
    if (!c) {
      try {
        c = loadConfig(opts.config && resolve(cwd, opts.config), dir);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        if (e.file) e.file = display(cwd, e.file);
        c = e;
      }
      configs.set(key, c);
    }
    return c;
  };

  // The repository root of each Dockerfile: the nearest ancestor with .git, a GitLab CI file or GitHub
  // workflows, else the directory given on the command line.
  const roots = new Map<string, RootCi | null>();
  const systems = new Set<CiSystem>(opts.ciSystems ?? CI_SYSTEMS);
  const rootOf = (abs: string): string => {
    for (let dir = dirname(abs); ; dir = dirname(dir)) {
      if (['.git', '.gitlab-ci.yml', '.gitlab-ci.yaml', '.github/workflows'].some((n) => existsSync(join(dir, n)))) return dir;
      if (dirname(dir) === dir) break;
    }
    const given = paths.find((p) => abs.startsWith(p + sep) && statSync(p).isDirectory());
    return given ?? dirname(abs);
  };
  const ciFor = (root: string): RootCi | null => {
    if (opts.ci === false) return null;
    if (!roots.has(root)) roots.set(root, prepareCi(root, configFor(root), systems));
    return roots.get(root)!;
  };

  for (const file of found.files) {
    const path = display(cwd, file.path);
    const report: FileReport = { path, status: 'unchanged', findings: [], hoisted: [], diff: '' };
    reports.push(report);
    const config = configFor(dirname(file.path));
    if (config instanceof InputError) {
      report.status = 'error';
      report.error = config.format(path);
      continue;
    }
    const defaults = new Map<string, SuppliedDefault>();
    const ci = ciFor(rootOf(file.path));
    const rel = ci ? relative(ci.root, file.path).split(sep).join('/') : '';
    if (ci) for (const [name, d] of ci.defaultsFor(rel)) defaults.set(name, d);
    const configName = config.path ? display(cwd, config.path) : '';
    for (const [name, value] of config.defaults) defaults.set(name, { value, source: configName });
    for (const [name, d] of cliDefaults) defaults.set(name, d);
    try {
      const read = readText(file.path);
      const outcome = fixDockerfile(read.text, { defaults, ignore: config.ignore });
      if (outcome.noFrom) {
        report.status = 'skipped';
        continue;
      }
      report.findings = outcome.findings.map((f) => ({ ...f, file: path }));
      report.hoisted = outcome.hoisted;
      if (ci) ci.facts.set(rel, { ...ciFacts(rel, outcome.output, outcome.hoisted), report });
      if (outcome.output !== read.text) {
        report.status = 'changed';
        report.diff = unifiedDiff(path, read.text, outcome.output);
        if (opts.write) writeAtomic(file.path, outcome.output, read.bytes, read.mode);
      }
    } catch (e) {
      report.status = 'error';
      report.error = e instanceof InputError ? e.format(path) : `${path}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  for (const [root, ci] of roots) {
    if (!ci) continue;
    const ciReports = finishCi(ci, { cwd, write: opts.write, display: (abs) => display(cwd, abs), diff: unifiedDiff });
    const config = configFor(root);
    if (!(config instanceof InputError)) {
      for (const r of ciReports) for (const f of r.findings) if (config.ignore.has(f.rule)) f.suppressed = true;
    }
    reports.push(...ciReports);
  }

  const summary = summarize(reports, generalErrors.length);
  const errorLines = [...generalErrors, ...reports.filter((r) => r.error).map((r) => r.error!)];
  if (opts.format === 'json') {
    const doc = toJson(reports, summary);
    if (opts.output) writeFileSync(resolve(cwd, opts.output), doc);
    else io.out(doc);
    for (const e of errorLines) io.err(`dockerfile-argfix: ${e}\n`);
  } else {
    const changed = reports.filter((r) => r.status === 'changed');
    if (opts.listDifferent) for (const r of changed) io.out(`${r.path}\n`);
    else if (mode === 'dry-run') for (const r of changed) io.out(opts.color ? colorDiff(r.diff) : r.diff);
    let text = '';
    if (!opts.quiet) for (const r of reports) for (const f of r.findings) text += formatFinding(f);
    for (const e of errorLines) text += `dockerfile-argfix: ${e}\n`;
    if (mode === 'check' && !opts.listDifferent) for (const r of changed) text += `would change: ${r.path}\n`;
    if (!opts.quiet) text += formatSummary(summary, mode);
    if (opts.output) writeFileSync(resolve(cwd, opts.output), text.replace(/\x1b\[[0-9;]*m/g, ''));
    else io.err(text);
  }

  if (summary.errors > 0) return EXIT_ERROR;
  if ((opts.check || opts.listDifferent) && summary.changed > 0) return EXIT_FINDINGS;
  if (reports.some((r) => r.findings.some(isOutstanding))) return EXIT_FINDINGS;
  return EXIT_OK;
}
