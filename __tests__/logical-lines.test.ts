/**
 * logicalLine reads lines in place (no per-line strings, the continuation found by reading back from the end of a
 * line, the source offsets kept per joined piece). These properties hold it to the plain definition it replaced,
 * written out here: per physical line a string, the continuation pattern of parser.go as a regular expression,
 * comment and blank lines inside a continuation dropped, and one source offset per character.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import type { Escape } from '../src/dockerfile/shell.js';
import { logicalLine } from '../src/dockerfile/syntax.js';
import { LineTable } from '../src/text.js';

const runs = Number(process.env.FUZZ_RUNS ?? 500);
const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? undefined : 20261128;
const params = { numRuns: runs, ...(seed !== undefined ? { seed } : {}) };

const CONTINUATION = { '\\': /(?:^|[^\\])\\[ \t]*$/, '`': /(?:^|[^`])`[ \t]*$/ } as const;

/** The definition: the logical line from `start`, with the source offset of each character. */
function reference(table: LineTable, start: number, escape: Escape) {
  let line = table.lineAt(start);
  let from = start;
  let text = '';
  const map: number[] = [];
  for (let first = true; ; first = false) {
    const full = table.lineText(line);
    const seg = full.slice(from - table.starts[line]);
    const lineEnd = table.starts[line] + full.length;
    if (!first && /^\s*(#|$)/.test(seg)) {
      if (line + 1 >= table.lineCount) return { text, map, end: lineEnd, endLine: line };
      from = table.starts[++line];
      continue;
    }
    const m = CONTINUATION[escape].exec(seg);
    const keep = m ? m.index + (m[0][0] === escape ? 0 : 1) : seg.length;
    for (let i = 0; i < keep; i++) map.push(from + i);
    text += seg.slice(0, keep);
    if (!m || line + 1 >= table.lineCount) return { text, map, end: lineEnd, endLine: line };
    from = table.starts[++line];
  }
}

// Pieces that make continuations, escaped escapes, comments and blank lines inside a continuation, CRLF, lone
// carriage returns and white space other than spaces and tabs.
const PIECES = ['RUN', 'a', 'b c', ' ', '\t', '\\', '\\\\', '`', '``', '#', '# c', '\n', '\n', '\n', '\r\n', '\r', '\v', '\u00a0', '\uFEFF', '\u2028', '"', "'"];
const textArb = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 30 }).map((p) => p.join(''));

describe('logicalLine', () => {
  test.each(['\\', '`'] as const)('agrees with the line-by-line definition (escape %s), from every offset', (escape) => {
    fc.assert(
      fc.property(textArb, fc.nat(), (text, k) => {
        const table = new LineTable(text);
        const start = k % (text.length + 1);
        const want = reference(table, start, escape);
        const got = logicalLine(table, start, escape);
        expect({ text: got.text, end: got.end, endLine: got.endLine }).toEqual({ text: want.text, end: want.end, endLine: want.endLine });
        expect(Array.from(got.text, (_, i) => got.offsetOf(i))).toEqual(want.map);
        // Told the line it starts on, it reads the same.
        const told = logicalLine(table, start, escape, table.lineAt(start));
        expect([told.text, told.end, told.endLine]).toEqual([got.text, got.end, got.endLine]);
      }),
      params,
    );
  });

  test('a continued instruction maps every character back to its line', () => {
    const text = 'RUN a \\\n  # note\n\n    && b \\  \r\n    && c\nCOPY x y\n';
    const l = logicalLine(new LineTable(text), 0, '\\');
    expect(l.text).toBe('RUN a     && b     && c');
    expect(l.endLine).toBe(4);
    expect(text[l.offsetOf(l.text.indexOf('&& b'))]).toBe('&');
    expect(l.offsetOf(l.text.indexOf('&& c'))).toBe(text.indexOf('&& c'));
    expect(l.offsetOf(l.text.length - 1)).toBe(text.indexOf('&& c') + 3);
  });
});
