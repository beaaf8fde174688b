/**
 * The pre-check may only skip files the full pipeline would leave alone: whenever it says "nothing to do",
 * parsing and transforming the file must give no edit, no finding and the same number of FROMs; a file the
 * full parse rejects must never pass it.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { parseDockerfile } from '../src/dockerfile/parse.js';
import { trivialFromCount } from '../src/dockerfile/prefilter.js';
import { hoistFromArgs } from '../transforms/hoist-from-args.js';

const LINES = [
  'FROM alpine', 'FROM alpine:3.20 AS build', 'from busybox as b', 'FROM Alpine', 'FROM a b', 'FROM alpine AS 1x',
  'FROM --platform=linux/amd64 alpine', 'FROM build-', 'FROM scratch', 'FROM alpine:3.20:latest', 'FROM build',
  'RUN echo hi \\', 'RUN echo hi `', '  FROM alpine:fake', 'COPY . /src', '# escape=`', '# syntax=docker/dockerfile:1',
  '# a comment', '', 'ARG X=1', 'ONBUILD RUN true', 'FROM alpine \\', '  AS cont', 'WORKDIR /app', '\tFROM debian',
  // A keyword split by a continuation is still the keyword (BuildKit joins the lines first).
  '\\', 'FR\\', 'OM alpine', 'FR`',
];

const fileArb = fc
  .record({
    lines: fc.array(fc.constantFrom(...LINES), { minLength: 0, maxLength: 12 }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
  })
  .map(({ lines, crlf, bom }) => (bom ? '\uFEFF' : '') + lines.join(crlf ? '\r\n' : '\n') + '\n');

describe('pre-check', () => {
  test('agrees with the full pipeline whenever it skips it', () => {
    fc.assert(
      fc.property(fileArb, (text) => {
        const trivial = trivialFromCount(text);
        let full: { froms: number; edits: number; findings: string[] } | 'error';
        try {
          const model = parseDockerfile(text);
          const r = hoistFromArgs(model);
          full = { froms: model.froms.length, edits: r.edits.length, findings: r.findings.map((f) => f.rule) };
        } catch {
          full = 'error';
        }
        if (trivial !== null) expect(full).toEqual({ froms: trivial, edits: 0, findings: [] });
      }),
      { numRuns: 3000, seed: 20261128 },
    );
  });

  test('passes the common cases and declines the rest', () => {
    expect(trivialFromCount('FROM alpine:3.20 AS build\nRUN make\nFROM build\n')).toBe(2);
    expect(trivialFromCount('RUN true\n')).toBe(0);
    expect(trivialFromCount('FROM $IMAGE\n')).toBeNull();
    expect(trivialFromCount('ARG A=1\nFROM alpine\n')).toBeNull();
    expect(trivialFromCount('FROM Alpine\n')).toBeNull();
    expect(trivialFromCount('FROM alpine\nRUN <<EOF\nFROM x\nEOF\n')).toBeNull();
    expect(trivialFromCount('\\\nFROM alpine\n')).toBeNull();
    expect(trivialFromCount('FR\\\nOM alpine\n')).toBeNull();
  });
});
