/**
 * Plain-text helpers shared by every file kind: line tables, positions, line-ending style.
 * Offsets are JavaScript string indices (UTF-16 code units), which is also what
 * dockerfile-ast's LSP `character` counts, so the two line up without conversion.
 */

export interface TextShape {
  /** The file starts with U+FEFF. */
  bom: boolean;
  /** The line ending new lines should use: the file's first line break, else '\n'. */
  eol: '\n' | '\r\n';
  /** The file ends with a line break. */
  finalNewline: boolean;
}

export function textShape(text: string): TextShape {
  const nl = text.indexOf('\n');
  return {
    bom: text.charCodeAt(0) === 0xfeff,
    eol: nl > 0 && text.charCodeAt(nl - 1) === 13 ? '\r\n' : '\n',
    finalNewline: text.endsWith('\n'),
  };
}

/** Offsets at which each line starts. Lines end at '\n' (a preceding '\r' belongs to the line break). */
export class LineTable {
  readonly starts: number[];
  constructor(readonly text: string) {
    const starts = [0];
    let i = text.indexOf('\n');
    while (i !== -1) {
      starts.push(i + 1);
      i = text.indexOf('\n', i + 1);
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  offsetAt(line: number, character: number): number {
    return (this.starts[line] ?? this.text.length) + character;
  }

  /** 0-based line of an offset (binary search). */
  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** 1-based line and column, the way findings report them. */
  position(offset: number): { line: number; column: number } {
    const line = this.lineAt(offset);
    // A BOM is not a column: BuildKit strips it before reading the first line.
    const bom = line === 0 && this.text.charCodeAt(0) === 0xfeff && offset > 0 ? 1 : 0;
    return { line: line + 1, column: offset - this.starts[line] + 1 - bom };
  }

  /** Text of a line without its line break. */
  lineText(line: number): string {
    const start = this.starts[line];
    let end = line + 1 < this.starts.length ? this.starts[line + 1] - 1 : this.text.length;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return this.text.slice(start, end);
  }

  /** Offset just past the line break that ends `line` (or the end of the text). */
  lineEndWithBreak(line: number): number {
    return line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
  }
}
