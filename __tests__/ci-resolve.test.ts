/**
 * How combined short flags are read (issue 10 item 11): as in cobra/pflag, flags without a value, then one
 * flag that takes the rest of the word or the next one.
 */
import { describe, expect, test } from '@jest/globals';
import { recognise } from '../src/ci/builders.js';
import { parseShell } from '../src/ci/shell.js';
import { scanScript, type RepoView } from '../src/ci/steps.js';

const FILES = new Set(['Dockerfile', 'docker/Dockerfile', 'docker/Containerfile', 'sub/docker/Dockerfile']);
const repo: RepoView = { exists: (p) => FILES.has(p), read: () => null };

function resolved(script: string, cwd = ''): { dockerfile: string | null; unresolved?: string } {
  const [b] = scanScript(script, cwd, repo);
  return b.unresolved === undefined ? { dockerfile: b.dockerfile } : { dockerfile: b.dockerfile, unresolved: b.unresolved };
}

describe('combined short flags', () => {
  test.each([
    ['docker build -qt app .', 'Dockerfile'],
    ['docker build -qt=app .', 'Dockerfile'],
    ['docker build -qtapp .', 'Dockerfile'],
    ['docker build -qf docker/Dockerfile .', 'docker/Dockerfile'],
    ['docker build -qf=docker/Dockerfile .', 'docker/Dockerfile'],
    ['podman build -qt app -f docker/Containerfile .', 'docker/Containerfile'],
    ['docker build -qt $IMAGE:$TAG .', 'Dockerfile'],
  ])('%s builds %s', (script, dockerfile) => {
    expect(resolved(script)).toEqual({ dockerfile });
  });

  test('the value of the flag is not a positional word, and new flags are never written before it', () => {
    const src = 'docker build -qt app --build-arg A=1 -qf docker/Dockerfile .';
    const b = recognise(parseShell(src).calls[0], src, new Map())!;
    expect({ file: b.file, context: b.context, contextIndex: b.contextIndex, passed: b.passed.map((p) => `${p.name}=${p.raw}`), starts: b.starts }).toEqual({
      file: 'docker/Dockerfile',
      context: '.',
      contextIndex: 8,
      passed: ['A=1'],
      starts: [2, 4, 6, 8],
    });
  });

  test('-tq is a tag "q": the next word is then a second positional', () => {
    expect(resolved('docker build -tq app .')).toEqual({ dockerfile: null, unresolved: 'the build context is not a static path' });
  });
});
