/**
 * `dockerfile-argfix -`: one Dockerfile read from stdin. stdout carries only the text (with --write: the fixed
 * file, changed or not, for an editor or a pipe) or the diff (dry run); findings, notes and the summary go to
 * stderr (or --output). The CI side is not run: no CI file is read, edited or reported, so the defaults are the
 * config files' and --default's only. --stdin-filepath names the file for the diff headers, the reports and the
 * config lookup (the nearest config upward from its directory, under --config). Every report format works as
 * for files, on stderr instead of stdout (which holds the text): json, sarif and gitlab are the document (or the
 * --output file), github the findings as workflow commands (or in the --output file) before the text lines.
 */
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SuppliedDefault } from '../transforms/hoist-from-args.js';
import { findConfig, readConfig, type Config } from './config.js';
import { unifiedDiff } from './diff.js';
import { fixDockerfile } from './engine.js';
import { InputError } from './errors.js';
import { DEFAULT_MAX_BYTES, decodeStrict } from './fsio.js';
import { isOutstanding } from './findings.js';
import { editRegions, fingerprintFindings } from './formats/fingerprint.js';
import { toGithub } from './formats/github.js';
import { toGitlab } from './formats/gitlab.js';
import { toSarif } from './formats/sarif.js';
import { climbs, display, rootFinder } from './repo.js';
import { formatFinding, formatNote, formatSummary, summarize, toJson, type FileReport } from './report.js';
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, outputProblem, type Io, type RunOptions } from './run.js';

/** The name a Dockerfile read from stdin has in reports without --stdin-filepath. */
export const STDIN_NAME = '<stdin>';

export function runStdin(opts: RunOptions & { stdinFilepath?: string }, io: Io, bytes: Uint8Array): number {
  const cwd = io.cwd;
  const abs = opts.stdinFilepath !== undefined ? resolve(cwd, opts.stdinFilepath) : null;
  const path = abs ? display(cwd, abs) : STDIN_NAME;
  const mode = opts.write ? 'write' : opts.check ? 'check' : 'dry-run';
  const level = opts.failureLevel ?? 'warning';
  const fail = (message: string) => {
    io.err(`dockerfile-argfix: ${message}\n`);
    return EXIT_ERROR;
  };
  if (opts.output !== undefined) {
    const problem = outputProblem(resolve(cwd, opts.output));
    if (problem !== null) return fail(`--output ${opts.output}: ${problem}`);
  }

  const report: FileReport = { path, status: 'unchanged', findings: [], hoisted: [], diff: '' };
  let output: string | null = null;
  try {
    const max = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    if (bytes.byteLength > max) throw new InputError(`larger than the ${max}-byte limit (${bytes.byteLength} bytes)`);
    const text = decodeStrict(bytes);
    // As for a repository (src/repo.ts): the fleet config under the nearest one, and --default above both.
    const at = (e: unknown) => {
      if (e instanceof InputError && e.file) e.file = display(cwd, e.file);
      return e;
    };
    let fleet: Config | null = null;
    let own: Config;
    try {
      if (opts.config !== undefined) fleet = readConfig(resolve(cwd, opts.config));
      own = readConfig(findConfig(abs ? dirname(abs) : cwd));
    } catch (e) {
      throw at(e);
    }
    const defaults = new Map<string, SuppliedDefault>();
    if (fleet) for (const [name, value] of fleet.defaults) defaults.set(name, { value, source: display(cwd, fleet.path!) });
    if (own.path) for (const [name, value] of own.defaults) defaults.set(name, { value, source: display(cwd, own.path) });
    for (const [name, value] of opts.defaults) defaults.set(name, { value, source: '--default' });
    const ignore = new Set([...(fleet?.ignore ?? []), ...own.ignore, ...(opts.ignore ?? [])]);
    // Taken as it is, like a file named on the command line (only a text without FROM is skipped).
    const outcome = fixDockerfile(text, { defaults, ignore, inlineConfig: opts.inlineConfig !== false });
    if (outcome.skip !== null) {
      report.status = 'skipped';
      report.note = outcome.skip;
    } else {
      report.findings = outcome.findings.map((f) => ({ ...f, file: path }));
      report.hoisted = outcome.hoisted;
      // As for a file (src/repo.ts): fingerprints for sarif and gitlab, the planned edits for SARIF fixes.
      fingerprintFindings(report.findings, path, text);
      if (outcome.output !== text) {
        report.status = 'changed';
        report.edits = editRegions(text, outcome.edits);
        // A path outside the current directory is named from its repository root, as in a run on files (src/repo.ts).
        const header = abs && climbs(path) ? display(rootFinder()(abs, dirname(abs)), abs) : path;
        report.diff = unifiedDiff(header, text, outcome.output, outcome.edits);
      }
    }
    output = outcome.output;
  } catch (e) {
    report.status = 'error';
    report.error = e instanceof InputError ? e.format(path) : `${path}: ${e instanceof Error ? e.message : String(e)}`;
  }

  // stdout: nothing when the input could not be read (an editor must not take an empty buffer for the result).
  if (output !== null) {
    if (opts.listDifferent) {
      if (report.status === 'changed') io.out(`${path}\n`);
    } else if (mode === 'write') io.out(output);
    else if (mode === 'dry-run') io.out(report.diff);
  }
  report.findings.sort((a, b) => a.line - b.line || a.column - b.column);
  const summary = summarize([report], 0, level);
  // What text prints, and so github and gitlab (src/run.ts shownFinding).
  const shown = report.findings.filter((f) => opts.verbose || isOutstanding(f, level) || (!f.suppressed && (f.severity !== 'info' || report.status === 'changed')));
  let text = '';
  let commands: string | null = null;
  if (opts.format === 'json') text = toJson([report], summary, [], level);
  else if (opts.format === 'sarif') text = toSarif([report], cwd, report.error ? [report.error] : []);
  else if (opts.format === 'gitlab') text = toGitlab(shown.filter((f) => !f.suppressed));
  if (opts.format === 'sarif' || opts.format === 'gitlab') {
    // The document only; an error is also a line of its own (as for files).
    if (report.error && opts.output !== undefined) io.err(`dockerfile-argfix: ${report.error}\n`);
  } else if (opts.format !== 'json') {
    if (opts.format === 'github') commands = toGithub(shown.filter((f) => !f.suppressed));
    else if (!opts.quiet) for (const f of shown) text += formatFinding(f);
    if (!opts.quiet && report.note !== undefined) text += formatNote(report);
    if (report.error) text += `dockerfile-argfix: ${report.error}\n`;
    if (mode === 'check' && !opts.listDifferent && report.status === 'changed') text += `would change: ${path}\n`;
    if (!opts.quiet) text += formatSummary(summary, mode);
  }
  // github: the commands are the report (stderr, or the --output file), the text lines stay on stderr.
  const reportText = commands ?? text;
  if (opts.output !== undefined) {
    try {
      writeFileSync(resolve(cwd, opts.output), reportText);
    } catch (e) {
      return fail(`--output ${opts.output}: cannot be written (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    if (commands !== null) io.err(text);
  } else io.err(commands !== null ? commands + text : text);

  if (summary.errors > 0) return EXIT_ERROR;
  if ((opts.check || opts.listDifferent) && summary.changed > 0) return EXIT_FINDINGS;
  if (summary.needHuman > 0) return EXIT_FINDINGS;
  return EXIT_OK;
}
