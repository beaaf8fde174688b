/**
 * Properties of the Bake HCL edits over generated repositories: a `docker-bake.hcl` (variables with and without
 * defaults, one-line and multi-line blocks, targets with or without `args`, an inherited `_base`, comments, tabs
 * or spaces, LF or CRLF), sometimes a `docker-bake.override.hcl`, and Dockerfiles that need some of the names.
 * Each repository is run twice in-process (write mode, JSON report).
 *
 * 1. no crash: exit 0 or 1, no error;
 * 2. idempotent: the second run changes nothing;
 * 3. insertion-only: every original byte of every file kept, in order;
 * 4. exact build args: parsed with Bake's parser, each edited file reads as before plus, in the args of each target
 *    that builds a Dockerfile needing a name it does not pass, `NAME = NAME` (`${NAME}`), and `default = null` for
 *    each such name (a new variable, or a declared one without default); nothing else changes. A target left
 *    without a needed name has a CiBakeHcl or CiEmptyVariable finding naming it.
 * A fixed seed keeps the suite reproducible; FUZZ_RUNS/FUZZ_SEED run more.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { canonical, parseHcl } from '../src/ci/hcl.js';
import { keepsAllInOrder } from './support/bytes.js';
import { twoRuns, type TwoRuns } from './support/tree.js';

const runs = Number(process.env.FUZZ_RUNS ?? 60);
const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? undefined : 20261130;
const params = { numRuns: runs, ...(seed !== undefined ? { seed } : {}) };
const timeout = Math.max(60_000, runs * 1_000);

const NAMES = ['REGISTRY', 'TAG', 'BASE'];
type Kind = 'undeclared' | 'none' | 'null' | 'value' | 'empty';

interface GenTarget {
  name: string;
  dir: 'a' | 'b';
  args: 'none' | 'multi' | 'one-line' | 'empty';
  own: string[];
  inherits: boolean;
  oneLine: boolean;
}
interface GenRepo {
  files: Record<string, string>;
  targets: GenTarget[];
  /** Names each Dockerfile directory needs. */
  needs: Record<'a' | 'b', string[]>;
  kinds: Record<string, Kind>;
  baseArgs: string[];
}

const repoArb: fc.Arbitrary<GenRepo> = fc
  .record({
    kinds: fc.tuple(...NAMES.map(() => fc.constantFrom<Kind>('undeclared', 'none', 'null', 'value', 'empty'))),
    varOneLine: fc.boolean(),
    needsA: fc.subarray(NAMES),
    needsB: fc.subarray(NAMES),
    targets: fc.uniqueArray(
      fc.record({
        name: fc.constantFrom('app', 'web', 'default', 'api-v2'),
        dir: fc.constantFrom<'a' | 'b'>('a', 'b'),
        args: fc.constantFrom<GenTarget['args']>('none', 'multi', 'one-line', 'empty'),
        own: fc.subarray(NAMES),
        inherits: fc.boolean(),
        oneLine: fc.boolean(),
      }),
      { minLength: 1, maxLength: 3, selector: (t) => t.name },
    ),
    baseArgs: fc.subarray(NAMES),
    indent: fc.constantFrom('  ', '    ', '\t'),
    crlf: fc.boolean(),
    header: fc.constantFrom('', '# images\n', '// images\n\n'),
    override: fc.option(fc.constantFrom('app', 'web'), { nil: undefined }),
  })
  .map(({ kinds, varOneLine, needsA, needsB, targets, baseArgs, indent, crlf, header, override }) => {
    const kindOf = Object.fromEntries(NAMES.map((n, i) => [n, kinds[i]])) as Record<string, Kind>;
    const i1 = indent;
    const i2 = indent + indent;
    let hcl = header;
    for (const n of NAMES) {
      const k = kindOf[n];
      if (k === 'undeclared') continue;
      const body = k === 'none' ? '' : k === 'null' ? 'default = null' : k === 'empty' ? 'default = ""' : `default = "${n.toLowerCase()}"`;
      hcl += varOneLine && body === '' ? `variable "${n}" {}\n\n` : `variable "${n}" {\n${body ? `${i1}${body}\n` : ''}}\n\n`;
    }
    const argsText = (names: string[], style: GenTarget['args']) =>
      style === 'one-line' ? `${i1}args = { ${names.map((n) => `${n} = "x"`).join(', ')} }\n` : style === 'empty' ? `${i1}args = {}\n` : `${i1}args = {\n${names.map((n) => `${i2}${n} = "x"\n`).join('')}${i1}}\n`;
    const usesBase = targets.some((t) => t.inherits);
    if (usesBase) hcl += `target "_base" {\n${argsText(baseArgs, 'multi')}}\n\n`;
    for (const t of targets) {
      const lines = [`context = "${t.dir}"`, ...(t.inherits ? ['inherits = ["_base"]'] : [])];
      if (t.oneLine && t.args === 'none' && !t.inherits) hcl += `target "${t.name}" { context = "${t.dir}" }\n\n`;
      else hcl += `target "${t.name}" {\n${lines.map((l) => `${i1}${l}\n`).join('')}${t.args === 'none' ? '' : argsText(t.own, t.args)}}\n\n`;
    }
    const eol = (s: string) => (crlf ? s.replace(/\n/g, '\r\n') : s);
    const files: Record<string, string> = { 'docker-bake.hcl': eol(hcl) };
    if (override && targets.some((t) => t.name === override)) files['docker-bake.override.hcl'] = eol(`target "${override}" {\n${i1}tags = ["x"]\n}\n`);
    const dockerfile = (needs: string[]) => {
      // Needed names: undeclared in the Dockerfile; the others have valid defaults.
      const decl = NAMES.filter((n) => !needs.includes(n)).map((n) => `ARG ${n}=${n === 'REGISTRY' ? 'docker.io' : n === 'TAG' ? '1' : 'library'}\n`).join('');
      return `${decl}FROM \${REGISTRY}/\${BASE}/img:\${TAG}\n`;
    };
    files['a/Dockerfile'] = dockerfile(needsA);
    files['b/Dockerfile'] = dockerfile(needsB);
    return {
      files,
      targets: targets.map((t) => ({ ...t, oneLine: t.oneLine && t.args === 'none' && !t.inherits })),
      needs: { a: needsA, b: needsB },
      kinds: kindOf,
      baseArgs: usesBase ? baseArgs : [],
    };
  });

interface Report {
  files: { path: string; status: string; error?: string; findings: { rule: string; message: string; fixed: boolean }[] }[];
  summary: { errors: number };
}
type Outcome = TwoRuns<Report>;

/** Writes the repository to a temp directory, runs the tool twice (write mode), returns what happened. */
const runTwice = twoRuns<Report>('argfix-hcl-prop-', ['bake']);
const outcome = (repo: GenRepo): Promise<Outcome> => runTwice(repo.files);

type Body = Record<string, Record<string, Record<string, unknown>[]>>;

describe('Bake HCL properties', () => {
  test('generator self-check: every generated bake file parses', () => {
    fc.assert(
      fc.property(repoArb, (repo) => {
        for (const [p, t] of Object.entries(repo.files)) if (p.endsWith('.hcl')) expect(parseHcl(t)).not.toBeNull();
      }),
      params,
    );
  });

  test('1. no crash: exit 0 or 1, no error', async () => {
    await fc.assert(
      fc.asyncProperty(repoArb, async (repo) => {
        const o = await outcome(repo);
        expect(o.first.report.files.filter((f) => f.error)).toEqual([]);
        expect([0, 1]).toContain(o.first.code);
      }),
      params,
    );
  }, timeout);

  test('2. idempotent: the second run changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(repoArb, async (repo) => {
        const o = await outcome(repo);
        expect(o.after2).toEqual(o.after1);
      }),
      params,
    );
  }, timeout);

  test('3. insertion-only: every original byte kept, in order', async () => {
    await fc.assert(
      fc.asyncProperty(repoArb, async (repo) => {
        const o = await outcome(repo);
        for (const [p, before] of Object.entries(repo.files)) expect(keepsAllInOrder(before, o.after1[p])).toBe(true);
      }),
      params,
    );
  }, timeout);

  test('4. exact build args: each edited file reads as before plus exactly the planned args and defaults', async () => {
    await fc.assert(
      fc.asyncProperty(repoArb, async (repo) => {
        const o = await outcome(repo);
        const bakeFindings = o.first.report.files.filter((f) => f.path.endsWith('.hcl')).flatMap((f) => f.findings);
        const reported = (t: string) => bakeFindings.some((f) => !f.fixed && ['CiBakeHcl', 'CiEmptyVariable'].includes(f.rule) && f.message.startsWith(`bake target '${t}'`));
        const before = parseHcl(repo.files['docker-bake.hcl']) as Body;
        const after = parseHcl(o.after1['docker-bake.hcl']) as Body;
        const edited = o.after1['docker-bake.hcl'] !== repo.files['docker-bake.hcl'];
        const expected = JSON.parse(JSON.stringify(before)) as Body;
        const nulls = new Set<string>();
        for (const t of repo.targets) {
          const passed = new Set([...(t.args === 'none' || t.args === 'empty' ? [] : t.own), ...(t.inherits ? repo.baseArgs : [])]);
          const missing = repo.needs[t.dir].filter((n) => !passed.has(n) && repo.kinds[n] !== 'empty');
          if (missing.length === 0) continue;
          if (!edited) {
            // Nothing edited: every target that misses a name is reported.
            expect(reported(t.name)).toBe(true);
            continue;
          }
          const body = expected.target[t.name][0];
          body.args = { ...((body.args as Record<string, unknown>) ?? {}), ...Object.fromEntries(missing.map((n) => [n, `\${${n}}`])) };
          for (const n of missing) if (repo.kinds[n] === 'undeclared' || repo.kinds[n] === 'none') nulls.add(n);
        }
        if (!edited) {
          expect(o.after1['docker-bake.override.hcl']).toBe(repo.files['docker-bake.override.hcl']);
          return;
        }
        for (const n of nulls) {
          expected.variable ??= {};
          expected.variable[n] = [{ ...(expected.variable[n]?.[0] ?? {}), default: null }];
        }
        expect(canonical(after)).toBe(canonical(expected));
      }),
      params,
    );
  }, timeout);
});
