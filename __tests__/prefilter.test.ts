/**
 * The pre-check may only skip files the full pipeline would leave alone: whenever it says "nothing to do",
 * parsing and transforming the file must give no edit, no finding and the same number of FROMs; a file the
 * full parse rejects must never pass it.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { parseDockerfile } from '../src/dockerfile/parse.js';
import { precheck, trivialFromCount } from '../src/dockerfile/prefilter.js';
import { hoistFromArgs } from '../transforms/hoist-from-args.js';
import { dockerfileArb } from './support/dockerfile-arb.js';

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

// Files of real shape: `$` in RUN, ENV, COPY and a stage's ARGs (which the pre-check lets through), next to what
// it must decline: a `$` in FROM, a global ARG, an ARG the parse rejects, heredocs, keywords split or spaced oddly.
const REAL_LINES = [
  'FROM alpine', 'FROM node:20 AS build', 'FROM build', 'FROM $BASE', 'FROM ${REG}/app:${TAG}', 'FROM --platform=$BUILDPLATFORM golang',
  'RUN echo $HOME', 'RUN echo "${VERSION}" \\', '  && make $TARGET', 'ENV PATH=$PATH:/opt/bin', 'ENV A=$B \\', '    C=${D:-x}',
  'COPY --from=build $SRC /dst', 'ARG VERSION', 'ARG VERSION=1.2', 'ARG A=$B C', 'ARG', 'ARG =x', 'ARG "=x"', 'ARG \\', '  NAME=$X',
  'ARG A=1 \\', '# inside a continuation', '', '# escape=`', 'RUN echo $X `', 'ARG `', '# check=skip=all', '# dockerfile-argfix ignore',
  'RUN cat <<EOF', 'FROM $PHANTOM', 'EOF', 'FROM\u00a0alpine', 'ARG\u00a0X=$Y', 'FROM alpine\u00a0AS x', 'RUN\\', 'FROM alpine \\',
  '  AS cont', 'RUN a\u000bFROM $X', 'RUN e\rF', 'RUN e\rFROM $X', '\u2028FROM $X', 'ENV A=\\', 'USER $UID:$GID', 'WORKDIR ${HOME}/app', 'LABEL a="$b"', 'RUN echo \\', '', 'FROM alpine AS $X', 'ONBUILD ARG X',
];

const realArb = fc
  .record({
    lines: fc.array(fc.constantFrom(...REAL_LINES), { minLength: 0, maxLength: 14 }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    finalNewline: fc.boolean(),
  })
  .map(({ lines, crlf, bom, finalNewline }) => (bom ? '\uFEFF' : '') + lines.join(crlf ? '\r\n' : '\n') + (finalNewline ? '\n' : ''));

/** The full pipeline's answer, for comparison: FROM count, edits, findings, the names ARGs declare (what the CI side
 * reads); 'error' when the parse rejects the file. */
function full(text: string): { froms: number; edits: number; findings: string[]; args: string[] } | 'error' {
  try {
    const model = parseDockerfile(text);
    const r = hoistFromArgs(model);
    const args = [...model.globalArgs.map((a) => a.name), ...model.stageArgs.map((a) => a.decl.name)];
    return { froms: model.froms.length, edits: r.edits.length, findings: r.findings.map((f) => f.rule), args };
  } catch {
    return 'error';
  }
}

describe('pre-check', () => {
  test('agrees with the full pipeline whenever it skips it', () => {
    fc.assert(
      fc.property(fileArb, (text) => {
        const trivial = precheck(text);
        if (trivial !== null) expect(full(text)).toEqual({ froms: trivial.froms, edits: 0, findings: [], args: trivial.args });
      }),
      { numRuns: 3000, seed: 20261128 },
    );
  });

  test('agrees with the full pipeline on files of real shape (`$` in RUN, ENV, COPY, stage ARGs)', () => {
    let skipped = 0;
    fc.assert(
      fc.property(realArb, (text) => {
        const trivial = precheck(text);
        if (trivial === null) return;
        skipped++;
        expect(full(text)).toEqual({ froms: trivial.froms, edits: 0, findings: [], args: trivial.args });
      }),
      { numRuns: 4000, seed: 20261130 },
    );
    expect(skipped).toBeGreaterThan(200); // the generator reaches the skip path, not only the declines
  });

  test('agrees with the full pipeline on the property suites\' generated Dockerfiles', () => {
    fc.assert(
      fc.property(dockerfileArb, (df) => {
        const trivial = precheck(df.text);
        if (trivial !== null) expect(full(df.text)).toEqual({ froms: trivial.froms, edits: 0, findings: [], args: trivial.args });
      }),
      { numRuns: 2000, seed: 20261130 },
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
    // A `$` outside FROM and a stage's ARG are no reason to parse; a global ARG, a `$` in FROM, a bad ARG are.
    expect(trivialFromCount('FROM node:20 AS build\nARG VERSION\nENV PATH=$PATH:/x \\\n  V=${VERSION}\nRUN echo $HOME\nFROM build\n')).toBe(2);
    expect(trivialFromCount('FROM alpine\nARG =x\n')).toBeNull();
    expect(trivialFromCount('FROM alpine\nARG\n')).toBeNull();
    expect(trivialFromCount('FROM alpine\nARG \\\n# c\n  A=$B\nFROM x\n')).toBe(2);
    expect(precheck('FROM alpine\nARG A B="x y" \\\n  C=$D\nFROM x\nARG E\n')).toEqual({ froms: 2, args: ['A', 'B', 'C', 'E'] });
    expect(trivialFromCount('FROM ${BASE}\nRUN true\n')).toBeNull();
    expect(trivialFromCount('FROM\u00a0alpine\n')).toBeNull();
    expect(trivialFromCount('# escape=`\nFROM alpine\nRUN echo $A `\nFROM x\n')).toBe(1);
  });
});
