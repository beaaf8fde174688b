/**
 * findSteps skips the parse of a script item that `inert` accepts. That is only sound if, parsed, such an item
 * does nothing findSteps looks for: no call it recognises as a build, no `cd`/`pushd`, no assignment or
 * declaration reaching the job's variables, no script file run — whatever the variables hold. Checked here on
 * the parse (parseShellReference, the unoptimised reader) of every script inert accepts, generated and from the
 * fixtures, and inert must refuse everything that could matter.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { recognise } from '../src/ci/builders.js';
import { recogniseCompose } from '../src/ci/compose-cli.js';
import { evalWord, literalPrefix, parseShellReference } from '../src/ci/shell.js';
import { inert, maskExpressions } from '../src/ci/steps.js';
import { fixtureStrings } from './support/fixture-files.js';

/** Variables holding paths, so that any `$NAME` first word would look like a script path if it could be one. */
const ENV = new Map<string, string | null>(['A', 'B', 'X', 'IMG', 'SCRIPT', 'CI_PROJECT_DIR', 'CI_REGISTRY_IMAGE', 'CI_COMMIT_SHA', '___'].map((n) => [n, `dir/${n}.sh`]));

/** What findSteps does with a script's calls, reduced to "does anything at all". */
function effects(text: string): string[] {
  const out: string[] = [];
  for (const call of parseShellReference(text).calls) {
    if (call.kind === 'decl' || call.words.length === 0) {
      if (call.assigns.length) out.push(`assigns ${call.assigns.map((a) => a.name).join(',')}`);
    }
    if (call.kind !== 'call' || call.words.length === 0) continue;
    const w0 = literalPrefix(call.words[0]);
    if (w0.complete && (w0.text === 'cd' || w0.text === 'pushd')) out.push('cd');
    if (recognise(call, text, ENV)) out.push('build');
    if (recogniseCompose(call, text, ENV)) out.push('compose');
    const k = w0.complete && /^(bash|sh|zsh|ash|dash|source|\.)$/.test(w0.text) ? 1 : 0;
    const p = call.words[k] ? evalWord(call.words[k], ENV) : null;
    if (p && (k === 1 || p.includes('/'))) out.push(`script ${p}`);
  }
  return out;
}

describe('inert: script items findSteps need not parse', () => {
  test('accepts plain commands that build nothing', () => {
    for (const t of [
      'docker push $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA',
      'docker login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY',
      'kubectl set image deployment/api api=$CI_REGISTRY_IMAGE/api:$CI_COMMIT_SHA',
      'make test',
      'go test ./...',
      'echo ok\nls -la\n',
      '  pytest -q  ',
      '',
    ]) {
      expect(inert(t)).toBe(true);
      expect(effects(t)).toEqual([]);
    }
  });

  test('refuses anything that may build, change directory or variables, or run a script', () => {
    for (const t of [
      'docker build .',
      'docker buildx build .',
      'buildah bud .',
      '/kaniko/executor --context .',
      'docker compose up -d web',
      'docker-compose -f compose.ci.yml up',
      'sudo docker build .',
      "'docker' build .",
      'do\\cker build .',
      'cd app',
      'pushd app',
      'FOO=bar',
      'A=1 ./x.sh',
      'export A',
      'declare -x A=1',
      'local A',
      'readonly A=1',
      'typeset A',
      'let a=1',
      './ci/run.sh',
      'ci/run.sh',
      '$SCRIPT',
      '${SCRIPT}',
      'bash run.sh',
      'sh -c "x"',
      'source env.sh',
      '. env.sh',
      'echo a; ./x.sh',
      'echo a && ./x.sh',
      'time ./x.sh',
      'echo $(./x.sh)',
      'echo `./x.sh`',
      'echo "a b"',
      'echo a # comment',
      'echo a\r',
      'if true; then ./x.sh; fi',
      'f() { ./x.sh; }',
      'echo a |\n./x.sh',
      '2>/dev/null ./x.sh',
    ]) {
      expect([t, inert(t)]).toEqual([t, false]);
    }
  });

  test('every fixture script inert accepts has no effect when parsed', () => {
    const out = fixtureStrings();
    let accepted = 0;
    for (const s of out) {
      for (const t of [s, maskExpressions(s)]) {
        if (!inert(t)) continue;
        accepted++;
        expect([t, effects(t)]).toEqual([t, []]);
      }
    }
    expect(accepted).toBeGreaterThan(0);
  });

  test('generated scripts: whenever inert accepts one, parsing it shows no effect', () => {
    const first = fc.oneof(
      fc.constantFrom('docker', 'docker-compose', 'podman', 'nerdctl', 'buildah', 'buildctl', 'kubectl', 'echo', 'make', 'cd', 'pushd', 'export', 'declare', 'local', 'time', 'sudo', 'env', 'exec', 'bash', 'sh', 'source', 'if', 'for', 'let', 'eval', 'A=1', 'x.sh', './x.sh', '$SCRIPT', '2', 'executor', 'do', 'function', 'coproc', 'select', 'alias'),
      fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,6}$/),
    );
    const arg = fc.oneof(
      fc.constantFrom('build', 'buildx', 'compose', 'up', 'push', 'login', '-t', '-f', '.', './x.sh', 'x.sh', '$A', '$X/y', 'a=b', 'A=$B', '--build-arg', 'B=1', '$IMG:$CI_COMMIT_SHA', 'deployment/x', '$', '$$', '$@', '$1', '%', ':', ',', '+', '@', 'bu', 'ild', '$___'),
      fc.stringMatching(/^[A-Za-z0-9_./:=@%+,$-]{1,8}$/),
      // What a plain line may not hold: each can start another command or hide a word.
      fc.constantFrom('; ./x.sh', '&& cd x', '| sh', '& ./y', '$(./x.sh)', '`./x.sh`', '"a ./x.sh"', "'b'", 'do\\cker', '# c', '>o ./x.sh', '{ ./x.sh; }', '( ./x.sh )', '! x', '*', '~/x', '${A}', '$A/b'),
    );
    const line = fc.tuple(fc.constantFrom('', ' ', '\t'), first, fc.array(fc.tuple(fc.constantFrom(' ', '  ', '\t'), arg), { maxLength: 5 }), fc.constantFrom('', ' ')).map(
      ([lead, w0, rest, trail]) => `${lead}${w0}${rest.map(([sp, a]) => sp + a).join('')}${trail}`,
    );
    const script = fc.array(fc.oneof({ weight: 6, arbitrary: line }, { weight: 1, arbitrary: fc.constantFrom('', '  ') }), { minLength: 1, maxLength: 4 }).map((ls) => ls.join('\n'));
    let accepted = 0;
    fc.assert(
      fc.property(script, (t) => {
        if (!inert(t)) return;
        accepted++;
        expect(effects(t)).toEqual([]);
        // One call per non-blank line, as inert's reading of the text says.
        expect(parseShellReference(t).calls.length).toBe(t.split('\n').filter((l) => /\S/.test(l)).length);
      }),
      { numRuns: 1500 },
    );
    expect(accepted).toBeGreaterThan(100);
  });
});
