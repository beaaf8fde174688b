/**
 * Report formats through the built CLI (dist/src/bin.js): `-f sarif`, `-f gitlab`, `-f github`.
 * __fixtures__/formats/<case>/input is copied to a temporary repository (with .git); `--check -f FORMAT` must print
 * exactly __fixtures__/formats/<case>/check.<format> (SARIF with the run's directory as file:///CWD/). The seed
 * example produces every format; the exit code never depends on the format; SARIF validates against the SARIF
 * 2.1.0 schema and has what GitHub code scanning reads. UPDATE_FIXTURES=1 rewrites the expected files (review the
 * diff before committing).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { escapeData, escapeProperty } from '../src/formats/github.js';
import { PROJECT_URL, RULES, ruleUrl, type RuleName } from '../src/findings.js';

const bin = fileURLToPath(new URL('../dist/src/bin.js', import.meta.url));
const fixtures = fileURLToPath(new URL('../__fixtures__/formats/', import.meta.url));
const seed = fileURLToPath(new URL('../examples/seed', import.meta.url));
const update = process.env.UPDATE_FIXTURES === '1';
const require = createRequire(import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** A copy of `from` as a repository of its own (a .git directory, so nothing above it counts). */
function repo(from: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'argfix-formats-'));
  temps.push(dir);
  cpSync(from, dir, { recursive: true });
  mkdirSync(join(dir, '.git'), { recursive: true });
  return dir;
}

function cli(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The run's directory as it appears in originalUriBaseIds, for a fixture that does not depend on where it ran. */
const cwdUri = (dir: string) => pathToFileURL(dir).href.replace(/\/?$/, '/');
const normalize = (out: string, dir: string) => out.split(cwdUri(dir)).join('file:///CWD/');

function expectFixture(path: string, actual: string) {
  if (update) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

// The SARIF 2.1.0 schema as Microsoft's SARIF SDK for JavaScript (@microsoft/jest-sarif) ships it: SchemaStore's
// sarif-2.1.0-rtm.5.json, a draft-04 schema (the OASIS one is draft-07; no npm package ships it).
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
// CommonJS packages: their `default` export through require (the same under jest and tsc's nodenext).
const Ajv04 = (require('ajv-draft-04') as { default: typeof import('ajv-draft-04').default }).default;
const addFormats = (require('ajv-formats') as { default: typeof import('ajv-formats').default }).default;
// unicodeRegExp off: the schema's language pattern (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`) is no valid /u regular expression.
const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validateSarif = ajv.compile(schema);

/** What GitHub code scanning reads ("SARIF support for code scanning", docs.github.com). */
function expectGithubReadable(log: Sarif.Log) {
  expect(log.version).toBe('2.1.0');
  expect(log.runs).toHaveLength(1); // one run per tool
  const run = log.runs[0];
  const driver = run.tool.driver;
  expect(driver.name).toBe('dockerfile-argfix');
  expect(driver.version).toBe(version);
  const rules = driver.rules!;
  expect(rules.map((r) => r.id)).toEqual(Object.keys(RULES));
  for (const r of rules) {
    expect(r.shortDescription?.text).toBe(RULES[r.id as RuleName].description);
    expect(r.fullDescription?.text).toBeTruthy();
    expect(r.help?.text).toContain(ruleUrl(r.id as RuleName));
    expect(r.helpUri).toBe(ruleUrl(r.id as RuleName));
  }
  for (const res of run.results!) {
    expect(rules[res.ruleIndex!].id).toBe(res.ruleId);
    expect(['error', 'warning', 'note']).toContain(res.level);
    expect(res.message.text).toBeTruthy();
    const loc = res.locations![0].physicalLocation!;
    // Relative to the repository root (the directory it ran in), never absolute.
    expect(loc.artifactLocation!.uri).not.toMatch(/^(\/|[a-z]+:)/i);
    expect(loc.artifactLocation!.uriBaseId).toBe('%SRCROOT%');
    expect(loc.region!.startLine).toBeGreaterThanOrEqual(1);
    expect(loc.region!.startColumn).toBeGreaterThanOrEqual(1);
    expect(Object.values(res.partialFingerprints ?? {})[0]).toMatch(/^[0-9a-f]{32}$/);
  }
  // Each result's fingerprint is its own.
  const fps = run.results!.map((r) => Object.values(r.partialFingerprints!)[0]);
  expect(new Set(fps).size).toBe(fps.length);
}

const FORMAT_FILES = { sarif: 'check.sarif.json', gitlab: 'check.gitlab.json', github: 'check.github.txt' } as const;
const cases = readdirSync(fixtures).sort();

describe('report formats: fixtures (--check -f FORMAT)', () => {
  test('there are cases', () => {
    expect(cases).toEqual(expect.arrayContaining(['correct', 'mixed']));
  });
  for (const name of cases) {
    describe(name, () => {
      const dir = repo(join(fixtures, name, 'input'));
      for (const [format, file] of Object.entries(FORMAT_FILES)) {
        test(`-f ${format}`, () => {
          const r = cli(dir, '--check', '-f', format);
          expectFixture(join(fixtures, name, file), normalize(r.stdout, dir));
          if (format === 'github') expectFixture(join(fixtures, name, 'check.github.stderr.txt'), r.stderr);
          else expect(r.stderr).toBe('');
        });
      }
      test('SARIF validates against the SARIF 2.1.0 schema and has what GitHub reads', () => {
        const log = JSON.parse(cli(dir, '--check', '-f', 'sarif').stdout) as Sarif.Log;
        expect(validateSarif(log) ? [] : validateSarif.errors).toEqual([]);
        expectGithubReadable(log);
      });
      test('the exit code does not depend on the format', () => {
        for (const mode of [[], ['--check']]) {
          const codes = ['text', 'json', 'sarif', 'gitlab', 'github'].map((f) => cli(dir, ...mode, '-f', f).code);
          expect(new Set(codes).size).toBe(1);
        }
      });
    });
  }
});

describe('a correct repository: an empty report in every format, exit 0', () => {
  const dir = repo(join(fixtures, 'correct', 'input'));
  test.each([
    ['gitlab', '[]\n'],
    ['github', ''],
  ])('-f %s', (format, expected) => {
    const r = cli(dir, '--check', '-f', format);
    expect(r).toEqual({ code: 0, stdout: expected, stderr: format === 'github' ? '0 to change, 1 unchanged, 0 skipped, 0 errors\n' : '' });
  });
  test('-f sarif: one run, no results, a successful invocation', () => {
    const r = cli(dir, '--check', '-f', 'sarif');
    expect(r.code).toBe(0);
    const log = JSON.parse(r.stdout) as Sarif.Log;
    expect(log.runs[0].results).toEqual([]);
    expect(log.runs[0].invocations).toEqual([{ executionSuccessful: true }]);
    expect(validateSarif(log)).toBe(true);
  });
});

describe('the seed example in every format', () => {
  const dir = repo(seed);
  test.each(['text', 'json', 'sarif', 'gitlab', 'github'])('-f %s: exit 1 (CiBeforeShaZeros needs a human)', (format) => {
    expect(cli(dir, '-f', format).code).toBe(1);
  });
  test('-f gitlab: every finding text prints, with its fingerprint, severity and rule page', () => {
    const issues = JSON.parse(cli(dir, '-f', 'gitlab').stdout) as { check_name: string; severity: string; location: { path: string; lines: { begin: number } }; content: { body: string } }[];
    expect(issues.map((i) => [i.check_name, i.severity, i.location.path, i.location.lines.begin])).toEqual([
      ['UndefinedArgInFrom', 'minor', 'Dockerfile', 1],
      ['InvalidDefaultArgInFrom', 'minor', 'Dockerfile', 1],
      ['UndefinedArgInFrom', 'minor', 'Dockerfile', 1],
      ['CiBeforeShaZeros', 'minor', '.gitlab-ci.yml', 14],
      ['CiBuildArgAdded', 'info', '.gitlab-ci.yml', 14],
    ]);
    expect(issues[3].content.body).toContain(`${PROJECT_URL}/blob/main/docs/rules/CiBeforeShaZeros.md`);
  });
  test('-f github: the dry-run diff, then one workflow command per finding on stdout; the summary on stderr', () => {
    const r = cli(dir, '-f', 'github');
    const text = cli(dir);
    expect(r.stdout.startsWith(text.stdout)).toBe(true);
    expect(r.stdout.slice(text.stdout.length).split('\n').filter(Boolean).map((l) => l.slice(0, l.indexOf(' ')))).toEqual(['::warning', '::warning', '::warning', '::warning', '::notice']);
    expect(r.stderr).toBe('2 to change, 0 unchanged, 0 skipped, 0 errors (dry run: --write applies the diff); 1 finding needs a human (exit 1): CiBeforeShaZeros\n');
  });
  test('-f sarif: the fixes, applied to the files, give what --write writes', () => {
    const log = JSON.parse(cli(dir, '-f', 'sarif').stdout) as Sarif.Log;
    expect(validateSarif(log) ? [] : validateSarif.errors).toEqual([]);
    expectGithubReadable(log);
    const changes = new Map<string, Sarif.Replacement[]>();
    for (const res of log.runs[0].results!) {
      if (!res.fixes) continue;
      expect(res.properties?.fixed).toBe(true);
      for (const c of res.fixes[0].artifactChanges) changes.set(c.artifactLocation.uri!, c.replacements);
    }
    expect([...changes.keys()].sort()).toEqual(['.gitlab-ci.yml', 'Dockerfile']);
    const before = new Map([...changes.keys()].map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    const written = repo(dir);
    expect(cli(written, '--write').code).toBe(1);
    for (const [file, replacements] of changes) {
      expect(applyReplacements(before.get(file)!, replacements)).toBe(readFileSync(join(written, file), 'utf8'));
    }
  });
  test('-f json: every finding has its rule page in url', () => {
    const doc = JSON.parse(cli(dir, '-f', 'json').stdout) as { files: { findings: { rule: RuleName; url: string }[] }[] };
    const findings = doc.files.flatMap((f) => f.findings);
    expect(findings.length).toBe(5);
    for (const f of findings) expect(f.url).toBe(ruleUrl(f.rule));
  });
  test('text --verbose: a finding that needs a human names its page (see:); without --verbose no such line', () => {
    expect(cli(dir).stderr).not.toContain('see:');
    const lines = cli(dir, '--verbose').stderr.split('\n').filter((l) => l.startsWith('  see: '));
    expect(lines).toEqual([`  see: ${PROJECT_URL}/blob/main/docs/rules/CiBeforeShaZeros.md`]);
  });
  test('-o FILE: the report goes to the file, nothing to stdout', () => {
    for (const format of ['sarif', 'gitlab', 'github']) {
      const r = cli(dir, '--check', '-f', format, '-o', `report.${format}`);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(readFileSync(join(dir, `report.${format}`), 'utf8')).toBe(cli(dir, '--check', '-f', format).stdout);
      rmSync(join(dir, `report.${format}`));
    }
  });
});

/** Applies SARIF replacements (1-based line/column regions of the original text) the way a SARIF viewer would. */
function applyReplacements(text: string, replacements: readonly Sarif.Replacement[]): string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const offset = (line: number, column: number) => starts[line - 1] + column - 1;
  const edits = replacements.map((r) => ({
    start: offset(r.deletedRegion.startLine!, r.deletedRegion.startColumn!),
    end: offset(r.deletedRegion.endLine!, r.deletedRegion.endColumn!),
    text: r.insertedContent?.text ?? '',
  }));
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

describe('fingerprints', () => {
  test('stay the same when lines are added above the finding, and differ between findings', () => {
    const dir = repo(join(fixtures, 'mixed', 'input'));
    type Issue = { check_name: string; description: string; fingerprint: string; location: { path: string; lines: { begin: number } } };
    const read = () => JSON.parse(cli(dir, '--check', '-f', 'gitlab').stdout) as Issue[];
    const before = read();
    const file = join(dir, 'odd,name:1.Dockerfile');
    writeFileSync(file, `# a comment\n\n${readFileSync(file, 'utf8')}`);
    const after = read();
    expect(after.map((i) => i.fingerprint)).toEqual(before.map((i) => i.fingerprint));
    const moved = after.filter((i) => i.location.path === 'odd,name:1.Dockerfile' && i.check_name !== 'CiNoBuildCommand');
    expect(moved.length).toBeGreaterThan(0);
    for (const i of moved) expect(i.location.lines.begin).toBe(before.find((b) => b.fingerprint === i.fingerprint)!.location.lines.begin + 2);
    expect(new Set(before.map((i) => i.fingerprint)).size).toBe(before.length);
  });
  test('two identical FROM lines get two fingerprints', () => {
    const dir = mkdtempSync(join(tmpdir(), 'argfix-formats-'));
    temps.push(dir);
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM alpine:$V AS a\nFROM alpine:$V AS a\n');
    const issues = JSON.parse(cli(dir, '--no-ci', '-f', 'gitlab').stdout) as { check_name: string; fingerprint: string }[];
    const fps = issues.filter((i) => i.check_name === 'UndefinedArgInFrom').map((i) => i.fingerprint);
    expect(fps).toHaveLength(2);
    expect(fps[0]).not.toBe(fps[1]);
  });
});

describe('--each-repo: paths relative to the current directory, so one report covers every repository', () => {
  test('-f gitlab and -f sarif name each file with its repository directory', () => {
    const fleet = mkdtempSync(join(tmpdir(), 'argfix-fleet-'));
    temps.push(fleet);
    for (const name of ['a', 'b']) {
      cpSync(join(fixtures, 'mixed', 'input'), join(fleet, 'repos', name), { recursive: true });
      mkdirSync(join(fleet, 'repos', name, '.git'));
    }
    const issues = JSON.parse(cli(fleet, '--each-repo', 'repos', '-f', 'gitlab').stdout) as { fingerprint: string; location: { path: string } }[];
    expect([...new Set(issues.map((i) => i.location.path))].sort()).toEqual([
      'repos/a/.gitlab-ci.yml',
      'repos/a/Dockerfile',
      'repos/a/odd,name:1.Dockerfile',
      'repos/b/.gitlab-ci.yml',
      'repos/b/Dockerfile',
      'repos/b/odd,name:1.Dockerfile',
    ]);
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
    const log = JSON.parse(cli(fleet, '--each-repo', 'repos', '-f', 'sarif').stdout) as Sarif.Log;
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: cwdUri(fleet) } });
    expect(log.runs[0].results!.map((r) => r.locations![0].physicalLocation!.artifactLocation!.uri)).toContain('repos/b/odd%2Cname%3A1.Dockerfile');
    expect(validateSarif(log)).toBe(true);
  });
});

describe('SARIF: errors and suppressions', () => {
  test('a file that cannot be read is a failed invocation with its error, exit 2 as in every format', () => {
    const dir = repo(join(fixtures, 'correct', 'input'));
    writeFileSync(join(dir, 'bad.Dockerfile'), 'FROM a b\n');
    const r = cli(dir, '-f', 'sarif');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('dockerfile-argfix: bad.Dockerfile:1:1: FROM requires either one or three arguments\n');
    const log = JSON.parse(r.stdout) as Sarif.Log;
    expect(log.runs[0].invocations).toEqual([
      { executionSuccessful: false, toolExecutionNotifications: [{ level: 'error', message: { text: 'bad.Dockerfile:1:1: FROM requires either one or three arguments' } }] },
    ]);
    expect(validateSarif(log)).toBe(true);
    for (const f of ['text', 'json', 'gitlab', 'github']) expect(cli(dir, '-f', f).code).toBe(2);
  });
  test('a suppressed finding is a result with an inSource suppression and no fix', () => {
    const dir = repo(join(fixtures, 'mixed', 'input'));
    const log = JSON.parse(cli(dir, '-f', 'sarif').stdout) as Sarif.Log;
    const suppressed = log.runs[0].results!.filter((r) => r.suppressions);
    expect(suppressed.map((r) => [r.ruleId, r.locations![0].physicalLocation!.region!.startLine, r.suppressions, r.fixes])).toEqual([
      ['UndefinedArgInFrom', 3, [{ kind: 'inSource' }], undefined],
      ['InvalidDefaultArgInFrom', 3, [{ kind: 'inSource' }], undefined],
    ]);
  });
});

test('the config ignore list also suppresses a CI finding placed on a Dockerfile (CiNoBuildCommand)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'argfix-formats-'));
  temps.push(dir);
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, 'Dockerfile'), 'FROM $CI_REGISTRY_IMAGE/base:latest\n');
  writeFileSync(join(dir, '.gitlab-ci.yml'), 'test:\n  script:\n    - npm test\n');
  writeFileSync(join(dir, '.dockerfile-argfix.yaml'), 'defaults:\n  CI_REGISTRY_IMAGE: registry.gitlab.com/acme/app\nignore: [CiNoBuildCommand]\n');
  const doc = JSON.parse(cli(dir, '-f', 'json').stdout) as { files: { findings: { rule: string; suppressed: boolean }[] }[] };
  expect(doc.files.flatMap((f) => f.findings).filter((f) => f.rule === 'CiNoBuildCommand')).toEqual([expect.objectContaining({ suppressed: true })]);
});

test('--verbose -f github and --verbose -f gitlab: never a suppressed finding (text --verbose prints it, marked)', () => {
  const dir = repo(join(fixtures, 'mixed', 'input'));
  expect(cli(dir, '--verbose', '--check').stderr).toContain('odd,name:1.Dockerfile:3:6: warning UndefinedArgInFrom: FROM argument \'OTHER\' is not declared (suppressed)\n');
  expect(cli(dir, '--verbose', '--check', '-f', 'github').stdout).not.toContain('line=3,');
  const issues = JSON.parse(cli(dir, '--verbose', '--check', '-f', 'gitlab').stdout) as { location: { path: string; lines: { begin: number } } }[];
  expect(issues.filter((i) => i.location.path === 'odd,name:1.Dockerfile' && i.location.lines.begin === 3)).toEqual([]);
});

describe('github workflow command escaping (@actions/core command.ts)', () => {
  test('data: %, CR and LF', () => {
    expect(escapeData('100%\r\nnext: a,b')).toBe('100%25%0D%0Anext: a,b');
  });
  test('properties: also : and ,', () => {
    expect(escapeProperty('odd,name:1%.Dockerfile\n')).toBe('odd%2Cname%3A1%25.Dockerfile%0A');
  });
});

test('fixture cases have every expected file', () => {
  for (const name of cases) for (const file of [...Object.values(FORMAT_FILES), 'check.github.stderr.txt']) expect(existsSync(join(fixtures, name, file)) || update).toBe(true);
});
