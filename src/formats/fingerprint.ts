/**
 * Stable identities for findings, for the machine formats that track results across runs (SARIF
 * partialFingerprints, GitLab Code Quality fingerprint). GitHub code scanning matches a result with the same
 * fingerprint from run to run, so an alert follows its line when lines are added above it; GitLab compares the
 * fingerprints of the source and target branches. So the line number is not part of it: the rule, the file's path
 * as reported (relative to the current directory: the repository root in a CI job), the variable and the text of the finding's line (trimmed) are. The k-th finding with the same
 * key in a file (two identical FROM lines) gets k as well, in line order, so each one stays unique.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../findings.js';
import { LineTable } from '../text.js';
import type { TextEdit } from '../edits.js';
import type { PlannedEdit } from '../report.js';

export function fingerprintFindings(findings: readonly Finding[], path: string, text: string): void {
  const table = new LineTable(text);
  const seen = new Map<string, number>();
  const ordered = [...findings].sort((a, b) => a.line - b.line || a.column - b.column);
  for (const f of ordered) {
    const line = f.line >= 1 && f.line <= table.lineCount ? table.lineText(f.line - 1).trim() : '';
    const key = [f.rule, path, f.name ?? '', line].join('\0');
    const k = (seen.get(key) ?? 0) + 1;
    seen.set(key, k);
    f.fingerprint = createHash('sha256').update(`${key}\0${k}`).digest('hex').slice(0, 32);
  }
}

/**
 * The planned edits of a file as 1-based line/column ranges in the file as read (for SARIF fixes), in the order
 * applyEdits makes them. Insertions at the same offset become one (their texts in that order): SARIF gives two
 * replacements at one point no order.
 */
export function editRegions(before: string, edits: readonly TextEdit[]): PlannedEdit[] {
  const table = new LineTable(before);
  const merged: TextEdit[] = [];
  for (const e of [...edits].sort((a, b) => a.start - b.start || a.end - b.end)) {
    const last = merged[merged.length - 1];
    if (last && last.start === e.start && last.end === e.start && e.end === e.start) merged[merged.length - 1] = { ...last, text: last.text + e.text };
    else merged.push(e);
  }
  return merged.map((e) => ({ start: table.position(e.start), end: table.position(e.end), text: e.text }));
}
