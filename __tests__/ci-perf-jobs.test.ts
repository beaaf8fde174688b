/**
 * The GitLab job model looks keys up through an index per map (src/ci/jobs.ts keyIndex), and duplicate keys
 * are found with a set per map (src/ci/yaml.ts): many jobs merging one anchor cost linear work, counted here
 * (reads of the root map's pairs), not timed. A duplicate key among thousands is still refused.
 */
import { describe, expect, test } from '@jest/globals';
import { isMap, type YAMLMap } from 'yaml';
import { buildJobModel } from '../src/ci/jobs.js';
import { CiYamlError, parseCiText } from '../src/ci/yaml.js';

const pipeline = (jobs: number) => {
  let t = 'variables:\n  GLOBAL: "1"\n.tpl: &tpl\n  image: docker:27\n  script:\n    - docker build -t x .\n';
  for (let i = 0; i < jobs; i++) t += `job${i}:\n  <<: *tpl\n  variables:\n    A${i}: "x"\n`;
  return t;
};

/** Builds the model of `jobs` jobs and counts how often the root map's pairs are read. */
function rootReads(jobs: number): number {
  const file = parseCiText('.gitlab-ci.yml', pipeline(jobs));
  const root = file.doc.contents as YAMLMap;
  expect(isMap(root)).toBe(true);
  let reads = 0;
  root.items = new Proxy(root.items, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && /^\d+$/.test(prop)) reads++;
      return Reflect.get(target, prop, receiver);
    },
  });
  const model = buildJobModel({ files: [file], external: [], unreadable: [] });
  expect(model.jobs).toHaveLength(jobs);
  expect(model.jobs.every((j, i) => j.items.length === 1 && j.variables.has(`A${i}`) && j.variables.has('GLOBAL'))).toBe(true);
  return reads;
}

describe('job model: linear in the number of jobs', () => {
  test('8,000 jobs read the root map about 4 times as often as 2,000 (not 16)', () => {
    const small = rootReads(2000);
    const large = rootReads(8000);
    expect(large / small).toBeLessThan(5);
    expect(large).toBeLessThan(8000 * 4);
  });

  test('a duplicate key among thousands of jobs is still refused, at the second key', () => {
    const text = `${pipeline(3000)}job17:\n  script: [echo]\n`;
    let err: unknown;
    try {
      parseCiText('.gitlab-ci.yml', text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CiYamlError);
    expect((err as CiYamlError).message).toMatch(/^invalid YAML: duplicate key/);
    expect((err as CiYamlError).line).toBe(text.split('\n').length - 2);
  });
});
