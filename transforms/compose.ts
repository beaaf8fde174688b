/**
 * CI transform for Compose services: every FROM variable a service's build does not pass yet is added to its
 * `build.args` without a value (`- NAME` in list style, `NAME:` in map style): Compose then takes it from the
 * environment it runs in, and leaves it unset, keeping the Dockerfile default, when that has none (compose-spec
 * build.md `args`). A `${NAME}` value would pass an empty string instead, which overrides the default.
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { ComposeBuild } from '../src/ci/compose.js';
import { mergeSources } from '../src/ci/jobs.js';
import type { MatrixCell } from '../src/ci/matrix.js';
import type { Job } from '../src/ci/model.js';
import { afterLastEntry, lineStart } from './support/yaml-edit.js';
import { position, type CiFile } from '../src/ci/yaml.js';
import type { TextEdit } from '../src/edits.js';
import { finding, type Finding } from '../src/findings.js';
import { suggest } from '../src/dockerfile/suggest.js';
import { addedFinding, dynamicHint, jobValue, missingAnywhere, runsText, stillMissing, unseen, type CiTransformResult, type DockerfileFacts } from './support/ci-args.js';
import { verdict, type Site } from './support/shared-nodes.js';

const col = (file: CiFile, node: Node) => position(file, node.range![0]).column - 1;
/** Leading whitespace of the line holding `off` (a list's dash column). */
const leading = (text: string, off: number) => /^[ \t]*/.exec(text.slice(lineStart(text, off)))![0];

export function composeTransform(builds: readonly ComposeBuild[], dockerfiles: ReadonlyMap<string, DockerfileFacts>): CiTransformResult {
  const edits = new Map<string, TextEdit[]>();
  const findings: Finding[] = [];
  const built = new Set<string>();
  // First what each service needs (its findings as it goes), then the edits: services sharing a node through an
  // alias (`b: *a`) or a `<<:` merge get one edit there when they need the same names, else a report.
  const planned: { b: ComposeBuild; site: Site; facts: DockerfileFacts | null }[] = [];
  for (const b of builds) {
    const push = (f: Finding) => findings.push({ ...f, file: b.file.path });
    const pos = { line: b.line, column: b.column };
    const args = b.args;
    const buildSources = mergeSources(b.file, b.build);
    const site: Site = {
      name: `service '${b.service}'`,
      want: null,
      target: args ?? (isMap(b.build) ? b.build : null),
      affectedBy: (n) => (args ? n === args : buildSources.has(n)),
      reads: args ? [args, ...buildSources] : buildSources,
      foreign: new Set(),
    };
    planned.push({ b, site, facts: null });
    if (b.dockerfile === null) {
      for (const d of dockerfiles.keys()) built.add(d);
      const missing = missingAnywhere(b.passed, dockerfiles);
      if (missing.length) push(finding('CiDynamicDockerfile', pos, `compose service '${b.service}': ${b.unresolved}; not edited`, { fix: dynamicHint(missing, 'in build.args yourself'), ...unseen(missing) }));
      continue;
    }
    const facts = dockerfiles.get(b.dockerfile);
    if (!facts) continue;
    built.add(b.dockerfile);
    planned[planned.length - 1].facts = facts;
    site.want = [];
    // Only what the Dockerfile needs (a FROM valid with its defaults builds as it is); silent otherwise. Findings
    // on the Dockerfile as the tool leaves it (a second run reads that); the edit on the one as read.
    if (facts.needs.length === 0) continue;
    if (facts.after.needs.length > 0) for (const p of b.passed) {
      if (facts.declared.has(p.name)) continue;
      const sug = suggest(p.name, facts.declared);
      push(finding('CiUnusedBuildArg', pos, `compose service '${b.service}' passes build arg '${p.name}', which ${facts.path} never declares${sug ? ` (did you mean ${sug}?)` : ''}`, { name: p.name }));
    }
    site.want = facts.needs.filter((n) => !b.passed.some((p) => p.name === n));
  }
  const sites = planned.map((p) => p.site);
  const placedFor = new Set<ComposeBuild>();
  // Names a build gets from another file of its compose merge, edited there for that file's own build (the base
  // file used on its own also needs them): compose merges `build.args`, so they are not added again. Builds
  // without such files are placed first.
  const viaMerge = new Map<ComposeBuild, string[]>();
  const order = [...planned.filter((p) => !p.b.merged?.length), ...planned.filter((p) => p.b.merged?.length)];
  for (const { b, site, facts } of order) {
    let names = site.want ?? [];
    if (b.merged?.length && names.length) {
      const merged = b.merged;
      const given = names.filter((n) => planned.some((q) => placedFor.has(q.b) && merged.includes(q.b.build) && (q.site.want ?? []).includes(n)));
      if (given.length) {
        viaMerge.set(b, given);
        names = names.filter((n) => !given.includes(n));
      }
    }
    if (names.length === 0 || !facts) continue;
    const push = (f: Finding) => findings.push({ ...f, file: b.file.path });
    const pos = { line: b.line, column: b.column };
    const file = b.file;
    let edit: TextEdit | null = null;
    let why = '';
    const args = b.args;
    const ending = 'its last entry is a block scalar ending the file without a line break';
    const v = site.target ? verdict(site, sites) : { edit: true };
    if ('shared' in v) why = `build.args: ${v.shared}`;
    else if (isMap(args) && !args.flow && args.items.length) {
      const ind = ' '.repeat(col(file, args.items[0].key as Node));
      edit = afterLastEntry(file, args, names.map((n) => `${ind}${n}:`));
      if (!edit) why = `build.args: ${ending}`;
    } else if (isSeq(args) && !args.flow && args.items.length) {
      const ind = leading(file.text, (args.items[0] as Node).range![0]);
      edit = afterLastEntry(file, args, names.map((n) => `${ind}- ${n}`));
      if (!edit) why = `build.args: ${ending}`;
    } else if (args) why = 'build.args is a flow or empty collection';
    else if (isMap(b.build) && !b.build.flow && b.build.items.length) {
      const ind = ' '.repeat(col(file, b.build.items[0].key as Node));
      edit = afterLastEntry(file, b.build, [`${ind}args:`, ...names.map((n) => `${ind}  - ${n}`)]);
      if (!edit) why = `build: ${ending}`;
    } else why = 'build is a context string or a flow mapping';
    if (edit) {
      if ('edit' in v && v.edit) edits.set(file.path, [...(edits.get(file.path) ?? []), edit]);
      placedFor.add(b);
      push(addedFinding({ label: 'compose build', pos }, `service '${b.service}'`, names.map((n) => `build.args ${n}`), facts, names.map((name) => ({ name, bare: true, needed: true }))));
    } else {
      const missing = stillMissing(facts, names);
      if (missing.length) {
        push(
          finding('CiBuildArgsShape', pos, `compose service '${b.service}': ${why}; not edited`, {
            fix: `give it ${'shared' in v ? 'its own ' : ''}build.args list with ${missing.map((n) => `- ${n}`).join(', ')}`,
          }),
        );
      }
    }
  }
  // A build CI jobs run passes what it passed and, once edited, the new names: only those may take the jobs'
  // values as the Dockerfile's defaults (src/ci-pass.ts passedEverywhere).
  for (const { b, site, facts } of planned) {
    if (b.jobs && facts) facts.sites?.push(new Set([...b.passed.map((p) => p.name), ...(placedFor.has(b) ? (site.want ?? []) : []), ...(viaMerge.get(b) ?? [])]));
  }
  for (const { b, site, facts } of planned) {
    if (facts) checkValues(b, facts, [...(placedFor.has(b) ? (site.want ?? []) : []), ...(viaMerge.get(b) ?? [])], (f) => findings.push({ ...f, file: b.file.path }));
  }
  return { edits, findings, built };
}

/** The line of the service's `build.args` entry for `name` (its key, or its list item). */
function entryLine(b: ComposeBuild, name: string): number {
  const args = b.args;
  const at = (n: Node | null | undefined) => (n?.range ? position(b.file, n.range[0]).line : b.line);
  if (isMap(args)) return at(args.items.find((p) => isScalar(p.key) && String(p.key.value) === name)?.key as Node | undefined);
  if (isSeq(args)) return at(args.items.find((it) => isScalar(it) && new RegExp(`^${name}(=|$)`).test(String(it.value))) as Node | undefined);
  return b.line;
}

/**
 * The values a service's build passes for the variables its Dockerfile needs, substituted into the FROMs
 * (CiValueInvalidReference, as transforms/support/ci-args.ts reportArgs checks a CI build's): a literal in
 * `build.args` (what every `docker compose build` passes), and, in each CI job that runs the build (each job of
 * its matrix), the job's value of a bare entry (`- NAME`, `NAME:`, the form the tool adds: compose takes it from
 * the environment) or of an entry that is exactly `${NAME}`/`$NAME` (compose interpolates it from the same
 * environment; compose-spec build.md `args`, interpolation.md). Any other `$` (a default, `$$`) is not known here.
 */
function checkValues(b: ComposeBuild, facts: DockerfileFacts, added: readonly string[], push: (f: Finding) => void): void {
  if (!facts.checkValues || facts.needs.length === 0) return;
  const entries = new Map<string, string | null>(b.passed.map((p) => [p.name, p.raw]));
  for (const n of added) if (!entries.has(n)) entries.set(n, null);
  type Run = { job: Job; cell: MatrixCell | null };
  type Given = { value: string; written?: string; source: string; run: boolean };
  const given = (run: Run | null, name: string): Given | null => {
    if (!entries.has(name)) return null;
    const raw = entries.get(name)!;
    const ref = raw === null ? name : /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(raw)?.slice(1).find((x) => x !== undefined);
    if (ref === undefined) {
      const value = raw!.replace(/^(["'])(.*)\1$/s, '$2');
      return raw!.includes('$') || value === '' ? null : { value, source: `build.args of service '${b.service}' in ${b.file.path}:${entryLine(b, name)}`, run: false };
    }
    if (!run) return null;
    const value = jobValue(run.job, ref, run.cell);
    const v = run.job.variables.get(ref);
    if (value === null || !v) return null;
    return { value, source: v.source, run: true, ...(v.raw !== undefined && v.raw !== value ? { written: v.raw } : raw !== null ? { written: raw } : {}) };
  };
  const runs: (Run | null)[] = b.jobs?.length ? b.jobs.flatMap((job) => (job.matrix?.length ? job.matrix : [null]).map((cell) => ({ job, cell }))) : [null];
  const byMessage = new Map<string, { runs: Run[]; names: string[]; image: string; value: string; invalid: string; given: Map<string, Given> }>();
  for (const run of runs) {
    const got = new Map<string, Given>();
    for (const name of facts.needs) {
      const g = given(run, name);
      if (g) got.set(name, g);
    }
    if (got.size === 0) continue;
    for (const bad of facts.checkValues(new Map([...got].map(([n, g]) => [n, g.value])))) {
      const key = `${bad.image}\0${bad.value}`;
      const g = byMessage.get(key) ?? { runs: [], ...bad, given: got };
      // Named by the jobs only where a job's value is involved (a literal of the compose file is every run's).
      if (run && bad.names.some((n) => got.get(n)!.run)) g.runs.push(run);
      byMessage.set(key, g);
    }
  }
  for (const g of byMessage.values()) {
    const text = g.names.map((n) => { const x = g.given.get(n)!; return `${n}=${JSON.stringify(x.value)}${x.written !== undefined ? ` (written ${x.written})` : ''}`; }).join(', ');
    const who = `compose service '${b.service}'${g.runs.length ? ` run by ${runsText(g.runs)}` : ''}`;
    push(
      finding('CiValueInvalidReference', { line: b.line, column: b.column }, `${who} passes ${text} to ${facts.path}: FROM ${g.image} becomes "${g.value}", which is not a valid reference (${g.invalid})`, {
        ...(g.names.length === 1 ? { name: g.names[0] } : {}),
        fix: `correct ${g.names.map((n) => `${n} (${g.given.get(n)!.source})`).join(', ')}`,
      }),
    );
  }
}
