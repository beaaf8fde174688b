/** Orchestration: discover → read → fix (parse, transform, apply, verify) → diff | write | report → exit code. */
import { accessSync, constants, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import pc from 'picocolors';
import { discover, hardLinkNote, type Discovered } from './discover.js';
import { InputError } from './errors.js';
import { isOutstanding, type FailureLevel, type Finding } from './findings.js';
import { prepareWrites, type PendingWrite, type WriteFailure } from './fsio.js';
import { assertClean, commit, createBranch, type GitRepo } from './git.js';
import type { CiSystem } from './ci/systems.js';
import { Listing, type ListingData } from './listing.js';
import { planAll, type RepoJob } from './pool.js';
import { ciFileRepository, climbs, display, rootFinder, type PlanOptions, type RepoPlan } from './repo.js';
import { toGithub } from './formats/github.js';
import { toGitlab } from './formats/gitlab.js';
import { toSarif } from './formats/sarif.js';
import { formatFinding, formatNote, formatRepoTable, formatSummary, summarize, toJson, type FileReport, type RepoReport, type Summary } from './report.js';

export interface RunOptions {
  paths: string[];
  write: boolean;
  check: boolean;
  listDifferent: boolean;
  /** From --default NAME=VALUE, in order (a later one wins). */
  defaults: [string, string][];
  config?: string;
  /** text and github (workflow commands for the findings) print the diff and summary; json, sarif and gitlab are one document. */
  format: 'text' | 'json' | 'sarif' | 'gitlab' | 'github';
  output?: string;
  color: boolean;
  quiet: boolean;
  /** --verbose: also print the info findings of unchanged files, and the reasons of files skipped by name or path. */
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
  /** --ignore RULE: suppressed everywhere, added to the configs' ignore lists. */
  ignore?: string[];
  /** --failure-level: the outstanding findings that make the exit code 1 (default warning). */
  failureLevel?: FailureLevel;
  /** --no-inline-config (false): the Dockerfiles' `# dockerfile-argfix` pragmas are not read. */
  inlineConfig?: boolean;
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

/** The repositories to plan (each with its files, in discovery order) and what discovery passed over or could not read. */
export interface Collected {
  jobs: RepoJob[];
  /** Files found but not taken (not a Dockerfile by name or path, a link out of the tree), as reports. */
  skipped: FileReport[];
  /** Errors not tied to one file of a repository (a path that cannot be read). */
  errors: string[];
  /** How many files are to be planned. */
  files: number;
}

/** Discovers the files under `opts.paths` and groups them by repository (nearest .git or CI file; else the directory given). */
export function collect(opts: Pick<RunOptions, 'paths' | 'gitignore'>, cwd: string): Collected {
  // One listing per directory: the root finder, the config lookup and the CI side read discovery's (src/listing.ts).
  const listing = new Listing();
  const findRoot = rootFinder(listing);
  // A CI file given on the command line stands for its repository, analysed as a unit (see ciFileRepository).
  const paths = [...new Set(opts.paths.map((p) => resolve(cwd, p)).map((p) => ciFileRepository(p, findRoot) ?? p))];
  const found = discover(paths, { gitignore: opts.gitignore, onListing: (dir, entries, real, gitignore) => listing.add(dir, real, entries, gitignore) });
  const generalErrors: string[] = [];
  for (const e of found.errors) generalErrors.push(e.startsWith('/') ? display(cwd, e.split(': ')[0]) + e.slice(e.indexOf(': ')) : e);
  const discoverySkips: FileReport[] = found.skipped.map(({ path, note, verboseOnly, sameAs }) => ({
    path: display(cwd, path),
    status: 'skipped',
    findings: [],
    hoisted: [],
    diff: '',
    note: sameAs !== undefined ? hardLinkNote(display(cwd, sameAs)) : note,
    ...(verboseOnly ? { verboseOnly } : {}),
  }));

  // Group the files by repository (nearest .git or CI file; else the directory given), in discovery order.
  const dirRoot = new Map<string, string>();
  const groups = new Map<string, Discovered[]>();
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
  // Each repository gets the listings of the directories at or below its root (a nested repository's are its
  // own and its parent's): plain data, shared on this thread, copied to a worker thread.
  const listings = new Map<string, ListingData>([...groups.keys()].map((root) => [root, new Map()]));
  /** The listings of the repositories at or above `dir` (discovery lists a parent first: one step up each). */
  const owners = new Map<string, ListingData[]>();
  const ownersOf = (dir: string): ListingData[] => {
    let found = owners.get(dir);
    if (found === undefined) {
      const parent = dirname(dir);
      const above = parent === dir ? [] : ownersOf(parent);
      const own = listings.get(dir);
      found = own ? [...above, own] : above;
      owners.set(dir, found);
    }
    return found;
  };
  for (const [dir, listed] of listing.dirs) for (const l of ownersOf(dir)) l.set(dir, listed);
  const jobs: RepoJob[] = [...groups].map(([root, files]) => ({ root, files, listing: listings.get(root) }));
  return { jobs, skipped: discoverySkips, errors: generalErrors, files: found.files.length };
}

/** What planning a repository needs from the run's options; `keepTexts`: keep the new texts (for writing). */
export function planOptions(opts: Pick<RunOptions, 'defaults' | 'config' | 'maxBytes' | 'ci' | 'ciSystems' | 'passDefined' | 'ignore' | 'inlineConfig' | 'patchDir'> & { format?: RunOptions['format'] }, cwd: string, keepTexts: boolean): PlanOptions {
  // Fingerprints and edit regions only for the formats that carry them (SARIF both, GitLab Code Quality fingerprints).
  const machine = opts.format === 'sarif' || opts.format === 'gitlab' ? { fingerprints: true, ...(opts.format === 'sarif' ? { editRegions: true } : {}) } : {};
  return { ...machine, cwd, defaults: opts.defaults, ...(opts.config ? { config: resolve(cwd, opts.config) } : {}), maxBytes: opts.maxBytes, write: keepTexts, ...(opts.patchDir ? { patch: true } : {}), ci: opts.ci !== false, ...(opts.ciSystems ? { ciSystems: [...opts.ciSystems] } : {}), ...(opts.passDefined ? { passDefined: true } : {}), ...(opts.ignore?.length ? { ignore: opts.ignore } : {}), ...(opts.inlineConfig === false ? { inlineConfig: false } : {}) };
}

const byPosition = (a: Finding, b: Finding) => a.line - b.line || a.column - b.column;

/** The run's file reports in output order (findings sorted), their summary and the per-repository reports. */
export function assemble(cwd: string, collected: Collected, plans: readonly RepoPlan[], repoErrors: ReadonlyMap<RepoPlan, string> = new Map(), level: FailureLevel = 'warning'): { reports: FileReport[]; summary: Summary; repos: RepoReport[] } {
  const reports = [...collected.skipped, ...plans.flatMap((p) => p.reports)];
  for (const r of reports) r.findings.sort(byPosition);
  const summary = summarize(reports, collected.errors.length + repoErrors.size, level);
  const repos = plans.map((p) => ({ root: repoName(cwd, p.root), reports: p.reports, error: repoErrors.get(p) }));
  return { reports, summary, repos };
}

/**
 * The run in named phases: check where the reports go → collect (discover, group by repository) → plan (every
 * Dockerfile, then the CI where some Dockerfile needs something; verified) → write (all or nothing per
 * repository) → patches → report → exit code. Nothing is written before every repository is planned.
 */
export async function run(opts: RunOptions, io: Io): Promise<number> {
  const write = opts.write || opts.gitBranch !== undefined;
  const mode: Mode = write ? 'write' : opts.check ? 'check' : 'dry-run';
  const cwd = io.cwd;
  const refused = targetProblem(opts, cwd);
  if (refused !== null) {
    io.err(refused);
    return EXIT_ERROR;
  }
  const collected = collect(opts, cwd);
  const stream = streamer(opts, io, mode);
  const plans = await planPhase(collected, opts, cwd, write, io, stream);
  if (plans === null) return EXIT_ERROR;
  const { repoErrors, written, toWrite, interrupted } = write ? await writePhase(plans, opts, cwd) : { repoErrors: new Map<RepoPlan, string>(), written: 0, toWrite: 0, interrupted: false };
  if (interrupted) {
    io.err(`dockerfile-argfix: interrupted: ${written} of ${toWrite} files written; the others are unchanged\n`);
    return interruptedCode(opts.signal);
  }
  const patchError = opts.patchDir !== undefined ? writePatches(plans, opts.patchDir, cwd) : null;
  if (patchError !== null) {
    io.err(patchError);
    return EXIT_ERROR;
  }
  const level = opts.failureLevel ?? 'warning';
  const assembled = assemble(cwd, collected, plans, repoErrors, level);
  if (!report(assembled, { opts, io, mode, level, collected, plans, repoErrors, streamed: stream?.printed ?? NOTHING_PRINTED })) return EXIT_ERROR;
  return exitCode(opts, assembled.summary);
}

type Mode = 'dry-run' | 'write' | 'check';

/**
 * Phase 0: the report file and the patch directory are checked before anything is planned or written (the patch
 * directory is created after the files are written): a bad -o or --patch-dir must not leave files written and the
 * report or the patches lost. The error line, or null.
 */
function targetProblem(opts: RunOptions, cwd: string): string | null {
  if (opts.output !== undefined) {
    const problem = outputProblem(resolve(cwd, opts.output));
    if (problem !== null) return `dockerfile-argfix: --output ${opts.output}: ${problem}; nothing written\n`;
  }
  if (opts.patchDir !== undefined) {
    const problem = patchDirProblem(resolve(cwd, opts.patchDir));
    if (problem !== null) return `dockerfile-argfix: --patch-dir ${opts.patchDir}: ${problem}; nothing written\n`;
  }
  return null;
}

/** Phase 2: every repository planned (src/pool.ts: in this thread and on workers), with progress on stderr. Null after an internal error. */
async function planPhase(collected: Collected, opts: RunOptions, cwd: string, write: boolean, io: Io, stream: Streamer | null): Promise<RepoPlan[] | null> {
  const { jobs } = collected;
  const started = Date.now();
  const total = collected.files;
  let filesDone = 0;
  const progress = (plan: RepoPlan, done: number, index: number) => {
    if (stream) {
      // A terminal's progress line is cleared before a repository's output, and drawn again after it.
      if (opts.progress) io.err('\r\x1b[K');
      stream.done(plan, index);
    }
    if (!opts.progress) return;
    filesDone += plan.reports.length;
    const secs = (Date.now() - started) / 1000;
    const rate = filesDone / Math.max(secs, 0.001);
    const eta = rate > 0 ? Math.max(0, (total - filesDone) / rate) : 0;
    io.err(`\r\x1b[Krepositories ${done}/${jobs.length}, files ${filesDone}/${total}, ${rate.toFixed(0)} files/s, ETA ${eta.toFixed(0)} s`);
    if (done === jobs.length) io.err('\r\x1b[K');
  };
  try {
    return await planAll(jobs, planOptions(opts, cwd, write), opts.jobs ?? 1, progress, true);
  } catch (e) {
    io.err(`dockerfile-argfix: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return null;
  }
}

/** What the report phase finds already printed by the streamer. */
interface Printed {
  /** The diffs (dry run) or the changed paths (--list-different), on stdout. */
  stdout: boolean;
  /** The text format's finding lines, on stderr. */
  findings: boolean;
}
const NOTHING_PRINTED: Printed = { stdout: false, findings: false };

interface Streamer {
  done(plan: RepoPlan, index: number): void;
  printed: Printed;
}

/**
 * A dry run or a check prints each repository's part of the output as soon as every earlier repository's is
 * printed, whatever order the threads finish in (so two runs print the same bytes, and the output is what the
 * report phase would print at the end): the diffs or `-l`'s paths on stdout and, in the text format to stderr, the
 * finding lines. A printed diff is then dropped from its plan; what stays is what the end of the report needs
 * (statuses, findings for the summary and the table, notes, errors). Null where nothing can be printed early:
 * --write (nothing is written before every repository is planned, and writing changes the reports) and the
 * one-document formats (json, sarif, gitlab).
 */
function streamer(opts: RunOptions, io: Io, mode: Mode): Streamer | null {
  if (mode === 'write' || (opts.format !== 'text' && opts.format !== 'github')) return null;
  const level = opts.failureLevel ?? 'warning';
  const printed: Printed = { stdout: opts.listDifferent || mode === 'dry-run', findings: opts.format === 'text' && !opts.quiet && opts.output === undefined };
  const waiting = new Map<number, RepoPlan>();
  let next = 0;
  const emit = (plan: RepoPlan) => {
    let out = '';
    let err = '';
    for (const r of plan.reports) {
      r.findings.sort(byPosition);
      if (printed.findings) for (const f of r.findings) if (shownFinding(r, f, opts, level)) err += formatFinding(f, opts.verbose === true);
      if (r.status !== 'changed') continue;
      if (opts.listDifferent) out += `${r.path}\n`;
      else if (mode === 'dry-run') out += opts.color ? colorDiff(r.diff) : r.diff;
      r.diff = '';
    }
    if (out) io.out(out);
    if (err) io.err(err);
  };
  return {
    printed,
    done(plan, index) {
      waiting.set(index, plan);
      for (let p = waiting.get(next); p !== undefined; p = waiting.get(next)) {
        waiting.delete(next++);
        emit(p);
      }
    },
  };
}

/**
 * Phase 3: everything is planned and verified before the first byte is written. Then each repository is written all
 * or nothing: with --git-branch it is checked clean first (src/git.ts: nothing it configures runs), every file is
 * checked and staged beside itself, the branch is created, the files are renamed into place (a late failure
 * puts the written ones back) and, with --git-commit, committed. A signal stops the run between repositories,
 * or while a repository's files are being staged (then none of them is written).
 */
async function writePhase(plans: readonly RepoPlan[], opts: RunOptions, cwd: string): Promise<{ repoErrors: Map<RepoPlan, string>; written: number; toWrite: number; interrupted: boolean }> {
  const repoErrors = new Map<RepoPlan, string>();
  let written = 0;
  let toWrite = 0;
  for (const plan of plans) toWrite += plan.writes.length;
  for (const plan of plans) {
    if (plan.writes.length === 0) continue;
    if (opts.signal?.aborted) return { repoErrors, written, toWrite, interrupted: true };
    const outcome = await writeRepository(plan, opts, cwd);
    written += outcome.written;
    if (outcome.error) repoErrors.set(plan, outcome.error);
    if (outcome.interrupted) return { repoErrors, written, toWrite, interrupted: true };
  }
  return { repoErrors, written, toWrite, interrupted: false };
}

/** Phase 4: `<repo>.patch` per changed repository into `patchDir`. The error line, or null. */
function writePatches(plans: readonly RepoPlan[], patchDir: string, cwd: string): string | null {
  const dir = resolve(cwd, patchDir);
  const used = new Set<string>();
  try {
    mkdirSync(dir, { recursive: true });
    for (const plan of plans) {
      if (!plan.patch) continue;
      let name = basename(plan.root) || 'root';
      for (let k = 2; used.has(name); k++) name = `${basename(plan.root)}-${k}`;
      used.add(name);
      writeFileSync(join(dir, `${name}.patch`), plan.patch);
    }
    return null;
  } catch (e) {
    // Checked before planning; this is a change made since (or a <repo>.patch that is a directory).
    return `dockerfile-argfix: --patch-dir ${patchDir}: cannot be written (${(e as NodeJS.ErrnoException).code ?? String(e)})\n`;
  }
}

interface ReportContext {
  opts: RunOptions;
  io: Io;
  mode: Mode;
  level: FailureLevel;
  collected: Collected;
  plans: readonly RepoPlan[];
  repoErrors: ReadonlyMap<RepoPlan, string>;
  /** What the streamer printed already. */
  streamed: Printed;
}

/**
 * Info findings explain the edits of a changed file; elsewhere (a build left as it is) they print with --verbose,
 * and so do suppressed ones (the user asked for silence there). A finding that sets the exit code always prints
 * (an info one too, with --failure-level info). JSON and SARIF have them all; github and gitlab have what text
 * prints, never a suppressed one (an annotation or a Code Quality issue cannot say it is suppressed).
 */
function shownFinding(r: FileReport, f: Finding, opts: RunOptions, level: FailureLevel): boolean {
  return opts.verbose === true || isOutstanding(f, level) || (!f.suppressed && (f.severity !== 'info' || r.status === 'changed'));
}

/** Phase 5: the report in the chosen format (stdout, stderr or the -o file). False after a report file failed. */
function report({ reports, summary, repos }: ReturnType<typeof assemble>, ctx: ReportContext): boolean {
  const { opts, io, mode, level, collected, plans, repoErrors, streamed } = ctx;
  const cwd = io.cwd;
  const generalErrors = collected.errors;
  const errorLines = [...generalErrors, ...reports.filter((r) => r.error && (!r.heldBack || opts.verbose)).map((r) => r.error!), ...repoErrors.values()];
  const shownFindings = () => reports.flatMap((r) => r.findings.filter((f) => !f.suppressed && shownFinding(r, f, opts, level)));
  if (opts.format === 'json' || opts.format === 'sarif' || opts.format === 'gitlab') {
    const doc =
      opts.format === 'json'
        ? toJson(reports, summary, repos, level)
        : opts.format === 'sarif'
          ? toSarif(reports, cwd, [...generalErrors, ...reports.filter((r) => r.error).map((r) => r.error!), ...repoErrors.values()])
          : toGitlab(shownFindings());
    if (opts.output) {
      if (!writeReport(resolve(cwd, opts.output), doc, io)) return false;
    } else io.out(doc);
    for (const e of errorLines) io.err(`dockerfile-argfix: ${e}\n`);
    return true;
  }
  const changed = reports.filter((r) => r.status === 'changed');
  if (streamed.stdout) {
    /* printed repository by repository as they were planned */
  } else if (opts.listDifferent) for (const r of changed) io.out(`${r.path}\n`);
  else if (mode === 'dry-run') for (const r of changed) io.out(opts.color ? colorDiff(r.diff) : r.diff);
  let text = '';
  // github: the findings as workflow commands on stdout (or in the -o file) instead of text lines; the rest as text.
  if (opts.format === 'github') {
    const commands = toGithub(shownFindings());
    if (opts.output) {
      if (!writeReport(resolve(cwd, opts.output), commands, io)) return false;
    } else io.out(commands);
  } else if (!opts.quiet && !streamed.findings) for (const r of reports) for (const f of r.findings) if (shownFinding(r, f, opts, level)) text += formatFinding(f, opts.verbose === true);
  // Skip notes in path order; those whose name or path already says "not a Dockerfile" only with --verbose
  // (the summary counts them), so a correct repository prints nothing but its summary.
  const notes = reports.filter((r) => r.note !== undefined);
  const shown = opts.verbose ? notes : notes.filter((r) => !r.verboseOnly);
  if (!opts.quiet) for (const r of shown.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) text += formatNote(r);
  // A repository outside the current directory: its diff names its files from its root (the end of planRepo, src/repo.ts).
  if (mode === 'dry-run' && !opts.listDifferent && !opts.quiet) {
    for (const p of plans) {
      if (!p.reports.some((r) => r.status === 'changed' && climbs(r.path))) continue;
      const name = repoName(cwd, p.root);
      text += `dockerfile-argfix: ${name}: outside the current directory: its diff names files from ${name} (git apply there)\n`;
    }
  }
  for (const e of errorLines) text += `dockerfile-argfix: ${e}\n`;
  if (mode === 'check' && !opts.listDifferent) for (const r of changed) text += `would change: ${r.path}\n`;
  if (!opts.quiet && repos.length > 1) text += formatRepoTable(repos, level);
  if (!opts.quiet) text += formatSummary(summary, mode, notes.length - shown.length);
  if (opts.output && opts.format === 'text') return writeReport(resolve(cwd, opts.output), text.replace(/\x1b\[[0-9;]*m/g, ''), io);
  io.err(text);
  return true;
}

/** Phase 6: 2 for any error, 1 when --check/-l would change a file or a finding at --failure-level is left, else 0. */
function exitCode(opts: RunOptions, summary: Summary): number {
  if (summary.errors > 0) return EXIT_ERROR;
  if ((opts.check || opts.listDifferent) && summary.changed > 0) return EXIT_FINDINGS;
  if (summary.needHuman > 0) return EXIT_FINDINGS;
  return EXIT_OK;
}

/** A repository's name in a report line: its path from the current directory, `.` for the current directory itself. */
const repoName = (cwd: string, root: string) => (relative(cwd, root) === '' ? '.' : display(cwd, root));

/**
 * Writes one repository's planned files all or nothing (see run). Every file not written gets status `error` with
 * the reason; the returned error is the repository's own line.
 */
async function writeRepository(plan: RepoPlan, opts: RunOptions, cwd: string): Promise<{ written: number; interrupted: boolean; error?: string }> {
  const name = repoName(cwd, plan.root);
  const pending: PendingWrite[] = plan.writes.map((w) => ({
    abs: w.abs,
    text: w.text,
    expected: Buffer.from(w.expected.buffer, w.expected.byteOffset, w.expected.byteLength),
    mode: w.mode,
  }));
  const reportOf = (i: number) => plan.reports[plan.writes[i].report];
  const notWritten = (why: (path: string) => string, except: ReadonlySet<number> = new Set()) => {
    plan.writes.forEach((w, i) => {
      if (except.has(i)) return;
      const r = reportOf(i);
      r.status = 'error';
      r.error = `${r.path}: not written: ${why(r.path)}`;
      r.heldBack = true;
    });
  };
  const failedAt = (failures: readonly WriteFailure[]) => {
    const idx = new Set(failures.map((f) => pending.indexOf(f.write)));
    for (const f of failures) {
      const r = reportOf(pending.indexOf(f.write));
      r.status = 'error';
      r.error = f.error.format(r.path);
    }
    const first = reportOf(pending.indexOf(failures[0].write)).path;
    notWritten(() => `${first} could not be written, and a repository is written all or nothing`, idx);
    return idx;
  };
  const refused = (e: unknown) => {
    const why = e instanceof Error ? e.message : String(e);
    notWritten(() => `the repository ${name} was refused`);
    return `${name}: ${why}; not written`;
  };

  let repo: GitRepo | null = null;
  if (opts.gitBranch !== undefined) {
    try {
      repo = assertClean(plan.root, pending.map((w) => ({ abs: w.abs, bytes: w.expected })));
    } catch (e) {
      return { written: 0, interrupted: false, error: refused(e) };
    }
  }
  const prep = await prepareWrites(pending, opts.signal);
  if (prep.interrupted) return { written: 0, interrupted: true };
  if (!prep.prepared) {
    failedAt(prep.failures);
    return { written: 0, interrupted: false, error: `${name}: not written: ${prep.failures.length} of ${pending.length} files could not be written, so none was (all or nothing per repository)` };
  }
  let undoBranch: (() => void) | null = null;
  if (repo && opts.gitBranch !== undefined) {
    try {
      undoBranch = createBranch(repo, opts.gitBranch);
    } catch (e) {
      prep.prepared.abort();
      return { written: 0, interrupted: false, error: refused(e) };
    }
  }
  const done = prep.prepared.commit(commitHooks);
  if (done.failures.length > 0) {
    failedAt(done.failures);
    let error = `${name}: not written: ${done.failures.length} of ${pending.length} files could not be written, so none was (all or nothing per repository)`;
    if (done.notRestored.length > 0) {
      for (const f of done.notRestored) {
        const r = reportOf(pending.indexOf(f.write));
        r.status = 'error';
        r.error = `${r.path}: written, and could not be put back after another file failed: ${f.error.message}`;
        r.heldBack = false;
      }
      error = `${name}: ${done.failures.length} of ${pending.length} files could not be written, and ${done.notRestored.length} already written could not be put back (${done.notRestored.map((f) => display(cwd, f.write.abs)).join(', ')})`;
    } else if (undoBranch) {
      try {
        undoBranch();
      } catch (e) {
        error += `; the branch could not be removed again (${(e as Error).message})`;
      }
    }
    return { written: done.written, interrupted: false, error };
  }
  if (repo && opts.gitCommit) {
    try {
      commit(repo, pending.map((w) => ({ abs: w.abs, bytes: Buffer.from(w.text, 'utf8') })), commitMessage(plan));
    } catch (e) {
      return { written: done.written, interrupted: false, error: `${name}: ${(e as Error).message}` };
    }
  }
  return { written: done.written, interrupted: false };
}

/** For tests only: a function run before each rename of a repository's commit phase (to stage a race). */
let commitHooks: { beforeRename?(index: number): void } | undefined;
export function setCommitHooks(hooks: typeof commitHooks): void {
  commitHooks = hooks;
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

/** Writes the report file; false (after a one-line error) when that fails even so. */
function writeReport(abs: string, text: string, io: Io): boolean {
  try {
    writeFileSync(abs, text);
    return true;
  } catch (e) {
    io.err(`dockerfile-argfix: --output ${abs}: cannot be written (${(e as NodeJS.ErrnoException).code ?? String(e)})\n`);
    return false;
  }
}

/**
 * Why the directory `abs` (--patch-dir) cannot be created or written, or null: checked before any file is written.
 * It exists and is a writable directory, or the nearest existing ancestor is one (mkdir -p creates the rest).
 */
export function patchDirProblem(abs: string): string | null {
  let dir = abs;
  for (;;) {
    let st;
    try {
      st = statSync(dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') return `${dirname(dir)} is not a directory`;
      if (code !== 'ENOENT' || dirname(dir) === dir) return `cannot be created (${code ?? String(e)})`;
      dir = dirname(dir);
      continue;
    }
    if (!st.isDirectory()) return dir === abs ? 'is not a directory' : `${dir} is not a directory`;
    try {
      accessSync(dir, constants.W_OK | constants.X_OK);
    } catch (e) {
      return dir === abs ? `cannot be written (${(e as NodeJS.ErrnoException).code ?? String(e)})` : `cannot be created in ${dir} (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
    }
    return null;
  }
}

/** Why the report cannot be written to `abs` (--output), or null: checked before any file is written. */
export function outputProblem(abs: string): string | null {
  let st;
  try {
    st = statSync(abs);
  } catch {
    st = null;
  }
  if (st?.isDirectory()) return 'is a directory';
  const dir = dirname(abs);
  try {
    if (st) accessSync(abs, constants.W_OK);
    else if (!statSync(dir).isDirectory()) return `${dir} is not a directory`;
    else accessSync(dir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `the directory ${dir} does not exist`;
    if (code === 'ENOTDIR') return `${dir} is not a directory`;
    return `cannot be written (${code ?? String(e)})`;
  }
  return null;
}
