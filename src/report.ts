/** Formatters: the same results as text for people (stderr) or one JSON document for machines (SARIF, GitLab Code
 * Quality and GitHub workflow commands: src/formats/). */
import { isOutstanding, ruleUrl, type FailureLevel, type Finding } from './findings.js';
import type { Hoisted } from '../transforms/hoist-from-args.js';

export type Status = 'changed' | 'unchanged' | 'skipped' | 'error';

/** One planned text edit in 1-based lines and columns of the file as read (end === start for an insertion). */
export interface PlannedEdit {
  start: { line: number; column: number };
  end: { line: number; column: number };
  text: string;
}

export interface FileReport {
  path: string;
  status: Status;
  findings: Finding[];
  hoisted: Hoisted[];
  diff: string;
  /** A changed file's planned edits (what the diff shows), for the fixes of SARIF results. */
  edits?: PlannedEdit[];
  error?: string;
  /** Why a skipped path was passed over (not a Dockerfile, no FROM, a symbolic link out of the searched directory). */
  note?: string;
  /** The note is printed in text only with --verbose: the name or path alone says it is not a Dockerfile. */
  verboseOnly?: boolean;
  /**
   * Not written only because another file of its repository could not be, or the repository was refused (a
   * repository is written all or nothing): status `error`, and in text the repository's line stands for it
   * (this file's line is printed with --verbose).
   */
  heldBack?: boolean;
}

export interface Summary {
  changed: number;
  unchanged: number;
  skipped: number;
  errors: number;
  /** Findings left for a human that make the exit code 1 (not fixed, not suppressed, at --failure-level or above: by default every one but info). */
  needHuman: number;
  /** Those findings' rules, with how often each occurs, most frequent first. */
  needHumanRules: Record<string, number>;
}

export function summarize(files: readonly FileReport[], extraErrors = 0, level: FailureLevel = 'warning'): Summary {
  const s: Summary = { changed: 0, unchanged: 0, skipped: 0, errors: extraErrors, needHuman: 0, needHumanRules: {} };
  const rules = new Map<string, number>();
  for (const f of files) {
    if (f.status === 'error') s.errors++;
    else s[f.status]++;
    for (const x of f.findings) {
      if (!isOutstanding(x, level)) continue;
      s.needHuman++;
      rules.set(x.rule, (rules.get(x.rule) ?? 0) + 1);
    }
  }
  s.needHumanRules = Object.fromEntries([...rules].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
  return s;
}

/** `verbose`: with --verbose, a finding left for a human also names its rule's page (`  see: URL`). */
export function formatFinding(f: Finding, verbose = false): string {
  const state = f.suppressed ? ' (suppressed)' : f.fixed ? ' (fixed)' : '';
  let out = `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.rule}: ${f.message}${state}\n`;
  if (f.fix && !f.suppressed) out += `  ${f.fixed ? 'fix' : 'hint'}: ${f.fix}\n`;
  if (verbose && isOutstanding(f)) out += `  see: ${f.url ?? ruleUrl(f.rule)}\n`;
  return out;
}

/** A skipped file's note as a text line. */
export function formatNote(r: FileReport): string {
  return `dockerfile-argfix: ${r.path}: ${r.status === 'skipped' ? 'skipped: ' : ''}${r.note}\n`;
}

/** `hidden`: skipped files whose reasons were not printed (listed with --verbose). */
export function formatSummary(s: Summary, mode: 'dry-run' | 'write' | 'check', hidden = 0): string {
  const verb = mode === 'write' ? 'changed' : 'to change';
  const skipped = `${s.skipped} skipped${hidden > 0 ? ` (${hidden} listed only with --verbose)` : ''}`;
  let line = `${s.changed} ${verb}, ${s.unchanged} unchanged, ${skipped}, ${s.errors} error${s.errors === 1 ? '' : 's'}`;
  if (mode === 'dry-run' && s.changed > 0) line += ' (dry run: --write applies the diff)';
  if (s.needHuman > 0) {
    const rules = Object.entries(s.needHumanRules).map(([rule, n]) => (n > 1 ? `${rule} ×${n}` : rule));
    line += `; ${s.needHuman} finding${s.needHuman === 1 ? ' needs' : 's need'} a human (exit 1): ${rules.join(', ')}`;
  }
  return `${line}\n`;
}

export interface RepoReport {
  /** Repository root relative to the current directory ('.' for it). */
  root: string;
  reports: FileReport[];
  error?: string;
}

function repoRow(r: RepoReport, level: FailureLevel) {
  const findings = r.reports.flatMap((x) => x.findings).filter((f) => !f.suppressed);
  const count = (sev: string) => findings.filter((f) => f.severity === sev).length;
  return {
    repo: r.root,
    changed: r.reports.filter((x) => x.status === 'changed').length,
    errors: r.reports.filter((x) => x.status === 'error').length + (r.error ? 1 : 0),
    findings: { error: count('error'), warning: count('warning'), info: count('info') },
    needsHuman: findings.filter((f) => isOutstanding(f, level)).length,
  };
}

/** The per-repository table printed after a multi-repository run. */
export function formatRepoTable(repos: readonly RepoReport[], level: FailureLevel = 'warning'): string {
  const rows = repos.map((r) => repoRow(r, level));
  const head = ['repository', 'changed', 'errors', 'warnings', 'info', 'needs a human', 'failed'];
  const cells = rows.map((r) => [r.repo, r.changed, r.findings.error, r.findings.warning, r.findings.info, r.needsHuman, r.errors].map(String));
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(width[i]) : x.padStart(width[i]))).join('  ').trimEnd() + '\n';
  return line(head) + cells.map(line).join('');
}

export function toJson(files: readonly FileReport[], summary: Summary, repos: readonly RepoReport[] = [], level: FailureLevel = 'warning'): string {
  const doc = {
    files: files.map((f) => ({
      path: f.path,
      changed: f.status === 'changed',
      status: f.status,
      ...(f.error !== undefined ? { error: f.error } : {}),
      ...(f.note !== undefined ? { note: f.note } : {}),
      findings: f.findings.map((x) => ({
        rule: x.rule,
        severity: x.severity,
        line: x.line,
        column: x.column,
        ...(x.name !== undefined ? { name: x.name } : {}),
        message: x.message,
        fixed: x.fixed,
        suppressed: x.suppressed === true,
        ...(x.fix !== undefined ? { fix: x.fix } : {}),
        url: x.url ?? ruleUrl(x.rule),
      })),
      hoisted: f.hoisted,
      ...(f.diff ? { diff: f.diff } : {}),
    })),
    repos: repos.map((r) => ({ ...repoRow(r, level), files: r.reports.map((x) => x.path), ...(r.error ? { error: r.error } : {}) })),
    summary,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
