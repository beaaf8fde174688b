/**
 * The values CI jobs give variables (transforms/support/ci-args.ts jobValue), as checked by CiValueInvalidReference:
 * GitLab expands `$V`/`${V}` in a variable's value once with Go's os.Expand over the job's variables as written
 * (gitlab-runner common JobVariables.ExpandValue and Get: `$$` is `$`, an unknown name is "").
 */
import { describe, expect, test } from '@jest/globals';
import { buildJobModel } from '../src/ci/jobs.js';
import { loadCiFile } from '../src/ci/yaml.js';
import { jobValue } from '../transforms/support/ci-args.js';

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
