/**
 * Byte-exact fixtures: __fixtures__/hoist-from-args/<case>/input.Dockerfile → output.Dockerfile, with the
 * findings in findings.txt and optional options.json ({"defaults": {NAME: VALUE}}). Every case is also run
 * on its own output (idempotence) and checked insertion-only unless a supplied default replaced one.
 * UPDATE_FIXTURES=1 rewrites the expected files (review the diff before committing).
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fixDockerfile } from '../src/engine.js';
import type { Finding } from '../src/findings.js';
import type { SuppliedDefault } from '../transforms/hoist-from-args.js';
import { keepsAllInOrder } from './support/bytes.js';

const root = fileURLToPath(new URL('../__fixtures__/hoist-from-args/', import.meta.url));
const update = process.env.UPDATE_FIXTURES === '1';

export function findingLine(f: Finding): string {
  const status = f.suppressed ? 'suppressed' : f.fixed ? 'fixed' : 'unfixed';
  return `${f.line}:${f.column} ${f.severity} ${f.rule} ${f.name ?? '-'} ${status}`;
}

function defaultsOf(dir: string): Map<string, SuppliedDefault> {
  const p = `${dir}/options.json`;
  const m = new Map<string, SuppliedDefault>();
  if (!existsSync(p)) return m;
  const opts = JSON.parse(readFileSync(p, 'utf8')) as { defaults?: Record<string, string> };
  for (const [k, v] of Object.entries(opts.defaults ?? {})) m.set(k, { value: v, source: 'options.json' });
  return m;
}


const cases = readdirSync(root).sort();

describe('hoist-from-args fixtures', () => {
  test('there are fixtures', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });
  for (const name of cases) {
    test(name, () => {
      const dir = `${root}${name}`;
      const input = readFileSync(`${dir}/input.Dockerfile`, 'utf8');
      const defaults = defaultsOf(dir);
      const result = fixDockerfile(input, { defaults });
      const findings = result.findings.map(findingLine).join('\n') + (result.findings.length ? '\n' : '');
      if (update) {
        writeFileSync(`${dir}/output.Dockerfile`, result.output);
        writeFileSync(`${dir}/findings.txt`, findings);
      }
      expect(result.output).toBe(readFileSync(`${dir}/output.Dockerfile`, 'utf8'));
      expect(findings).toBe(readFileSync(`${dir}/findings.txt`, 'utf8'));
      // Idempotent: the output asks for nothing more.
      const again = fixDockerfile(result.output, { defaults });
      expect(again.edits).toEqual([]);
      expect(again.output).toBe(result.output);
      // Insertion-only unless a supplied value replaced an existing default.
      if (!result.findings.some((f) => f.rule === 'DefaultRewritten')) {
        expect(result.edits.every((e) => e.start === e.end)).toBe(true);
        expect(keepsAllInOrder(input, result.output)).toBe(true);
      }
    });
  }
});
