/**
 * The CI fixture harness: each `__fixtures__/<set>/<case>/input` tree is copied to a temp directory and fixed
 * with `--write`; the tree must equal `expected/` byte for byte, a second run must change nothing and report
 * exactly the CI findings the first left unfixed, and every changed file must keep all of its original bytes in
 * order (insertions only).
 */
import { describe, expect, test } from '@jest/globals';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type RunOptions } from '../../src/run.js';
import { keepsAllInOrder } from './bytes.js';

function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}


type FixtureReport = {
  files: { path: string; changed: boolean; error?: string; note?: string; findings: { rule: string; severity: string; message: string; name?: string; fixed: boolean }[] }[];
  summary: { changed: number };
};

/**
 * A run's CI findings as comparable lines (positions left out: the first run's edits move lines). The unfixed
 * ones of a first run are what a second run must report. CiShellCommentInBlock is about where an edit was
 * placed, so it comes with the edit.
 */
export function ciFindingLines(report: FixtureReport, unfixedOnly: boolean): string[] {
  return report.files
    .flatMap((f) => f.findings.filter((x) => x.rule.startsWith('Ci') && x.rule !== 'CiShellCommentInBlock' && !(unfixedOnly && x.fixed)).map((x) => `${f.path} ${x.rule} ${x.severity} ${x.name ?? '-'}: ${x.message}`))
    .sort();
}

/** `run()` in-process on `dir` (JSON report; `write` applies; `ci` the --ci systems). */
export async function runJson<R = FixtureReport>(dir: string, write: boolean, ci?: string[]): Promise<{ code: number; report: R; err: string }> {
  let out = '';
  let err = '';
  const opts: RunOptions = {
    paths: ['.'],
    write,
    check: false,
    listDifferent: false,
    defaults: [],
    format: 'json',
    color: false,
    quiet: false,
    gitignore: true,
    ...(ci ? { ciSystems: ci as RunOptions['ciSystems'] } : {}),
  };
  const code = await run(opts, { out: (s) => (out += s), err: (s) => (err += s), cwd: dir });
  return { code, report: JSON.parse(out) as R, err };
}

/**
 * Registers the fixture cases of `__fixtures__/<set>/` (at least `min` of them). `case.json` may name the exit
 * code, the exact set of CI rules reported, the CLI's `--ci` systems, the exact error lines (`path:line:col:
 * message`) and the exact notes (`path: note`) of the report; without them a case has no error and no note.
 */
export function ciFixtures(set: string, min: number): void {
  const FIXTURES = fileURLToPath(new URL(`../../__fixtures__/${set}/`, import.meta.url));
  const cases = readdirSync(FIXTURES).sort();
  describe(`${set} fixtures`, () => {
    test(`there are at least ${min} cases`, () => {
      expect(cases.length).toBeGreaterThanOrEqual(min);
    });

    test.each(cases)('%s', async (name) => {
      const base = join(FIXTURES, name);
      const meta = existsSync(join(base, 'case.json'))
        ? (JSON.parse(readFileSync(join(base, 'case.json'), 'utf8')) as { exit?: number; rules?: string[]; ci?: string[]; errors?: string[]; notes?: string[] })
        : {};
      const dir = mkdtempSync(join(tmpdir(), `argfix-ci-${name}-`));
      try {
        cpSync(join(base, 'input'), dir, { recursive: true });
        const before = tree(dir);
        const first = await runJson(dir, true, meta.ci);
        const after = tree(dir);
        const expected = tree(join(base, 'expected'));
        expect([...after.keys()].sort()).toEqual([...expected.keys()].sort());
        for (const [p, bytes] of expected) expect(after.get(p)!.toString('latin1')).toBe(bytes.toString('latin1'));
        for (const [p, bytes] of before) expect(keepsAllInOrder(bytes, after.get(p)!)).toBe(true);
        if (meta.exit !== undefined) expect(first.code).toBe(meta.exit);
        {
          const rules = [...new Set(first.report.files.flatMap((f) => f.findings.map((x) => x.rule)).filter((r) => r.startsWith('Ci')))].sort();
          expect(rules).toEqual([...(meta.rules ?? [])].sort());
        }
        expect(first.report.files.flatMap((f) => (f.error === undefined ? [] : [f.error]))).toEqual(meta.errors ?? []);
        expect(first.report.files.flatMap((f) => (f.note === undefined ? [] : [`${f.path}: ${f.note}`]))).toEqual(meta.notes ?? []);
        const second = await runJson(dir, false, meta.ci);
        expect(second.report.summary.changed).toBe(0);
        expect(ciFindingLines(second.report, false)).toEqual(ciFindingLines(first.report, true));
        expect(tree(dir)).toEqual(after);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
