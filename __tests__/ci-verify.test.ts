/**
 * The verification of the planned CI edits (src/ci-pass.ts verifyCi): the repository is analysed again as it
 * would be with the new texts, computing again only what the changed files feed (a system's loader, the GitLab jobs
 * whose definitions changed, the steps of the jobs that read a changed file, the builds of the commands in changed
 * files), and must read as it did and plan no further edit.
 *
 * 1. Edits that would break a build are refused, with the reason, also where the broken part is fed through files
 *    that did not change (a job in an unchanged include that extends a changed template, takes a changed global
 *    variable or `default:` before_script, runs a changed script; a compose file a job's command builds; a
 *    workflow beside an unchanged GitLab pipeline), and edits left out are asked for again.
 * 2. Cross-check (verification.crossCheck): on every CI fixture and on generated repositories, and on each edit of
 *    (1), the analysis and the planning the verification makes are exactly those of a full analysis and planning.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ciFacts, finishCi, prepareCi, verification, verifyCi, type RootCi } from '../src/ci-pass.js';
import { CI_SYSTEMS } from '../src/ci/platform.js';
import { readConfig } from '../src/config.js';
import { fromVars } from '../src/dockerfile/analyze.js';
import { parseDockerfile } from '../src/dockerfile/parse.js';
import { runJson } from './support/ci-fixtures.js';
import { repoArb } from './support/ci-arb.js';
import { fsRepoArb, materialize } from './support/fs-arb.js';

const runs = Number(process.env.FUZZ_RUNS ?? 40);
const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? undefined : 20261130;
const params = { numRuns: runs, ...(seed !== undefined ? { seed } : {}) };
const timeout = Math.max(60_000, runs * 1_500);

beforeAll(() => {
  verification.crossCheck = true;
});
afterAll(() => {
  verification.crossCheck = false;
});

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function layOut(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'argfix-verify-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/**
 * The repository's CI analysed (every system), each Dockerfile's facts taken from the file as written, and the
 * planned CI edits: the new text of each changed file (repository-relative), as finishCi verified them.
 */
function planned(files: Record<string, string>): { ci: RootCi; outputs: Map<string, string> } {
  const dir = layOut(files);
  const dockerfiles = Object.keys(files).filter((p) => /(^|\/)Dockerfile$/.test(p));
  const ci = prepareCi(dir, readConfig(null), new Set(CI_SYSTEMS), dockerfiles);
  for (const rel of dockerfiles) {
    const model = parseDockerfile(files[rel]);
    ci.facts.set(rel, { ...ciFacts(rel, model, fromVars(model)), report: { path: rel, status: 'unchanged', findings: [], hoisted: [], diff: '' } });
  }
  const outputs = new Map<string, string>();
  const reports = finishCi(ci, { cwd: dir, display: (abs) => relative(dir, abs), diff: () => '', queue: (w) => outputs.set(relative(dir, w.abs), w.text) });
  expect(reports.filter((r) => r.error !== undefined)).toEqual([]);
  return { ci, outputs };
}

/** What verifyCi says about `outputs`: null when it accepts them, else its reason. */
function verdict(ci: RootCi, outputs: Map<string, string>): string | null {
  try {
    verifyCi(ci, outputs);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** `text` with `from` (which must occur once) replaced by `to`. */
function swap(text: string, from: string, to: string): string {
  expect(text.split(from).length).toBe(2);
  return text.replace(from, to);
}

const NEEDS_TAG = 'FROM alpine:$TAG\n';
const CHANGES_BUILD = 'the planned CI edits change what a build step builds';
const UNSETTLED = 'the planned CI edits do not settle the file';

describe('verifyCi refuses edits that break a build', () => {
  // Jobs in an unchanged include read a template, global variables and a default before_script from the main file.
  const gitlab = {
    '.gitlab-ci.yml': [
      'include:',
      '  - local: ci/build.yml',
      'variables:',
      '  TAG: "3.19"',
      '  DOCKERFILE: Dockerfile',
      'default:',
      '  before_script:',
      '    - cd sub',
      '.tpl:',
      '  script:',
      '    - docker build -f Dockerfile .',
      'main-job:',
      '  before_script: []',
      '  script:',
      '    - docker build -f Dockerfile .',
      '.ref-tpl:',
      '  script:',
      '    - docker build -f Dockerfile . # referenced',
      '',
    ].join('\n'),
    'ci/build.yml': [
      'inc-extends:',
      '  extends: .tpl',
      'inc-var:',
      '  before_script: []',
      '  script:',
      '    - docker build -f $DOCKERFILE .',
      'inc-default:',
      '  script:',
      '    - docker build .',
      'inc-script:',
      '  before_script: []',
      '  script:',
      '    - ./build.sh',
      'inc-ref-1:',
      '  before_script: []',
      '  script:',
      '    - !reference [.ref-tpl, script]',
      'inc-ref-2:',
      '  before_script: []',
      '  script:',
      '    - !reference [.ref-tpl, script]',
      '',
    ].join('\n'),
    'build.sh': '#!/bin/sh\ndocker build -f Dockerfile .\n',
    Dockerfile: NEEDS_TAG,
    'sub/Dockerfile': NEEDS_TAG,
    'other/Dockerfile': NEEDS_TAG,
  };

  test('the planned edits are accepted (and touch the main file, the include and the script)', () => {
    const { ci, outputs } = planned(gitlab);
    expect([...outputs.keys()].sort()).toEqual(['.gitlab-ci.yml', 'build.sh', 'ci/build.yml']);
    expect(verdict(ci, outputs)).toBeNull();
  });

  // The main file alone changes: the include is read as it was, its jobs' definitions unchanged.
  test.each([
    ['a changed template builds another Dockerfile in the unchanged include that extends it', '.tpl:\n  script:\n    - docker build -f Dockerfile', '.tpl:\n  script:\n    - docker build -f ../other/Dockerfile'],
    ['a changed referenced script builds another Dockerfile in each unchanged job that references it', 'docker build -f Dockerfile --build-arg TAG=$TAG . # referenced', 'docker build -f other/Dockerfile --build-arg TAG=$TAG . # referenced'],
    ['a changed global variable names another Dockerfile for a job in the unchanged include', 'DOCKERFILE: Dockerfile', 'DOCKERFILE: other/Dockerfile'],
    ['a changed default before_script moves the jobs of the unchanged include to another directory', '- cd sub', '- cd other'],
  ])('%s', (_name, from, to) => {
    const { ci, outputs } = planned(gitlab);
    const main = swap(outputs.get('.gitlab-ci.yml')!, from, to);
    expect(verdict(ci, new Map([['.gitlab-ci.yml', main]]))).toBe(CHANGES_BUILD);
  });

  test('a changed top-level before_script moves the jobs of an unchanged include to another directory', () => {
    const { ci, outputs } = planned({
      '.gitlab-ci.yml': 'include:\n  - local: ci/build.yml\nvariables:\n  TAG: "3.19"\nbefore_script:\n  - cd sub\nmain-job:\n  script:\n    - docker build .\n',
      'ci/build.yml': 'inc-job:\n  script:\n    - docker build -f Dockerfile .\n',
      'sub/Dockerfile': NEEDS_TAG,
      'other/Dockerfile': NEEDS_TAG,
    });
    expect([...outputs.keys()].sort()).toEqual(['.gitlab-ci.yml', 'ci/build.yml']);
    expect(verdict(ci, outputs)).toBeNull();
    expect(verdict(ci, new Map([['.gitlab-ci.yml', swap(outputs.get('.gitlab-ci.yml')!, '- cd sub', '- cd other')]]))).toBe(CHANGES_BUILD);
  });

  test('a changed script that an unchanged job runs', () => {
    const { ci, outputs } = planned(gitlab);
    const script = swap(outputs.get('build.sh')!, '-f Dockerfile', '-f other/Dockerfile');
    expect(verdict(ci, new Map([['build.sh', script]]))).toBe(CHANGES_BUILD);
  });

  test('an edit that makes a file invalid YAML', () => {
    const { ci, outputs } = planned(gitlab);
    const inc = swap(outputs.get('ci/build.yml')!, 'inc-var:', 'inc-var: [');
    expect(verdict(ci, new Map([...outputs, ['ci/build.yml', inc]]))).toMatch(/^the planned CI edits make ci\/build\.yml unreadable \(invalid YAML: .* at \d+:\d+\)$/);
  });

  test('edits left out are asked for again: in the changed file, and in a file left unchanged', () => {
    const { ci, outputs } = planned(gitlab);
    const commented = `${outputs.get('ci/build.yml')!}# more\n`;
    expect(verdict(ci, new Map([...outputs, ['ci/build.yml', swap(commented, ' --build-arg TAG=$TAG .\ninc-default', ' .\ninc-default')]]))).toBe(UNSETTLED);
    // Only the include's edits: the main file's commands (unchanged, whose steps are the first analysis's) still need theirs.
    expect(verdict(ci, new Map([['ci/build.yml', outputs.get('ci/build.yml')!]]))).toBe(UNSETTLED);
    expect(verdict(ci, new Map([['.gitlab-ci.yml', outputs.get('.gitlab-ci.yml')!]]))).toBe(UNSETTLED);
  });

  test('a compose file a job builds with `docker compose -f … build`, beside an unchanged pipeline', () => {
    const { ci, outputs } = planned({
      '.gitlab-ci.yml': 'variables:\n  TAG: "3.19"\ncompose:\n  script:\n    - docker compose -f compose.yaml build app\n',
      'compose.yaml': 'services:\n  app:\n    build:\n      context: app\n',
      'app/Dockerfile': NEEDS_TAG,
    });
    expect([...outputs.keys()]).toEqual(['compose.yaml']);
    expect(verdict(ci, outputs)).toBeNull();
    expect(verdict(ci, new Map([['compose.yaml', swap(outputs.get('compose.yaml')!, 'context: app', 'context: app\n      dockerfile: Dockerfile\n')]]))).toBeNull();
    const dropped = outputs.get('compose.yaml')!.replace(/\n      args:[^]*$/, '\n') + '# edited\n';
    expect(verdict(ci, new Map([['compose.yaml', dropped]]))).toBe(UNSETTLED);
  });

  test('a workflow beside a GitLab pipeline: each one\'s edits are asked for when only the other\'s are made', () => {
    const { ci, outputs } = planned({
      '.gitlab-ci.yml': 'variables:\n  TAG: "3.19"\nbuild:\n  script:\n    - docker build -f gl/Dockerfile .\n',
      '.github/workflows/ci.yml': [
        'on: push',
        'env:',
        '  TAG: "3.19"',
        'jobs:',
        '  build:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: docker/build-push-action@v6',
        '        with:',
        '          context: gh',
        '',
      ].join('\n'),
      'gl/Dockerfile': NEEDS_TAG,
      'gh/Dockerfile': NEEDS_TAG,
    });
    expect([...outputs.keys()].sort()).toEqual(['.github/workflows/ci.yml', '.gitlab-ci.yml']);
    expect(verdict(ci, outputs)).toBeNull();
    expect(verdict(ci, new Map([['.gitlab-ci.yml', outputs.get('.gitlab-ci.yml')!]]))).toBe(UNSETTLED);
    expect(verdict(ci, new Map([['.github/workflows/ci.yml', outputs.get('.github/workflows/ci.yml')!]]))).toBe(UNSETTLED);
  });
});

/** Lays out a repository in a temp directory and runs the CLI on it (with the verification's cross-check on, see
 * verification.crossCheck in this suite): no file may report an internal error. */
async function noInternalError(prefix: string, layOut: (dir: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    layOut(dir);
    const { report } = await runJson<{ files: { error?: string }[] }>(dir, false);
    expect(report.files.flatMap((f) => (f.error?.includes('internal error') ? [f.error] : []))).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('cross-check: the verification reads and plans as a full analysis does', () => {
  const FIXTURES = fileURLToPath(new URL('../__fixtures__/', import.meta.url));
  const sets = readdirSync(FIXTURES).filter((s) => readdirSync(join(FIXTURES, s)).some((c) => existsSync(join(FIXTURES, s, c, 'input'))));
  let verified = 0;

  test.each(sets)('every %s fixture', async (set) => {
    for (const name of readdirSync(join(FIXTURES, set)).sort()) {
      const base = join(FIXTURES, set, name);
      if (!existsSync(join(base, 'input'))) continue;
      const meta = existsSync(join(base, 'case.json')) ? (JSON.parse(readFileSync(join(base, 'case.json'), 'utf8')) as { ci?: string[] }) : {};
      const dir = mkdtempSync(join(tmpdir(), `argfix-verify-${name}-`));
      try {
        cpSync(join(base, 'input'), dir, { recursive: true });
        const { report } = await runJson<{ files: { path: string; changed: boolean; error?: string }[] }>(dir, false, meta.ci);
        expect({ name, errors: report.files.flatMap((f) => (f.error?.includes('internal error') ? [f.error] : [])) }).toEqual({ name, errors: [] });
        if (report.files.some((f) => f.changed && !/(^|\/)[^/]*Dockerfile[^/]*$/.test(f.path))) verified++;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }, 120_000);

  test('the fixtures verify edits to CI files in many cases', () => {
    expect(verified).toBeGreaterThanOrEqual(100);
  });

  test(
    'generated GitLab repositories',
    async () => {
      await fc.assert(
        fc.asyncProperty(repoArb, (repo) =>
          noInternalError('argfix-verify-gen-', (dir) => {
            for (const [path, text] of Object.entries(repo.files)) {
              mkdirSync(dirname(join(dir, path)), { recursive: true });
              writeFileSync(join(dir, path), text);
            }
          }),
        ),
        params,
      );
    },
    timeout,
  );

  test(
    'generated GitLab repositories laid out with symbolic links',
    async () => {
      await fc.assert(
        fc.asyncProperty(fsRepoArb, (layout) => noInternalError('argfix-verify-fs-', (dir) => materialize(dir, layout))),
        params,
      );
    },
    timeout,
  );
});
