/**
 * Which Dockerfile a build command builds when its context is not static, and how combined short flags are
 * read (issue 14 "smaller defects", issue 10 item 11). A literal -f that the builder resolves against the
 * working directory names the Dockerfile whatever the context (docker, nerdctl: always; podman, buildah, kaniko:
 * when that path exists, since they try it before the context-relative one; buildctl: `--local dockerfile=DIR`).
 * Short flags combine as in cobra/pflag: booleans, then one flag that takes the rest of the word or the next one.
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

describe('a literal -f with a context that is not static', () => {
  test.each([
    ['docker build -f docker/Dockerfile $CTX', 'docker/Dockerfile'],
    ['docker buildx build --file=docker/Dockerfile -t app "$CTX"', 'docker/Dockerfile'],
    ['docker image build --file docker/Dockerfile ${CI_PROJECT_DIR}/$SERVICE', 'docker/Dockerfile'],
    ['nerdctl build -f docker/Dockerfile $CTX', 'docker/Dockerfile'],
    ['podman build -f docker/Containerfile $CTX', 'docker/Containerfile'],
    ['buildah bud -f docker/Dockerfile $CTX', 'docker/Dockerfile'],
    ['/kaniko/executor --dockerfile docker/Dockerfile --context dir://$CTX --destination x', 'docker/Dockerfile'],
    ['buildctl build --frontend dockerfile.v0 --local context=$CTX --local dockerfile=docker', 'docker/Dockerfile'],
    ['buildctl build --frontend dockerfile.v0 --local context=$CTX --local dockerfile=docker --opt filename=Containerfile', 'docker/Containerfile'],
    ['cd sub && docker build -f docker/Dockerfile $CTX', 'sub/docker/Dockerfile'],
  ])('%s builds %s', (script, dockerfile) => {
    expect(resolved(script)).toEqual({ dockerfile });
  });

  test.each([
    // podman, buildah and kaniko try the path from the working directory first, then inside the context.
    ['podman build -f Containerfile.ci $CTX', 'the build context is not a static path'],
    ['buildah bud -f Dockerfile.ci $CTX', 'the build context is not a static path'],
    ['/kaniko/executor --dockerfile Dockerfile.ci --context $CTX --destination x', 'the build context is not a static path'],
    // no -f: the Dockerfile is inside the context
    ['docker build -t app $CTX', 'the build context is not a static path'],
    ['buildctl build --frontend dockerfile.v0 --local context=$CTX', 'the build context is not a static path'],
    // two positional words: the command line is not understood
    ['docker build -f docker/Dockerfile $CTX other', 'the build context is not a static path'],
    ['docker build -f $DOCKERFILE $CTX', 'the build context is not a static path'],
    ['docker build -f $DOCKERFILE .', 'the Dockerfile path is not static'],
    ['docker build -f ../Dockerfile $CTX', 'the Dockerfile is outside the repository'],
  ])('%s: %s', (script, unresolved) => {
    expect(resolved(script)).toEqual({ dockerfile: null, unresolved });
  });
});

describe('podman and buildah without a context argument', () => {
  // buildah-build(1): "If no context directory is specified, then Buildah will assume the current working
  // directory as build context"; podman-build(1): "When invoked with -f and a path to a Containerfile, with no
  // explicit CONTEXT directory, Podman uses the Containerfile's parent directory as its build context". Both read
  // the -f path from the working directory first. docker needs the argument ("docker build" requires 1 argument).
  test.each([
    ['podman build --file docker/Containerfile --tag x', '', 'docker/Containerfile'],
    ['podman build -t x', '', 'Dockerfile'],
    ['podman build -t x', 'docker', 'docker/Containerfile'],
    ['buildah bud -f Dockerfile -t x', 'sub/docker', 'sub/docker/Dockerfile'],
    ['buildah bud -t x', '', 'Dockerfile'],
    ['cd docker && buildah build --layers', '', 'docker/Containerfile'],
  ])('%s (from %j) builds %s', (script, cwd, dockerfile) => {
    expect(resolved(script, cwd)).toEqual({ dockerfile });
  });

  test.each([
    ['docker build -f docker/Dockerfile -t x', 'no build context'],
    ['nerdctl build -t x', 'no build context'],
  ])('%s: %s', (script, unresolved) => {
    expect(resolved(script)).toEqual({ dockerfile: null, unresolved });
  });
});

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

describe('`--` ends the options (issue 10 item 4)', () => {
  const read = (src: string) => {
    const b = recognise(parseShell(src).calls[0], src, new Map())!;
    return { file: b.file, context: b.context, passed: b.passed.map((p) => p.name), starts: b.starts, endOfOptions: b.endOfOptions };
  };

  test.each([
    ['docker build -t x -- .', { file: undefined, context: '.', passed: [], starts: [2, 4], endOfOptions: 4 }],
    // After `--` a word that looks like a flag is an operand: two operands, so the context is not known.
    ['docker build -- -f docker/Dockerfile .', { file: undefined, context: null, passed: [], starts: [2], endOfOptions: 2 }],
    ['podman build -- --build-arg A=1', { file: undefined, context: null, passed: [], starts: [2], endOfOptions: 2 }],
    ['buildah bud --layers -- .', { file: undefined, context: '.', passed: [], starts: [2, 3], endOfOptions: 3 }],
    ['/kaniko/executor --context . --', { file: undefined, context: '.', passed: [], starts: [1, 3], endOfOptions: 3 }],
    ['buildctl build --local context=. --', { file: undefined, context: '.', passed: [], starts: [2, 4], endOfOptions: 4 }],
    ['docker build -t x .', { file: undefined, context: '.', passed: [], starts: [2, 4], endOfOptions: null }],
  ])('%s', (src, want) => {
    expect(read(src)).toEqual(want);
  });

  test('a build after `--` still resolves its Dockerfile from the one operand', () => {
    expect(resolved('docker build -f docker/Dockerfile -- .')).toEqual({ dockerfile: 'docker/Dockerfile' });
    expect(resolved('podman build -- docker')).toEqual({ dockerfile: 'docker/Containerfile' });
  });
});
