/**
 * Properties of the Dockerfile pipeline over generated files (see support/dockerfile-arb.ts):
 * no crash; the output re-parses; a second run changes nothing; edits only insert unless a supplied value
 * replaced an existing default; with every default supplied, every FROM is declared and valid.
 * A fixed seed keeps the suite reproducible; `npm run fuzz -- --runs N` runs more with a random seed.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { parseDockerfile } from '../src/dockerfile/parse.js';
import { fixDockerfile } from '../src/engine.js';
import { InputError } from '../src/errors.js';
import type { SuppliedDefault } from '../transforms/hoist-from-args.js';
import { dockerfileArb, NAMES, VALUES } from './support/dockerfile-arb.js';
import { keepsAllInOrder } from './support/bytes.js';

const runs = Number(process.env.FUZZ_RUNS ?? 300);
const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? undefined : 20261128;
const params = { numRuns: runs, ...(seed !== undefined ? { seed } : {}) };

const allDefaults = new Map<string, SuppliedDefault>(
  NAMES.map((n, i) => [n, { value: VALUES[i % VALUES.length], source: 'property' }]),
);


describe('Dockerfile properties', () => {
  test('no crash, re-parses, idempotent, insertion-only (no defaults supplied)', () => {
    fc.assert(
      fc.property(dockerfileArb, (df) => {
        let r;
        try {
          r = fixDockerfile(df.text);
        } catch (e) {
          if (e instanceof InputError) return; // rejected with a message: allowed, never a crash
          throw e;
        }
        expect(() => parseDockerfile(r.output)).not.toThrow();
        expect(r.hoisted.map((h) => h.name)).not.toContain('PHANTOM'); // heredoc bodies are never instructions
        expect(r.hoisted.map((h) => h.name).sort()).toEqual(r.hoisted.map((h) => h.name).filter((n) => df.names.includes(n)).sort());
        expect(fixDockerfile(r.output).edits).toEqual([]);
        expect(r.edits.every((e) => e.start === e.end)).toBe(true);
        expect(keepsAllInOrder(df.text, r.output)).toBe(true);
        expect(r.output.startsWith('\uFEFF')).toBe(df.text.startsWith('\uFEFF'));
        if (df.text.includes('\r\n')) expect(r.output.replace(/\r\n/g, '')).not.toContain('\n');
      }),
      params,
    );
  });

  test('with every default supplied: every FROM declared and valid, idempotent', () => {
    fc.assert(
      fc.property(dockerfileArb, (df) => {
        let r;
        try {
          r = fixDockerfile(df.text, { defaults: allDefaults });
        } catch (e) {
          if (e instanceof InputError) return;
          throw e;
        }
        // GlobalArgUsedBeforeDeclared is report-only by design: fixing it means moving an ARG.
        const outstanding = r.findings.filter(
          (f) => !f.fixed && !f.suppressed && f.severity !== 'info' && f.rule !== 'GlobalArgUsedBeforeDeclared',
        );
        expect(outstanding).toEqual([]);
        const again = fixDockerfile(r.output, { defaults: allDefaults });
        expect(again.edits).toEqual([]);
        expect(again.findings.filter((f) => f.rule === 'UndefinedArgInFrom' || f.rule === 'InvalidDefaultArgInFrom')).toEqual([]);
        if (!r.findings.some((f) => f.rule === 'DefaultRewritten')) expect(keepsAllInOrder(df.text, r.output)).toBe(true);
      }),
      params,
    );
  });

  test('the two segmenters (dockerfile-ast with guards, BuildKit line rules) read the same instructions', () => {
    const shape = (text: string, seg: 'dockerfile-ast' | 'buildkit') => {
      try {
        const m = parseDockerfile(text, seg);
        return m.instructions.map((i) => `${i.startLine}:${i.keyword}:${i.endLine}`).join(' ');
      } catch (e) {
        if (e instanceof InputError) return `error ${e.message}`;
        throw e;
      }
    };
    fc.assert(
      fc.property(dockerfileArb, (df) => {
        expect(shape(df.text, 'buildkit')).toBe(shape(df.text, 'dockerfile-ast'));
      }),
      params,
    );
  });
});
