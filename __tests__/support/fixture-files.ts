/** The files under `__fixtures__/`, and the strings their YAML files and shell scripts hold (test inputs). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';

export const FIXTURES_DIR = fileURLToPath(new URL('../../__fixtures__', import.meta.url));

/** Every file below `dir`, depth first. */
export function listFiles(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) listFiles(p, out);
    else out.push(p);
  }
  return out;
}

/** Every string scalar of every YAML file in the fixtures (script items, run: steps…), and with `shell` the .sh files. */
export function fixtureStrings(options: { shell?: boolean } = {}): string[] {
  const out = new Set<string>();
  const visit = (n: unknown): void => {
    if (isScalar(n)) {
      if (typeof n.value === 'string') out.add(n.value);
    } else if (isSeq(n)) for (const x of n.items) visit(x);
    else if (isMap(n)) for (const p of n.items) visit((p as { value: Node }).value);
  };
  for (const f of listFiles(FIXTURES_DIR)) {
    if (/\.ya?ml$/.test(f)) for (const d of parseAllDocuments(readFileSync(f, 'utf8'))) if ('contents' in d) visit(d.contents);
    if (options.shell && /\.sh$/.test(f)) out.add(readFileSync(f, 'utf8'));
  }
  return [...out];
}
