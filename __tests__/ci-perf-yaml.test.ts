/**
 * src/ci/jobs.ts resolves aliases through one anchor table per document instead of `Alias.resolve(doc)` (a walk
 * of the whole document per alias): every alias must resolve to the very node `Alias.resolve` returns — in the
 * fixtures' YAML files and in documents with redefined anchors, aliases as keys, merge keys and nesting.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { Alias, isAlias, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { deref } from '../src/ci/jobs.js';
import type { CiFile } from '../src/ci/yaml.js';
import { FIXTURES_DIR, listFiles } from './support/fixture-files.js';

/** Every alias of the document resolves (through deref) to what Alias.resolve(doc) gives; returns how many. */
function check(text: string): number {
  const doc = parseDocument(text, { merge: true, keepSourceTokens: true }) as Document.Parsed;
  const file: CiFile = { path: 'x.yml', text, doc, lc: new LineCounter() };
  const aliases: Alias[] = [];
  visit(doc, { Alias: (_k, a) => void aliases.push(a) });
  for (const a of aliases) {
    let want: unknown = a;
    for (let k = 0; k < 20 && isAlias(want); k++) want = (want as Alias).resolve(doc) ?? null;
    expect(deref(file, a)).toBe(want ?? null);
  }
  // An alias that is not in the document: the last node with its anchor, as Alias.resolve does.
  const stray = new Alias('a');
  expect(deref(file, stray)).toBe(stray.resolve(doc) ?? null);
  return aliases.length;
}

describe('deref (anchor table per document) = Alias.resolve', () => {
  test('every alias in the fixtures', () => {
    let n = 0;
    for (const f of listFiles(FIXTURES_DIR)) {
      if (/\.ya?ml$/.test(f)) n += check(readFileSync(f, 'utf8'));
    }
    expect(n).toBeGreaterThanOrEqual(5);
  });

  test('redefined anchors, aliases as keys and values, merge keys, nesting', () => {
    check(['a: &a 1', 'b: *a', 'c: &a 2', 'd: *a', 'e: [*a, &a 3, *a]', '*a : key', 'f: {<<: *a}'].join('\n'));
    check(['.t: &a', '  x: &b [1, 2]', '  y: *b', 'job:', '  <<: *a', '  z: *b', '  b2: &b 9', '  w: *b'].join('\n'));
    check('x: *missing\n');
  });

  test('generated documents', () => {
    const name = fc.constantFrom('a', 'b', 'c');
    const value: fc.Arbitrary<string> = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.tuple(name, fc.integer({ min: 0, max: 9 })).map(([n, i]) => `&${n} ${i}`),
        name.map((n) => `*${n}`),
        fc.integer({ min: 0, max: 9 }).map(String),
        fc.array(tie('v'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
        fc.tuple(name, fc.array(tie('v'), { maxLength: 3 })).map(([n, xs]) => `&${n} [${xs.join(', ')}]`),
        fc.array(fc.tuple(fc.constantFrom('k', 'l', 'm', 'n'), tie('v')), { maxLength: 3 }).map((ps) => `{${[...new Map(ps)].map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
      ),
    })).v;
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 6 }), (vs) => {
        check(vs.map((v, i) => `k${i}: ${v}`).join('\n'));
      }),
      { numRuns: 300 },
    );
  });
});
