/**
 * The values CI jobs give variables (transforms/support/ci-args.ts jobValue), as checked by CiValueInvalidReference:
 * GitLab expands `$V`/`${V}` in a variable's value once with Go's os.Expand over the job's variables as written
 * (gitlab-runner common JobVariables.ExpandValue and Get: `$$` is `$`, an unknown name is ""); a matrix job's
 * values; and the exact findings of the matrix and compose fixtures.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildJobModel } from '../src/ci/jobs.js';
import { loadCiFile } from '../src/ci/yaml.js';
import { jobValue } from '../transforms/support/ci-args.js';
import { runJson } from './support/ci-fixtures.js';

function job(yaml: string) {
  const file = loadCiFile('.gitlab-ci.yml', yaml, [])!;
  return buildJobModel({ files: [file], external: [], unreadable: [] }).jobs.find((j) => j.name === 'build')!;
}

describe('GitLab job values', () => {
  test.each([
    ['a literal', 'V: registry.example.com', 'registry.example.com'],
    ['a literal of the job, $NAME', 'R: reg.example.com\n  V: $R/img', 'reg.example.com/img'],
    ['a literal of the job, ${NAME}', 'R: reg.example.com\n  V: ${R}/img', 'reg.example.com/img'],
    ['$$ is a dollar sign', 'V: a$$b', 'a$b'],
    ['a name no variable can have is empty (the ${FROM ${X}/ typo)', 'V: ${FROM ${CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX}/', '/'],
    ['an unclosed ${ is dropped', 'V: "a${b"', 'ab'],
    ['${} is dropped', 'V: "a${}b"', 'ab'],
    ['a $ before no name stays', 'V: "a$/b"', 'a$/b'],
    ['a trailing $ stays', 'V: "a$"', 'a$'],
    ['a predefined variable is unknown', 'V: ${CI_REGISTRY_IMAGE}/app', null],
    ['a variable that expands another is unknown (expanded once)', 'R: $CI_SERVER_HOST\n  V: $R/app', null],
    ['an empty value is no value', 'V: ""', null],
    ['expand: false is taken as written', 'V:\n    value: a$$b/$R\n    expand: false', 'a$$b/$R'],
  ])('%s', (_what, vars, value) => {
    expect(jobValue(job(`variables:\n  ${vars}\nbuild:\n  script:\n    - docker build .\n`), 'V')).toBe(value);
  });

  test('a matrix key is unknown', () => {
    expect(jobValue(job('build:\n  parallel:\n    matrix:\n      - V: [a, b]\n  script:\n    - docker build .\n'), 'V')).toBe(null);
  });

  // One job of the matrix (a cell of Job.matrix) gives the matrix variable its own value (parallel:matrix).
  test.each([
    ['its matrix value', 'V', 0, 'a'],
    ['the other job of the matrix', 'V', 1, 'b:c'],
    ['a variable that expands a matrix variable', 'W', 1, 'img:b:c'],
    ['a job of another entry, without the variable: unknown (not the job\'s own value)', 'V', 2, null],
  ])('a matrix job: %s', (_what, name, index, value) => {
    const j = job('variables:\n  V: own\nbuild:\n  variables:\n    W: img:$V\n  parallel:\n    matrix:\n      - V: [a, "b:c"]\n      - P: x\n  script:\n    - docker build .\n');
    expect(j.matrix!.map((c) => Object.fromEntries(c))).toEqual([{ V: 'a' }, { V: 'b:c' }, { P: 'x' }]);
    expect(jobValue(j, name, j.matrix![index])).toBe(value);
  });
});

/**
 * The CiValueInvalidReference findings of the matrix and compose fixtures, exactly (the fixture harness checks
 * the rules only): each names the job with the matrix values that break the reference, or the compose service
 * and the job that runs it, the value, and where to correct it.
 */
describe('CiValueInvalidReference messages', () => {
  const fixtures = fileURLToPath(new URL('../__fixtures__/', import.meta.url));
  const temps: string[] = [];
  afterAll(() => {
    for (const d of temps) rmSync(d, { recursive: true, force: true });
  });
  const slim = 'FROM python:${BASE_TAG} becomes "python:3.12:slim", which is not a valid reference (invalid reference format)';
  test.each([
    ['gitlab-ci/ci-value-matrix-invalid', [`.gitlab-ci.yml: job 'build' with matrix BASE_TAG=3.12:slim passes BASE_TAG="3.12:slim" to Dockerfile: ${slim} | correct BASE_TAG (parallel:matrix in .gitlab-ci.yml:7)`]],
    [
      'github-actions/matrix-env-invalid-reference',
      [
        `.github/workflows/ci.yml: job 'image, step 2' with matrix tag=3.12:slim passes BASE_TAG="3.12:slim" (written \${{ matrix.tag }}) to Dockerfile: ${slim} | correct BASE_TAG (job env in .github/workflows/ci.yml:12)`,
        `.github/workflows/ci.yml: job 'image, step 3' with matrix tag=3.12:slim passes BASE_TAG="3.12:slim" (written \${{ matrix.tag }}) to Dockerfile: ${slim} | correct BASE_TAG (job env in .github/workflows/ci.yml:12)`,
      ],
    ],
    ['azure/matrix-value-invalid-reference', [`azure-pipelines.yml: job 'job 'build', step 1' with matrix BASE_TAG=3.12:slim passes BASE_TAG="3.12:slim" to Dockerfile: ${slim} | correct BASE_TAG (strategy.matrix in azure-pipelines.yml:9)`]],
    ['circleci/matrix-value-invalid-reference', [`.circleci/config.yml: job 'build, run 1' with matrix tag=3.12:slim passes BASE_TAG="3.12:slim" (written << parameters.tag >>) to Dockerfile: ${slim} | correct BASE_TAG (job environment in .circleci/config.yml:12)`]],
    [
      'compose/ci-value-invalid-reference',
      [
        `compose.ci.yaml: compose service 'api' run by job 'build' with matrix BASE_TAG=3.12:slim passes BASE_TAG="3.12:slim" (written \${BASE_TAG}) to api/Dockerfile: ${slim} | correct BASE_TAG (parallel:matrix in .gitlab-ci.yml:10)`,
        `compose.ci.yaml: compose service 'tools' passes TOOLS_IMAGE="alpine:3.20:edge" to tools/Dockerfile: FROM \${TOOLS_IMAGE} becomes "alpine:3.20:edge", which is not a valid reference (invalid reference format) | correct TOOLS_IMAGE (build.args of service 'tools' in compose.ci.yaml:14)`,
        `compose.ci.yaml: compose service 'worker' run by job 'build' passes WORKER_BASE="Python:3.12" to worker/Dockerfile: FROM \${WORKER_BASE} becomes "Python:3.12", which is not a valid reference (invalid reference format: repository name (library/Python) must be lowercase) | correct WORKER_BASE (global variables in .gitlab-ci.yml:5)`,
      ],
    ],
  ])('%s', async (fixture, lines) => {
    const dir = mkdtempSync(join(tmpdir(), 'argfix-values-'));
    temps.push(dir);
    cpSync(join(fixtures, fixture, 'input'), dir, { recursive: true });
    mkdirSync(join(dir, '.git'));
    const { report } = await runJson<{ files: { path: string; findings: { rule: string; message: string; fix?: string }[] }[] }>(dir, false);
    const got = report.files.flatMap((f) => f.findings.filter((x) => x.rule === 'CiValueInvalidReference').map((x) => `${f.path}: ${x.message} | ${x.fix}`));
    expect(got.sort()).toEqual(lines);
  });
});
