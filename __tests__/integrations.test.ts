/**
 * The integrations that ship with the repository, run as their hosts run them, with the CLI built here:
 * - .pre-commit-hooks.yaml: files chosen with the hook's `files`/`exclude` the way pre-commit does (re.search on
 *   the repository-relative path of every tracked file, pre_commit/commands/run.py filter_by_include_exclude; the
 *   patterns keep to the regex subset Python and JavaScript read alike), then `entry` + the file names.
 * - action.yml: the composite step's `run` script with its `env` (the few `${{ inputs.x }}` expressions
 *   substituted first, as the runner does), run by `bash --noprofile --norc -eo pipefail` (GitHub's `shell: bash`)
 *   with GITHUB_WORKSPACE, GITHUB_ACTION_PATH and GITHUB_OUTPUT, from the workspace.
 * - templates/dockerfile-argfix.gitlab-ci.yml: read with the tool's own GitLab reader (src/ci), run through the
 *   tool as a repository's .gitlab-ci.yml (silent), and its script lines run by `sh -e` with the job's variables.
 * `npx` is a stand-in on PATH that checks it is asked for `--yes dockerfile-argfix@<package version>` and runs the
 * local build, so the commands are the shipped ones, word for word.
 * Also: `-` (stdin) with -f sarif|gitlab|github, and --patch-dir checked before anything is written.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { DATA_EXT, SOURCE_EXT, TEMPLATE_EXT, isDockerfileName } from '../src/discover.js';
import { RE_CI_NAME, RE_DOCKERFILE_NAME } from '../src/repo.js';
import { loadCi, type CiProblem } from '../src/ci/yaml.js';
import { buildJobModel } from '../src/ci/jobs.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist/src/bin.js');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const temps: string[] = [];
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'argfix-integ-'));
  temps.push(dir);
  return dir;
}

function write(dir: string, files: Record<string, string>): string {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '', GITHUB_ACTIONS: '', ...env } });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function git(cwd: string, ...args: string[]) {
  const r = sh('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], cwd);
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout;
}

/** A stand-in `npx` that runs the local build for exactly `npx --yes dockerfile-argfix@<version> ...`. */
function fakeNpx(): string {
  const dir = temp();
  writeFileSync(
    join(dir, 'npx'),
    `#!/bin/sh\nif [ "$1" != --yes ] || [ "$2" != "dockerfile-argfix@${version}" ]; then echo "unexpected npx $*" >&2; exit 99; fi\nshift 2\nexec "${process.execPath}" "${bin}" "$@"\n`,
  );
  chmodSync(join(dir, 'npx'), 0o755);
  return dir;
}
const npxDir = fakeNpx();
const PATH_WITH_NPX = `${npxDir}:${process.env.PATH}`;

// A GitLab repository whose Dockerfile needs PY (its FROM is invalid without it) and whose build does not pass it.
const NEEDS_FIX = {
  Dockerfile: 'FROM python:${PY}-slim\nRUN true\n',
  '.gitlab-ci.yml': 'build:\n  image: docker:27\n  variables:\n    PY: "3.12"\n  script:\n    - docker build -t app .\n',
  '.dockerfile-argfix.yaml': 'defaults:\n  PY: "3.12"\n',
};
// The same repository as --write leaves it.
const FIXED = {
  ...NEEDS_FIX,
  Dockerfile: 'ARG PY=3.12\nFROM python:${PY}-slim\nRUN true\n',
  '.gitlab-ci.yml': 'build:\n  image: docker:27\n  variables:\n    PY: "3.12"\n  script:\n    - docker build -t app --build-arg PY=$PY .\n',
};
const FINDINGS_TEXT =
  'Dockerfile:1:6: warning InvalidDefaultArgInFrom: Default value for ARG python:${PY}-slim results in empty or invalid base image name ("python:-slim": invalid reference format) (fixed)\n' +
  '  fix: with the new defaults it is "python:3.12-slim"\n' +
  "Dockerfile:1:13: warning UndefinedArgInFrom: FROM argument 'PY' is not declared (fixed)\n" +
  '  fix: hoisted ARG PY=3.12 (default: .dockerfile-argfix.yaml)\n' +
  ".gitlab-ci.yml:6:7: info CiBuildArgAdded: docker build in job 'build': added --build-arg PY=$PY: Dockerfile needs PY (as written, its FROM is not a valid reference without it) (fixed)\n";
const ANNOTATIONS =
  '::warning file=Dockerfile,line=1,col=6,title=InvalidDefaultArgInFrom::Default value for ARG python:${PY}-slim results in empty or invalid base image name ("python:-slim": invalid reference format) (fixed)%0Afix: with the new defaults it is "python:3.12-slim"\n' +
  "::warning file=Dockerfile,line=1,col=13,title=UndefinedArgInFrom::FROM argument 'PY' is not declared (fixed)%0Afix: hoisted ARG PY=3.12 (default: .dockerfile-argfix.yaml)\n" +
  "::notice file=.gitlab-ci.yml,line=6,col=7,title=CiBuildArgAdded::docker build in job 'build': added --build-arg PY=$PY: Dockerfile needs PY (as written, its FROM is not a valid reference without it) (fixed)\n";
const RULES_FOUND = ['InvalidDefaultArgInFrom', 'UndefinedArgInFrom', 'CiBuildArgAdded'];

function repo(files: Record<string, string>): string {
  const dir = write(temp(), files);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'fixture');
  return dir;
}

function read(dir: string, files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(files).map((p) => [p, readFileSync(join(dir, p), 'utf8')]));
}

describe('pre-commit hooks (.pre-commit-hooks.yaml)', () => {
  interface Hook { id: string; entry: string; language: string; files: string; exclude: string; pass_filenames: boolean; require_serial: boolean }
  const hooks = parse(readFileSync(join(root, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
  const hook = (id: string) => hooks.find((h) => h.id === id)!;
  const passes = (h: Hook, path: string) => new RegExp(h.files).test(path) && !new RegExp(h.exclude).test(path);

  test('two node hooks, check and fix, passing file names to one process', () => {
    expect(hooks.map((h) => [h.id, h.entry, h.language, h.pass_filenames, h.require_serial])).toEqual([
      ['dockerfile-argfix', `npx --yes dockerfile-argfix@${version} --check`, 'node', true, true],
      ['dockerfile-argfix-fix', `npx --yes dockerfile-argfix@${version} --write`, 'node', true, true],
    ]);
    expect(hook('dockerfile-argfix-fix').files).toBe(hook('dockerfile-argfix').files);
    expect(hook('dockerfile-argfix-fix').exclude).toBe(hook('dockerfile-argfix').exclude);
  });

  test('exclude is derived from discovery’s extension lists (src/discover.ts), in any letter case', () => {
    const anyCase = (e: string) => e.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);
    const exts = [...new Set([...TEMPLATE_EXT, ...DATA_EXT, ...SOURCE_EXT])].sort();
    const name = `(${anyCase('docker')}|${anyCase('container')})${anyCase('file')}`;
    expect(hook('dockerfile-argfix').exclude).toBe(
      `\\{\\{|\\{%|(^|/)([Dd]ocker|[Cc]ontainer)file[^/]*(~|\\.(${exts.map(anyCase).join('|')}))$` +
        `|(^|/)(?!([Dd]ocker|[Cc]ontainer)file)(?![^/]*\\.([Dd]ocker|[Cc]ontainer)file$)${name}[^/]*$|(^|/)(?!([Dd]ocker|[Cc]ontainer)file)[^/]*\\.(?!([Dd]ocker|[Cc]ontainer)file$)${name}$`,
    );
  });

  test('a name passes exactly when the tool takes it as a Dockerfile by name, or as a CI file that stands for its repository', () => {
    const h = hook('dockerfile-argfix');
    const exts = [...TEMPLATE_EXT, ...DATA_EXT, ...SOURCE_EXT, 'dev', 'prod', 'arm64', 'ubuntu22.04', 'ci', 'Dockerfile', 'dockerfile'];
    const stems = ['Dockerfile', 'dockerfile', 'Containerfile', 'DOCKERFILE', 'ContainerFile', 'app.DOCKERFILE', 'app.containerfile', 'app.Dockerfile', 'Dockerfile-web', 'dockerfile_args_test', 'docker-compose', 'compose', 'build', 'docker-bake', 'docker-bake.override', 'Jenkinsfile', 'README', 'main'];
    const names = new Set<string>(['Dockerfile', 'Containerfile', 'Jenkinsfile', 'Dockerfile~', 'Dockerfile.bak~', 'DOCKERFILE', 'app.DOCKERFILE', 'app.ContainerFile']);
    for (const s of stems) for (const e of exts) for (const x of [e, e.toUpperCase()]) names.add(`${s}.${x}`);
    let taken = 0;
    for (const name of names) {
      const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
      // Discovery's name rules, minus Dockerfile.<source extension> (left to the content by discovery; a name on the
      // command line is taken whatever its content), or a CI name that is not a Dockerfile name (src/repo.ts).
      const dockerfile = isDockerfileName(name) && !SOURCE_EXT.has(ext);
      const ci = RE_CI_NAME.test(name) && !RE_DOCKERFILE_NAME.test(name);
      // Of the CI names (matched in any case by the tool) the hook takes the usual spellings: a subset, which only
      // means a commit touching build.SH alone is not checked.
      const usual = /\.(ya?ml|YA?ML|sh)$|^docker-bake.*\.(hcl|json)$|^Jenkinsfile/.test(name);
      const expected = dockerfile || (ci && usual);
      for (const path of [name, `services/api/${name}`]) {
        if (passes(h, path) !== expected) throw new Error(`${path}: the hook ${expected ? 'leaves it out' : 'passes it'}`);
      }
      if (expected) taken++;
    }
    expect(taken).toBeGreaterThan(100);
    // Template directories are not read (discovery skips them; a named file would be taken).
    expect(passes(h, '{{cookiecutter.name}}/Dockerfile')).toBe(false);
    expect(passes(h, 'tpl/{% if x %}/Dockerfile')).toBe(false);
  });

  const LOOKALIKES = {
    'docs/Dockerfile.md': 'FROM $BASE\n',
    'Dockerfile.j2': 'FROM {{ base }}\n',
    'Dockerfile.go': 'package main\n',
    'tools/dockerfile_args_test.go': 'package tools\n',
    '{{cookiecutter.name}}/Dockerfile': 'FROM $BASE\n',
    'README.md': '# app\n',
    'src/main.py': 'print(1)\n',
  };

  test('in a repository, the hook passes the Dockerfiles, the CI files and the config, none of the look-alikes', () => {
    const dir = repo({ ...NEEDS_FIX, ...LOOKALIKES, 'scripts/build.sh': '#!/bin/sh\ndocker build -t app .\n', 'docker-compose.yml': 'services:\n  app:\n    image: app\n' });
    const tracked = git(dir, 'ls-files', '-z').split('\0').filter(Boolean);
    expect(tracked.filter((p) => passes(hook('dockerfile-argfix'), p)).sort()).toEqual(['.dockerfile-argfix.yaml', '.gitlab-ci.yml', 'Dockerfile', 'docker-compose.yml', 'scripts/build.sh']);
  });

  /** `entry` + the files, as pre-commit runs it (shlex-split entry; `npx` is the stand-in that runs the build). */
  function runHook(id: string, cwd: string, files: string[]) {
    const [command, ...args] = hook(id).entry.split(' ');
    expect(command).toBe('npx');
    return sh(command, [...args, ...files], cwd, { PATH: PATH_WITH_NPX });
  }

  test.each([
    ['.gitlab-ci.yml alone', ['.gitlab-ci.yml']],
    ['the Dockerfile alone', ['Dockerfile']],
    ['both, and the config', ['.dockerfile-argfix.yaml', '.gitlab-ci.yml', 'Dockerfile']],
  ])('check hook, %s changed: the repository is checked as a unit, exit 1, nothing written', (_, files) => {
    const dir = repo(NEEDS_FIX);
    expect(runHook('dockerfile-argfix', dir, files)).toEqual({
      code: 1,
      stdout: '',
      stderr: FINDINGS_TEXT + 'would change: Dockerfile\nwould change: .gitlab-ci.yml\n2 to change, 0 unchanged, 0 skipped, 0 errors\n',
    });
    expect(read(dir, NEEDS_FIX)).toEqual(NEEDS_FIX);
  });

  test('fix hook on .gitlab-ci.yml alone writes the Dockerfile and the CI file (exit 0); then the check hook passes', () => {
    const dir = repo({ ...NEEDS_FIX, ...LOOKALIKES });
    // The look-alikes are skipped, without a word (the summary counts them).
    expect(runHook('dockerfile-argfix-fix', dir, ['.gitlab-ci.yml'])).toEqual({ code: 0, stdout: '', stderr: FINDINGS_TEXT + '2 changed, 0 unchanged, 5 skipped (5 listed only with --verbose), 0 errors\n' });
    expect(read(dir, FIXED)).toEqual(FIXED);
    expect(read(dir, LOOKALIKES)).toEqual(LOOKALIKES);
    expect(runHook('dockerfile-argfix', dir, ['.gitlab-ci.yml', 'Dockerfile'])).toEqual({ code: 0, stdout: '', stderr: '0 to change, 2 unchanged, 5 skipped (5 listed only with --verbose), 0 errors\n' });
  });
});

describe('GitHub Action (action.yml)', () => {
  interface Step { id: string; shell: string; env: Record<string, string>; run: string }
  const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default: string }>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; steps: Step[] };
  };

  test('a composite action of one bash step; every expression it uses is an input', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.runs.steps.map((s) => [s.id, s.shell])).toEqual([['check', 'bash']]);
    expect(Object.keys(action.inputs)).toEqual(['paths', 'args', 'sarif-file']);
    expect(action.outputs['sarif-file'].value).toBe('${{ steps.check.outputs.sarif-file }}');
    // No expression in the script itself (inputs come through env: GitHub's advice against script injection).
    expect(action.runs.steps[0].run).not.toContain('${{');
    for (const v of Object.values(action.runs.steps[0].env)) expect(v).toMatch(/^\$\{\{ inputs\.[a-z-]+ \}\}$/);
  });

  /** Runs the step as the runner does: expressions substituted, env set, bash -eo pipefail, from the workspace. */
  function runAction(workspace: string, inputs: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}) {
    const step = action.runs.steps[0];
    const values = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, inputs[k] ?? v.default]));
    const expr = (s: string) => s.replace(/\$\{\{ inputs\.([a-z-]+) \}\}/g, (_, k: string) => values[k]);
    const work = temp();
    const script = join(work, 'step.sh');
    writeFileSync(script, expr(step.run));
    const output = join(work, 'github_output');
    writeFileSync(output, '');
    const stepEnv = Object.fromEntries(Object.entries(step.env).map(([k, v]) => [k, expr(v)]));
    const r = sh('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], workspace, {
      ...stepEnv,
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_ACTION_PATH: root,
      GITHUB_OUTPUT: output,
      PATH: PATH_WITH_NPX,
      ...env,
    });
    return { ...r, output: readFileSync(output, 'utf8') };
  }

  const sarifOf = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { version: string; runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };

  test.each([
    ['npx dockerfile-argfix@<package.json version>', {}],
    ['DOCKERFILE_ARGFIX_BIN', { DOCKERFILE_ARGFIX_BIN: `${process.execPath} ${bin}` }],
  ])('a repository that needs a fix (%s): exit 1, the SARIF file, the annotations, nothing written', (_, env) => {
    const dir = repo(NEEDS_FIX);
    const r = runAction(dir, {}, env);
    expect([r.code, r.stdout, r.stderr]).toEqual([1, ANNOTATIONS, 'would change: Dockerfile\nwould change: .gitlab-ci.yml\n2 to change, 0 unchanged, 0 skipped, 0 errors\n']);
    expect(r.output).toBe('sarif-file=argfix.sarif\n');
    const sarif = sarifOf(join(dir, 'argfix.sarif'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.map((x) => [x.ruleId, x.locations[0].physicalLocation.artifactLocation.uri])).toEqual([
      ['InvalidDefaultArgInFrom', 'Dockerfile'],
      ['UndefinedArgInFrom', 'Dockerfile'],
      ['CiBuildArgAdded', '.gitlab-ci.yml'],
    ]);
    expect(read(dir, NEEDS_FIX)).toEqual(NEEDS_FIX);
  });

  test('a correct repository: exit 0, a SARIF run without results, no annotation', () => {
    const dir = repo(FIXED);
    const r = runAction(dir);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '0 to change, 2 unchanged, 0 skipped, 0 errors\n']);
    expect(sarifOf(join(dir, 'argfix.sarif')).runs[0].results).toEqual([]);
  });

  test('inputs: paths, args and sarif-file reach the CLI (split on spaces, not globbed)', () => {
    const dir = repo({ ...FIXED, 'other/Dockerfile': 'FROM alpine\n' });
    const r = runAction(dir, { paths: 'other', args: '--failure-level error', 'sarif-file': 'reports/out.sarif' });
    // reports/ does not exist: -o is checked first, so the SARIF run fails with 2 and the step with it.
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('dockerfile-argfix: --output reports/out.sarif: the directory ');
    mkdirSync(join(dir, 'reports'));
    const ok = runAction(dir, { paths: 'other', args: '--failure-level error', 'sarif-file': 'reports/out.sarif' });
    expect([ok.code, ok.stdout, ok.stderr, ok.output]).toEqual([0, '', '0 to change, 1 unchanged, 0 skipped, 0 errors\n', 'sarif-file=reports/out.sarif\n']);
    expect(sarifOf(join(dir, 'reports/out.sarif')).runs[0].results).toEqual([]);
    // A path `*` is a path, not a glob (no such file); a path after `--` may start with -.
    const star = runAction(dir, { paths: '* -x' });
    expect([star.code, star.stdout, star.stderr]).toEqual([2, '', 'dockerfile-argfix: *: no such file or directory\ndockerfile-argfix: -x: no such file or directory\n0 to change, 0 unchanged, 0 skipped, 2 errors\n']);
  });
});

describe('GitLab CI template (templates/dockerfile-argfix.gitlab-ci.yml)', () => {
  const template = readFileSync(join(root, 'templates/dockerfile-argfix.gitlab-ci.yml'), 'utf8');

  test('read by the tool’s GitLab reader: one job, its script, node image, the Code Quality report', () => {
    const problems: CiProblem[] = [];
    const src = loadCi((p) => (p === '.gitlab-ci.yml' ? template : null), problems)!;
    expect(problems).toEqual([]);
    const model = buildJobModel(src);
    expect(model.notes).toEqual([]);
    expect(model.jobs.map((j) => j.name)).toEqual(['dockerfile-argfix']);
    const job = model.jobs[0];
    expect(job.items.map((i) => String(i.node.value))).toEqual([
      'npx --yes "dockerfile-argfix@${DOCKERFILE_ARGFIX_VERSION}" --check -f gitlab -o gl-code-quality-report.json $DOCKERFILE_ARGFIX_ARGS || report=$?',
      'npx --yes "dockerfile-argfix@${DOCKERFILE_ARGFIX_VERSION}" --check $DOCKERFILE_ARGFIX_ARGS || check=$?',
      'if [ "${report:-0}" -gt "${check:-0}" ]; then exit "$report"; fi; exit "${check:-0}"',
    ]);
    expect([...job.variables.keys()]).toEqual(['DOCKERFILE_ARGFIX_VERSION', 'DOCKERFILE_ARGFIX_ARGS']);
    const doc = src.files[0].doc;
    expect((doc.getIn(['dockerfile-argfix', 'variables']) as { toJSON(): unknown }).toJSON()).toEqual({ DOCKERFILE_ARGFIX_VERSION: version, DOCKERFILE_ARGFIX_ARGS: '' });
    expect(doc.getIn(['dockerfile-argfix', 'image'])).toBe('node:22-alpine');
    expect(doc.getIn(['dockerfile-argfix', 'stage'])).toBe('test');
    expect(doc.getIn(['dockerfile-argfix', 'artifacts', 'reports', 'codequality'])).toBe('gl-code-quality-report.json');
  });

  test('as a repository’s .gitlab-ci.yml it gives no finding and no edit', () => {
    const dir = repo({ '.gitlab-ci.yml': template, Dockerfile: 'ARG PY=3.12\nFROM python:${PY}-slim\n' });
    expect(sh(process.execPath, [bin, '--check', '--verbose', '-f', 'json', '.'], dir)).toMatchObject({ code: 0, stderr: '' });
    const report = JSON.parse(sh(process.execPath, [bin, '--check', '-f', 'json', '.'], dir).stdout) as { files: { path: string; status: string; findings: unknown[] }[] };
    expect(report.files.map((f) => [f.path, f.status, f.findings])).toEqual([['Dockerfile', 'unchanged', []]]);
  });

  /** The job's script lines in one `sh -e`, as the runner joins them, with the job's variables. */
  function runJob(dir: string, variables: Record<string, string> = {}) {
    const job = parse(template)['dockerfile-argfix'] as { script: string[]; variables: Record<string, string> };
    return sh('sh', ['-e', '-c', job.script.join('\n')], dir, { ...job.variables, ...variables, CI_PROJECT_DIR: dir, GITLAB_CI: 'true', CI: 'true', PATH: PATH_WITH_NPX });
  }

  test('a repository that needs a fix: exit 1, the Code Quality report, the findings in the job log, nothing written', () => {
    const dir = repo(NEEDS_FIX);
    const r = runJob(dir);
    expect([r.code, r.stdout, r.stderr]).toEqual([1, '', FINDINGS_TEXT + 'would change: Dockerfile\nwould change: .gitlab-ci.yml\n2 to change, 0 unchanged, 0 skipped, 0 errors\n']);
    const report = JSON.parse(readFileSync(join(dir, 'gl-code-quality-report.json'), 'utf8')) as { check_name: string; severity: string; location: { path: string; lines: { begin: number } } }[];
    expect(report.map((i) => [i.check_name, i.severity, i.location.path, i.location.lines.begin])).toEqual([
      ['InvalidDefaultArgInFrom', 'minor', 'Dockerfile', 1],
      ['UndefinedArgInFrom', 'minor', 'Dockerfile', 1],
      ['CiBuildArgAdded', 'info', '.gitlab-ci.yml', 6],
    ]);
    expect(report.map((i) => i.check_name)).toEqual(RULES_FOUND);
    expect(read(dir, NEEDS_FIX)).toEqual(NEEDS_FIX);
  });

  test('a correct repository: exit 0, an empty report', () => {
    const dir = repo(FIXED);
    expect(runJob(dir)).toEqual({ code: 0, stdout: '', stderr: '0 to change, 2 unchanged, 0 skipped, 0 errors\n' });
    expect(readFileSync(join(dir, 'gl-code-quality-report.json'), 'utf8')).toBe('[]\n');
  });

  test('DOCKERFILE_ARGFIX_ARGS reaches both runs; an error is exit 2', () => {
    const dir = repo(NEEDS_FIX);
    expect(runJob(dir, { DOCKERFILE_ARGFIX_ARGS: '--no-ci --failure-level none' })).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'Dockerfile:1:6: warning InvalidDefaultArgInFrom: Default value for ARG python:${PY}-slim results in empty or invalid base image name ("python:-slim": invalid reference format) (fixed)\n' +
        '  fix: with the new defaults it is "python:3.12-slim"\n' +
        "Dockerfile:1:13: warning UndefinedArgInFrom: FROM argument 'PY' is not declared (fixed)\n" +
        '  fix: hoisted ARG PY=3.12 (default: .dockerfile-argfix.yaml)\n' +
        'would change: Dockerfile\n1 to change, 0 unchanged, 0 skipped, 0 errors\n',
    });
    const bad = runJob(dir, { DOCKERFILE_ARGFIX_ARGS: '--failure-level sometimes' });
    expect(bad.code).toBe(2);
  });
});

describe('stdin (-) with the report formats', () => {
  const cwd = temp();
  const stdin = (args: string[], input = 'FROM $X\n') => {
    const r = spawnSync(process.execPath, [bin, '-', ...args], { cwd, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '' } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const WARNINGS = [
    ['UndefinedArgInFrom', 1, 6],
    ['InvalidDefaultArgInFrom', 1, 6],
    ['NeedsDefault', 1, 6],
  ];

  test('-f sarif: the SARIF document on stderr (stdout keeps the diff), with fingerprints and the fix', () => {
    const r = stdin(['-f', 'sarif', '--stdin-filepath', 'app/Dockerfile']);
    expect([r.code, r.stdout]).toEqual([1, '--- a/app/Dockerfile\n+++ b/app/Dockerfile\n@@ -1,1 +1,2 @@\n+ARG X\n FROM $X\n']);
    const doc = JSON.parse(r.stderr) as { runs: { results: { ruleId: string; partialFingerprints: Record<string, string>; fixes?: unknown[]; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[] };
    const results = doc.runs[0].results;
    expect(results.map((x) => [x.ruleId, x.locations[0].physicalLocation.region.startLine, x.locations[0].physicalLocation.region.startColumn])).toEqual(WARNINGS);
    expect(results.every((x) => x.locations[0].physicalLocation.artifactLocation.uri === 'app/Dockerfile')).toBe(true);
    expect(results.every((x) => /^[0-9a-f]{32}$/.test(x.partialFingerprints['dockerfileArgfix/v1']))).toBe(true);
    expect(results.map((x) => x.fixes !== undefined)).toEqual([true, false, false]);
  });

  test('-f gitlab -o FILE: the Code Quality report in the file, stderr empty; a correct text gives []', () => {
    const r = stdin(['--check', '-f', 'gitlab', '-o', 'gl.json']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: '' });
    const report = JSON.parse(readFileSync(join(cwd, 'gl.json'), 'utf8')) as { check_name: string; location: { path: string } }[];
    expect(report.map((i) => [i.check_name, i.location.path])).toEqual(WARNINGS.map(([rule]) => [rule, '<stdin>']));
    expect(stdin(['--check', '-f', 'gitlab'], 'ARG X=alpine\nFROM $X\n')).toEqual({ code: 0, stdout: '', stderr: '[]\n' });
  });

  test('-f github: the workflow commands then the text lines on stderr; with -o the commands go to the file', () => {
    const commands =
      "::warning file=<stdin>,line=1,col=6,title=UndefinedArgInFrom::FROM argument 'X' is not declared (fixed)%0Afix: hoisted ARG X (default: none)\n" +
      '::warning file=<stdin>,line=1,col=6,title=InvalidDefaultArgInFrom::Default value for ARG $X results in empty or invalid base image name (an empty name: invalid reference format)\n' +
      '::warning file=<stdin>,line=1,col=6,title=NeedsDefault::ARG X has no default, so FROM $X is still invalid without --build-arg X=…%0Ahint: supply one: --default X=VALUE, or "defaults: {X: VALUE}" in .dockerfile-argfix.yaml\n';
    const tail = 'would change: <stdin>\n1 to change, 0 unchanged, 0 skipped, 0 errors; 2 findings need a human (exit 1): InvalidDefaultArgInFrom, NeedsDefault\n';
    expect(stdin(['--check', '-f', 'github'])).toEqual({ code: 1, stdout: '', stderr: commands + tail });
    expect(stdin(['--check', '-f', 'github', '-o', 'gh.txt'])).toEqual({ code: 1, stdout: '', stderr: tail });
    expect(readFileSync(join(cwd, 'gh.txt'), 'utf8')).toBe(commands);
  });

  test('input that cannot be read: exit 2, nothing on stdout, the error in the SARIF invocation and on stderr with -o', () => {
    const r = stdin(['-f', 'sarif', '-o', 'bad.sarif'], 'FROM a\0b\n');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^dockerfile-argfix: <stdin>: .+\n$/);
    const doc = JSON.parse(readFileSync(join(cwd, 'bad.sarif'), 'utf8')) as { runs: { invocations: { executionSuccessful: boolean; toolExecutionNotifications: unknown[] }[] }[] };
    expect(doc.runs[0].invocations[0].executionSuccessful).toBe(false);
    expect(doc.runs[0].invocations[0].toolExecutionNotifications).toHaveLength(1);
  });
});

describe('--patch-dir is checked before anything is written', () => {
  test.each([
    ['a file', 'afile', 'is not a directory'],
    ['under a file', 'afile/patches', '/afile is not a directory'],
  ])('--write --patch-dir %s: exit 2, no file written, no patch', (_, patchDir, message) => {
    const dir = repo({ ...NEEDS_FIX, afile: 'x\n' });
    const r = sh(process.execPath, [bin, '--write', '--patch-dir', patchDir, '.'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^dockerfile-argfix: --patch-dir ${patchDir}: .*${message.replace(/\//g, '\\/')}; nothing written\\n$`));
    expect(read(dir, NEEDS_FIX)).toEqual(NEEDS_FIX);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  test('a directory that can be created (mkdir -p) is, after the files are written', () => {
    const dir = repo(NEEDS_FIX);
    const r = sh(process.execPath, [bin, '--write', '--patch-dir', 'out/patches', '.'], dir);
    expect(r.code).toBe(0);
    expect(read(dir, FIXED)).toEqual(FIXED);
    expect(readdirSync(join(dir, 'out/patches'))).toHaveLength(1);
    expect(existsSync(join(dir, 'out/patches', readdirSync(join(dir, 'out/patches'))[0]))).toBe(true);
  });
});

describe('README "Integrations" snippets', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Integrations'), readme.indexOf('## Library'));
  const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]) as Record<string, unknown>);

  test('pin this version, name the shipped hooks, inputs and output, and include the shipped template', () => {
    expect(blocks).toHaveLength(3);
    const [precommit, workflow, gitlab] = blocks as [any, any, any];
    expect(precommit.repos[0].rev).toBe(`v${version}`);
    const ids = (parse(readFileSync(join(root, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string }[]).map((h) => h.id);
    expect(ids).toContain(precommit.repos[0].hooks[0].id);
    const steps = workflow.jobs['dockerfile-argfix'].steps;
    expect(steps[1].uses).toBe(`dockerfile-argfix/dockerfile-argfix@v${version}`);
    const action = parse(readFileSync(join(root, 'action.yml'), 'utf8'));
    expect(Object.keys(steps[1].with).filter((k) => !(k in action.inputs))).toEqual([]);
    expect(steps[1].with['sarif-file']).toBe(action.inputs['sarif-file'].default);
    expect(steps[2].with.sarif_file).toBe(`\${{ steps.${steps[1].id}.outputs.sarif-file }}`);
    expect(gitlab.include[0].remote).toBe(`https://cdn.jsdelivr.net/npm/dockerfile-argfix@${version}/templates/dockerfile-argfix.gitlab-ci.yml`);
    expect(existsSync(join(root, 'templates/dockerfile-argfix.gitlab-ci.yml'))).toBe(true);
    expect(section).toContain(`npx --yes dockerfile-argfix@${version} --check -f gitlab`);
  });
});
