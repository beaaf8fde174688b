/**
 * src/ci/shell.ts's fast path against its reference: parseShell (one reused parser, the GopherJS values read
 * directly, an LRU cache by text) must give exactly what parseShellReference gives (a fresh parser and
 * syntax.Walk over mvdan-sh's wrappers, as the tool did before) — on every script in the fixtures, on scripts
 * exercising every node type and the comment rules of syntax.Walk, and on generated scripts.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { parseShell, parseShellFast, parseShellReference, SELF_CHECK, SELF_CHECK_FINGERPRINT, shellFingerprint, shellReader } from '../src/ci/shell.js';
import { maskExpressions } from '../src/ci/steps.js';
import { fixtureStrings } from './support/fixture-files.js';

const plain = (x: unknown) => JSON.parse(JSON.stringify(x));
const same = (text: string) => {
  const want = plain(parseShellReference(text));
  expect(plain(parseShellFast(text))).toEqual(want);
  expect(plain(parseShell(text))).toEqual(want);
};

/** Every string scalar in the fixtures' YAML files (script items, run: steps…), and the shell files, also masked. */
function fixtureScripts(): string[] {
  return fixtureStrings({ shell: true }).flatMap((s) => [s, maskExpressions(s)]);
}

const TRICKY = [
  '',
  '# only a comment',
  'docker build . # trailing\n# next line\necho x # another',
  'echo a; # after a\n  # own line\necho b',
  'if true; then # in then\n  docker build -f "$F" . # c1\nfi # after fi\n# last',
  'case $x in\n  # lead\n  a) echo a ;; # after a\n  # between\n  b) echo b ;;\n  # at end\nesac',
  'arr=(\n  # first\n  one # trailing one\n  two\n  # last\n)',
  'declare -A m=([k]=v [j]="w x") # decl\nexport A B=1 C="$A"\nreadonly R=1; local L\ntypeset T=2; nameref N=x',
  'X=1 Y=$(docker build -q .) Z=`podman build .`',
  'cat <<EOF | docker build -f - .\nFROM $IMG\nEOF\n# after heredoc',
  'cat <<-"EOF"\n\tliteral $x\n\tEOF',
  'docker build --build-arg "V=$(git describe --tags)" -t "${REG}/${IMG:-app}:${TAG##*/}" .',
  'f() { docker build "$@"; }\nf -t x .',
  'while read -r f; do docker build -f "$f" .; done < <(find . -name Dockerfile)',
  'for d in */; do (cd "$d" && docker build .); done',
  '[[ -n $X ]] && docker build . || echo fail',
  'echo $(( 1 + $(echo 2) )) ${x:-$(docker build .)} ${y/a/$(b)} ${#z} ${!p} ${a[1]} ${a[@]}',
  'time docker build .; coproc docker build .; let i=1+2',
  "echo $'esc\\n' $\"dollar\" 'single' \"double $x\" \\$escaped d\\ocker",
  'docker build \\\n  --build-arg A=1 \\\n  .',
  'cd ü && docker build -t é:ç . # ñ\necho "日本語 $X" 😀 ${Y}',
  'echo \ud800 lone surrogate; docker build .',
  'docker build .\r\necho crlf\r\n',
  'echo @(a|b) !(c) ~/x {a,b} [ab]*',
  'select x in a b; do echo $x; done',
  '{ docker build .; } > log 2>&1',
  'docker build . &\nwait',
  '! docker build .',
  // syntax errors: the same error object either way
  'docker build "unterminated',
  'if then fi',
  'echo ${',
  'echo $((',
  'case x in',
];

describe('parseShell (fast reader, reused parser, cache) = parseShellReference (syntax.Walk)', () => {
  test('the fast reader is in use with the installed mvdan-sh', () => {
    same(SELF_CHECK);
    // The self-check's expected fingerprint is the reference reading of SELF_CHECK (update it with mvdan-sh).
    expect(shellFingerprint(parseShellReference(SELF_CHECK))).toBe(SELF_CHECK_FINGERPRINT);
    expect(shellReader()).toBe('fast');
  });

  test('tricky scripts: every node type, the comment rules of syntax.Walk, non-ASCII, CRLF, errors', () => {
    for (const t of TRICKY) same(t);
  });

  test('every script in the fixtures', () => {
    const scripts = fixtureScripts();
    expect(scripts.length).toBeGreaterThan(100);
    for (const t of scripts) same(t);
  });

  test('cached results are shared, frozen, and still equal the reference', () => {
    const t = 'docker build -t x . # c';
    const a = parseShell(t);
    const b = parseShell(t);
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.calls[0].words[0].parts)).toBe(true);
    expect(() => {
      (a.calls as unknown as unknown[]).push(null);
    }).toThrow();
    same(t);
  });

  test('the cache is bounded: the least recently used result is dropped, and parsed again the same', () => {
    const first = parseShell('echo lru-first');
    const kept = parseShell('echo lru-kept');
    for (let i = 0; i < 4200; i++) {
      parseShell(`echo lru-${i}`);
      if (i % 1000 === 0) expect(parseShell('echo lru-kept')).toBe(kept); // used again: stays
    }
    expect(parseShell('echo lru-kept')).toBe(kept);
    const again = parseShell('echo lru-first');
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    // Long texts count by length: many of them evict earlier entries rather than grow the cache.
    const big = (i: number) => `echo ${String(i).padStart(60000, 'x')}`;
    const b0 = parseShell(big(0));
    for (let i = 1; i < 60; i++) parseShell(big(i));
    expect(parseShell(big(0))).not.toBe(b0);
    expect(parseShell(big(0))).toEqual(b0);
  });

  test('a long line does not change what later texts parse to (the shared parser keeps no overflow state)', () => {
    same(`echo a\necho ${'x'.repeat(20000)}`);
    same('echo "x');
    same(`echo ${'é'.repeat(9000)}`);
    same('echo "x2');
    same(`${'a'.repeat(3990)} "b`);
    same(`${'😀'.repeat(1999)} "c`);
    same('echo "y');
  });

  test('after a parse error the parser still parses (a fresh one is made)', () => {
    same('echo "x');
    same('docker build . # fine');
  });

  test('generated scripts', () => {
    const word = fc.oneof(
      fc.constantFrom('docker', 'build', 'buildx', 'podman', '-f', '--build-arg', 'A=1', '.', 'x/y', '"$A"', "'q'", '${B:-d}', '$(echo hi)', '`pwd`', '"a $C b"', 'é', '\\$x', '$((1+2))', '${arr[@]}', '~/p', '*.txt', '"$(docker build .)"'),
      fc.stringMatching(/^[a-z]{1,5}$/),
    );
    const command = fc.array(word, { minLength: 1, maxLength: 6 }).map((ws) => ws.join(' '));
    const stmt = fc.oneof(
      { weight: 5, arbitrary: command },
      { weight: 1, arbitrary: command.map((c) => `${c} # note`) },
      { weight: 1, arbitrary: fc.tuple(command, command).map(([a, b]) => `if ${a}; then ${b}; fi`) },
      { weight: 1, arbitrary: fc.tuple(command, command).map(([a, b]) => `${a} && ${b} || echo no`) },
      { weight: 1, arbitrary: command.map((c) => `for i in 1 2; do ${c}; done`) },
      { weight: 1, arbitrary: command.map((c) => `case $v in a) ${c} ;; # c\n *) : ;; esac`) },
      { weight: 1, arbitrary: command.map((c) => `f() { ${c}; }`) },
      { weight: 1, arbitrary: command.map((c) => `( cd sub && ${c} )`) },
      { weight: 1, arbitrary: fc.constantFrom('export A=1 B', 'X=2', 'declare -a L=(1 2)', '# comment', 'cat <<EOF\n$x\nEOF') },
    );
    const script = fc.tuple(fc.array(stmt, { minLength: 1, maxLength: 5 }), fc.constantFrom('\n', '; ', ' \\\n  ', '\r\n')).map(([ss, sep]) => ss.join(sep));
    fc.assert(
      fc.property(script, (t) => same(t)),
      { numRuns: 400 },
    );
  });

  test('the fast reader never fell back to the wrapped one during these tests', () => {
    expect(shellReader()).toBe('fast');
  });
});
