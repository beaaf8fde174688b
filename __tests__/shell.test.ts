import { describe, expect, test } from '@jest/globals';
import { expandWord, scanVariables } from '../src/dockerfile/shell.js';
import type { Escape, ExpandResult, VarUse } from '../src/dockerfile/shell.js';

/*
 * Expected values come from BuildKit's shell lexer tests:
 * - `envVarTest`: BuildKit's frontend/dockerfile/shell/envVarTest is not in the reference index, so
 *   the table below is its predecessor moby/moby builder/dockerfile/shell/envVarTest
 *   (commit b2719e35f58c5420ae3dd6ab8e583fba8c6cf6d9), embedded verbatim; line numbers refer to it.
 *   It is run exactly like lex_test.go TestShellParser4Envvars does (env PWD, SHELL, KOREAN; U and A rows).
 * - `lex_test.go` TestProcessWithMatches / TestShellParserMandatoryEnvVars / TestProcessWithMatchesPlatform.
 * - own cases for the codemod (exact uses/offsets).
 */

function env(obj: Record<string, string> = {}): Map<string, string> {
  return new Map(Object.entries(obj));
}

function expand(word: string, vars: Record<string, string> = {}, escape?: Escape): ExpandResult {
  const r = expandWord(word, env(vars), escape);
  // invariant: the scan-only path agrees with an empty-env expansion
  expect(scanVariables(word, escape)).toEqual(expandWord(word, env(), escape).uses);
  return r;
}

function use(
  name: string,
  start: number,
  end: number,
  extra: Partial<Omit<VarUse, 'name' | 'start' | 'end'>> = {},
): VarUse {
  return {
    name,
    start,
    end,
    nameStart: extra.nameStart ?? start + (extra.braced ? 2 : 1),
    braced: extra.braced ?? false,
    modifier: extra.modifier ?? null,
    word: extra.word ?? null,
    depth: extra.depth ?? 0,
  };
}

const ENV_VAR_TEST: readonly string[] = [
  "A|hello                    |     hello",
  "A|he'll'o                  |     hello",
  "A|he'llo                   |     error",
  "A|he\\'llo                  |     he'llo",
  "A|he\\\\'llo                 |     error",
  "A|abc\\tdef                 |     abctdef",
  "A|\"abc\\tdef\"               |     abc\\tdef",
  "A|\"abc\\\\tdef\"              |     abc\\tdef",
  "A|'abc\\tdef'               |     abc\\tdef",
  "A|hello\\                   |     hello",
  "A|hello\\\\                  |     hello\\",
  "A|\"hello                   |     error",
  "A|\"hello\\\"                 |     error",
  "A|\"hel'lo\"                 |     hel'lo",
  "A|'hello                   |     error",
  "A|'hello\\'                 |     hello\\",
  "A|'hello\\there'            |     hello\\there",
  "A|'hello\\\\there'           |     hello\\\\there",
  "A|\"''\"                     |     ''",
  "A|$.                       |     $.",
  "A|he$1x                    |     hex",
  "A|he$.x                    |     he$.x",
  "# Next one is different on Windows as $pwd==$PWD",
  "U|he$pwd.                  |     he.",
  "W|he$pwd.                  |     he/home.",
  "A|he$PWD                   |     he/home",
  "A|he\\$PWD                  |     he$PWD",
  "A|he\\\\$PWD                 |     he\\/home",
  "A|\"he\\$PWD\"                |     he$PWD",
  "A|\"he\\\\$PWD\"               |     he\\/home",
  "A|\\${}                     |     ${}",
  "A|\\${}aaa                  |     ${}aaa",
  "A|he\\${}                   |     he${}",
  "A|he\\${}xx                 |     he${}xx",
  "A|${}                      |     error",
  "A|${}aaa                   |     error",
  "A|he${}                    |     error",
  "A|he${}xx                  |     error",
  "A|he${hi}                  |     he",
  "A|he${hi}xx                |     hexx",
  "A|he${PWD}                 |     he/home",
  "A|he${.}                   |     error",
  "A|he${XXX:-000}xx          |     he000xx",
  "A|he${PWD:-000}xx          |     he/homexx",
  "A|he${XXX:-$PWD}xx         |     he/homexx",
  "A|he${XXX:-${PWD:-yyy}}xx  |     he/homexx",
  "A|he${XXX:-${YYY:-yyy}}xx  |     heyyyxx",
  "A|he${XXX:YYY}             |     error",
  "A|he${XXX:+${PWD}}xx       |     hexx",
  "A|he${PWD:+${XXX}}xx       |     hexx",
  "A|he${PWD:+${SHELL}}xx     |     hebashxx",
  "A|he${XXX:+000}xx          |     hexx",
  "A|he${PWD:+000}xx          |     he000xx",
  "A|'he${XX}'                |     he${XX}",
  "A|\"he${PWD}\"               |     he/home",
  "A|\"he'$PWD'\"               |     he'/home'",
  "A|\"$PWD\"                   |     /home",
  "A|'$PWD'                   |     $PWD",
  "A|'\\$PWD'                  |     \\$PWD",
  "A|'\"hello\"'                |     \"hello\"",
  "A|he\\$PWD                  |     he$PWD",
  "A|\"he\\$PWD\"                |     he$PWD",
  "A|'he\\$PWD'                |     he\\$PWD",
  "A|he${PWD                  |     error",
  "A|he${PWD:=000}xx          |     error",
  "A|he${PWD:+${PWD}:}xx      |     he/home:xx",
  "A|he${XXX:-\\$PWD:}xx       |     he$PWD:xx",
  "A|he${XXX:-\\${PWD}z}xx     |     he${PWDz}xx",
  "A|안녕하세요                 |     안녕하세요",
  "A|안'녕'하세요               |     안녕하세요",
  "A|안'녕하세요                |     error",
  "A|안녕\\'하세요               |     안녕'하세요",
  "A|안\\\\'녕하세요              |     error",
  "A|안녕\\t하세요               |     안녕t하세요",
  "A|\"안녕\\t하세요\"             |     안녕\\t하세요",
  "A|'안녕\\t하세요              |     error",
  "A|안녕하세요\\                |     안녕하세요",
  "A|안녕하세요\\\\               |     안녕하세요\\",
  "A|\"안녕하세요                |     error",
  "A|\"안녕하세요\\\"              |     error",
  "A|\"안녕'하세요\"              |     안녕'하세요",
  "A|'안녕하세요                |     error",
  "A|'안녕하세요\\'              |     안녕하세요\\",
  "A|안녕$1x                    |     안녕x",
  "A|안녕$.x                    |     안녕$.x",
  "# Next one is different on Windows as $pwd==$PWD",
  "U|안녕$pwd.                  |     안녕.",
  "W|안녕$pwd.                  |     안녕/home.",
  "A|안녕$PWD                   |     안녕/home",
  "A|안녕\\$PWD                  |     안녕$PWD",
  "A|안녕\\\\$PWD                 |     안녕\\/home",
  "A|안녕\\${}                   |     안녕${}",
  "A|안녕\\${}xx                 |     안녕${}xx",
  "A|안녕${}                    |     error",
  "A|안녕${}xx                  |     error",
  "A|안녕${hi}                  |     안녕",
  "A|안녕${hi}xx                |     안녕xx",
  "A|안녕${PWD}                 |     안녕/home",
  "A|안녕${.}                   |     error",
  "A|안녕${XXX:-000}xx          |     안녕000xx",
  "A|안녕${PWD:-000}xx          |     안녕/homexx",
  "A|안녕${XXX:-$PWD}xx         |     안녕/homexx",
  "A|안녕${XXX:-${PWD:-yyy}}xx  |     안녕/homexx",
  "A|안녕${XXX:-${YYY:-yyy}}xx  |     안녕yyyxx",
  "A|안녕${XXX:YYY}             |     error",
  "A|안녕${XXX:+${PWD}}xx       |     안녕xx",
  "A|안녕${PWD:+${XXX}}xx       |     안녕xx",
  "A|안녕${PWD:+${SHELL}}xx     |     안녕bashxx",
  "A|안녕${XXX:+000}xx          |     안녕xx",
  "A|안녕${PWD:+000}xx          |     안녕000xx",
  "A|'안녕${XX}'                |     안녕${XX}",
  "A|\"안녕${PWD}\"               |     안녕/home",
  "A|\"안녕'$PWD'\"               |     안녕'/home'",
  "A|'\"안녕\"'                   |     \"안녕\"",
  "A|안녕\\$PWD                  |     안녕$PWD",
  "A|\"안녕\\$PWD\"                |     안녕$PWD",
  "A|'안녕\\$PWD'                |     안녕\\$PWD",
  "A|안녕${PWD                  |     error",
  "A|안녕${PWD:=000}xx          |     error",
  "A|안녕${PWD:+${PWD}:}xx      |     안녕/home:xx",
  "A|안녕${XXX:-\\$PWD:}xx       |     안녕$PWD:xx",
  "A|안녕${XXX:-\\${PWD}z}xx     |     안녕${PWDz}xx",
  "A|$KOREAN                    |     한국어",
  "A|안녕$KOREAN                |     안녕한국어",
  "A|${{aaa}                   |     error",
  "A|${aaa}}                   |     }",
  "A|${aaa                     |     error",
  "A|${{aaa:-bbb}              |     error",
  "A|${aaa:-bbb}}              |     bbb}",
  "A|${aaa:-bbb                |     error",
  "A|${aaa:-bbb}               |     bbb",
  "A|${aaa:-${bbb:-ccc}}       |     ccc",
  "A|${aaa:-bbb ${foo}         |     error",
  "A|${aaa:-bbb {foo}          |     bbb {foo",
  "A|${:}                      |     error",
  "A|${:-bbb}                  |     error",
  "A|${:+bbb}                  |     error",
  "",
  "# Positional parameters won't be set:",
  "# http://pubs.opengroup.org/onlinepubs/009695399/utilities/xcu_chap02.html#tag_02_05_01",
  "A|$1                        |",
  "A|${1}                      |",
  "A|${1:+bbb}                 |",
  "A|${1:-bbb}                 |     bbb",
  "A|$2                        |",
  "A|${2}                      |",
  "A|${2:+bbb}                 |",
  "A|${2:-bbb}                 |     bbb",
  "A|$3                        |",
  "A|${3}                      |",
  "A|${3:+bbb}                 |",
  "A|${3:-bbb}                 |     bbb",
  "A|$4                        |",
  "A|${4}                      |",
  "A|${4:+bbb}                 |",
  "A|${4:-bbb}                 |     bbb",
  "A|$5                        |",
  "A|${5}                      |",
  "A|${5:+bbb}                 |",
  "A|${5:-bbb}                 |     bbb",
  "A|$6                        |",
  "A|${6}                      |",
  "A|${6:+bbb}                 |",
  "A|${6:-bbb}                 |     bbb",
  "A|$7                        |",
  "A|${7}                      |",
  "A|${7:+bbb}                 |",
  "A|${7:-bbb}                 |     bbb",
  "A|$8                        |",
  "A|${8}                      |",
  "A|${8:+bbb}                 |",
  "A|${8:-bbb}                 |     bbb",
  "A|$9                        |",
  "A|${9}                      |",
  "A|${9:+bbb}                 |",
  "A|${9:-bbb}                 |     bbb",
  "A|$999                      |",
  "A|${999}                    |",
  "A|${999:+bbb}               |",
  "A|${999:-bbb}               |     bbb",
  "A|$999aaa                   |     aaa",
  "A|${999}aaa                 |     aaa",
  "A|${999:+bbb}aaa            |     aaa",
  "A|${999:-bbb}aaa            |     bbbaaa",
  "A|$001                      |",
  "A|${001}                    |",
  "A|${001:+bbb}               |",
  "A|${001:-bbb}               |     bbb",
  "A|$001aaa                   |     aaa",
  "A|${001}aaa                 |     aaa",
  "A|${001:+bbb}aaa            |     aaa",
  "A|${001:-bbb}aaa            |     bbbaaa",
  "",
  "# Special parameters won't be set in the Dockerfile:",
  "# http://pubs.opengroup.org/onlinepubs/009695399/utilities/xcu_chap02.html#tag_02_05_02",
  "A|$@                        |",
  "A|${@}                      |",
  "A|${@:+bbb}                 |",
  "A|${@:-bbb}                 |     bbb",
  "A|$@@@                      |     @@",
  "A|$@aaa                     |     aaa",
  "A|${@}aaa                   |     aaa",
  "A|${@:+bbb}aaa              |     aaa",
  "A|${@:-bbb}aaa              |     bbbaaa",
  "A|$*                        |",
  "A|${*}                      |",
  "A|${*:+bbb}                 |",
  "A|${*:-bbb}                 |     bbb",
  "A|$#                        |",
  "A|${#}                      |",
  "A|${#:+bbb}                 |",
  "A|${#:-bbb}                 |     bbb",
  "A|$?                        |",
  "A|${?}                      |",
  "A|${?:+bbb}                 |",
  "A|${?:-bbb}                 |     bbb",
  "A|$-                        |",
  "A|${-}                      |",
  "A|${-:+bbb}                 |",
  "A|${-:-bbb}                 |     bbb",
  "A|$$                        |",
  "A|${$}                      |",
  "A|${$:+bbb}                 |",
  "A|${$:-bbb}                 |     bbb",
  "A|$!                        |",
  "A|${!}                      |",
  "A|${!:+bbb}                 |",
  "A|${!:-bbb}                 |     bbb",
  "A|$0                        |",
  "A|${0}                      |",
  "A|${0:+bbb}                 |",
  "A|${0:-bbb}                 |     bbb",
];

describe('BuildKit envVarTest (moby/moby builder/dockerfile/shell/envVarTest @b2719e35)', () => {
  const vars = { PWD: '/home', SHELL: 'bash', KOREAN: '한국어' };
  const rows: Array<[number, string, string]> = [];
  ENV_VAR_TEST.forEach((raw, i) => {
    if (raw.startsWith('#')) return;
    const line = raw.trim();
    if (line === '') return;
    const parts = line.split('|');
    if (parts.length !== 3) throw new Error(`bad envVarTest line ${i + 1}`);
    const [platform, source, expected] = parts.map((p) => p.trim()) as [string, string, string];
    if (platform === 'W') return; // Windows-only rows (case-insensitive names)
    rows.push([i + 1, source, expected]);
  });

  test('table is complete', () => {
    expect(rows.length).toBe(222);
  });

  test.each(rows)('envVarTest:%i %s → %s', (_line, source, expected) => {
    const r = expand(source, vars);
    if (expected === 'error') {
      expect(r.error).not.toBeNull();
      expect(r.error!.startsWith(`failed to process `)).toBe(true);
      expect(r.value).toBe('');
    } else {
      expect(r.error).toBeNull();
      expect(r.value).toBe(expected);
    }
  });
});

interface Case {
  name: string;
  word: string;
  env?: Record<string, string>;
  escape?: Escape;
  value?: string;
  error?: string; // exact BuildKit message (inner part, after `failed to process "<word>": `)
  matched?: string[];
  unmatched?: string[];
  uses?: VarUse[];
}

function runCases(cases: Case[]): void {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const r = expand(c.word, c.env ?? {}, c.escape);
    if (c.error !== undefined) {
      expect(r.error).toBe(`failed to process ${JSON.stringify(c.word)}: ${c.error}`);
      expect(r.value).toBe('');
    } else {
      expect(r.error).toBeNull();
      expect(r.value).toBe(c.value);
    }
    if (c.matched !== undefined) expect(r.matched).toEqual(c.matched);
    if (c.unmatched !== undefined) expect(r.unmatched).toEqual(c.unmatched);
    if (c.uses !== undefined) expect(r.uses).toEqual(c.uses);
  });
}

describe('BuildKit lex_test.go TestProcessWithMatches', () => {
  const fb = { FOO: 'xxx', BAR: '' };
  runCases([
    { name: 'x', word: 'x', env: { DUMMY: 'dummy' }, value: 'x', matched: [], unmatched: [] },
    { name: 'x ${UNUSED}', word: 'x ${UNUSED}', env: { DUMMY: 'dummy' }, value: 'x ', matched: [], unmatched: ['UNUSED'] },
    { name: 'x ${FOO}', word: 'x ${FOO}', env: { FOO: 'y' }, value: 'x y', matched: ['FOO'], unmatched: [] },
    { name: '- set/empty/unset', word: '${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}', env: fb, value: 'xxx  ccc', matched: ['FOO', 'BAR'], unmatched: ['BAZ'] },
    { name: ':- set/empty/unset', word: '${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}', env: fb, value: 'xxx bbb ccc', matched: ['FOO', 'BAR'], unmatched: ['BAZ'] },
    { name: '${FOO:-} set', word: '${FOO:-}', env: fb, value: 'xxx', matched: ['FOO'], unmatched: [] },
    { name: '${FOO:-} unset', word: '${FOO:-}', value: '', matched: [], unmatched: ['FOO'] },
    { name: '+ set/empty/unset', word: '${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}', env: fb, value: 'aaa bbb ', matched: ['FOO', 'BAR'], unmatched: ['BAZ'] },
    { name: ':+ set/empty/unset', word: '${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}', env: fb, value: 'aaa  ', matched: ['FOO', 'BAR'], unmatched: ['BAZ'] },
    { name: '${FOO?aaa} set', word: '${FOO?aaa}', env: fb, value: 'xxx', matched: ['FOO'] },
    { name: '${BAR?bbb} empty', word: '${BAR?bbb}', env: fb, value: '', matched: ['BAR'] },
    { name: '${BAZ?ccc} unset', word: '${BAZ?ccc}', env: fb, error: 'BAZ: ccc', unmatched: ['BAZ'] },
    { name: '${FOO:?aaa} set', word: '${FOO:?aaa}', env: fb, value: 'xxx', matched: ['FOO'] },
    { name: '${BAR:?bbb} empty', word: '${BAR:?bbb}', env: fb, error: 'BAR: bbb', matched: ['BAR'] },
    { name: '${BAZ:?ccc} unset', word: '${BAZ:?ccc}', env: fb, error: 'BAZ: ccc', unmatched: ['BAZ'] },
    { name: '${BAZ:?} unset', word: '${BAZ:?}', env: fb, error: 'BAZ: is not allowed to be unset', unmatched: ['BAZ'] },
    { name: '${FOO=aaa}', word: '${FOO=aaa}', env: fb, error: 'unsupported modifier (=) in substitution', matched: [], unmatched: [] },
    { name: '${FOO=:aaa}', word: '${FOO=:aaa}', env: fb, error: 'unsupported modifier (=) in substitution' },
    { name: '${FOO=}', word: '${FOO=}', error: 'unsupported modifier (=) in substitution' },
    { name: '# with regex metachars', word: '${FOO#()[]{\\}^$.\\*\\?|\\\\}', env: { FOO: '()[]{}^$.*?|\\x' }, value: 'x', matched: ['FOO'], unmatched: [] },
    { name: '%% escaped star', word: '${FOO%%\\**}', env: { FOO: 'xx**' }, value: 'xx', matched: ['FOO'] },
    { name: '# shortest *x*y', word: '${FOO#*x*y}', env: { FOO: 'xxyy' }, value: 'y' },
    { name: '# *', word: '${FOO#*}', env: { FOO: 'xxyy' }, value: 'xxyy' },
    { name: '# $BAR', word: '${FOO#$BAR}', env: { FOO: 'xxyy', BAR: 'x' }, value: 'xyy', matched: ['FOO', 'BAR'] },
    { name: '# $BAR empty', word: '${FOO#$BAR}', env: { FOO: 'xxyy', BAR: '' }, value: 'xxyy', matched: ['FOO', 'BAR'] },
    { name: '# empty', word: '${FOO#}', env: { FOO: 'xxyy' }, value: 'xxyy' },
    { name: '## *x', word: '${FOO##*x}', env: { FOO: 'xxyy' }, value: 'yy' },
    { name: '## empty', word: '${FOO##}', env: { FOO: 'xxyy' }, value: 'xxyy' },
    { name: '# ?\\?', word: '${FOO#?\\?}', env: { FOO: '???y' }, value: '?y' },
    { name: ':- unset twice + %', word: '${ABC:-.}${FOO%x}${ABC:-.}', env: { FOO: 'xxyy' }, value: '.xxyy.', matched: ['FOO'], unmatched: ['ABC'] },
    { name: '%% \\**\\*', word: '${FOO%%\\**\\*}', env: { FOO: 'a***yy*' }, value: 'a' },
    { name: '% empty', word: '${FOO%}', env: { FOO: 'xxyy' }, value: 'xxyy' },
    { name: '%% $BAR empty', word: '${FOO%%$BAR}', env: { FOO: 'xxyy', BAR: '' }, value: 'xxyy', matched: ['FOO', 'BAR'] },
    { name: '${FOO:#}', word: '${FOO:#}', error: 'unsupported modifier (:#) in substitution', unmatched: [] },
    { name: '${FOO:##}', word: '${FOO:##}', error: 'unsupported modifier (:#) in substitution' },
    { name: '${FOO:%}', word: '${FOO:%}', error: 'unsupported modifier (:%) in substitution' },
    { name: '${FOO:%%}', word: '${FOO:%%}', error: 'unsupported modifier (:%) in substitution' },
    {
      name: '/ and // with wildcard needle', word: '${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}',
      env: { FOO: '/foo*/*/*.txt', NEEDLE: '\\*/' }, value: '/foo.*/*.txt - /foo..*.txt', matched: ['FOO', 'NEEDLE'],
    },
    { name: '/ in patterns', word: '${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}', env: { FOO: '/tmp/tmp/bar.txt', NEEDLE: '/tmp' }, value: '/tmp/bar.txt - /bar.txt' },
    {
      name: '/ ? needle, replacement var', word: '${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}',
      env: { FOO: '/a/foo/b/c.txt', NEEDLE: '/?/', REPLACEMENT: '/' }, value: '/foo/b/c.txt - /foo/c.txt',
      matched: ['FOO', 'NEEDLE', 'REPLACEMENT'],
    },
    { name: '/ url', word: '${FOO/$NEEDLE/$REPLACEMENT}', env: { FOO: 'http://google.de', NEEDLE: 'http://', REPLACEMENT: 'https://' }, value: 'https://google.de' },
    { name: '// escaped separators', word: '${FOO//\\//\\/}', env: { FOO: '/tmp/foo.txt' }, value: '\\/tmp\\/foo.txt' },
    { name: '/ empty needle', word: '${FOO/$BAR/ww}', env: { FOO: 'xxyy', BAR: '' }, value: 'wwxxyy' },
    { name: '${FOO//ww}', word: '${FOO//ww}', env: { FOO: 'xxyy' }, error: "syntax error: missing '/' in ${}" },
    { name: '${FOO//}', word: '${FOO//}', env: { FOO: 'xxyy' }, error: "syntax error: missing '/' in ${}" },
    { name: '${FOO///} set', word: '${FOO///}', env: { FOO: 'xxyy' }, value: 'xxyy', matched: ['FOO'] },
    { name: '${FOO///} unset', word: '${FOO///}', value: '', matched: [], unmatched: ['FOO'] },
  ]);
});

describe('BuildKit lex_test.go TestShellParserMandatoryEnvVars / TestProcessWithMatchesPlatform', () => {
  runCases([
    { name: ':? set', word: '${VAR:?message here$ARG}', env: { VAR: 'plain', ARG: 'x' }, value: 'plain', matched: ['VAR', 'ARG'] },
    { name: ':? empty', word: '${VAR:?message here$ARG}', env: { VAR: '', ARG: 'x' }, error: 'VAR: message herex' },
    { name: ':? unset', word: '${VAR:?message here$ARG}', env: { ARG: 'x' }, error: 'VAR: message herex', unmatched: ['VAR'] },
    { name: '? set', word: '${VAR?message here$ARG}', env: { VAR: 'plain', ARG: 'x' }, value: 'plain' },
    { name: '? empty', word: '${VAR?message here$ARG}', env: { VAR: '', ARG: 'x' }, value: '' },
    { name: '? unset', word: '${VAR?message here$ARG}', env: { ARG: 'x' }, error: 'VAR: message herex' },
    ...([
      [{ VERSION: 'v1.2.3', TARGETOS: 'linux', TARGETARCH: 'arm', TARGETVARIANT: 'v7' }, 'something-v1.2.3.linux-arm-v7.tar.gz'],
      [{ VERSION: 'v1.2.3', TARGETOS: 'linux', TARGETARCH: 'arm64', TARGETVARIANT: '' }, 'something-v1.2.3.linux-arm64.tar.gz'],
      [{ VERSION: 'v1.2.3', TARGETOS: 'linux', TARGETARCH: 'arm64' }, 'something-v1.2.3.linux-arm64.tar.gz'],
    ] as const).map(([e, v], i): Case => ({
      name: `platform release name #${i + 1}`,
      word: 'something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz',
      env: e,
      value: v,
    })),
  ]);
});

describe('codemod cases', () => {
  runCases([
    {
      name: 'GitLab CI vars with empty env', word: '$CI_REGISTRY_IMAGE:$CI_COMMIT_BEFORE_SHA', value: ':',
      matched: [], unmatched: ['CI_REGISTRY_IMAGE', 'CI_COMMIT_BEFORE_SHA'],
      uses: [use('CI_REGISTRY_IMAGE', 0, 18), use('CI_COMMIT_BEFORE_SHA', 19, 40)],
    },
    {
      name: 'inline default with colon', word: '${IMAGE:-alpine:3.20}', value: 'alpine:3.20', unmatched: ['IMAGE'],
      uses: [use('IMAGE', 0, 21, { braced: true, modifier: ':-', word: 'alpine:3.20' })],
    },
    { name: 'inline default, IMAGE set', word: '${IMAGE:-alpine:3.20}', env: { IMAGE: 'debian' }, value: 'debian', matched: ['IMAGE'], unmatched: [] },
    { name: '${B-x} B unset', word: '${B-x}', value: 'x', unmatched: ['B'], uses: [use('B', 0, 6, { braced: true, modifier: '-', word: 'x' })] },
    { name: "${B-x} B=''", word: '${B-x}', env: { B: '' }, value: '', matched: ['B'], unmatched: [] },
    { name: "${B:-x} B=''", word: '${B:-x}', env: { B: '' }, value: 'x', matched: ['B'] },
    {
      name: 'nested ${A:-${B}} both unset', word: '${A:-${B}}', value: '', unmatched: ['A', 'B'],
      uses: [
        use('A', 0, 10, { braced: true, modifier: ':-', word: '${B}' }),
        use('B', 5, 9, { braced: true, depth: 1 }),
      ],
    },
    { name: 'nested ${A:-${B}} A set still looks B up', word: '${A:-${B}}', env: { A: 'a' }, value: 'a', matched: ['A'], unmatched: ['B'] },
    { name: 'nested ${A:-${B}} B set', word: '${A:-${B}}', env: { B: 'b' }, value: 'b', matched: ['B'], unmatched: ['A'] },
    { name: '${A:-$B} with A set reports B', word: '${A:-$B}', env: { A: 'x' }, value: 'x', matched: ['A'], unmatched: ['B'] },
    {
      name: '${A:+$B} A set, B unset', word: '${A:+$B}', env: { A: 'a' }, value: '', matched: ['A'], unmatched: ['B'],
      uses: [
        use('A', 0, 8, { braced: true, modifier: ':+', word: '$B' }),
        use('B', 5, 7, { depth: 1 }),
      ],
    },
    { name: '${A:+$B} A and B set', word: '${A:+$B}', env: { A: 'a', B: 'b' }, value: 'b', matched: ['A', 'B'] },
    { name: "${A:+$B} A='' B set", word: '${A:+$B}', env: { A: '', B: 'b' }, value: '', matched: ['A', 'B'] },
    { name: "${A+$B} A='' B set", word: '${A+$B}', env: { A: '', B: 'b' }, value: 'b' },
    {
      name: 'three-level nesting depths', word: '${A:-${B:-${C}}}', env: { C: 'c' }, value: 'c',
      matched: ['C'], unmatched: ['A', 'B'],
      uses: [
        use('A', 0, 16, { braced: true, modifier: ':-', word: '${B:-${C}}' }),
        use('B', 5, 15, { braced: true, modifier: ':-', word: '${C}', depth: 1 }),
        use('C', 10, 14, { braced: true, depth: 2 }),
      ],
    },
    {
      name: 'source order across nesting', word: '${A:-$B}$C', value: '', unmatched: ['A', 'B', 'C'],
      uses: [use('A', 0, 8, { braced: true, modifier: ':-', word: '$B' }), use('B', 5, 7, { depth: 1 }), use('C', 8, 10)],
    },
    { name: '\\$X is literal', word: '\\$X', env: { X: 'v' }, value: '$X', uses: [], unmatched: [] },
    { name: '\\${X} is literal', word: 'a\\${X}b', env: { X: 'v' }, value: 'a${X}b', uses: [] },
    { name: 'backtick escape: `$X literal', word: '`$X', env: { X: 'v' }, escape: '`', value: '$X', uses: [] },
    {
      name: 'backtick escape: \\$X is backslash + live $X', word: '\\$X', env: { X: 'v' }, escape: '`', value: '\\v',
      matched: ['X'], uses: [use('X', 1, 3)],
    },
    { name: 'backtick escape inside double quotes', word: '"`$X`""', env: { X: 'v' }, escape: '`', value: '$X"' },
    { name: 'backtick escape keeps \\ in ## pattern', word: '${X##*\\*}', env: { X: 'a*b*c' }, escape: '`', value: 'c' },
    { name: "single quotes: '$X' literal", word: "'$X'", env: { X: 'v' }, value: '$X', uses: [], matched: [] },
    { name: 'double quotes: "$X"', word: '"$X"', env: { X: 'v' }, value: 'v', matched: ['X'], uses: [use('X', 1, 3)] },
    { name: 'double quotes: \\" \\$ \\\\ escaped, \\t kept', word: '"a\\"b\\$c\\\\d\\te"', value: 'a"b$c\\d\\te' },
    { name: 'quoted FROM image', word: '"alpine:3.20"', value: 'alpine:3.20' },
    { name: '${X:?msg} unset → error', word: '${X:?msg}', error: 'X: msg', unmatched: ['X'], uses: [use('X', 0, 9, { braced: true, modifier: ':?', word: 'msg' })] },
    { name: "${X:?} X='' → error", word: '${X:?}', env: { X: '' }, error: 'X: is not allowed to be empty', matched: ['X'] },
    { name: "${X?} X='' → ''", word: '${X?}', env: { X: '' }, value: '' },
    {
      name: '${X:=y} → error after lookup', word: '${X:=y}', error: 'unsupported modifier (:=) in substitution', unmatched: ['X'],
      uses: [use('X', 0, 7, { braced: true, modifier: ':=', word: 'y' })],
    },
    { name: '${X:YYY} → error after lookup', word: '${X:YYY}', error: 'unsupported modifier (:Y) in substitution', unmatched: ['X'] },
    { name: '${X:/a/b} → error', word: '${X:/a/b}', env: { X: 'a' }, error: 'unsupported modifier (:/) in substitution', matched: ['X'] },
    { name: '${} bad substitution', word: 'a${}', error: 'syntax error: bad substitution', uses: [] },
    { name: '${: bad substitution', word: '${:', error: 'syntax error: bad substitution' },
    { name: '${ at end', word: 'x${', error: "syntax error: missing '}'" },
    { name: '${X at end (Go string(EOF) in message)', word: '${X', error: 'unsupported modifier (\uFFFD) in substitution', uses: [] },
    { name: '${X: at end', word: '${X:', error: "syntax error: missing '}'" },
    { name: '${X:-abc unterminated', word: '${X:-abc', error: "syntax error: missing '}'", uses: [] },
    { name: 'nested error at EOF becomes missing }', word: '${X:-${Y:?m}', error: "syntax error: missing '}'", unmatched: ['Y'] },
    { name: 'nested error before EOF keeps its message', word: '${X:-${Y:?m}}', error: 'Y: m', unmatched: ['Y'] },
    { name: '${#X} length is unsupported', word: '${#X}', error: 'unsupported modifier (X) in substitution' },
    { name: 'unterminated double quote message', word: '"abc', error: 'unexpected end of statement while looking for matching double-quote' },
    { name: 'unterminated single quote message', word: "a'bc", error: 'unexpected end of statement while looking for matching single-quote' },
    { name: '$1abc → name 1 then abc', word: '$1abc', value: 'abc', unmatched: ['1'], uses: [use('1', 0, 2)] },
    { name: '$1abc with 1 set', word: '$1abc', env: { '1': 'one' }, value: 'oneabc', matched: ['1'] },
    { name: '$. stays literal', word: '$.', value: '$.', uses: [] },
    { name: 'trailing $ stays literal', word: 'img$', value: 'img$', uses: [] },
    { name: '$$ is the special name $', word: 'a$$b', value: 'ab', unmatched: ['$'], uses: [use('$', 1, 3)] },
    { name: 'img$1 reports 1', word: 'img$1', value: 'img', unmatched: ['1'] },
    { name: 'unicode letters in names', word: '$한국어x/${é_1}', env: { 한국어x: 'k', é_1: 'e' }, value: 'k/e', matched: ['한국어x', 'é_1'] },
    { name: '${N#*/}', word: '${N#*/}', env: { N: 'foo/bar/baz.tar.gz' }, value: 'bar/baz.tar.gz' },
    {
      name: '${N##*/}', word: '${N##*/}', env: { N: 'foo/bar/baz.tar.gz' }, value: 'baz.tar.gz',
      uses: [use('N', 0, 8, { braced: true, modifier: '##', word: '*/' })],
    },
    { name: '${N%.*}', word: '${N%.*}', env: { N: 'foo/bar/baz.tar.gz' }, value: 'foo/bar/baz.tar' },
    {
      name: '${N%%.*}', word: '${N%%.*}', env: { N: 'foo/bar/baz.tar.gz' }, value: 'foo/bar/baz',
      uses: [use('N', 0, 8, { braced: true, modifier: '%%', word: '.*' })],
    },
    { name: '${N%?} one char', word: '${N%?}', env: { N: 'v1.2.3' }, value: 'v1.2.' },
    { name: '${N#v} on unset N', word: 'x${N#v}y', value: 'xy', unmatched: ['N'] },
    { name: '${N/a/A}', word: '${N/a/A}', env: { N: 'foo/bar/baz.tar.gz' }, value: 'foo/bAr/baz.tar.gz' },
    {
      name: '${N//a/A}', word: '${N//a/A}', env: { N: 'foo/bar/baz.tar.gz' }, value: 'foo/bAr/bAz.tAr.gz',
      uses: [use('N', 0, 9, { braced: true, modifier: '//', word: 'a/A' })],
    },
    {
      name: '${BRANCH//\\//-}', word: '${BRANCH//\\//-}', env: { BRANCH: 'feature/x/y' }, value: 'feature-x-y', matched: ['BRANCH'],
      uses: [use('BRANCH', 0, 15, { braced: true, modifier: '//', word: '\\//-' })],
    },
    { name: '${BRANCH/\\//-} first only', word: '${BRANCH/\\//-}', env: { BRANCH: 'feature/x/y' }, value: 'feature-x/y' },
    { name: '${X/*/foo} with X unset gives foo (empty match)', word: '${X/*/foo}', value: 'foo', unmatched: ['X'] },
    { name: '${X//*/-}: Go skips the empty match after a match', word: '${X//*/-}', env: { X: 'ab' }, value: '-' },
    { name: '${X///-}: empty pattern matches between runes', word: '${X///-}', env: { X: 'ab' }, value: '-a-b-' },
    { name: "// replacement goes through regexp.Expand ($0)", word: "${X//b/'<$0>'}", env: { X: 'abcb' }, value: 'a<b>c<b>' },
    { name: '/ replacement is inserted literally', word: "${X/b/'<$0>'}", env: { X: 'abcb' }, value: 'a<$0>cb' },
    { name: 'invalid pattern escape', word: "${X#'\\x'}", env: { X: 'a' }, error: 'invalid pattern (\\x) in substitution: invalid escape \'\\x\'', matched: ['X'] },
    { name: 'default with escaped }', word: '${X:-a\\}b}c', value: 'a}bc', uses: [use('X', 0, 10, { braced: true, modifier: ':-', word: 'a\\}b' })] },
    { name: 'default with quoted }', word: '${X:-"a}b"}', value: 'a}b' },
    { name: '${aaa:-bbb {foo}', word: '${aaa:-bbb {foo}', value: 'bbb {foo', unmatched: ['aaa'] },
    { name: 'escape at end of word dropped', word: 'abc\\', value: 'abc' },
    {
      name: 'full FROM word', word: '${REGISTRY:-docker.io}/library/alpine:${TAG:-3.20}@sha256:${DIGEST}',
      env: { TAG: '3.19' }, value: 'docker.io/library/alpine:3.19@sha256:', matched: ['TAG'], unmatched: ['REGISTRY', 'DIGEST'],
    },
    { name: 'no re-expansion of values', word: '$A', env: { A: '$B' }, value: '$B', matched: ['A'], unmatched: [] },
    { name: 'duplicates deduped', word: '$A-${A}-$B-$A', value: '---', unmatched: ['A', 'B'] },
    { name: 'empty name lookup (${+x}) is not a use', word: '${+x}', value: '', uses: [], unmatched: [''] },
  ]);
});

describe('scanVariables', () => {
  test('matches expandWord(word, empty).uses and stops where the lexer stops', () => {
    expect(scanVariables('${A:?m}$B')).toEqual([use('A', 0, 7, { braced: true, modifier: ':?', word: 'm' })]);
    expect(scanVariables('plain:tag')).toEqual([]);
    expect(scanVariables('`$A$B', '`')).toEqual([use('B', 3, 5)]);
  });
});
