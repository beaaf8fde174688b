/**
 * End to end through the built CLI (dist/src/bin.js, as `npx dockerfile-argfix` runs it) on temp copies of
 * the seed scenario: dry-run diff, --write, --check, -l, JSON report, and `git apply` of the dry-run diff
 * giving exactly what --write writes. `npm test` builds first (pretest).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/src/bin.js', import.meta.url));
const seed = fileURLToPath(new URL('../examples/seed', import.meta.url));
const temps: string[] = [];

function copySeed(withConfig = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'argfix-'));
  temps.push(dir);
  cpSync(seed, dir, { recursive: true });
  if (!withConfig) rmSync(join(dir, '.dockerfile-argfix.yaml'));
  for (const f of ['Dockerfile', '.gitlab-ci.yml']) chmodSync(join(dir, f), 0o644);
  return dir;
}

function cli(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SEED_DIFF = `--- a/Dockerfile
+++ b/Dockerfile
@@ -1,3 +1,5 @@
+ARG CI_REGISTRY_IMAGE=registry.gitlab.com/example/mytorch
+ARG CI_COMMIT_BEFORE_SHA=latest
 FROM $CI_REGISTRY_IMAGE:$CI_COMMIT_BEFORE_SHA
 
 COPY mytorch/ /home/model-server/mydata/
`;
const CI_DIFF = `--- a/.gitlab-ci.yml
+++ b/.gitlab-ci.yml
@@ -14,6 +14,8 @@
     docker build .
     --cache-from $CI_REGISTRY_IMAGE:latest
     --tag $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA
+    --build-arg CI_REGISTRY_IMAGE=$CI_REGISTRY_IMAGE
+    --build-arg CI_COMMIT_BEFORE_SHA=$CI_COMMIT_BEFORE_SHA
   - docker push $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA
   after_script:
   - docker logout
`;
const BEFORE_SHA_WARNING =
  '.gitlab-ci.yml:14:5: warning CiBeforeShaZeros: Dockerfile uses CI_COMMIT_BEFORE_SHA in FROM: it is forty zeros in merge request, first-push, manual and scheduled pipelines, so that tag almost never exists\n' +
  '  hint: use a stable tag (latest, or one derived from CI_DEFAULT_BRANCH) for the base image\n';
/** The audit finding of the seed's CI edit. */
const ADDED =
  '.gitlab-ci.yml:14:5: info CiBuildArgAdded: docker build in job \'build\': added --build-arg CI_REGISTRY_IMAGE=$CI_REGISTRY_IMAGE --build-arg CI_COMMIT_BEFORE_SHA=$CI_COMMIT_BEFORE_SHA: Dockerfile needs CI_REGISTRY_IMAGE, CI_COMMIT_BEFORE_SHA (as written, its FROM is not a valid reference without them) (fixed)\n';

beforeAll(() => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build (npm test does it first)`);
});
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe('seed scenario through the CLI', () => {
  test('dry run prints a git-style diff on stdout, findings and summary on stderr, writes nothing', () => {
    const dir = copySeed(true);
    const before = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    const r = cli(dir, '.');
    expect(r.stdout).toBe(SEED_DIFF + CI_DIFF);
    expect(r.stderr).toBe(
      [
        "Dockerfile:1:6: warning UndefinedArgInFrom: FROM argument 'CI_REGISTRY_IMAGE' is not declared (fixed)",
        '  fix: hoisted ARG CI_REGISTRY_IMAGE=registry.gitlab.com/example/mytorch (default: .dockerfile-argfix.yaml)',
        'Dockerfile:1:6: warning InvalidDefaultArgInFrom: Default value for ARG $CI_REGISTRY_IMAGE:$CI_COMMIT_BEFORE_SHA results in empty or invalid base image name (":": invalid reference format) (fixed)',
        '  fix: with the new defaults it is "registry.gitlab.com/example/mytorch:latest"',
        "Dockerfile:1:25: warning UndefinedArgInFrom: FROM argument 'CI_COMMIT_BEFORE_SHA' is not declared (fixed)",
        '  fix: hoisted ARG CI_COMMIT_BEFORE_SHA=latest (default: .dockerfile-argfix.yaml)',
        BEFORE_SHA_WARNING + ADDED + '2 to change, 0 unchanged, 0 skipped, 0 errors (dry run: --write applies the diff); 1 finding needs a human (exit 1): CiBeforeShaZeros',
        '',
      ].join('\n'),
    );
    // The CI_COMMIT_BEFORE_SHA hazard stays a warning: exit 1 (findings remain).
    expect(r.code).toBe(1);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(before);
  });

  test('a rule in the config\'s ignore: list is reported as suppressed (text: with --verbose) and no longer sets the exit code', () => {
    const dir = copySeed(true);
    writeFileSync(join(dir, '.dockerfile-argfix.yaml'), readFileSync(join(dir, '.dockerfile-argfix.yaml'), 'utf8') + 'ignore: [CiBeforeShaZeros]\n');
    const r = cli(dir, '.');
    expect(r.stderr).not.toContain('CiBeforeShaZeros');
    expect(r.code).toBe(0);
    // --verbose shows it, marked suppressed.
    expect(cli(dir, '--verbose', '.').stderr).toContain('warning CiBeforeShaZeros: Dockerfile uses CI_COMMIT_BEFORE_SHA in FROM: it is forty zeros in merge request, first-push, manual and scheduled pipelines, so that tag almost never exists (suppressed)\n');
  });

  test('--no-ci touches only the Dockerfile', () => {
    const dir = copySeed(true);
    const r = cli(dir, '--no-ci', '.');
    expect(r.stdout).toBe(SEED_DIFF);
    expect(r.code).toBe(0);
  });

  test('without defaults: bare ARGs, NeedsDefault, exit 1 (findings remain)', () => {
    const dir = copySeed(false);
    const r = cli(dir, '.');
    expect(r.stdout).toContain('+ARG CI_REGISTRY_IMAGE\n+ARG CI_COMMIT_BEFORE_SHA\n FROM');
    expect(r.stderr).toContain('warning NeedsDefault: ARG CI_REGISTRY_IMAGE has no default');
    expect(r.code).toBe(1);
  });

  test('--check exits 1 before and 0 after --write; --write is idempotent; -l lists paths', () => {
    const dir = copySeed(true);
    const check1 = cli(dir, '--check');
    expect(check1.code).toBe(1);
    expect(check1.stdout).toBe('');
    expect(check1.stderr).toContain('would change: Dockerfile\nwould change: .gitlab-ci.yml\n');
    expect(cli(dir, '-l').stdout).toBe('Dockerfile\n.gitlab-ci.yml\n');
    const w = cli(dir, '--write');
    expect(w.code).toBe(1); // the CiBeforeShaZeros warning remains
    expect(w.stdout).toBe('');
    expect(w.stderr.endsWith(BEFORE_SHA_WARNING + ADDED + '2 changed, 0 unchanged, 0 skipped, 0 errors; 1 finding needs a human (exit 1): CiBeforeShaZeros\n')).toBe(true);
    const after = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    expect(after.startsWith('ARG CI_REGISTRY_IMAGE=registry.gitlab.com/example/mytorch\nARG CI_COMMIT_BEFORE_SHA=latest\nFROM ')).toBe(true);
    const ci = readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8');
    const check2 = cli(dir, '--check', '--no-ci');
    expect(check2.code).toBe(0);
    expect(check2.stderr).toBe('0 to change, 1 unchanged, 0 skipped, 0 errors\n');
    const check3 = cli(dir, '--check');
    // The defaults written from the config are fallbacks: the need (and so the hazard) stays on the next run.
    expect(check3.stderr).toBe(BEFORE_SHA_WARNING + '0 to change, 2 unchanged, 0 skipped, 0 errors; 1 finding needs a human (exit 1): CiBeforeShaZeros\n');
    expect(cli(dir, '--write').stdout).toBe('');
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(after);
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toBe(ci);
  });

  test('git apply of the dry-run diff equals --write', () => {
    const a = copySeed(true);
    const b = copySeed(true);
    const diff = cli(a, '.').stdout;
    writeFileSync(join(a, 'fix.patch'), diff);
    const apply = spawnSync('git', ['apply', '--unsafe-paths', 'fix.patch'], { cwd: a, encoding: 'utf8' });
    expect(apply.stderr).toBe('');
    expect(apply.status).toBe(0);
    cli(b, '--write');
    for (const f of ['Dockerfile', '.gitlab-ci.yml']) {
      expect(readFileSync(join(a, f), 'utf8')).toBe(readFileSync(join(b, f), 'utf8'));
    }
    expect(readFileSync(join(a, '.gitlab-ci.yml'), 'utf8')).toContain('--build-arg CI_COMMIT_BEFORE_SHA=$CI_COMMIT_BEFORE_SHA\n');
  });

  test('--format json: one document with stable keys, paths relative to the current directory', () => {
    const dir = copySeed(true);
    const r = cli(join(dir, '..'), '--format', 'json', '--no-ci', join(dir));
    const doc = JSON.parse(r.stdout);
    const rel = `${dir.split('/').pop()}/Dockerfile`;
    expect(doc.summary).toEqual({ changed: 1, unchanged: 0, skipped: 0, errors: 0, needHuman: 0, needHumanRules: {} });
    expect(doc.files).toHaveLength(1);
    expect(doc.files[0].path).toBe(rel);
    expect(doc.files[0].changed).toBe(true);
    expect(doc.files[0].findings.map((f: Record<string, unknown>) => [f.rule, f.severity, f.line, f.column, f.name, f.fixed])).toEqual([
      ['UndefinedArgInFrom', 'warning', 1, 6, 'CI_REGISTRY_IMAGE', true],
      ['InvalidDefaultArgInFrom', 'warning', 1, 6, undefined, true],
      ['UndefinedArgInFrom', 'warning', 1, 25, 'CI_COMMIT_BEFORE_SHA', true],
    ]);
    expect(doc.files[0].findings[0].url).toBe('https://docs.docker.com/go/dockerfile/rule/undefined-arg-in-from/');
    expect(doc.files[0].findings[0].message).toBe("FROM argument 'CI_REGISTRY_IMAGE' is not declared");
    expect(doc.files[0].hoisted).toEqual([
      { name: 'CI_REGISTRY_IMAGE', default: 'registry.gitlab.com/example/mytorch', source: `${dir.split('/').pop()}/.dockerfile-argfix.yaml`, reason: 'from' },
      { name: 'CI_COMMIT_BEFORE_SHA', default: 'latest', source: `${dir.split('/').pop()}/.dockerfile-argfix.yaml`, reason: 'from' },
    ]);
    expect(doc.files[0].diff).toBe(SEED_DIFF.replace(/ ([ab])\/Dockerfile/g, ` $1/${rel}`));
    expect(r.code).toBe(0);
    const withCi = JSON.parse(cli(join(dir, '..'), '--format', 'json', join(dir)).stdout);
    expect(withCi.summary).toEqual({ changed: 2, unchanged: 0, skipped: 0, errors: 0, needHuman: 1, needHumanRules: { CiBeforeShaZeros: 1 } });
    expect(withCi.files.map((f: { path: string }) => f.path)).toEqual([rel, rel.replace('Dockerfile', '.gitlab-ci.yml')]);
    expect(withCi.files[1].findings.map((f: { rule: string }) => f.rule)).toEqual(['CiBeforeShaZeros', 'CiBuildArgAdded']);
  });

  test('-o writes the JSON report to a file; stdout stays empty', () => {
    const dir = copySeed(true);
    const r = cli(dir, '-f', 'json', '-o', 'report.json');
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).summary.changed).toBe(2);
  });

  test('--default takes exactly one value per flag, so paths may follow it', () => {
    const dir = copySeed(false);
    const r = cli(dir, '--no-ci', '--default', 'CI_REGISTRY_IMAGE=alpine', '--default', 'CI_COMMIT_BEFORE_SHA=3', 'Dockerfile');
    expect(r.stdout).toContain('+ARG CI_REGISTRY_IMAGE=alpine\n+ARG CI_COMMIT_BEFORE_SHA=3\n');
    expect(r.code).toBe(0);
  });

  test('--default overrides the config file', () => {
    const dir = copySeed(true);
    const r = cli(dir, '--default', 'CI_COMMIT_BEFORE_SHA=base');
    expect(r.stdout).toContain('+ARG CI_COMMIT_BEFORE_SHA=base\n');
    expect(r.stderr).toContain('(default: --default)');
  });
});

describe('errors', () => {
  test('usage errors exit 2 with one line', () => {
    const dir = copySeed(false);
    for (const args of [['--nope'], ['--default', 'NOEQUALS'], ['--write', '--check'], ['-f', 'xml']]) {
      const r = cli(dir, ...args);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(/^dockerfile-argfix: /);
    }
  });

  test('an unparsable Dockerfile: path:line:col message, exit 2, file untouched, others still processed', () => {
    const dir = copySeed(false);
    writeFileSync(join(dir, 'bad.Dockerfile'), 'FROM a b\n');
    const r = cli(dir, '--write');
    expect(r.stderr).toContain('dockerfile-argfix: bad.Dockerfile:1:1: FROM requires either one or three arguments\n');
    expect(r.code).toBe(2);
    expect(readFileSync(join(dir, 'bad.Dockerfile'), 'utf8')).toBe('FROM a b\n');
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8').startsWith('ARG CI_REGISTRY_IMAGE\n')).toBe(true);
  });

  test('a missing path and an invalid config are clear errors', () => {
    const dir = copySeed(false);
    expect(cli(dir, 'nope').stderr).toContain('dockerfile-argfix: nope: no such file or directory\n');
    writeFileSync(join(dir, '.dockerfile-argfix.yaml'), 'defaults:\n  1BAD: x\n');
    const r = cli(dir, '.');
    expect(r.stderr).toContain("dockerfile-argfix: .dockerfile-argfix.yaml:2:3: invalid variable name '1BAD'\n");
    expect(r.code).toBe(2);
  });

  test('--version and --help print and exit 0', () => {
    const dir = copySeed(false);
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'));
    expect(cli(dir, '--version')).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    const help = cli(dir, '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--write');
  });
});
