/**
 * Unified diffs with git-style a/ b/ headers that `git apply` and `patch -p1` accept.
 *
 * Every change the tool plans is a list of text edits, nearly always insertions. When the caller passes them,
 * the hunks are built from the edit list in one pass over the text (insertionDiff): jsdiff's line diff is an
 * O(N·D) edit-length search, which a file with thousands of inserted lines (a Dockerfile with thousands of
 * stages, each needing its own ARG) makes quadratic. Without edits, or with a replacement among them, jsdiff
 * computes the diff. Either way the text is jsdiff's formatPatch, so the two paths print the same format.
 */
// The patch module alone (a subpath jsdiff exports), not the package index, which loads every diff flavour,
// patch parsing and applying too (~100 KB of modules at start-up).
import { createTwoFilesPatch, formatPatch } from 'diff/lib/patch/create.js';
import type { StructuredPatch, StructuredPatchHunk } from 'diff/lib/types.js';
import { applyEdits, type TextEdit } from './edits.js';

const CONTEXT = 3;

/** git does not expect jsdiff's '====' separator line, nor a tab after the file names. */
const gitStyle = (patch: string) => patch.replace(/^=+\n/, '').replace(/^(---|\+\+\+) (.*)\t$/gm, '$1 $2');

export function unifiedDiff(path: string, before: string, after: string, edits?: readonly TextEdit[]): string {
  if (before === after) return '';
  const hunks = edits ? insertionHunks(before, after, edits) : null;
  if (hunks) {
    const patch: StructuredPatch = { oldFileName: `a/${path}`, newFileName: `b/${path}`, oldHeader: '', newHeader: '', hunks };
    return gitStyle(formatPatch(patch));
  }
  return gitStyle(createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, '', '', { context: CONTEXT }));
}

/** Lines with their line ends, as jsdiff splits them (a last line without one is a line too). */
function splitLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    out.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/** A stretch of the old file and what replaces it: `old` lines from `at` (0-based) become `added`. */
interface Change {
  at: number;
  old: string[];
  added: string[];
}

/**
 * The changes an insertion-only edit list makes, line by line, in one pass: an insertion at the start of a line
 * whose text ends a line adds whole lines there (no old line changes); any other insertion changes the line it
 * lands in. Adjacent changed lines and the insertions between them form one change. Null when an edit is not
 * an insertion or the edits do not give `after` (the caller then diffs the texts).
 */
export function insertionChanges(before: string, after: string, edits: readonly TextEdit[]): Change[] | null {
  if (edits.some((e) => e.start !== e.end)) return null;
  const inOrder = edits
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.text !== '')
    .sort((a, b) => a.e.start - b.e.start || a.i - b.i)
    .map(({ e }) => e);
  // `X` + `\nT` + `\n` is `X\n` + `T\n`: text starting with the line end it is inserted before adds whole lines
  // after that line (as jsdiff sees it), when it is the last text inserted there.
  const rotated = inOrder.map((e, k) => {
    const eol = before.startsWith('\r\n', e.start) ? '\r\n' : before[e.start] === '\n' ? '\n' : '';
    const last = k === inOrder.length - 1 || inOrder[k + 1].start !== e.start;
    return eol && last && e.text.startsWith(eol) ? { start: e.start + eol.length, end: e.start + eol.length, text: e.text.slice(eol.length) + eol, first: true } : { ...e, first: false };
  });
  // A moved text goes before anything inserted where it lands (it was before that line's start).
  const sortedRotated = rotated.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || Number(b.e.first) - Number(a.e.first) || a.i - b.i).map(({ e }) => e);
  const sorted = applyEdits(before, sortedRotated) === after ? sortedRotated : applyEdits(before, inOrder) === after ? inOrder : null;
  if (!sorted) return null;
  const lines = splitLines(before);
  const n = lines.length;
  const starts: number[] = new Array(n + 1);
  for (let k = 0, off = 0; k <= n; k++) {
    starts[k] = off;
    if (k < n) off += lines[k].length;
  }
  /** Line k was changed; gap k (before line k, k = n: at the end) has lines inserted. */
  const touched = new Uint8Array(n + 1);
  const gap = new Uint8Array(n + 1);
  let k = 0;
  for (const e of sorted) {
    const o = e.start;
    while (k < n && starts[k + 1] <= o && !(k + 1 === n && starts[n] === o && !lines[n - 1].endsWith('\n'))) k++;
    // Now starts[k] <= o, and o is inside line k, at its start, or (k = n) at the end after a line end.
    const lineStart = o === starts[k] && (k === 0 || lines[k - 1].endsWith('\n'));
    if (lineStart && (k === n || e.text.endsWith('\n'))) gap[k] = 1;
    else touched[k] = 1;
  }
  // Offsets in `after` of each `before` offset: insertions strictly before it (lt), or up to and including it (le).
  let pos = 0;
  let shift = 0;
  const insertedUpTo = (o: number, inclusive: boolean) => {
    while (pos < sorted.length && (sorted[pos].start < o || (inclusive && sorted[pos].start === o))) shift += sorted[pos++].text.length;
    return shift;
  };
  const out: Change[] = [];
  for (let i = 0; i <= n; ) {
    if (!gap[i] && !(i < n && touched[i])) {
      i++;
      continue;
    }
    // A change: gap i (if it has lines), then each touched line with the gap after it, while lines are touched.
    const first = i;
    let end = i;
    if (i < n && touched[i]) {
      while (end < n && touched[end]) end++;
    }
    // Lines first..end-1 change; gap `end` belongs here when it has lines (line `end` is unchanged, or the end).
    // Every insertion at the change's start is its own (a gap's lines, or text prefixed to its first line), and so
    // is every one at its end (the lines of gap `end`, or text appended to a last line without a line end): one
    // that changed line `end` would have made it part of this change.
    const s = starts[first];
    const e = starts[end];
    const from = s + insertedUpTo(s, false);
    const to = e + insertedUpTo(e, true);
    out.push({ at: first, old: lines.slice(first, end), added: splitLines(after.slice(from, to)) });
    i = end + 1;
  }
  return out;
}

/** The hunks of `changes` (in order, not overlapping) with jsdiff's layout: 3 lines of context, close ones merged. */
function insertionHunks(before: string, after: string, edits: readonly TextEdit[]): StructuredPatchHunk[] | null {
  const changes = insertionChanges(before, after, edits);
  if (!changes || changes.length === 0) return null;
  const lines = splitLines(before);
  const hunks: StructuredPatchHunk[] = [];
  let hunk: (StructuredPatchHunk & { lastOld: number; lastNew: number }) | null = null;
  let delta = 0; // new line number - old line number, before the current change
  const close = (upTo: number) => {
    // Context after the hunk's last change, up to CONTEXT lines, stopping at `upTo` (the next change or the end).
    const h = hunk!;
    const tail = lines.slice(h.lastOld, Math.min(upTo, h.lastOld + CONTEXT));
    for (const l of tail) h.lines.push(` ${l}`);
    h.oldLines = h.lastOld + tail.length - (h.oldStart - 1);
    h.newLines = h.lastNew + tail.length - (h.newStart - 1);
    hunks.push({ oldStart: h.oldStart, oldLines: h.oldLines, newStart: h.newStart, newLines: h.newLines, lines: h.lines });
    hunk = null;
  };
  for (const c of changes) {
    if (hunk && c.at - hunk.lastOld > 2 * CONTEXT) close(c.at);
    if (!hunk) {
      const lead = lines.slice(Math.max(0, c.at - CONTEXT), c.at);
      hunk = { oldStart: c.at - lead.length + 1, newStart: c.at - lead.length + 1 + delta, oldLines: 0, newLines: 0, lines: lead.map((l) => ` ${l}`), lastOld: c.at, lastNew: c.at + delta };
    } else {
      for (const l of lines.slice(hunk.lastOld, c.at)) hunk.lines.push(` ${l}`);
    }
    for (const l of c.old) hunk.lines.push(`-${l}`);
    for (const l of c.added) hunk.lines.push(`+${l}`);
    delta += c.added.length - c.old.length;
    hunk.lastOld = c.at + c.old.length;
    hunk.lastNew = hunk.lastOld + delta;
  }
  close(lines.length);
  // As jsdiff: the line ends go, and a line without one is followed by "\ No newline at end of file".
  for (const h of hunks) {
    const out: string[] = [];
    for (const l of h.lines) {
      if (l.endsWith('\n')) out.push(l.slice(0, -1));
      else out.push(l, '\\ No newline at end of file');
    }
    h.lines = out;
  }
  return hunks;
}
