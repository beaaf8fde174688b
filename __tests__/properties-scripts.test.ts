/**
 * Properties of the edits to build scripts a CI step runs (issue 13 item 5), over generated repositories: a
 * GitLab job runs a script (`./ci/build.sh`, `bash ci/build.sh`, `cd ci && ./build.sh`) whose build command comes
 * in the builders' spellings and layouts (continuation lines, a trailing comment, `--`, `--build-arg=`, the
 * context first, last or absent, a variable in the arguments), with LF or CRLF line ends and several `#!` lines.
 * Each repository is run twice through `run()` (write mode):
 *
 * 1. no crash: exit 0 or 1, no error;
 * 2. idempotent: the second run changes nothing;
 * 3. insertion-only: every original byte of every file is kept, in order;
 * 4. exact build args: the script, parsed again, still parses, and its build command is the original one plus one
 *    bare `--build-arg NAME` for each variable the Dockerfile needs, the CI defines and the command did not pass
 *    (none for kaniko and buildctl, a script that is not sh/bash, or arguments from a variable the job never
 *    sets), written before a last-word context or `--`; nothing else in the script changes.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { recognise } from '../src/ci/builders.js';
import { parseShell } from '../src/ci/shell.js';
import { keepsAllInOrder } from './support/bytes.js';
import { runJson } from './support/ci-fixtures.js';
import { tree } from './support/tree.js';

const runs = Number(process.env.FUZZ_RUNS ?? 40);
const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? undefined : 20261130;
const params = { numRuns: runs, ...(seed !== undefined ? { seed } : {}) };
const timeout = Math.max(60_000, runs * 2_000);

/** Predefined in every GitLab job; UNSET_BASE is defined nowhere (hoisted, never passed). */
const DEFINED = ['CI_REGISTRY_IMAGE', 'CI_COMMIT_REF_SLUG'];
const VARS = [...DEFINED, 'UNSET_BASE'];

interface GenScript {
  files: Record<string, string>;
  script: string;
  /** The names the command should get (bare), in Dockerfile order. */
  expected: string[];
  /** The builder reads a bare --build-arg from the environment (docker family). */
  bare: boolean;
  shellOk: boolean;
  dynamic: boolean;
}

const builderArb = fc.constantFrom(
  { cmd: 'docker build', bare: true, needsContext: true },
  { cmd: 'docker buildx build', bare: true, needsContext: true },
  { cmd: 'podman build', bare: true, needsContext: false },
  { cmd: 'buildah bud', bare: true, needsContext: false },
  { cmd: 'nerdctl build', bare: true, needsContext: true },
  { cmd: 'kaniko', bare: false, needsContext: false },
  { cmd: 'buildctl', bare: false, needsContext: false },
);

const genArb: fc.Arbitrary<GenScript> = fc
  .record({
    builder: builderArb,
    uses: fc.subarray(VARS, { minLength: 1 }),
    prepassed: fc.subarray(DEFINED),
    eq: fc.boolean(),
    opts: fc.subarray(['-t app:1', '--pull', '--build-arg OTHER=1', '--label a=b', '--no-cache']),
    layout: fc.constantFrom('line', 'continued'),
    context: fc.constantFrom('last', 'first', 'none', 'dashdash'),
    comment: fc.boolean(),
    crlf: fc.boolean(),
    shebang: fc.constantFrom('#!/bin/sh\n', '#!/usr/bin/env bash\n', '#!/bin/bash -e\n', '', '#!/bin/zsh\n'),
    preamble: fc.subarray(['set -eu', '# build the image', 'TAG=1', 'cd "$(dirname "$0")/.."']),
    caller: fc.constantFrom('./ci/build.sh', 'bash ci/build.sh', 'cd ci && ./build.sh', 'sh ./ci/build.sh'),
    dynamic: fc.constantFrom('none', 'set', 'unset'),
  })
  .map((g) => {
    const nl = g.crlf ? '\r\n' : '\n';
    const pass = (n: string) => (g.eq ? `--build-arg=${n}=$${n}` : `--build-arg ${n}=$${n}`);
    let words: string[];
    if (g.builder.cmd === 'kaniko') words = ['/kaniko/executor', '--context', '.', '--dockerfile', 'Dockerfile', '--destination', 'app', ...g.prepassed.map(pass)];
    else if (g.builder.cmd === 'buildctl') words = ['buildctl', 'build', '--frontend', 'dockerfile.v0', '--local', 'context=.', '--local', 'dockerfile=.', ...g.prepassed.map((n) => `--opt build-arg:${n}=$${n}`)];
    else {
      const opts = [...g.opts, ...g.prepassed.map(pass), ...(g.dynamic !== 'none' ? ['$EXTRA_ARGS'] : [])];
      const ctx = g.context === 'none' && g.builder.needsContext ? 'last' : g.context;
      words = [g.builder.cmd, ...(ctx === 'first' ? ['.'] : []), ...opts, ...(ctx === 'last' ? ['.'] : ctx === 'dashdash' ? ['--', '.'] : [])];
    }
    const command = g.layout === 'line' ? words.join(' ') : words.join(` \\${nl}  `);
    const preamble = g.preamble.filter((l) => !(l.startsWith('cd') && g.caller.startsWith('cd')));
    const lines = [...preamble, ...(g.dynamic === 'set' ? ['EXTRA_ARGS="--pull"'] : []), command + (g.comment ? ' # build it' : ''), 'echo done'];
    const script = g.shebang.replace('\n', nl) + lines.join(nl) + nl;
    // Each variable alone makes the reference invalid when empty, so the Dockerfile needs every one it uses.
    const [v0, v1, v2] = g.uses;
    const from = v2 !== undefined ? `$${v0}/$${v2}/base:$${v1}` : v1 !== undefined ? `$${v0}/base:$${v1}` : `$${v0}/base:1`;
    const inOrder = v2 !== undefined ? [v0, v2, v1] : g.uses;
    const ci = `build:${nl}  script:${nl}    - ${g.caller}${nl}`;
    // The script runs from the checkout (`cd "$(dirname "$0")/.."`, or a caller that does not cd), else from ci/.
    const fromRoot = preamble.includes('cd "$(dirname "$0")/.."') || !g.caller.startsWith('cd');
    const dockerDir = fromRoot ? '' : 'ci/';
    const shellOk = g.shebang !== '#!/bin/zsh\n';
    return {
      files: { '.gitlab-ci.yml': ci, 'ci/build.sh': script, [`${dockerDir}Dockerfile`]: `FROM ${from}${nl}RUN true${nl}` },
      script,
      expected: inOrder.filter((v) => DEFINED.includes(v) && !g.prepassed.includes(v)),
      bare: g.builder.bare,
      shellOk,
      dynamic: g.dynamic === 'unset',
    };
  });


interface Outcome {
  code1: number;
  code2: number;
  errors: string[];
  after1: Record<string, string>;
  after2: Record<string, string>;
}

const memo = new Map<string, Promise<Outcome>>();
function outcome(g: GenScript): Promise<Outcome> {
  const key = JSON.stringify(g.files);
  let p = memo.get(key);
  if (!p) {
    p = (async () => {
      const dir = mkdtempSync(join(tmpdir(), 'argfix-script-prop-'));
      try {
        for (const [path, text] of Object.entries(g.files)) {
          mkdirSync(dirname(join(dir, path)), { recursive: true });
          writeFileSync(join(dir, path), text);
        }
        type R = { files: { error?: string }[] };
        const first = await runJson<R>(dir, true);
        const after1 = tree(dir);
        const second = await runJson<R>(dir, true);
        const after2 = tree(dir);
        const errors = [...first.report.files, ...second.report.files].flatMap((f) => (f.error ? [f.error] : []));
        return { code1: first.code, code2: second.code, errors, after1, after2 };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    })();
    memo.set(key, p);
  }
  return p;
}

/** The first build command of a script, with what it passes. */
function buildOf(text: string) {
  const script = parseShell(text);
  expect(script.error).toBeNull();
  for (const call of script.calls) {
    const b = recognise(call, text, new Map());
    if (b) return { b, words: call.words.map((w) => text.slice(w.start, w.end)) };
  }
  throw new Error('no build command');
}

describe('build scripts a CI step runs (generated)', () => {
  test('generator self-check: the cases include edited and unedited scripts', () => {
    const sample = fc.sample(genArb, { numRuns: 200, seed: 1 });
    const edited = sample.filter((g) => g.bare && g.shellOk && !g.dynamic && g.expected.length > 0).length;
    expect(edited).toBeGreaterThan(40);
    expect(edited).toBeLessThan(180);
  });

  test(
    '1. no crash; 2. idempotent; 3. insertion-only',
    async () => {
      await fc.assert(
        fc.asyncProperty(genArb, async (g) => {
          const o = await outcome(g);
          expect(o.errors).toEqual([]);
          expect([0, 1]).toContain(o.code1);
          expect([0, 1]).toContain(o.code2);
          expect(o.after2).toEqual(o.after1);
          for (const [path, text] of Object.entries(g.files)) expect(keepsAllInOrder(Buffer.from(text, 'latin1'), Buffer.from(o.after1[path], 'latin1'))).toBe(true);
        }),
        params,
      );
    },
    timeout,
  );

  test(
    '4. exact build args: one bare --build-arg per needed, CI-defined, unpassed variable, where the builder and script allow it',
    async () => {
      await fc.assert(
        fc.asyncProperty(genArb, async (g) => {
          const o = await outcome(g);
          const after = o.after1['ci/build.sh'];
          const edited = g.bare && g.shellOk && !g.dynamic && g.expected.length > 0;
          if (!edited) {
            expect(after).toBe(g.script);
            return;
          }
          // One insertion, of the flags, bare, in the Dockerfile's order: before `--` or a last-word context,
          // else right after the last word.
          const before = buildOf(g.script);
          const words = before.b.call.words;
          const flags = g.expected.map((n) => (before.b.eqStyle ? `--build-arg=${n}` : `--build-arg ${n}`)).join(' ');
          const anchor = before.b.endOfOptions ?? (before.b.contextIndex === words.length - 1 ? words.length - 1 : null);
          const at = anchor !== null ? words[anchor].start : words[words.length - 1].end;
          const text = anchor !== null ? `${flags} ` : ` ${flags}`;
          expect(after).toBe(g.script.slice(0, at) + text + g.script.slice(at));
          // Read back: the command passes each name bare, and builds what it built.
          const now = buildOf(after);
          for (const n of g.expected) expect(now.b.passed.find((p) => p.name === n)?.raw).toBeNull();
          expect([now.b.file, now.b.context, now.b.label]).toEqual([before.b.file, before.b.context, before.b.label]);
        }),
        params,
      );
    },
    timeout,
  );
});
