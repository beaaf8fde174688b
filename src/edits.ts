/**
 * Text edits on the original string. Transforms return them; the engine applies them in one pass, so every
 * byte no edit touches is kept as it was (line endings, BOM, trailing spaces, final newline).
 */
export interface TextEdit {
  /** Offsets into the original text; start === end for an insertion. */
  start: number;
  end: number;
  text: string;
}

export class EditConflictError extends Error {}

/**
 * Applies edits to `text`. Insertions at the same offset keep the order they were given in; edits that
 * overlap are a bug in a transform and throw.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  if (edits.length === 0) return text;
  const sorted = edits
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i)
    .map((x) => x.e);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos || e.end < e.start || e.end > text.length) {
      throw new EditConflictError(`overlapping or out-of-range edit at offset ${e.start}`);
    }
    out += text.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + text.slice(pos);
}

/** True when every edit only inserts. */
export function insertionOnly(edits: readonly TextEdit[]): boolean {
  return edits.every((e) => e.start === e.end);
}
