/**
 * The import graph of src/ and transforms/ (issue 12, "One direction through the house"), as the TypeScript
 * compiler resolves it: `tsc --explainFiles` names, for each file of the program, every file that imports it
 * (value, type-only and dynamic imports alike). Fails on any import cycle and on an import against the layers:
 *
 * - src/ci/** (models and readers of CI files) and src/dockerfile/** never import transforms/;
 * - each file directly in transforms/ is one transform: it imports no other file directly in transforms/, only
 *   the shared code in transforms/support/**, which imports no transform either.
 */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** Every .ts file under `dir` (repository-relative, `/`-separated). */
function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

const ours = (f: string) => f.startsWith('src/') || f.startsWith('transforms/');

/** importer → imported files (ours only), from the compiler's explanation of why each file is in the program. */
function importGraph(): Map<string, Set<string>> {
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--noEmit', '--explainFiles'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(r.status).toBe(0);
  const graph = new Map<string, Set<string>>();
  let file: string | null = null;
  for (const line of r.stdout.split(/\r?\n/)) {
    if (/^\S/.test(line)) {
      file = line.trim();
      if (ours(file) && !graph.has(file)) graph.set(file, new Set());
      continue;
    }
    const m = /^\s+Imported via (['"]).*?\1 from file '([^']+)'/.exec(line);
    if (m && file && ours(file) && ours(m[2])) {
      if (!graph.has(m[2])) graph.set(m[2], new Set());
      graph.get(m[2])!.add(file);
    }
  }
  return graph;
}

/** The strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || graph.get(v)?.has(v)) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

const graph = importGraph();
const edges = [...graph].flatMap(([from, tos]) => [...tos].map((to) => `${from} -> ${to}`)).sort();

describe('import graph of src/ and transforms/', () => {
  test('is read from the compiler: every source file is in it, with its imports', () => {
    const files = [...sources('src'), ...sources('transforms')].filter((f) => !f.endsWith('.d.ts'));
    expect(files.filter((f) => !graph.has(f))).toEqual([]);
    // A static import, a type-only one (reported.ts) and a dynamic one (bin.ts) the tool is known to have.
    expect(edges).toEqual(expect.arrayContaining(['src/engine.ts -> transforms/hoist-from-args.ts', 'src/ci/reported.ts -> src/ci/builders.ts', 'src/bin.ts -> src/cli.ts']));
  });

  test('has no cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  test('the tiny cycle finder finds cycles', () => {
    const g = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['d'])],
      ['e', new Set(['a'])],
    ]);
    expect(cycles(g)).toEqual([['a', 'b', 'c'], ['d']]);
  });

  test('src/ci/** and src/dockerfile/** never import transforms/', () => {
    expect(edges.filter((e) => /^src\/(ci|dockerfile)\/\S+ -> transforms\//.test(e))).toEqual([]);
  });

  test('a transform imports no other transform, only transforms/support/**', () => {
    const direct = /^transforms\/[^/]+$/;
    expect(edges.filter((e) => {
      const [from, to] = e.split(' -> ');
      return from.startsWith('transforms/') && direct.test(to);
    })).toEqual([]);
  });
});
