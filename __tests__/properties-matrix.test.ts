/**
 * Matrix builds (issue 13 item 1), as properties: a GitHub `run:` step `docker build -f ./${{ matrix.df }} .` or
 * a GitLab job `docker build -f $DF .` with `parallel:matrix`, over Dockerfiles of four kinds — one that needs
 * BASE (`FROM $BASE`), one that declares BASE with a valid default, one that does not use it, one that does not
 * exist — listed in the matrix, some removed by `exclude` and some added by `include` (GitHub).
 *
 * The oracle, worked out from the generated matrix (not from the tool's reading of it): the Dockerfiles the
 * matrix builds are the listed ones not excluded, plus the included ones. When one of them needs BASE, the job's
 * value is passed (`--build-arg BASE=$BASE` before the context) exactly when no other one declares BASE with its
 * own default or is not there to be read; otherwise the command is unchanged and CiDynamicDockerfile is
 * reported. When none needs it, nothing changes. Always: no error, a second run changes nothing, and every
 * original byte of the CI file is kept.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { keepsAllInOrder } from './support/bytes.js';
import { runJson } from './support/ci-fixtures.js';

const runs = Number(process.env.FUZZ_RUNS ?? 40);
const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? undefined : 20261130;
const params = { numRuns: runs, ...(seed !== undefined ? { seed } : {}) };
const timeout = Math.max(60_000, runs * 1_500);

type Kind = 'needs' | 'defaulted' | 'unrelated' | 'missing';
const TEXT: Record<Exclude<Kind, 'missing'>, string> = {
  needs: 'FROM $BASE\nRUN true\n',
  defaulted: 'ARG BASE=debian:12\nFROM $BASE\n',
  unrelated: 'FROM alpine:3.22\n',
};

const specArb = fc.record({
  gitlab: fc.boolean(),
  files: fc.array(fc.constantFrom<Kind>('needs', 'needs', 'defaulted', 'unrelated', 'missing'), { minLength: 1, maxLength: 4 }),
  excluded: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  included: fc.array(fc.constantFrom<Kind>('needs', 'defaulted', 'unrelated'), { maxLength: 2 }),
});
type Spec = typeof specArb extends fc.Arbitrary<infer T> ? T : never;

interface Repo {
  files: Record<string, string>;
  ci: string;
  /** The Dockerfiles the matrix builds, by kind. */
  built: Kind[];
  before: string;
  after: string;
}

function render(spec: Spec): Repo {
  const files: Record<string, string> = {};
  const listed = spec.files.map((k, i) => ({ path: `docker/${i}-${k}.Dockerfile`, kind: k }));
  const included = spec.included.map((k, i) => ({ path: `docker/inc${i}-${k}.Dockerfile`, kind: k }));
  for (const d of [...listed, ...included]) if (d.kind !== 'missing') files[d.path] = TEXT[d.kind];
  // GitHub's exclude removes listed values; GitLab has no exclude (the listed ones are all built).
  const excluded = spec.gitlab ? [] : listed.filter((_, i) => i > 0 && spec.excluded[i]); // never all of them: GitHub runs no job then
  const built = [...listed.filter((d) => !excluded.includes(d)), ...(spec.gitlab ? [] : included)];
  const command = spec.gitlab ? 'docker build -f $DF -t img .' : 'docker build -f ./${{ matrix.df }} -t img .';
  let ci: string;
  if (spec.gitlab) {
    ci = ['build:', '  parallel:', '    matrix:', `      - DF: [${listed.map((d) => d.path).join(', ')}]`, '  variables:', '    BASE: alpine:3.22', '  script:', `    - ${command}`, ''].join('\n');
    files['.gitlab-ci.yml'] = ci;
  } else {
    const lines = ['on: push', 'jobs:', '  images:', '    strategy:', '      matrix:', `        df: [${listed.map((d) => d.path).join(', ')}]`];
    if (excluded.length) lines.push('        exclude:', ...excluded.map((d) => `          - df: ${d.path}`));
    if (included.length) lines.push('        include:', ...included.map((d) => `          - df: ${d.path}`));
    lines.push('    runs-on: ubuntu-latest', '    env:', '      BASE: alpine:3.22', '    steps:', `      - run: ${command}`, '');
    ci = lines.join('\n');
    files['.github/workflows/images.yml'] = ci;
  }
  return { files, ci: spec.gitlab ? '.gitlab-ci.yml' : '.github/workflows/images.yml', built: built.map((d) => d.kind), before: command, after: command.replace(/ \.$/, ' --build-arg BASE=$BASE .') };
}

interface Report {
  files: { path: string; findings: { rule: string }[] }[];
}

describe('matrix builds (properties)', () => {
  test(
    'every Dockerfile of the matrix is checked; the value is passed only where no job changes',
    async () => {
      await fc.assert(
        fc.asyncProperty(specArb, async (spec) => {
          const repo = render(spec);
          const dir = mkdtempSync(join(tmpdir(), 'argfix-matrix-'));
          try {
            for (const [p, t] of Object.entries(repo.files)) {
              mkdirSync(dirname(join(dir, p)), { recursive: true });
              writeFileSync(join(dir, p), t);
            }
            const first = await runJson<Report>(dir, true);
            expect(first.err).toBe('');
            const out = readFileSync(join(dir, repo.ci), 'utf8');
            expect(keepsAllInOrder(repo.files[repo.ci], out)).toBe(true);
            const needs = repo.built.includes('needs');
            const blocked = repo.built.some((k) => k === 'defaulted' || k === 'missing');
            const rules = first.report.files.find((f) => f.path === repo.ci)?.findings.map((f) => f.rule) ?? [];
            if (needs && !blocked) {
              expect(out).toBe(repo.files[repo.ci].replace(repo.before, repo.after));
              expect(rules).toContain('CiBuildArgAdded');
            } else {
              expect(out).toBe(repo.files[repo.ci]);
              expect(rules.includes('CiDynamicDockerfile')).toBe(needs);
            }
            const second = await runJson<Report>(dir, true);
            expect(readFileSync(join(dir, repo.ci), 'utf8')).toBe(out);
            expect(second.err).toBe('');
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }),
        params,
      );
    },
    timeout,
  );
});
