/**
 * CI transform for Compose services: every FROM variable a service's build does not pass yet is added to its
 * `build.args` without a value (`- NAME` in list style, `NAME:` in map style): Compose then takes it from the
 * environment it runs in, and leaves it unset, keeping the Dockerfile default, when that has none (compose-spec
 * build.md `args`). A `${NAME}` value would pass an empty string instead, which overrides the default.
 */
import { isMap, isSeq, type Node } from 'yaml';
import type { ComposeBuild } from '../src/ci/compose.js';
import { mergeSources } from '../src/ci/jobs.js';
import { afterLastEntry, lineStart } from './support/yaml-edit.js';
import { position, type CiFile } from '../src/ci/yaml.js';
import type { TextEdit } from '../src/edits.js';
import { finding, type Finding } from '../src/findings.js';
import { suggest } from '../src/dockerfile/suggest.js';
import { addedFinding, dynamicHint, missingAnywhere, stillMissing, unseen, type CiTransformResult, type DockerfileFacts } from './support/ci-args.js';
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
  for (const { b, site, facts } of planned) {
    const names = site.want ?? [];
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
    if (b.jobs && facts) facts.sites?.push(new Set([...b.passed.map((p) => p.name), ...(placedFor.has(b) ? (site.want ?? []) : [])]));
  }
  return { edits, findings, built };
}
