/**
 * src/diff.ts builds the diff of an insertion-only edit list from the edits (one pass) instead of jsdiff's
 * edit-length search, which is quadratic in the number of inserted lines. The diff must stay exact: applied to
 * the old text it gives the new one (jsdiff's applyPatch, and `git apply` on a sample), and where the insertion
 * points are unambiguous it is byte for byte jsdiff's. The work is counted, not timed: the number of hunk lines
 * is linear in the file, whatever the number of insertions.
 */
import { describe, expect, test } from '@jest/globals';
import { applyPatch, createTwoFilesPatch } from 'diff';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insertionChanges, unifiedDiff } from '../src/diff.js';
import { applyEdits, type TextEdit } from '../src/edits.js';

const jsdiff = (path: string, before: string, after: string) =>
  createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, '', '', { context: 3 }).replace(/^=+\n/, '').replace(/^(---|\+\+\+) (.*)\t$/gm, '$1 $2');

/** Lines of a small alphabet (repeats make insertion points ambiguous), LF or CRLF, with or without a final line end. */
const textArb = fc
  .record({
    lines: fc.array(fc.constantFrom('FROM a', 'ARG X', '', 'RUN b \\', '  c', 'build:', '  - docker build .', 'x'), { maxLength: 30 }),
    crlf: fc.boolean(),
    final: fc.boolean(),
  })
  .map(({ lines, crlf, final }) => {
    const eol = crlf ? '\r\n' : '\n';
    return lines.join(eol) + (final && lines.length ? eol : '');
  });

const insertionArb = (len: number) =>
  fc.record({
    at: fc.nat({ max: len }),
    text: fc.constantFrom('ARG NEW\n', 'ARG A=1\nARG B\n', ' --build-arg V=$V', ' \\\n  --build-arg V', '\n', 'x', '\nlast', 'ARG C', '\r\n', ''),
  });

/** Insertion offsets a transform can produce: never between a CR and its LF. */
const safe = (text: string, at: number) => !(text[at - 1] === '\r' && text[at] === '\n');

describe('insertion-only diffs built from the edits', () => {
  test('applied to the old text they give the new one; equal to jsdiff where jsdiff agrees on the lines', () => {
    let same = 0;
    fc.assert(
      fc.property(
        textArb.chain((before) => fc.tuple(fc.constant(before), fc.array(insertionArb(before.length), { maxLength: 6 }))),
        ([before, ins]) => {
          const edits: TextEdit[] = ins.filter((i) => safe(before, i.at)).map((i) => ({ start: i.at, end: i.at, text: i.text }));
          const after = applyEdits(before, edits);
          const fast = unifiedDiff('f', before, after, edits);
          if (before === after) {
            expect(fast).toBe('');
            return;
          }
          expect(applyPatch(before, fast)).toBe(after);
          if (fast === jsdiff('f', before, after)) same++;
        },
      ),
      { numRuns: 3000, seed: 10 },
    );
    // Most diffs are jsdiff's own bytes; the others differ only where an inserted line repeats a neighbour.
    expect(same).toBeGreaterThan(1500);
  });

  test('the fixtures-like cases are byte for byte jsdiff', () => {
    const cases: [string, TextEdit[]][] = [
      ['FROM $A:$B\nRUN x\n', [{ start: 0, end: 0, text: 'ARG A\nARG B\n' }]],
      ['# syntax=docker/dockerfile:1\nFROM $A\n', [{ start: 29, end: 29, text: 'ARG A=1\n' }]],
      ['build:\n  script:\n    - docker build .\n', [{ start: 34, end: 34, text: '--build-arg V=$V ' }]],
      ['a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n', [{ start: 2, end: 2, text: 'X\n' }, { start: 20, end: 20, text: ' y' }]],
      ['no final line end', [{ start: 17, end: 17, text: ' --build-arg V' }]],
      ['', [{ start: 0, end: 0, text: 'ARG A\n' }]],
      ['a\r\nb\r\n', [{ start: 3, end: 3, text: 'X\r\n' }, { start: 4, end: 4, text: ' y' }]],
      // New lines written after a line's last word (before its line end): whole lines, as jsdiff sees them.
      ['  - >\n    docker build .\n    --tag x\n  - docker push x\n', [{ start: 37, end: 37, text: '\n    --build-arg A=$A\n    --build-arg B=$B' }]],
      ['a\r\nb\r\n', [{ start: 1, end: 1, text: '\r\nX' }]],
    ];
    for (const [before, edits] of cases) {
      const after = applyEdits(before, edits);
      expect(unifiedDiff('Dockerfile', before, after, edits)).toBe(jsdiff('Dockerfile', before, after));
    }
  });

  test('git apply accepts them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'argfix-diff-'));
    try {
      const samples = fc.sample(
        textArb.chain((before) => fc.tuple(fc.constant(before), fc.array(insertionArb(before.length), { minLength: 1, maxLength: 6 }))),
        { numRuns: 40, seed: 3 },
      );
      spawnSync('git', ['init', '-q'], { cwd: dir });
      for (const [before, ins] of samples) {
        const edits = ins.filter((i) => safe(before, i.at)).map((i) => ({ start: i.at, end: i.at, text: i.text }));
        const after = applyEdits(before, edits);
        if (after === before) continue;
        writeFileSync(join(dir, 'f'), before);
        writeFileSync(join(dir, 'p.patch'), unifiedDiff('f', before, after, edits));
        const r = spawnSync('git', ['apply', '--whitespace=nowarn', 'p.patch'], { cwd: dir, encoding: 'utf8' });
        expect([r.status, r.stderr]).toEqual([0, '']);
        expect(readFileSync(join(dir, 'f'), 'utf8')).toBe(after);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('one pass: 8,000 separate insertions give 8,000 changes, each a line of its own', () => {
    const before = Array.from({ length: 8000 }, (_, i) => `FROM img${i}:$V${i} AS s${i}\nRUN echo ${i}\n`).join('');
    const edits: TextEdit[] = [];
    for (let i = 0, off = 0; i < 8000; i++) {
      edits.push({ start: off, end: off, text: `ARG V${i}\n` });
      off += `FROM img${i}:$V${i} AS s${i}\nRUN echo ${i}\n`.length;
    }
    const after = applyEdits(before, edits);
    const changes = insertionChanges(before, after, edits)!;
    expect(changes).toHaveLength(8000);
    expect(changes.every((c) => c.old.length === 0 && c.added.length === 1)).toBe(true);
    expect(applyPatch(before, unifiedDiff('Dockerfile', before, after, edits))).toBe(after);
  });

  test('a replacement among the edits, or edits that do not give the new text: jsdiff', () => {
    const before = 'ARG A=bad\nFROM $A\n';
    const edits = [{ start: 6, end: 9, text: 'good' }];
    const after = applyEdits(before, edits);
    expect(insertionChanges(before, after, edits)).toBeNull();
    expect(unifiedDiff('D', before, after, edits)).toBe(jsdiff('D', before, after));
    expect(unifiedDiff('D', before, 'other\n', [{ start: 0, end: 0, text: 'x' }])).toBe(jsdiff('D', before, 'other\n'));
  });
});
