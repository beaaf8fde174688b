/**
 * The package as a user gets it: `npm pack` (prepack: clean build) of a copy of this repository, then
 * `npm install <tarball>` into an empty project (dependencies from the npm registry, so this suite needs the
 * network and takes a while; it has its own long timeouts). Checks the tarball's exact file list (built
 * JavaScript and type declarations, LICENSE, README, package.json; no sources, tests, fixtures, benchmarks or
 * source maps), that it has no install script and npm prints no install-script warning, the CLI through npx, the
 * README's Library example through `import 'dockerfile-argfix'`, and a TypeScript consumer type-checked against
 * the installed declarations (moduleResolution nodenext), and that the internal modules are not importable.
 *
 * npm's install-script advisory (npm >= 11.16, RFC npm/rfcs#868) lists preinstall, install, postinstall and, for
 * non-registry sources such as a tarball or git, prepare (docs.npmjs.com/cli/v11/commands/npm-approve-scripts).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readmeExample } from './support/readme.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const SLOW = 10 * 60 * 1000;

let work: string;
let tarball: string;
let project: string;
let install: { code: number | null; output: string };

/**
 * The environment for a child npm: the caller's minus the npm_* variables an `npm test` run exports (its
 * lifecycle, its package, and configs such as `loglevel=silent` from `npm test -s`, which would hide a warning);
 * the network settings stay.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_registry', 'npm_config_cache', 'npm_config_userconfig', 'npm_config_globalconfig', 'npm_config_cafile', 'npm_config_proxy', 'npm_config_https_proxy', 'npm_config_noproxy', 'npm_config_strict_ssl']);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) || keep.has(k.toLowerCase())) env[k] = v;
  return { ...env, NO_COLOR: '1' };
}

function run(cmd: string, args: string[], cwd: string, options: SpawnSyncOptions = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: npmEnv(), maxBuffer: 64 * 1024 * 1024, ...options });
  if (r.error) throw r.error;
  return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Every file under `dir`, relative, with `/`. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'argfix-pkg-'));
  // Pack a copy: prepack cleans and rebuilds dist/, which the other suites running in parallel use.
  const copy = join(work, 'repo');
  const skip = new Set(['node_modules', 'dist', '.git', 'coverage']);
  cpSync(root, copy, { recursive: true, filter: (src) => {
    const rel = relative(root, src);
    return !skip.has(rel.split(sep)[0]) && !rel.endsWith('.tgz');
  } });
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const packs = join(work, 'packs');
  mkdirSync(packs);
  const packed = run('npm', ['pack', '--json', '--pack-destination', packs], copy);
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  tarball = join(packs, (JSON.parse(packed.stdout) as { filename: string }[])[0].filename);

  project = join(work, 'consumer');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2));
  const r = run('npm', ['install', tarball, '--no-audit', '--no-fund', '--loglevel=notice'], project);
  install = { code: r.code, output: r.stdout + r.stderr };
}, SLOW);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  test('the tarball holds exactly the built JavaScript and declarations of src/ and transforms/, the GitLab CI template, LICENSE, README and package.json', () => {
    const listed = run('tar', ['-tzf', tarball], work);
    expect(listed.code).toBe(0);
    const files = listed.stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, '')).sort();
    // Hand-written declarations of untyped dependencies (src/ci/mvdan-sh.d.ts) are not emitted, and none is needed by the API.
    const sources = ['src', 'transforms'].flatMap((d) => walk(join(root, d)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => `${d}/${f.slice(0, -3)}`));
    const expected = ['LICENSE', 'README.md', 'package.json', 'templates/dockerfile-argfix.gitlab-ci.yml', ...sources.flatMap((s) => [`dist/${s}.js`, `dist/${s}.d.ts`])].sort();
    expect(files).toEqual(expected);
  });

  test('the packed package.json has no install script, the entry points, the metadata; the LICENSE is MIT', () => {
    const installed = join(project, 'node_modules', pkg.name);
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) expect(manifest.scripts?.[script]).toBeUndefined();
    expect(manifest.exports).toEqual({ '.': { types: './dist/src/index.d.ts', default: './dist/src/index.js' }, './package.json': './package.json' });
    expect(manifest.types).toBe('./dist/src/index.d.ts');
    expect(manifest.bin).toEqual({ 'dockerfile-argfix': 'dist/src/bin.js' });
    expect(manifest.license).toBe('MIT');
    expect(manifest.repository).toEqual({ type: 'git', url: 'git+https://github.com/dockerfile-argfix/dockerfile-argfix.git' });
    expect(manifest.bugs).toEqual({ url: 'https://github.com/dockerfile-argfix/dockerfile-argfix/issues' });
    expect(manifest.homepage).toBe('https://github.com/dockerfile-argfix/dockerfile-argfix#readme');
    const license = readFileSync(join(installed, 'LICENSE'), 'utf8');
    expect(license.startsWith('MIT License\n\nCopyright (c) 2026 dockerfile-argfix contributors\n')).toBe(true);
    // No source map is shipped, and no built file points at one.
    const js = walk(join(installed, 'dist')).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(10);
    for (const f of js) expect(readFileSync(join(installed, 'dist', f), 'utf8')).not.toContain('sourceMappingURL');
  });
});

describe('installed from the tarball', () => {
  test('npm install succeeds and prints no install-script warning', () => {
    expect(install.output).not.toMatch(/install[- ]?scripts?/i);
    expect(install.code).toBe(0);
  });

  test('npx dockerfile-argfix --version prints the version; the CLI fixes the seed scenario', () => {
    const v = run('npx', ['dockerfile-argfix', '--version'], project);
    expect(v).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    cpSync(join(root, 'examples/seed'), join(project, 'examples/seed'), { recursive: true });
    const dry = run('npx', ['dockerfile-argfix', '--no-ci', 'examples/seed'], project);
    expect(dry.stdout).toBe(
      '--- a/examples/seed/Dockerfile\n+++ b/examples/seed/Dockerfile\n@@ -1,3 +1,5 @@\n' +
        '+ARG CI_REGISTRY_IMAGE=registry.gitlab.com/example/mytorch\n+ARG CI_COMMIT_BEFORE_SHA=latest\n' +
        ' FROM $CI_REGISTRY_IMAGE:$CI_COMMIT_BEFORE_SHA\n \n COPY mytorch/ /home/model-server/mydata/\n',
    );
    expect(dry.code).toBe(0);
  }, SLOW);

  test("the README's Library example, as a user's .mjs file, prints what the README says", () => {
    const { code, output } = readmeExample(root);
    cpSync(join(root, 'examples/seed'), join(project, 'examples/seed'), { recursive: true });
    writeFileSync(join(project, 'example.mjs'), code);
    expect(run(process.execPath, ['example.mjs'], project)).toEqual({ code: 0, stdout: output, stderr: '' });
  }, SLOW);

  test('plan on worker threads (the installed dist/src/worker.js) gives the in-thread result', () => {
    for (const name of ['a', 'b']) {
      cpSync(join(root, 'examples/seed'), join(project, 'fleet', name), { recursive: true });
      mkdirSync(join(project, 'fleet', name, '.git'));
    }
    writeFileSync(
      join(project, 'threads.mjs'),
      "import { plan } from 'dockerfile-argfix';\n" +
        "const one = await plan(['fleet'], { jobs: 1 });\nconst two = await plan(['fleet'], { jobs: 2 });\n" +
        'console.log(JSON.stringify(one) === JSON.stringify(two), one.report.repos.map((r) => r.repo).join(), two.changes.length);\n',
    );
    expect(run(process.execPath, ['threads.mjs'], project)).toEqual({ code: 0, stdout: 'true fleet/a,fleet/b 4\n', stderr: '' });
  }, SLOW);

  test('a TypeScript consumer type-checks against the installed declarations (nodenext, strict, no @types/node); a wrong type is caught', () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { DockerfileArgfixError, fixDockerfile, plan, RULES } from 'dockerfile-argfix';
import type { FileReport, Finding, FixDockerfileOptions, FixDockerfileResult, Hoisted, PlanOptions, PlanResult, PlannedChange, Report, RuleName, Summary } from 'dockerfile-argfix';

const options: FixDockerfileOptions = { defaults: new Map([['IMAGE', 'alpine']]), path: 'Dockerfile', ignore: ['CiBeforeShaZeros'] };
const fixed: FixDockerfileResult = fixDockerfile('FROM $IMAGE\\n', options);
const text: string = fixed.text;
const findings: readonly Finding[] = fixed.findings;
const rule: RuleName = findings[0].rule;
const hoisted: Hoisted | undefined = fixed.hoisted[0];
const severity: 'error' | 'warning' | 'info' = RULES[rule].severity;
const planOptions: PlanOptions = { cwd: '.', ci: ['gitlab', 'github'], defaults: { TAG: 'latest' }, jobs: 2 };
const result: PlanResult = await plan(['.'], planOptions);
const report: Report = result.report;
const files: FileReport[] = report.files;
const summary: Summary = report.summary;
const changes: PlannedChange[] = result.changes;
const error: DockerfileArgfixError | null = null;
export { text, hoisted, severity, files, summary, changes, error };
`,
    );
    writeFileSync(join(project, 'wrong.ts'), "import { fixDockerfile } from 'dockerfile-argfix';\nexport const n: number = fixDockerfile('FROM x\\n').text;\n");
    const config = (file: string) => ({ compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, types: [] }, files: [file] });
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(config('consumer.ts')));
    writeFileSync(join(project, 'tsconfig.wrong.json'), JSON.stringify(config('wrong.ts')));
    expect(run(process.execPath, [tsc, '-p', 'tsconfig.json'], project)).toEqual({ code: 0, stdout: '', stderr: '' });
    const wrong = run(process.execPath, [tsc, '-p', 'tsconfig.wrong.json'], project);
    expect(wrong.stdout).toContain("wrong.ts(2,14): error TS2322: Type 'string' is not assignable to type 'number'.");
    expect(wrong.code).not.toBe(0);
  }, SLOW);

  test('only the entry point is exported: an internal module cannot be imported', () => {
    const r = run(process.execPath, ['--input-type=module', '-e', "await import('dockerfile-argfix/dist/src/run.js')"], project);
    expect(r.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(r.code).not.toBe(0);
  }, SLOW);
});
