/** Orchestration: discover → read → fix (parse, transform, apply, verify) → diff | write | report → exit code. */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import pc from 'picocolors';
import { discover, type Discovered } from './discover.js';
import { InputError } from './errors.js';
import { isOutstanding } from './findings.js';
import { writeAll, type PendingWrite } from './fsio.js';
import { assertClean, commit, createBranch } from './git.js';
import type { CiSystem } from './ci/systems.js';
import { planAll, type RepoJob } from './pool.js';
import { display, rootFinder, type RepoPlan } from './repo.js';
import { formatFinding, formatNote, formatRepoTable, formatSummary, summarize, toJson, type FileReport } from './report.js';

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
  /** -v: also print the info findings of unchanged files, and the reasons of files skipped by name or path. */
  verbose?: boolean;
  gitignore: boolean;
  /** Run the CI transform (default true; --no-ci turns it off). */
  ci?: boolean;
  /** The CI systems to patch (--ci gitlab,github,…; default: all). */
  ciSystems?: readonly CiSystem[];
  /** --pass-defined: also pass CI-defined variables whose Dockerfile default is already valid. */
  passDefined?: boolean;
  /** Worker threads for planning repositories (1 = in this thread). */
  jobs?: number;
  /** Write `<repo>.patch` per repository into this directory. */
  patchDir?: string;
  /** Create this branch in each changed repository (implies writing); refuses dirty work trees. */
  gitBranch?: string;
  /** Also commit the change on that branch. */
  gitCommit?: boolean;
  /** Progress on stderr (the CLI turns it on for terminals). */
  progress?: boolean;
  /** Files larger than this are refused (default fsio.DEFAULT_MAX_BYTES). */
  maxBytes?: number;
  /** Aborted on SIGINT/SIGTERM: no further file is written. */
  signal?: AbortSignal;
}

export interface Io {
  out(s: string): void;
  err(s: string): void;
  cwd: string;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;
export const EXIT_INTERRUPTED = 130;
/** 128 + the signal's number, as a shell reports a process the signal ended: SIGTERM 143, else SIGINT 130. */
const interruptedCode = (signal: AbortSignal | undefined) => (signal?.reason === 'SIGTERM' ? 143 : EXIT_INTERRUPTED);

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

export async function run(opts: RunOptions, io: Io): Promise<number> {
  const write = opts.write || opts.gitBranch !== undefined;
  const mode = write ? 'write' : opts.check ? 'check' : 'dry-run';
  const cwd = io.cwd;
  const paths = opts.paths.map((p) => resolve(cwd, p));
  const found = discover(paths, { gitignore: opts.gitignore });
  const generalErrors: string[] = [];
  for (const e of found.errors) generalErrors.push(e.startsWith('/') ? display(cwd, e.split(': ')[0]) + e.slice(e.indexOf(': ')) : e);
  const discoverySkips: FileReport[] = found.skipped.map(({ path, note, verboseOnly }) => ({
    path: display(cwd, path),
    status: 'skipped',
    findings: [],
    hoisted: [],
    diff: '',
    note,
    ...(verboseOnly ? { verboseOnly } : {}),
  }));

  // Group the files by repository (nearest .git or CI file; else the directory given), in discovery order.
  const dirRoot = new Map<string, string>();
  const groups = new Map<string, Discovered[]>();
  const findRoot = rootFinder();
  const givenDirs = paths.filter((p) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  });
  for (const f of found.files) {
    const dir = dirname(f.path);
    let root = dirRoot.get(dir);
    if (!root) {
      const given = givenDirs.find((p) => f.path.startsWith(p + sep) || (p.endsWith(sep) && f.path.startsWith(p)));
      root = findRoot(f.path, given ?? dir);
      dirRoot.set(dir, root);
    }
    const list = groups.get(root) ?? [];
    list.push(f);
    groups.set(root, list);
  }
  const jobs: RepoJob[] = [...groups].map(([root, files]) => ({ root, files }));

  const started = Date.now();
  const total = found.files.length;
  let filesDone = 0;
  const progress = (plan: RepoPlan, done: number) => {
    if (!opts.progress) return;
    filesDone += plan.reports.length;
    const secs = (Date.now() - started) / 1000;
    const rate = filesDone / Math.max(secs, 0.001);
    const eta = rate > 0 ? Math.max(0, (total - filesDone) / rate) : 0;
    io.err(`\r\x1b[Krepositories ${done}/${jobs.length}, files ${filesDone}/${total}, ${rate.toFixed(0)} files/s, ETA ${eta.toFixed(0)} s`);
    if (done === jobs.length) io.err('\r\x1b[K');
  };
  let plans: RepoPlan[];
  try {
    plans = await planAll(
      jobs,
      { cwd, defaults: opts.defaults, ...(opts.config ? { config: resolve(cwd, opts.config) } : {}), maxBytes: opts.maxBytes, write, ci: opts.ci !== false, ...(opts.ciSystems ? { ciSystems: [...opts.ciSystems] } : {}), ...(opts.passDefined ? { passDefined: true } : {}) },
      opts.jobs ?? 1,
      progress,
    );
  } catch (e) {
    io.err(`dockerfile-argfix: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_ERROR;
  }

  // --git-branch: a repository with uncommitted changes is refused before anything in it is written.
  const repoErrors = new Map<RepoPlan, string>();
  if (opts.gitBranch !== undefined) {
    for (const plan of plans) {
      if (!plan.patch) continue;
      try {
        assertClean(plan.root);
        createBranch(plan.root, opts.gitBranch);
      } catch (e) {
        repoErrors.set(plan, `${display(cwd, plan.root) || '.'}: ${(e as Error).message}; not written`);
      }
    }
  }

  // Everything is planned and verified before the first byte is written.
  const pending: PendingWrite[] = [];
  if (write) {
    for (const plan of plans) {
      if (repoErrors.has(plan)) continue;
      for (const w of plan.writes) {
        const report = plan.reports[w.report];
        pending.push({
          abs: w.abs,
          text: w.text,
          expected: Buffer.from(w.expected.buffer, w.expected.byteOffset, w.expected.byteLength),
          mode: w.mode,
          failed: (e) => {
            report.status = 'error';
            report.error = e.format(report.path);
          },
        });
      }
    }
  }
  const { written, interrupted } = await writeAll(pending, opts.signal);
  if (interrupted) {
    io.err(`dockerfile-argfix: interrupted: ${written} of ${pending.length} files written; the others are unchanged\n`);
    return interruptedCode(opts.signal);
  }
  if (opts.gitBranch !== undefined && opts.gitCommit) {
    for (const plan of plans) {
      if (repoErrors.has(plan) || plan.writes.length === 0) continue;
      const changed = plan.writes.filter((w) => plan.reports[w.report].status === 'changed').map((w) => display(plan.root, w.abs));
      if (changed.length === 0) continue;
      try {
        commit(plan.root, changed, commitMessage(plan));
      } catch (e) {
        repoErrors.set(plan, `${display(cwd, plan.root) || '.'}: ${(e as Error).message}`);
      }
    }
  }

  if (opts.patchDir) {
    const dir = resolve(cwd, opts.patchDir);
    mkdirSync(dir, { recursive: true });
    const used = new Set<string>();
    for (const plan of plans) {
      if (!plan.patch) continue;
      let name = basename(plan.root) || 'root';
      for (let k = 2; used.has(name); k++) name = `${basename(plan.root)}-${k}`;
      used.add(name);
      writeFileSync(join(dir, `${name}.patch`), plan.patch);
    }
  }

  const reports = [...discoverySkips, ...plans.flatMap((p) => p.reports)];
  for (const r of reports) r.findings.sort((a, b) => a.line - b.line || a.column - b.column);
  const summary = summarize(reports, generalErrors.length + repoErrors.size);
  const errorLines = [...generalErrors, ...reports.filter((r) => r.error).map((r) => r.error!), ...repoErrors.values()];
  const repos = plans.map((p) => ({ root: display(cwd, p.root) || '.', reports: p.reports, error: repoErrors.get(p) }));
  if (opts.format === 'json') {
    const doc = toJson(reports, summary, repos);
    if (opts.output) writeFileSync(resolve(cwd, opts.output), doc);
    else io.out(doc);
    for (const e of errorLines) io.err(`dockerfile-argfix: ${e}\n`);
  } else {
    const changed = reports.filter((r) => r.status === 'changed');
    if (opts.listDifferent) for (const r of changed) io.out(`${r.path}\n`);
    else if (mode === 'dry-run') for (const r of changed) io.out(opts.color ? colorDiff(r.diff) : r.diff);
    let text = '';
    // Info findings explain the edits of a changed file; elsewhere (a build left as it is) they print with -v, and
    // so do suppressed ones (the user asked for silence there). JSON has them all.
    const shownFinding = (r: FileReport, f: FileReport['findings'][number]) => opts.verbose || (!f.suppressed && (f.severity !== 'info' || r.status === 'changed'));
    if (!opts.quiet) for (const r of reports) for (const f of r.findings) if (shownFinding(r, f)) text += formatFinding(f);
    // Skip notes in path order; those whose name or path already says "not a Dockerfile" only with --verbose
    // (the summary counts them), so a correct repository prints nothing but its summary.
    const notes = reports.filter((r) => r.note !== undefined);
    const shown = opts.verbose ? notes : notes.filter((r) => !r.verboseOnly);
    if (!opts.quiet) for (const r of shown.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) text += formatNote(r);
    for (const e of errorLines) text += `dockerfile-argfix: ${e}\n`;
    if (mode === 'check' && !opts.listDifferent) for (const r of changed) text += `would change: ${r.path}\n`;
    if (!opts.quiet && repos.length > 1) text += formatRepoTable(repos);
    if (!opts.quiet) text += formatSummary(summary, mode, notes.length - shown.length);
    if (opts.output) writeFileSync(resolve(cwd, opts.output), text.replace(/\x1b\[[0-9;]*m/g, ''));
    else io.err(text);
  }

  if (summary.errors > 0) return EXIT_ERROR;
  if ((opts.check || opts.listDifferent) && summary.changed > 0) return EXIT_FINDINGS;
  if (reports.some((r) => r.findings.some(isOutstanding))) return EXIT_FINDINGS;
  return EXIT_OK;
}

/** What a --git-commit commit says: the files and the ARGs and build args added. */
function commitMessage(plan: RepoPlan): string {
  const lines = ['Declare the global ARGs that FROM needs (dockerfile-argfix)', ''];
  for (const w of plan.writes) {
    const r = plan.reports[w.report];
    if (r.status !== 'changed') continue;
    const rel = display(plan.root, w.abs);
    const hoisted = r.hoisted.map((h) => (h.default === null ? h.name : `${h.name}=${h.default}`));
    lines.push(hoisted.length ? `- ${rel}: ARG ${hoisted.join(', ')}` : `- ${rel}: pass the FROM variables as build args`);
  }
  return lines.join('\n') + '\n';
}
