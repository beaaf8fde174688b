/**
 * Job matrices (src/ci/matrix.ts, issue 13 item 1): the jobs a GitHub `strategy.matrix` and a GitLab
 * `parallel:matrix` run, as docs.github.com "Running variations of jobs in a workflow" (exclude first, then
 * include: added to the combinations whose original values it keeps, else a combination of its own) and
 * docs.gitlab.com parallel:matrix describe them; the masking of `${{ matrix.KEY }}` in run: scripts.
 */
import { describe, expect, test } from '@jest/globals';
import { isMap } from 'yaml';
import { gitlabMatrixCells } from '../src/ci/jobs.js';
import { maskGithub, matrixKeyOf } from '../src/ci/mask.js';
import { githubMatrixCells, substituteMatrix, type MatrixCell } from '../src/ci/matrix.js';
import { loadCiFile } from '../src/ci/yaml.js';

function matrixOf(yaml: string, github = true): MatrixCell[] | null {
  const file = loadCiFile('ci.yml', yaml, [])!;
  const root = file.doc.contents;
  if (!isMap(root)) throw new Error('not a map');
  const node = root.get('matrix', true) as never;
  return github ? githubMatrixCells(file, node) : gitlabMatrixCells(file, node);
}
const plain = (cells: MatrixCell[] | null) => cells?.map((c) => Object.fromEntries(c)) ?? null;

describe('GitHub strategy.matrix', () => {
  test('the product of the lists, in order', () => {
    expect(plain(matrixOf('matrix:\n  os: [a, b]\n  v: [1, 2]\n'))).toEqual([
      { os: 'a', v: '1' },
      { os: 'a', v: '2' },
      { os: 'b', v: '1' },
      { os: 'b', v: '2' },
    ]);
  });
  test('exclude removes partial matches before include adds', () => {
    const m = 'matrix:\n  os: [a, b]\n  v: [1, 2]\n  exclude:\n    - os: b\n  include:\n    - os: b\n      v: 3\n';
    expect(plain(matrixOf(m))).toEqual([{ os: 'a', v: '1' }, { os: 'a', v: '2' }, { os: 'b', v: '3' }]);
  });
  test('include extends the combinations whose original values it keeps, never overwriting them', () => {
    // The docs' example: {color: green} joins every combination; {fruit: apple, shape: circle} only the apples.
    const m = 'matrix:\n  fruit: [apple, pear]\n  animal: [cat]\n  include:\n    - color: green\n    - color: pink\n      animal: cat\n    - fruit: apple\n      shape: circle\n    - fruit: banana\n';
    expect(plain(matrixOf(m))).toEqual([
      { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
      { fruit: 'pear', animal: 'cat', color: 'pink' },
      { fruit: 'banana' },
    ]);
  });
  test('only include: each entry is a job', () => {
    expect(plain(matrixOf('matrix:\n  include:\n    - f: a.Dockerfile\n    - f: b.Dockerfile\n      ctx: b\n'))).toEqual([{ f: 'a.Dockerfile' }, { f: 'b.Dockerfile', ctx: 'b' }]);
  });
  test('object values are read as key.sub', () => {
    expect(plain(matrixOf('matrix:\n  img:\n    - {name: api, dir: images/api}\n'))).toEqual([{ 'img.name': 'api', 'img.dir': 'images/api' }]);
  });
  test('expressions cannot be read', () => {
    expect(matrixOf('matrix: ${{ fromJSON(needs.a.outputs.m) }}\n')).toBeNull();
    expect(matrixOf('matrix:\n  f: ${{ fromJSON(needs.a.outputs.f) }}\n')).toBeNull();
    expect(matrixOf('matrix:\n  f: [a, "${{ inputs.f }}"]\n')).toBeNull();
  });
  test('substituteMatrix: a key of other jobs is empty, an unknown key or another expression is not known', () => {
    const cells = [new Map([['f', 'a']]), new Map([['g', 'b']])];
    expect(substituteMatrix('x/${{ matrix.f }}/y', cells, cells[0])).toBe('x/a/y');
    expect(substituteMatrix('x/${{matrix.f}}', cells, cells[1])).toBe('x/');
    expect(substituteMatrix('${{ matrix.h }}', cells, cells[0])).toBeNull();
    expect(substituteMatrix('${{ matrix.f }}${{ env.X }}', cells, cells[0])).toBeNull();
  });
  test('maskGithub keeps lengths and names the key', () => {
    const s = 'docker build -f ./${{ matrix.docker-file }} ${{ github.sha }} ${{matrix.a}}';
    const m = maskGithub(s);
    expect(m.length).toBe(s.length);
    const names = [...m.matchAll(/\$(\w+)/g)].map((x) => x[1]);
    expect(names.map((n) => matrixKeyOf(n, ['docker-file', 'a']))).toEqual(['docker-file', undefined, 'a']);
    expect(matrixKeyOf(names[0], ['docker-file', 'docker_file'])).toBeNull();
  });
});

describe('GitLab parallel:matrix', () => {
  test('each entry is the product of its values', () => {
    expect(plain(matrixOf('matrix:\n  - A: [x, y]\n    B: z\n  - A: w\n', false))).toEqual([{ A: 'x', B: 'z' }, { A: 'y', B: 'z' }, { A: 'w' }]);
  });
  test('a value that expands a variable cannot be read', () => {
    expect(matrixOf('matrix:\n  - A: [$X]\n', false)).toBeNull();
  });
});
