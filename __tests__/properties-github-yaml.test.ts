/**
 * GitHub Actions workflows in hostile YAML shapes (issue 10 items 3, 7, 8): build-push-action steps written
 * as block or flow mappings, `with:` as a block or flow map, an anchor, an alias of one (`with: *w`, also from
 * another job and from another action's step) or a `<<:` merge of one; `build-args` absent, plain, plain with a
 * comment, double-quoted, literal, kept (`|+`) or with a blank first line; the last input of `with:` plain,
 * commented, kept or with an explicit indentation indicator; `run:` steps in flow steps with a `${{ }}` value.
 *
 * Each workflow is run through `run()` (write mode) twice. The oracle, worked out from the generated shape (not
 * from the tool's reading of it): a build-push-action step's edit goes to the node it reads its `build-args` from
 * (its own, or a shared anchor), and is made once when every step that reads that node needs the same line, else
 * every such step is reported (CiBuildArgsShape); a node another action's step also reads is reported; a step
 * that merges an anchor (`<<:`) gets its own `build-args`, which wins over the anchor's.
 *
 * 1. no error, exit 0 or 1; the output parses; a second run changes nothing; every original byte is kept;
 * 2. every value but the build-args and run: commands reads the same; another action's inputs do not change;
 * 3. each build-push-action step's build-args lines are its old ones plus exactly its line (kept blank lines
 *    stay after them), or it is reported and they are unchanged; each run: command gets its flag, quoted inside a
 *    flow collection.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseDocument } from 'yaml';
import { keepsAllInOrder } from './support/bytes.js';
import { runJson } from './support/ci-fixtures.js';

const runs = Number(process.env.FUZZ_RUNS ?? 100);
const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? undefined : 20261201;
const params = { numRuns: runs, ...(seed !== undefined ? { seed } : {}) };
const timeout = Math.max(60_000, runs * 1_000);

type WithForm = 'none' | 'block' | 'flow' | 'alias' | 'merge';
type BuildArgs = 'none' | 'plain' | 'plainComment' | 'double' | 'literal' | 'literalKeep' | 'literalBlankFirst';
type LastInput = 'none' | 'plain' | 'plainComment' | 'keep' | 'explicit';

const stepArb = fc.record({
  kind: fc.constantFrom<'bpa' | 'foreign' | 'run'>('bpa', 'bpa', 'bpa', 'foreign', 'run'),
  flow: fc.boolean(),
  withForm: fc.constantFrom<WithForm>('none', 'block', 'flow', 'alias', 'merge'),
  anchor: fc.boolean(),
  ref: fc.nat({ max: 5 }),
  buildArgs: fc.constantFrom<BuildArgs>('none', 'plain', 'plainComment', 'double', 'literal', 'literalKeep', 'literalBlankFirst'),
  lastInput: fc.constantFrom<LastInput>('none', 'plain', 'plainComment', 'keep', 'explicit'),
});
type StepSpec = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

const workflowArb = fc.record({
  jobs: fc.array(fc.record({ matrix: fc.boolean(), flowSteps: fc.boolean(), steps: fc.array(stepArb, { minLength: 1, maxLength: 4 }) }), { minLength: 1, maxLength: 2 }),
});
type WorkflowSpec = typeof workflowArb extends fc.Arbitrary<infer T> ? T : never;

interface GenStep {
  job: number;
  index: number;
  kind: 'bpa' | 'foreign' | 'run';
  /** Line and column (1-based) of the step's `uses`/`run` key, where its findings are reported. */
  line: number;
  column: number;
  /** The node the edit goes to, as the oracle names it; the anchors it reads. */
  target: string;
  mergeFrom: string | null;
  aliasOf: string | null;
  /** The line a build-push-action step needs, or the flag a run step needs. */
  want: string;
  flowRun: boolean;
}

interface Gen {
  text: string;
  steps: GenStep[];
}

const BPA = 'docker/build-push-action@v6';

/** Renders the workflow, normalising specs that YAML cannot hold (a block map inside a flow step, an alias to nothing). */
function render(spec: WorkflowSpec): Gen {
  const lines: string[] = ['on: push', 'jobs:'];
  const steps: GenStep[] = [];
  /** Anchors defined so far, with whether their map holds build-args. */
  const anchors: { name: string; ba: boolean }[] = [];
  let n = 0;
  spec.jobs.forEach((job, j) => {
    lines.push(`  j${j}:`, '    runs-on: ubuntu-latest');
    if (job.matrix) lines.push('    strategy:', '      matrix:', '        BASE_IMAGE: [alpine, debian]');
    else lines.push('    env:', '      BASE_IMAGE: alpine');
    const value = job.matrix ? '${{ matrix.BASE_IMAGE }}' : '${{ env.BASE_IMAGE }}';
    const flowSteps = job.flowSteps;
    const items: string[] = [];
    const itemAt: { line: number; column: number }[] = [];
    job.steps.forEach((s0: StepSpec, i) => {
      const s = { ...s0 };
      const stepFlow = flowSteps || s.flow;
      if ((s.withForm === 'alias' || s.withForm === 'merge') && anchors.length === 0) s.withForm = 'block';
      if (s.kind === 'foreign' && anchors.length === 0) s.kind = 'bpa';
      if (stepFlow && s.withForm === 'block') s.withForm = 'flow';
      const id = n++;
      const ref = anchors.length ? anchors[s.ref % anchors.length] : null;
      const at: GenStep = { job: j, index: i, kind: s.kind, line: 0, column: 0, target: '', mergeFrom: null, aliasOf: null, want: '', flowRun: false };
      steps.push(at);
      if (s.kind === 'run') {
        at.want = `--build-arg BASE_IMAGE=${job.matrix ? value : '$BASE_IMAGE'}`;
        at.flowRun = stepFlow;
        items.push(stepFlow ? `{run: docker build .}` : `run: docker build .`);
        return;
      }
      if (s.kind === 'foreign') {
        at.aliasOf = ref!.name;
        items.push(stepFlow ? `{uses: actions/checkout@v4, with: *${ref!.name}}` : `uses: actions/checkout@v4\nwith: *${ref!.name}`);
        return;
      }
      at.want = `BASE_IMAGE=${value}`;
      const flowWith = stepFlow || s.withForm === 'flow';
      // build-args as written: block shapes only in a block with:.
      const ba: BuildArgs = flowWith && !['none', 'plain', 'double'].includes(s.buildArgs) ? 'plain' : s.buildArgs;
      const last: LastInput = flowWith ? 'none' : s.lastInput;
      const anchorName = `w${id}`;
      const anchored = s.anchor && (s.withForm === 'block' || s.withForm === 'flow');
      let withText: string | null;
      if (s.withForm === 'none') {
        withText = null;
        at.target = `step-${id}`;
      } else if (s.withForm === 'alias') {
        withText = `*${ref!.name}`;
        at.aliasOf = ref!.name;
        at.target = `${ref!.ba ? 'ba' : 'map'}-${ref!.name}`;
      } else if (s.withForm === 'merge') {
        at.mergeFrom = ref!.name;
        at.target = ref!.ba ? `ba-${ref!.name}` : `map-m${id}`;
        withText = flowWith ? `{<<: *${ref!.name}, push: true}` : `\n  <<: *${ref!.name}\n  push: true`;
      } else {
        const own = anchored ? anchorName : `o${id}`;
        at.target = `${ba === 'none' ? 'map' : 'ba'}-${own}`;
        const a = anchored ? `&${anchorName} ` : '';
        if (flowWith) {
          const baText = ba === 'plain' ? ', build-args: FOO=1' : ba === 'double' ? ', build-args: "FOO=1"' : '';
          withText = `${a}{push: false${baText}}`;
        } else {
          const body = ['push: false'];
          if (ba === 'plain') body.push('build-args: FOO=1');
          if (ba === 'plainComment') body.push('build-args: FOO=1 # c');
          if (ba === 'double') body.push('build-args: "FOO=1"');
          if (ba === 'literal') body.push('build-args: |', '  FOO=1');
          if (ba === 'literalKeep') body.push('build-args: |+', '  FOO=1', '');
          if (ba === 'literalBlankFirst') body.push('build-args: |', '', '  FOO=1');
          if (last === 'plain') body.push('tags: a');
          if (last === 'plainComment') body.push('tags: a # c');
          if (last === 'keep') body.push('tags: |+', '  a', '');
          if (last === 'explicit') body.push('labels: |2-', '    x', '  y');
          withText = `${a.trimEnd()}\n${body.map((l) => (l ? `  ${l}` : '')).join('\n')}`;
        }
        if (anchored) anchors.push({ name: anchorName, ba: ba !== 'none' });
      }
      if (stepFlow) items.push(`{uses: ${BPA}${withText === null ? '' : `, with: ${withText}`}}`);
      else items.push(`uses: ${BPA}${withText === null ? '' : `\nwith:${withText.startsWith('\n') ? '' : ' '}${withText}`}`);
    });
    if (flowSteps) {
      let col = '    steps: ['.length + 2; // after the `{`
      for (const it of items) {
        itemAt.push({ line: lines.length + 1, column: col });
        col += it.length + 2;
      }
      lines.push(`    steps: [${items.join(', ')}]`);
    } else {
      lines.push('    steps:');
      for (const it of items) {
        itemAt.push({ line: lines.length + 1, column: it.startsWith('{') ? 10 : 9 });
        it.split('\n').forEach((l, k) => lines.push(l === '' ? '' : `${k === 0 ? '      - ' : '        '}${l}`));
      }
    }
    steps.filter((s) => s.job === j).forEach((s, k) => Object.assign(s, itemAt[k]));
  });
  return { text: lines.join('\n') + '\n', steps };
}

const REPORTED = 'CiBuildArgsShape';

/** Whether the oracle expects a build-push-action step to be reported rather than edited. */
function reported(g: Gen, s: GenStep): boolean {
  const bpa = g.steps.filter((x) => x.kind === 'bpa');
  const anchor = /^(?:ba|map)-(w\d+)$/.exec(s.target)?.[1];
  if (anchor && g.steps.some((x) => x.kind === 'foreign' && x.aliasOf === anchor)) return true;
  // A step merging the anchor (`<<: *w`) without build-args of its own gets its own edit, in its own with:,
  // which wins over the merged one: it does not share the anchor's edit.
  return bpa.some((x) => x.target === s.target && x.want !== s.want);
}

interface Report {
  files: { path: string; status: string; findings: { rule: string; line: number; column: number }[] }[];
  summary: { changed: number };
}

const load = (text: string) => parseDocument(text, { merge: true }).toJS({ maxAliasCount: -1 }) as { jobs: Record<string, { steps: Record<string, unknown>[] }> };
const stepOf = (doc: ReturnType<typeof load>, s: GenStep) => doc.jobs[`j${s.job}`].steps[s.index] as { with?: Record<string, unknown>; run?: string };
const nonBlank = (v: unknown) => (typeof v === 'string' ? v.split('\n').filter((l) => l.trim() !== '') : []);
const trailingBreaks = (v: unknown) => (typeof v === 'string' ? /\n*$/.exec(v)![0].length : 0);

/** The document without build-args and run: values (what the tool may change). */
function rest(doc: ReturnType<typeof load>): unknown {
  const copy = JSON.parse(JSON.stringify(doc)) as ReturnType<typeof load>;
  for (const job of Object.values(copy.jobs)) {
    for (const step of job.steps as { with?: Record<string, unknown>; run?: string }[]) {
      if (step.with) delete step.with['build-args'];
      if (step.with && Object.keys(step.with).length === 0) delete step.with;
      delete step.run;
    }
  }
  return copy;
}

describe('GitHub Actions in hostile YAML shapes (issue 10 items 3, 7, 8)', () => {
  test('generator self-check: every workflow parses', () => {
    fc.assert(
      fc.property(workflowArb, (spec) => {
        const g = render(spec);
        const doc = parseDocument(g.text, { merge: true });
        expect(doc.errors.map((e) => e.message)).toEqual([]);
        for (const s of g.steps) expect(g.text.split('\n')[s.line - 1].slice(s.column - 1)).toMatch(s.kind === 'run' ? /^run:/ : /^uses:/);
      }),
      params,
    );
  });

  test('edits keep every other value, are made once at a shared node or reported, and settle', async () => {
    await fc.assert(
      fc.asyncProperty(workflowArb, async (spec) => {
        const g = render(spec);
        const dir = mkdtempSync(join(tmpdir(), 'argfix-gh-yaml-'));
        try {
          const files: Record<string, string> = { '.github/workflows/ci.yml': g.text, Dockerfile: 'FROM ${BASE_IMAGE}\nARG FOO\n' };
          for (const [p, t] of Object.entries(files)) {
            mkdirSync(dirname(join(dir, p)), { recursive: true });
            writeFileSync(join(dir, p), t);
          }
          const first = await runJson<Report>(dir, true);
          const out = readFileSync(join(dir, '.github/workflows/ci.yml'), 'utf8');
          const show = `\ninput:\n${g.text}\noutput:\n${out}`;
          if (![0, 1].includes(first.code) || first.report.files.some((f) => f.status === 'error')) throw new Error(`exit ${first.code}: ${first.err}${show}`);
          const second = await runJson<Report>(dir, true);
          expect(second.report.summary.changed).toBe(0);
          expect(readFileSync(join(dir, '.github/workflows/ci.yml'), 'utf8')).toBe(out);
          if (!keepsAllInOrder(g.text, out)) throw new Error(`bytes lost${show}`);
          const before = load(g.text);
          const after = load(out);
          expect(rest(after)).toEqual(rest(before));
          const wf = first.report.files.find((f) => f.path.endsWith('ci.yml'))!;
          for (const s of g.steps) {
            const b = stepOf(before, s);
            const a = stepOf(after, s);
            const where = `j${s.job} step ${s.index + 1} (${s.line}:${s.column})`;
            if (s.kind === 'foreign') {
              if (JSON.stringify(a.with) !== JSON.stringify(b.with)) throw new Error(`${where}: another action's inputs changed${show}`);
              continue;
            }
            if (s.kind === 'run') {
              if (a.run !== `docker build ${s.want} .`) throw new Error(`${where}: run is ${JSON.stringify(a.run)}${show}`);
              continue;
            }
            const was = b.with?.['build-args'];
            const now = a.with?.['build-args'];
            const flagged = wf.findings.some((f) => f.rule === REPORTED && f.line === s.line && f.column === s.column);
            if (reported(g, s)) {
              if (!flagged || now !== was) throw new Error(`${where}: expected a report and no change, got ${JSON.stringify(now)}${show}`);
              continue;
            }
            if (flagged) throw new Error(`${where}: reported, expected an edit${show}`);
            expect({ where, lines: nonBlank(now) }).toEqual({ where, lines: [...nonBlank(was), s.want] });
            if (/\n$/.test(String(was ?? ''))) expect({ where, breaks: trailingBreaks(now) }).toEqual({ where, breaks: trailingBreaks(was) });
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      params,
    );
  }, timeout);
});
