/**
 * Properties of the GitLab CI side over generated repositories (see support/ci-arb.ts): each repository is run
 * through `run()` in-process (write mode, JSON report) on a temp directory, then once more.
 *
 * 1. no crash: exit 0 or 1 (2 only with an `invalid YAML` error, which the generator never produces);
 * 2. the second run changes nothing and leaves every file byte-identical;
 * 3. insertion-only: every original byte of every file is kept, in order (and CRLF stays CRLF);
 * 4. the output YAML parses, everything but the build commands reads the same, and each build command's value,
 *    re-read, is the original command (words in order, nothing after it moved) plus exactly one build arg for
 *    every FROM variable its jobs need and define, spelled as the README says for the builder (bare where a job
 *    may have no value, never where one defines it empty), and before a `--`; the value before and after the
 *    command (a kept block's blank lines, a block's first-line indentation) is kept.
 * 5. a repository whose Dockerfiles need nothing gets no CI edit (see the test);
 * 6. laid out with links and a read-only file (support/fs-arb.ts): links stay links, and either every real file
 *    ends as the plain layout's run leaves it, or (a file that run changes is read-only) none changes at all.
 * 7. findings are stable: what the first run (with --write) reports about CI and leaves unfixed is exactly what
 *    the second run reports (rule, file, variable, severity, message; positions may move with the edits).
 *
 * Each repository is run once and the outcome shared by the four properties (same seed, same inputs).
 * A fixed seed keeps the suite reproducible; FUZZ_RUNS/FUZZ_SEED run more (`npm run fuzz` sets them).
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isScalar, parseDocument, visit, type Document } from 'yaml';
import { runJson } from './support/ci-fixtures.js';
import { keepsAllInOrder } from './support/bytes.js';
import { builtBy, expectedArgs, needNothingRepoArb, repoArb, type GenCommand, type GenRepo } from './support/ci-arb.js';
import { fsRepoArb, links, materialize, realPath } from './support/fs-arb.js';
import { twoRuns, type TwoRuns } from './support/tree.js';

const runs = Number(process.env.FUZZ_RUNS ?? 100);
const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? undefined : 20261128;
const params = { numRuns: runs, ...(seed !== undefined ? { seed } : {}) };
const timeout = Math.max(60_000, runs * 1_000);

interface Report {
  files: { path: string; changed: boolean; status: string; findings: { rule: string; severity: string; message: string; name?: string; fixed: boolean }[] }[];
  summary: { changed: number; unchanged: number; skipped: number; errors: number };
}
interface RunResult {
  code: number;
  err: string;
  report: Report;
}
type Outcome = TwoRuns<Report>;

/** Writes the repository to a temp directory, runs the tool twice (write mode), returns what happened. */
const runTwice = twoRuns<Report>('argfix-ci-prop-');
const outcome = (repo: GenRepo): Promise<Outcome> => runTwice(repo.files);

const REFERENCE_TAG = { tag: '!reference', collection: 'seq' as const, resolve: <T>(s: T) => s };
const parseYaml = (text: string) => parseDocument(text, { merge: true, customTags: [REFERENCE_TAG] });

function scalarsWith(doc: Document, marker: string): string[] {
  const found: string[] = [];
  visit(doc, {
    Scalar(_, node) {
      if (isScalar(node) && typeof node.value === 'string' && node.value.includes(marker)) found.push(node.value);
    },
  });
  return found;
}

/** The document as data, with every build command's string replaced by a placeholder. */
function structure(doc: Document, repo: GenRepo): unknown {
  const markers = repo.commands.map((c) => c.marker);
  const strip = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const m = markers.find((x) => v.includes(x));
      return m ? `<${m}>` : v;
    }
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strip(x)]));
    return v;
  };
  return strip(doc.toJS({ maxAliasCount: -1 }));
}

/** Shell words of one command line (quotes kept as written; no line breaks expected). */
function shellTokens(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let q: string | null = null;
  for (const c of s) {
    if (q) {
      cur += c;
      if (c === q) q = null;
      continue;
    }
    if (c === '"' || c === "'") {
      q = c;
      cur += c;
      has = true;
    } else if (c === ' ' || c === '\t') {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

/** Flags that take their value as the next word are kept with it: `--build-arg X=1` is one unit. */
function units(tokens: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if ((tokens[i] === '--build-arg' || tokens[i] === '--opt') && i + 1 < tokens.length) out.push(`${tokens[i]} ${tokens[++i]}`);
    else out.push(tokens[i]);
  }
  return out;
}

/** A build-arg unit's name, value and spelling; null for any other unit. */
function buildArg(unit: string): { name: string; value: string | null; spelling: string } | null {
  const m = /^(--build-arg[ =]|--opt build-arg:|--opt "build-arg:)"?([A-Za-z_][A-Za-z0-9_]*)(?:=(.*?))?"?$/.exec(unit);
  if (!m) return null;
  return { name: m[2], value: m[3] ?? null, spelling: m[1] };
}

/** Problems with one build command in the output (empty when it is right). */
function checkCommand(repo: GenRepo, cmd: GenCommand, outDoc: Document): string[] {
  const problems: string[] = [];
  const values = scalarsWith(outDoc, cmd.marker);
  if (values.length !== 1) return [`${values.length} scalars hold ${cmd.marker}`];
  const out = values[0];
  const prefix = cmd.value.slice(0, cmd.cmdStart);
  const tail = cmd.value.slice(cmd.cmdEnd);
  if (!out.startsWith(prefix)) problems.push(`the value before the command changed: ${JSON.stringify(out.slice(0, cmd.cmdStart + 20))}`);
  if (!out.endsWith(tail) || out.length < prefix.length + tail.length) problems.push(`the value after the command changed: ${JSON.stringify(out)}`);
  if (problems.length) return problems;
  const region = out.slice(cmd.cmdStart, out.length - tail.length).replace(/\\\n/g, '');
  if (region.includes('\n')) problems.push(`the command is split by a line break: ${JSON.stringify(region)}`);
  const got = units(shellTokens(region.replace(/\n/g, ' ')));
  const orig = units(shellTokens(cmd.words.join(' ')));
  const extras: string[] = [];
  let j = 0;
  let ended = false;
  for (const u of got) {
    if (j < orig.length && u === orig[j]) {
      if (u === '--') ended = true;
      j++;
    } else {
      extras.push(u);
      // `--` ends the options: a flag after it is an operand.
      if (ended) problems.push(`inserted after \`--\`: ${JSON.stringify(u)} in ${JSON.stringify(region)}`);
    }
  }
  if (j < orig.length) problems.push(`original words missing or reordered from ${JSON.stringify(orig[j])}: ${JSON.stringify(region)}`);
  const want = expectedArgs(repo, cmd);
  const added = new Map<string, { value: string | null; spelling: string; unit: string }>();
  for (const u of extras) {
    const a = buildArg(u);
    if (!a) {
      problems.push(`inserted something that is not a build arg: ${JSON.stringify(u)}`);
      continue;
    }
    if (added.has(a.name) || cmd.prepassed.some((p) => p.name === a.name)) problems.push(`${a.name} passed more than once: ${JSON.stringify(region)}`);
    added.set(a.name, { ...a, unit: u });
  }
  const wantNames = want.map((w) => w.name).sort();
  const gotNames = [...added.keys()].sort();
  if (JSON.stringify(wantNames) !== JSON.stringify(gotNames)) {
    problems.push(`build args added: ${JSON.stringify(gotNames)}, expected ${JSON.stringify(wantNames)} (builds ${JSON.stringify(builtBy(repo, cmd))})`);
  }
  for (const w of want) {
    const a = added.get(w.name);
    if (!a) continue;
    if (cmd.tool === 'buildctl') {
      if (a.spelling !== '--opt build-arg:') problems.push(`buildctl arg spelled ${JSON.stringify(a.unit)}`);
    } else if (!a.spelling.startsWith('--build-arg')) problems.push(`arg spelled ${JSON.stringify(a.unit)}`);
    if (w.bare) {
      if (a.value !== null) problems.push(`${w.name} may be unset, should be passed bare: ${JSON.stringify(a.unit)}`);
    } else if (a.value !== `$${w.name}` && a.value !== `\${${w.name}}`) problems.push(`${w.name} passed as ${JSON.stringify(a.unit)}`);
  }
  return problems;
}

const show = (repo: GenRepo) => Object.entries(repo.files).map(([p, t]) => `--- ${p}\n${t}`).join('');

describe('GitLab CI properties', () => {
  test('generator self-check: the CI file parses and each command scalar reads as claimed', () => {
    fc.assert(
      fc.property(repoArb, (repo) => {
        const doc = parseYaml(repo.ci);
        expect(doc.errors.map((e) => e.message)).toEqual([]);
        for (const c of repo.commands) {
          expect(scalarsWith(doc, c.marker)).toEqual([c.value]);
          expect(c.value.slice(c.cmdStart, c.cmdEnd).replace(/\\\n\s*/g, ' ').split(/\s+/)).toEqual(c.words);
        }
      }),
      params,
    );
  }, timeout);

  test('1. no crash: exit 0 or 1, no error reported', async () => {
    await fc.assert(
      fc.asyncProperty(repoArb, async (repo) => {
        const o = await outcome(repo);
        // Exit 2 is allowed only for invalid YAML, which the generator never writes (see the self-check):
        // so any error line, error report or exit 2 here is the tool's.
        for (const r of [o.first, o.second]) {
          expect(r.err).toBe('');
          expect(r.report.files.filter((f) => f.status === 'error')).toEqual([]);
          expect([0, 1]).toContain(r.code);
        }
      }),
      params,
    );
  }, timeout);

  test('2. idempotent: the second run changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(repoArb, async (repo) => {
        const o = await outcome(repo);
        expect(o.second.report.summary.changed).toBe(0);
        expect(o.after2).toEqual(o.after1);
      }),
      params,
    );
  }, timeout);

  test('3. insertion-only: every original byte kept, in order; line endings kept', async () => {
    await fc.assert(
      fc.asyncProperty(repoArb, async (repo) => {
        const o = await outcome(repo);
        expect(Object.keys(o.after1).sort()).toEqual(Object.keys(repo.files).sort());
        for (const [path, text] of Object.entries(repo.files)) {
          const after = o.after1[path];
          if (!keepsAllInOrder(text, after)) throw new Error(`${path} lost bytes:\n${after}\n\nrepository:\n${show(repo)}`);
          if (text.includes('\r\n')) expect(after.replace(/\r\n/g, '')).not.toContain('\n');
        }
      }),
      params,
    );
  }, timeout);

  test('5. a repository whose Dockerfiles need nothing: the CI file never changes, no CI finding but info, and --check exits 0 when no Dockerfile changes', async () => {
    await fc.assert(
      fc.asyncProperty(needNothingRepoArb, async (repo) => {
        expect(repo.dockerfiles.flatMap((d) => d.needs)).toEqual([]);
        const o = await outcome(repo);
        expect(o.after1['.gitlab-ci.yml']).toBe(repo.ci);
        const ciFindings = o.first.report.files.flatMap((f) => f.findings).filter((f) => f.rule.startsWith('Ci'));
        expect(ciFindings.filter((f) => f.severity !== 'info')).toEqual([]);
        const dockerfilesChanged = repo.dockerfiles.some((d) => o.after1[d.path] !== d.text);
        if (!dockerfilesChanged) {
          expect(o.first.code).toBe(0);
          expect(o.first.report.files.flatMap((f) => f.findings)).toEqual([]);
        }
      }),
      params,
    );
  }, timeout);

  test('7. stable findings: the second run reports exactly the CI findings the first left unfixed', async () => {
    /** CI findings as comparable lines. CiShellCommentInBlock reports where the edit was placed, so it comes with the edit. */
    const lines = (r: RunResult, unfixedOnly: boolean) =>
      r.report.files
        .flatMap((f) => f.findings.filter((x) => x.rule.startsWith('Ci') && x.rule !== 'CiShellCommentInBlock' && !(unfixedOnly && x.fixed)).map((x) => `${f.path} ${x.rule} ${x.severity} ${x.name ?? '-'}: ${x.message}`))
        .sort();
    await fc.assert(
      fc.asyncProperty(repoArb, async (repo) => {
        const o = await outcome(repo);
        const first = lines(o.first, true);
        const second = lines(o.second, false);
        if (JSON.stringify(first) !== JSON.stringify(second)) {
          throw new Error(`run 1 (unfixed):\n${first.join('\n')}\n\nrun 2:\n${second.join('\n')}\n\nrepository:\n${show(repo)}`);
        }
      }),
      params,
    );
  }, timeout);

  test('4. the output YAML parses; each build command gets exactly its missing build args', async () => {
    await fc.assert(
      fc.asyncProperty(repoArb, async (repo) => {
        const o = await outcome(repo);
        const ci = o.after1['.gitlab-ci.yml'];
        const doc = parseYaml(ci);
        expect(doc.errors.map((e) => e.message)).toEqual([]);
        expect(structure(doc, repo)).toEqual(structure(parseYaml(repo.ci), repo));
        const problems = repo.commands.flatMap((c) => checkCommand(repo, c, doc).map((p) => `${c.marker} (${c.tool}, ${c.style}, ${c.kind}): ${p}`));
        if (problems.length) throw new Error(`${problems.join('\n')}\n\noutput .gitlab-ci.yml:\n${ci}\nrepository:\n${show(repo)}`);
      }),
      params,
    );
  }, timeout);

  test('6. links and read-only files: links stay links; every real file ends as the plain run leaves it, or none changes', async () => {
    await fc.assert(
      fc.asyncProperty(fsRepoArb, async (l) => {
        const plain = await outcome(l.repo);
        const dir = mkdtempSync(join(tmpdir(), 'argfix-ci-prop-fs-'));
        try {
          materialize(dir, l);
          const first = await runJson<Report>(dir, true);
          const changedByPlain = Object.keys(l.repo.files).filter((p) => plain.after1[p] !== l.repo.files[p]);
          const blocked = l.readOnly !== null && changedByPlain.includes(l.readOnly);
          const problems: string[] = [];
          for (const [p, text] of Object.entries(l.repo.files)) {
            const now = readFileSync(join(dir, realPath(l, p)), 'latin1');
            const want = blocked ? text : plain.after1[p];
            if (now !== want) problems.push(`${p} (at ${realPath(l, p)}): ${blocked ? 'written although the repository is blocked' : 'not as the plain run left it'}:\n${now}`);
          }
          for (const [link, target] of links(l)) {
            if (!lstatSync(join(dir, link)).isSymbolicLink() || readlinkSync(join(dir, link)) !== target) problems.push(`${link} is no longer the link to ${target}`);
          }
          const temps = readdirSync(dir, { recursive: true }).filter((n) => String(n).endsWith('.tmp'));
          if (temps.length) problems.push(`temp files left: ${temps.join(', ')}`);
          const errors = first.report.files.filter((f) => f.status === 'error').map((f) => f.path);
          if (blocked) {
            if (first.code !== 2) problems.push(`exit ${first.code}, expected 2`);
            if (!errors.includes(realPath(l, l.readOnly!))) problems.push(`no error for the read-only ${realPath(l, l.readOnly!)}: ${JSON.stringify(errors)}`);
          } else {
            if (first.code !== plain.first.code) problems.push(`exit ${first.code}, the plain run ${plain.first.code}`);
            if (errors.length) problems.push(`errors: ${JSON.stringify(errors)}`);
          }
          if (problems.length) throw new Error(`${problems.join('\n')}\n\nlayout: ${JSON.stringify({ linkCi: l.linkCi, linkDockerfile: l.linkDockerfile, readOnly: l.readOnly })}\nrepository:\n${show(l.repo)}`);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      params,
    );
  }, timeout);
});
