/**
 * CLI conventions and defects of issue 15, through the built CLI (dist/src/bin.js): -h/-v, `-` (stdin) with
 * --stdin-filepath, --ignore, --failure-level, --no-inline-config and UnknownRuleInPragma, --output checked before
 * anything is written, diff headers for a repository outside the current directory (`git apply` from its root),
 * --no-ci keeping the CI-derived defaults, `.dockerfile-argfix.yml`, and a CI file given alone standing for its
 * repository (what pre-commit passes).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/src/bin.js', import.meta.url));
const seed = fileURLToPath(new URL('../examples/seed', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const temps: string[] = [];

function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'argfix-conv-'));
  temps.push(dir);
  return dir;
}

/** The seed scenario (a GitLab job and its Dockerfile), with or without its config. */
function copySeed(into = temp(), withConfig = false): string {
  cpSync(seed, into, { recursive: true });
  if (!withConfig) rmSync(join(into, '.dockerfile-argfix.yaml'));
  for (const f of ['Dockerfile', '.gitlab-ci.yml']) chmodSync(join(into, f), 0o644);
  return into;
}

function cli(cwd: string, args: string[], input?: string | Buffer) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function git(cwd: string, ...args: string[]) {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const SEED_DOCKERFILE = readFileSync(join(seed, 'Dockerfile'), 'utf8');
const SEED_ARGS = '+ARG CI_REGISTRY_IMAGE=registry.gitlab.com/example/mytorch\n+ARG CI_COMMIT_BEFORE_SHA=latest\n';

beforeAll(() => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build (npm test does it first)`);
});
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe('help and version', () => {
  test('-v and --version print the version; --verbose is the only spelling of verbose', () => {
    const dir = temp();
    expect(cli(dir, ['-v'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(cli(dir, ['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    writeFileSync(join(dir, 'Dockerfile'), 'FROM alpine\n');
    expect(cli(dir, ['--verbose', '.'])).toEqual({ code: 0, stdout: '', stderr: '0 to change, 1 unchanged, 0 skipped, 0 errors\n' });
  });

  test('-h equals --help: options, examples and the exit codes', () => {
    const dir = temp();
    const help = cli(dir, ['--help']);
    expect(help.code).toBe(0);
    expect(cli(dir, ['-h'])).toEqual(help);
    expect(help.stdout.startsWith('dockerfile-argfix [paths..]\n\nDeclare the global ARGs that FROM lines need (dry run: prints a unified diff)\n')).toBe(true);
    for (const line of [
      '  -v, --version         Show the version number                        [boolean]',
      '  -h, --help            Show help                                      [boolean]',
      '      --verbose         Also print info findings of unchanged files, and the',
      '      --config          Fleet config FILE, merged under each repository\'s own',
      '      --failure-level   The least severe unfixed finding that makes the exit',
      '              [choices: "error", "warning", "info", "none"] [default: "warning"]',
      '      --stdin-filepath  The path of the Dockerfile given as - (stdin): diff',
    ]) {
      expect(help.stdout).toContain(`\n${line}\n`);
    }
    expect(help.stdout).toContain(
      [
        'Examples:',
        '  dockerfile-argfix                         Dry run on the current directory:',
        '                                            the diff on stdout, findings and',
        '                                            summary on stderr',
        '  dockerfile-argfix --write                 Apply the changes',
        '  dockerfile-argfix --check                 CI gate: exit 1 when a file would',
        '                                            change or a finding needs a human',
        '  dockerfile-argfix -w - --stdin-filepath   Fix a Dockerfile read from stdin:',
        '  a/Dockerfile < a/Dockerfile               the fixed text on stdout (the CI',
        '                                            side is not run)',
        '  dockerfile-argfix --each-repo ~/src       Every repository under ~/src: one',
        '  --patch-dir patches                       patch each',
        '',
        'Exit codes:',
        '  0    nothing to change, or everything fixed',
        '  1    --check/-l: a file would change; or a finding at --failure-level is left',
        '  2    usage error, unreadable or unparsable input, internal error',
        '  130  interrupted (SIGINT; 143: SIGTERM): each file as it was or fully written',
        '',
      ].join('\n'),
    );
    expect(help.stdout.endsWith('fully written\n')).toBe(true);
  });
});

describe('- reads one Dockerfile from stdin', () => {
  /** The seed with its config moved to app/ as .dockerfile-argfix.yml: found upward from --stdin-filepath. */
  function stdinRepo(): string {
    const dir = copySeed(temp(), true);
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', '.dockerfile-argfix.yml'), readFileSync(join(dir, '.dockerfile-argfix.yaml')));
    rmSync(join(dir, '.dockerfile-argfix.yaml'));
    return dir;
  }
  const FINDINGS = [
    "app/Dockerfile:1:6: warning UndefinedArgInFrom: FROM argument 'CI_REGISTRY_IMAGE' is not declared (fixed)",
    '  fix: hoisted ARG CI_REGISTRY_IMAGE=registry.gitlab.com/example/mytorch (default: app/.dockerfile-argfix.yml)',
    'app/Dockerfile:1:6: warning InvalidDefaultArgInFrom: Default value for ARG $CI_REGISTRY_IMAGE:$CI_COMMIT_BEFORE_SHA results in empty or invalid base image name (":": invalid reference format) (fixed)',
    '  fix: with the new defaults it is "registry.gitlab.com/example/mytorch:latest"',
    "app/Dockerfile:1:25: warning UndefinedArgInFrom: FROM argument 'CI_COMMIT_BEFORE_SHA' is not declared (fixed)",
    '  fix: hoisted ARG CI_COMMIT_BEFORE_SHA=latest (default: app/.dockerfile-argfix.yml)',
  ].join('\n');

  test('dry run: the diff named by --stdin-filepath on stdout, the config found upward from it, no CI file read or edited', () => {
    const dir = stdinRepo();
    const r = cli(dir, ['-', '--stdin-filepath', 'app/Dockerfile'], SEED_DOCKERFILE);
    expect(r.stdout).toBe(`--- a/app/Dockerfile\n+++ b/app/Dockerfile\n@@ -1,3 +1,5 @@\n${SEED_ARGS} FROM $CI_REGISTRY_IMAGE:$CI_COMMIT_BEFORE_SHA\n \n COPY mytorch/ /home/model-server/mydata/\n`);
    expect(r.stderr).toBe(`${FINDINGS}\n1 to change, 0 unchanged, 0 skipped, 0 errors (dry run: --write applies the diff)\n`);
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'app', 'Dockerfile'))).toBe(false);
  });

  test('--write: the fixed text on stdout (and nothing written); unchanged input comes back as it is', () => {
    const dir = stdinRepo();
    const ci = readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8');
    const r = cli(dir, ['--write', '-', '--stdin-filepath', 'app/Dockerfile'], SEED_DOCKERFILE);
    expect(r.stdout).toBe(SEED_ARGS.replace(/^\+/gm, '') + SEED_DOCKERFILE);
    expect(r.stderr).toBe(`${FINDINGS}\n1 changed, 0 unchanged, 0 skipped, 0 errors\n`);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toBe(ci);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(SEED_DOCKERFILE);
    expect(cli(dir, ['-w', '-'], 'FROM alpine\r\nRUN true')).toEqual({ code: 0, stdout: 'FROM alpine\r\nRUN true', stderr: '0 changed, 1 unchanged, 0 skipped, 0 errors\n' });
  });

  test('--check: nothing on stdout, exit 1 when the text would change; without --stdin-filepath it is <stdin>', () => {
    const dir = temp();
    const r = cli(dir, ['--check', '-q', '-', '--default', 'CI_REGISTRY_IMAGE=r.example/app', '--default', 'CI_COMMIT_BEFORE_SHA=latest'], SEED_DOCKERFILE);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'would change: <stdin>\n' });
    expect(cli(dir, ['-l', '-', '--default', 'CI_REGISTRY_IMAGE=r.example/app', '--default', 'CI_COMMIT_BEFORE_SHA=latest'], SEED_DOCKERFILE).stdout).toBe('<stdin>\n');
    expect(cli(dir, ['--check', '-'], 'FROM alpine\n')).toEqual({ code: 0, stdout: '', stderr: '0 to change, 1 unchanged, 0 skipped, 0 errors\n' });
  });

  test('a --stdin-filepath outside the current directory: the diff names the file from its repository root', () => {
    const dir = stdinRepo();
    mkdirSync(join(dir, 'sub'));
    const r = cli(join(dir, 'sub'), ['-', '--stdin-filepath', '../app/Dockerfile'], SEED_DOCKERFILE);
    expect(r.stdout.startsWith('--- a/app/Dockerfile\n+++ b/app/Dockerfile\n@@ -1,3 +1,5 @@\n')).toBe(true);
    expect(r.stderr).toContain("../app/Dockerfile:1:6: warning UndefinedArgInFrom: FROM argument 'CI_REGISTRY_IMAGE' is not declared (fixed)\n");
  });

  test('-f json: the report on stderr (or -o FILE), stdout keeps the text', () => {
    const dir = temp();
    const r = cli(dir, ['-w', '-f', 'json', '-', '--default', 'X=alpine'], 'FROM $X\n');
    expect(r.stdout).toBe('ARG X=alpine\nFROM $X\n');
    const doc = JSON.parse(r.stderr) as { files: { path: string; status: string }[]; summary: { changed: number } };
    expect(doc.files.map((f) => [f.path, f.status])).toEqual([['<stdin>', 'changed']]);
    expect(doc.summary.changed).toBe(1);
    expect(cli(dir, ['-w', '-f', 'json', '-o', 'r.json', '-', '--default', 'X=alpine'], 'FROM $X\n')).toEqual({ code: 0, stdout: 'ARG X=alpine\nFROM $X\n', stderr: '' });
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).summary.changed).toBe(1);
  });

  test('unreadable input: a one-line error, exit 2, nothing on stdout (also with --write)', () => {
    const dir = temp();
    expect(cli(dir, ['-w', '-', '--stdin-filepath', 'Dockerfile'], Buffer.from('FROM a\0b\n'))).toEqual({
      code: 2,
      stdout: '',
      stderr: 'dockerfile-argfix: Dockerfile: contains a NUL byte at offset 6 (binary file?)\n0 changed, 0 unchanged, 0 skipped, 1 error\n',
    });
    expect(cli(dir, ['-'], 'FROM $A:$B\n# escape=x\n').code).toBe(1);
  });

  test('usage errors: - with other paths, --stdin-filepath without -', () => {
    const dir = temp();
    expect(cli(dir, ['-', 'Dockerfile'], '')).toEqual({ code: 2, stdout: '', stderr: 'dockerfile-argfix: - (a Dockerfile on stdin) cannot be combined with other paths\n' });
    expect(cli(dir, ['--stdin-filepath', 'Dockerfile', '.'])).toEqual({ code: 2, stdout: '', stderr: 'dockerfile-argfix: --stdin-filepath needs - (read the Dockerfile from stdin) as the path\n' });
    expect(cli(dir, ['--default', '-'])).toEqual({ code: 2, stdout: '', stderr: "dockerfile-argfix: --default expects NAME=VALUE, got '-'\n" });
  });
});

describe('--ignore, --failure-level, --no-inline-config', () => {
  test('--ignore RULE suppresses like the config ignore: (merged with it); an unknown rule is a usage error', () => {
    const dir = copySeed(temp(), true);
    expect(cli(dir, ['.']).code).toBe(1);
    const r = cli(dir, ['--ignore', 'CiBeforeShaZeros', '.']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('CiBeforeShaZeros');
    expect(r.stderr.endsWith('2 to change, 0 unchanged, 0 skipped, 0 errors (dry run: --write applies the diff)\n')).toBe(true);
    writeFileSync(join(dir, '.dockerfile-argfix.yaml'), `${readFileSync(join(dir, '.dockerfile-argfix.yaml'), 'utf8')}ignore: [NeedsDefault]\n`);
    expect(cli(dir, ['--ignore', 'CiBeforeShaZeros', '.']).code).toBe(0);
    expect(cli(dir, ['--ignore', 'Nope', '.'])).toEqual({ code: 2, stdout: '', stderr: "dockerfile-argfix: --ignore: unknown rule 'Nope'\n" });
    expect(cli(dir, ['--ignore', 'NeedsDefault,undefinedarginfrom', '.'])).toEqual({ code: 2, stdout: '', stderr: "dockerfile-argfix: --ignore: unknown rule 'undefinedarginfrom' (did you mean UndefinedArgInFrom?)\n" });
  });

  test('--failure-level decides which unfixed findings set exit 1 (default warning); --check still fails on a change', () => {
    const dir = copySeed(temp(), true);
    const summary = '2 to change, 0 unchanged, 0 skipped, 0 errors (dry run: --write applies the diff)';
    expect(cli(dir, ['.']).stderr.endsWith(`${summary}; 1 finding needs a human (exit 1): CiBeforeShaZeros\n`)).toBe(true);
    expect(cli(dir, ['--failure-level', 'warning', '.']).code).toBe(1);
    const error = cli(dir, ['--failure-level', 'error', '.']);
    expect(error.code).toBe(0);
    expect(error.stderr.endsWith(`${summary}\n`)).toBe(true);
    expect(error.stderr).toContain('warning CiBeforeShaZeros');
    expect(cli(dir, ['--failure-level', 'none', '.']).code).toBe(0);
    expect(cli(dir, ['--failure-level', 'none', '--check', '.']).code).toBe(1);
    expect(cli(dir, ['--failure-level', 'fatal', '.']).code).toBe(2);
    // An info finding that is not fixed: exit 1 only with --failure-level info, and then it is printed.
    const info = temp();
    writeFileSync(join(info, 'Dockerfile'), 'ARG X\nFROM $X\n');
    writeFileSync(join(info, '.gitlab-ci.yml'), 'test:\n  script:\n    - echo hi\n');
    cli(info, ['--write', '--default', 'X=alpine', '.']);
    const noBuild = 'Dockerfile:2:6: info CiNoBuildCommand: Dockerfile needs X from the build, but no CI step the tool reads builds it\n  hint: pass --build-arg X where it is built\n';
    expect(cli(info, ['--default', 'X=alpine', '.'])).toEqual({ code: 0, stdout: '', stderr: '0 to change, 2 unchanged, 0 skipped, 0 errors\n' });
    expect(cli(info, ['--default', 'X=alpine', '--failure-level', 'info', '.'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `${noBuild}0 to change, 2 unchanged, 0 skipped, 0 errors; 1 finding needs a human (exit 1): CiNoBuildCommand\n`,
    });
  });

  test('--no-inline-config: # dockerfile-argfix pragmas are not read; BuildKit\'s # check=skip= still is', () => {
    const dir = temp();
    writeFileSync(join(dir, 'Dockerfile'), '# dockerfile-argfix ignore\nFROM $X\n');
    const quiet = cli(dir, ['.']);
    expect(quiet).toEqual({ code: 0, stdout: '', stderr: '0 to change, 1 unchanged, 0 skipped, 0 errors\n' });
    const r = cli(dir, ['--no-inline-config', '--default', 'X=alpine', '.']);
    expect(r.stdout).toBe('--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,2 +1,3 @@\n+ARG X=alpine\n # dockerfile-argfix ignore\n FROM $X\n');
    expect(r.code).toBe(0);
    writeFileSync(join(dir, 'Dockerfile'), '# check=skip=all\nFROM $X\n');
    expect(cli(dir, ['--no-inline-config', '.'])).toEqual({ code: 0, stdout: '', stderr: '0 to change, 1 unchanged, 0 skipped, 0 errors\n' });
  });
});

describe('UnknownRuleInPragma', () => {
  test('a rule our pragma names that does not exist is a warning at its place (with a did-you-mean); check=skip names are BuildKit\'s and not checked', () => {
    const dir = temp();
    writeFileSync(
      join(dir, 'Dockerfile'),
      '# check=skip=JSONArgsRecommended,UndefinedArgInFrom\n# dockerfile-argfix global ignore=NoSuchRule\nARG BASE=alpine\n# dockerfile-argfix ignore = UndefinedArgInFrm, InvalidDefaultArgInFrom\nFROM $BASE\n',
    );
    const hint = '  hint: use the rule names the findings show (README, Findings); for all rules write the pragma without =…\n';
    expect(cli(dir, ['.'])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "Dockerfile:2:35: warning UnknownRuleInPragma: unknown rule 'NoSuchRule' in a # dockerfile-argfix pragma\n" +
        hint +
        "Dockerfile:4:30: warning UnknownRuleInPragma: unknown rule 'UndefinedArgInFrm' (did you mean UndefinedArgInFrom?) in a # dockerfile-argfix pragma\n" +
        hint +
        '0 to change, 1 unchanged, 0 skipped, 0 errors; 2 findings need a human (exit 1): UnknownRuleInPragma ×2\n',
    });
    // Not read with --no-inline-config; suppressed like any rule.
    expect(cli(dir, ['--no-inline-config', '.']).code).toBe(0);
    expect(cli(dir, ['--ignore', 'UnknownRuleInPragma', '.']).code).toBe(0);
    // A file the fast path would not parse (no variable, no ARG) is parsed when it has our pragma.
    writeFileSync(join(dir, 'Dockerfile'), '# dockerfile-argfix ignore=all\nFROM alpine\n');
    expect(cli(dir, ['.']).stderr).toBe(
      "Dockerfile:1:28: warning UnknownRuleInPragma: unknown rule 'all' in a # dockerfile-argfix pragma\n" + hint + '0 to change, 1 unchanged, 0 skipped, 0 errors; 1 finding needs a human (exit 1): UnknownRuleInPragma\n',
    );
  });
});

describe('defects', () => {
  test('-o into a missing directory (or onto a directory) with --write: one-line error, exit 2, nothing written', () => {
    const dir = copySeed();
    const missing = join(dir, 'missing', 'dir', 'r.txt');
    expect(cli(dir, ['-o', missing, '--write', '.'])).toEqual({
      code: 2,
      stdout: '',
      stderr: `dockerfile-argfix: --output ${missing}: the directory ${join(dir, 'missing', 'dir')} does not exist; nothing written\n`,
    });
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(SEED_DOCKERFILE);
    expect(cli(dir, ['-o', 'mytorch', '--write', '.'])).toEqual({ code: 2, stdout: '', stderr: 'dockerfile-argfix: --output mytorch: is a directory; nothing written\n' });
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(SEED_DOCKERFILE);
    const ok = cli(dir, ['-o', 'report.txt', '--write', '.']);
    expect(ok.code).toBe(1);
    expect(readFileSync(join(dir, 'report.txt'), 'utf8')).toContain('\n2 changed, 0 unchanged, 0 skipped, 0 errors; 4 findings need a human (exit 1): NeedsDefault ×2, CiBeforeShaZeros, InvalidDefaultArgInFrom\n');
  });

  test('a repository outside the current directory: its diff names files from its root, and git apply there equals --write', () => {
    const top = temp();
    const repo = copySeed(join(top, 'repo'), true);
    const wrote = copySeed(join(top, 'wrote'), true);
    mkdirSync(join(top, 'elsewhere'));
    const r = cli(join(top, 'elsewhere'), ['../repo']);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('---') || l.startsWith('+++'))).toEqual(['--- a/Dockerfile', '+++ b/Dockerfile', '--- a/.gitlab-ci.yml', '+++ b/.gitlab-ci.yml']);
    expect(r.stderr).toContain('dockerfile-argfix: ../repo: outside the current directory: its diff names files from ../repo (git apply there)\n');
    writeFileSync(join(top, 'fix.patch'), r.stdout);
    git(repo, 'apply', join(top, 'fix.patch'));
    cli(top, ['--write', 'wrote']);
    for (const f of ['Dockerfile', '.gitlab-ci.yml']) expect(readFileSync(join(repo, f), 'utf8')).toBe(readFileSync(join(wrote, f), 'utf8'));
    // Inside the current directory the paths stay relative to it.
    expect(cli(top, ['wrote', 'elsewhere']).stdout).toBe('');
    expect(cli(top, ['repo']).stdout).toBe('');
  });

  test('--no-ci and --ci github leave the CI files alone, and the Dockerfile edit keeps the git-remote default', () => {
    const dir = copySeed();
    git(dir, 'init', '-q');
    git(dir, 'remote', 'add', 'origin', 'https://gitlab.com/grp/proj.git');
    const dockerfileDiff = '--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,3 +1,5 @@\n+ARG CI_REGISTRY_IMAGE=registry.gitlab.com/grp/proj\n+ARG CI_COMMIT_BEFORE_SHA\n FROM $CI_REGISTRY_IMAGE:$CI_COMMIT_BEFORE_SHA\n \n COPY mytorch/ /home/model-server/mydata/\n';
    const all = cli(dir, ['.']);
    expect(all.stdout.startsWith(`${dockerfileDiff}--- a/.gitlab-ci.yml\n`)).toBe(true);
    const noCi = cli(dir, ['--no-ci', '.']);
    expect(noCi.stdout).toBe(dockerfileDiff);
    expect(noCi.stderr).not.toContain('.gitlab-ci.yml');
    expect(cli(dir, ['--ci', 'github', '.']).stdout).toBe(dockerfileDiff);
    // A CI file that cannot be read is not reported with --no-ci (it is left alone).
    writeFileSync(join(dir, '.gitlab-ci.yml'), 'build: [\n');
    const broken = cli(dir, ['--no-ci', '.']);
    expect(broken.stderr).not.toContain('.gitlab-ci.yml');
    expect(broken.stderr).toContain(', 0 errors');
    expect(cli(dir, ['.']).code).toBe(2);
  });

  test('.dockerfile-argfix.yml is read like .yaml; both in one directory is an error naming both', () => {
    const dir = copySeed(temp(), true);
    writeFileSync(join(dir, '.dockerfile-argfix.yml'), readFileSync(join(dir, '.dockerfile-argfix.yaml')));
    rmSync(join(dir, '.dockerfile-argfix.yaml'));
    const yml = cli(dir, ['--no-ci', '.']);
    expect(yml.stdout).toContain(SEED_ARGS);
    expect(yml.stderr).toContain('(default: .dockerfile-argfix.yml)');
    writeFileSync(join(dir, '.dockerfile-argfix.yaml'), 'defaults:\n  CI_COMMIT_BEFORE_SHA: other\n');
    expect(cli(dir, ['--no-ci', '.'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'dockerfile-argfix: .dockerfile-argfix.yml: .dockerfile-argfix.yaml is in the same directory; keep one of them\n0 to change, 0 unchanged, 0 skipped, 1 error\n',
    });
  });

  test('--config is a fleet config under the nearest own config, which wins (as --help and the README say)', () => {
    const dir = copySeed(temp(), true);
    writeFileSync(join(dir, 'fleet.yaml'), 'defaults:\n  CI_COMMIT_BEFORE_SHA: from-fleet\n  CI_REGISTRY_IMAGE: fleet.example/x\n');
    writeFileSync(join(dir, '.dockerfile-argfix.yaml'), 'defaults:\n  CI_COMMIT_BEFORE_SHA: own\n');
    const r = cli(dir, ['--no-ci', '--config', 'fleet.yaml', '.']);
    expect(r.stdout).toContain('+ARG CI_REGISTRY_IMAGE=fleet.example/x\n+ARG CI_COMMIT_BEFORE_SHA=own\n');
  });

  test('a CI file given alone (what pre-commit passes) stands for its repository; a Dockerfile given alone does not pull in the others', () => {
    const dir = copySeed(temp(), true);
    git(dir, 'init', '-q');
    mkdirSync(join(dir, 'other'));
    writeFileSync(join(dir, 'other', 'Dockerfile'), 'FROM $OTHER\n');
    const whole = cli(dir, ['.']);
    expect(whole.stdout).toContain('--- a/other/Dockerfile\n');
    expect(cli(dir, ['.gitlab-ci.yml'])).toEqual(whole);
    const sub = join(dir, 'other');
    const fromSub = cli(sub, ['../.gitlab-ci.yml']);
    expect(fromSub.code).toBe(whole.code);
    expect(fromSub.stdout).toBe(whole.stdout);
    // A Dockerfile given alone: that file and the CI files of its repository, as before.
    const one = cli(dir, ['Dockerfile']);
    expect(one.stdout).not.toContain('other/Dockerfile');
    expect(one.stdout).toContain('--- a/Dockerfile\n');
    expect(one.stdout).toContain('--- a/.gitlab-ci.yml\n');
    // Both given (pre-commit with both changed): the repository once.
    expect(cli(dir, ['Dockerfile', '.gitlab-ci.yml'])).toEqual(whole);
  });
});
