/**
 * GitLab CI fixtures: each `__fixtures__/gitlab-ci/<case>/input` tree is copied to a temp directory and fixed
 * with `--write`; the tree must equal `expected/` byte for byte, a second run must change nothing, and every
 * changed file must keep all of its original bytes in order (insertions only). `case.json` may name the exit
 * code and the exact set of CI rules reported.
 */
import { describe, expect, test } from '@jest/globals';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type RunOptions } from '../src/run.js';
import { keepsAllInOrder } from './support/bytes.js';

const FIXTURES = fileURLToPath(new URL('../__fixtures__/gitlab-ci/', import.meta.url));

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

/** True when `a` is a subsequence of `b`. */

async function fix(dir: string, write: boolean) {
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
  };
  const code = await run(opts, { out: (s) => (out += s), err: (s) => (err += s), cwd: dir });
  return { code, report: JSON.parse(out) as { files: { path: string; changed: boolean; findings: { rule: string }[] }[]; summary: { changed: number } }, err };
}

const cases = readdirSync(FIXTURES).sort();

describe('gitlab-ci fixtures', () => {
  test('there are at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  test.each(cases)('%s', async (name) => {
    const base = join(FIXTURES, name);
    const meta = existsSync(join(base, 'case.json'))
      ? (JSON.parse(readFileSync(join(base, 'case.json'), 'utf8')) as { exit?: number; rules?: string[] })
      : {};
    const dir = mkdtempSync(join(tmpdir(), `argfix-ci-${name}-`));
    try {
      cpSync(join(base, 'input'), dir, { recursive: true });
      const before = tree(dir);
      const first = await fix(dir, true);
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
      const second = await fix(dir, false);
      expect(second.report.summary.changed).toBe(0);
      expect(tree(dir)).toEqual(after);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
