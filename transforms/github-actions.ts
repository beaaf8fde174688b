/**
 * CI transform for `docker/build-push-action` steps (research ci.md §3.1, §5 R3): a new `NAME=${{ expr }}`
 * line at the end of the `build-args` block (`github.sha`-style context properties for default variables,
 * `env.`/`matrix.`/`inputs.` for declared ones), or a new `build-args: |` key after the last key of `with:`
 * (or a new `with:` after the step's last key). Pure: the action steps and the Dockerfiles' facts in.
 */
import { isMap, type Node, type YAMLMap } from 'yaml';
import type { ActionBuild } from '../src/ci/github.js';
import { githubExpression } from '../src/ci/platform.js';
import { mergeSources } from '../src/ci/jobs.js';
import { afterLastEntry, blockIndent, eolOf, indentAt, inFlow, lastContentLine, lineEnd, lineStart } from './support/yaml-edit.js';
import { position, type CiFile } from '../src/ci/yaml.js';
import type { TextEdit } from '../src/edits.js';
import { finding, type Finding } from '../src/findings.js';
import { addedFinding, decideArgs, dynamicHint, matrixArgs, matrixFinding, missingAnywhere, reportArgs, stillMissing, unseen, type ArgSite, type CiTransformResult, type DockerfileFacts, type MatrixArgs, type PlannedArg } from './support/ci-args.js';
import { verdict, type Site } from './support/shared-nodes.js';

const LABEL = 'docker/build-push-action';

export function githubActionsTransform(actions: readonly ActionBuild[], dockerfiles: ReadonlyMap<string, DockerfileFacts>): CiTransformResult {
  const edits = new Map<string, TextEdit[]>();
  const findings: Finding[] = [];
  const built = new Set<string>();
  // First what each step needs (its findings as it goes), then the edits: steps sharing a node through an alias
  // or a `<<:` merge get one edit there when they need the same lines, else a report (transforms/support/shared-nodes.ts).
  const planned: { a: ActionBuild; site: Site; argSite: ArgSite | null; lines: string[]; facts: DockerfileFacts | null; toAdd: PlannedArg[]; group?: MatrixGroup }[] = [];
  const groups = new Map<object, MatrixGroup>();
  for (const a of actions) {
    const push = (f: Finding) => findings.push({ ...f, file: a.file.path });
    const pos = { line: a.line, column: a.column };
    const site = siteOf(a);
    if (a.matrix && a.dockerfile !== null) {
      // One step, one ActionBuild per Dockerfile its matrix builds: one edit for them all (matrixGroup).
      let g = groups.get(a.matrix);
      if (!g) {
        g = matrixGroup(actions.filter((x) => x.matrix === a.matrix), dockerfiles);
        groups.set(a.matrix, g);
        if (g.finding) push(g.finding);
      }
      const facts = dockerfiles.get(a.dockerfile) ?? null;
      built.add(a.dockerfile);
      site.want = g.conflict ? [] : g.lines;
      const argSite: ArgSite | null = facts ? { label: LABEL, file: a.file.path, pos, jobs: [a.job], passed: a.passed, bareKeepsDefault: false, declaredElsewhere: (n) => g!.declared.has(n) } : null;
      planned.push({ a, site, argSite, lines: site.want as string[], facts, toAdd: g.conflict ? [] : g.toAdd, group: g });
      continue;
    }
    if (a.dockerfile === null) {
      for (const d of dockerfiles.keys()) built.add(d);
      const missing = missingAnywhere(a.passed, dockerfiles);
      if (missing.length) push(finding('CiDynamicDockerfile', pos, `${LABEL} in job '${a.job.name}': ${a.unresolved}; not edited`, { fix: dynamicHint(missing, 'in build-args yourself'), ...unseen(missing) }));
      planned.push({ a, site, argSite: null, lines: [], facts: null, toAdd: [] });
      continue;
    }
    const facts = dockerfiles.get(a.dockerfile);
    if (!facts) {
      planned.push({ a, site, argSite: null, lines: [], facts: null, toAdd: [] });
      continue;
    }
    built.add(a.dockerfile);
    const argSite: ArgSite = { label: LABEL, file: a.file.path, pos, jobs: [a.job], passed: a.passed, bareKeepsDefault: false };
    const toAdd = decideArgs(argSite, facts).filter(({ name }) => githubExpression(a.job, name));
    const lines = toAdd.map(({ name }) => `${name}=${githubExpression(a.job, name)}`);
    site.want = lines;
    planned.push({ a, site, argSite, lines, facts, toAdd });
  }
  const sites = planned.map((p) => p.site);
  for (const { a, site, argSite, lines, facts, toAdd, group } of planned) {
    if (!facts || !argSite) continue;
    const push = (f: Finding) => findings.push({ ...f, file: a.file.path });
    if (lines.length === 0) {
      reportArgs(argSite, facts, [], push);
      continue;
    }
    // The other Dockerfiles of a matrix step get what the step's one edit gives them.
    if (group && group.leader !== a) {
      reportArgs(argSite, facts, group.placed ? toAdd : [], push);
      continue;
    }
    const pos = { line: a.line, column: a.column };
    const v = site.target ? verdict(site, sites) : { edit: true };
    const edit = 'shared' in v ? v.shared : place(a, lines);
    // The findings on the step as it is left (a second run reads that), then those about the edit.
    reportArgs(argSite, facts, typeof edit === 'string' ? [] : toAdd, push);
    if (typeof edit === 'string') {
      const unmade = toAdd.flatMap((t, i) => (stillMissing(facts, [t.name]).length ? [lines[i]] : []));
      if (unmade.length) {
        push(
          finding('CiBuildArgsShape', pos, `${LABEL} in job '${a.job.name}': ${edit}; not edited`, {
            fix: `add these build-args lines: ${unmade.join(', ')}${'shared' in v ? ' (give the step its own with: or build-args)' : ''}`,
          }),
        );
      }
      continue;
    }
    if ('edit' in v && v.edit) edits.set(a.file.path, [...(edits.get(a.file.path) ?? []), ...edit]);
    if (group) group.placed = true;
    push(addedFinding({ label: LABEL, pos }, `job '${a.job.name}'`, lines.map((l) => `build-args ${l}`), group ? { ...facts, path: group.needing } : facts, toAdd));
  }
  return { edits, findings, built };
}

/** A build-push-action step whose `file:`/`context:` are matrix values: its Dockerfiles' args, merged. */
interface MatrixGroup extends MatrixArgs {
  leader: ActionBuild;
  lines: string[];
  finding: Finding | null;
  placed: boolean;
}

function matrixGroup(clones: readonly ActionBuild[], dockerfiles: ReadonlyMap<string, DockerfileFacts>): MatrixGroup {
  const leader = clones[0];
  const merged = matrixArgs(
    clones,
    dockerfiles,
    (c) => ({ label: LABEL, file: c.file.path, pos: { line: c.line, column: c.column }, jobs: [c.job], passed: c.passed, bareKeepsDefault: false }),
    (c, name) => Boolean(githubExpression(c.job, name)),
  );
  const names = merged.toAdd.map((x) => x.name);
  const lines = names.map((name) => `${name}=${githubExpression(leader.job, name)}`);
  const { via, candidates } = leader.matrix!;
  const finding = merged.conflict ? matrixFinding(LABEL, `job '${leader.job.name}'`, { line: leader.line, column: leader.column }, via, candidates, merged.conflict, merged.missing, (n) => `build-args ${lines[names.indexOf(n)]}`) : null;
  return { ...merged, leader, lines, finding, placed: false };
}

/**
 * The step as a site that may share the node its edit goes to: `build-args` when it has one, else its `with:`
 * (a new `build-args` key), else the step (a new `with:`). An edit at a node reaches every step that takes that
 * input from it: the same `build-args`, or a `with:`/step map (or one of its `<<:` sources) when the step has
 * no `build-args`/`with:` of its own that would win.
 */
function siteOf(a: ActionBuild): Site {
  const withSources = a.with ? mergeSources(a.file, a.with) : null;
  const stepSources = mergeSources(a.file, a.step);
  const target = a.buildArgs ?? a.buildArgsOther ?? (a.with ? (isMap(a.with) && a.with.items.length ? a.with : null) : a.step);
  return {
    name: `job '${a.job.name}'`,
    want: null,
    target,
    affectedBy: (n) => (a.buildArgs || a.buildArgsOther ? n === (a.buildArgs ?? a.buildArgsOther) : withSources ? withSources.has(n) : stepSources.has(n)),
    reads: [...a.reads, ...(a.buildArgsOther ? [a.buildArgsOther] : [])],
    foreign: a.foreign,
  };
}

/** A flow collection's new last entry: after its last entry's value (before a comma, comment or bracket that follows). */
function flowAppend(text: string, coll: YAMLMap, entry: string): TextEdit {
  const last = coll.items[coll.items.length - 1];
  const end = ((last.value ?? last.key) as Node).range![1];
  return { start: end, end, text: `, ${entry}` };
}

/** `lines` as one double-quoted YAML scalar (`"A=1\nB=2"`). */
const quoted = (lines: readonly string[]) => `"${lines.map((l) => l.replace(/["\\]/g, '\\$&')).join('\\n')}"`;

/** The insertion of `lines` into the step, or why it cannot be made by inserting text. */
function place(a: ActionBuild, lines: string[]): TextEdit[] | string {
  const file = a.file;
  const text = file.text;
  const eol = eolOf(text);
  if (a.buildArgsOther) return 'build-args is not a string (the action takes one NAME=VALUE per line)';
  const ba = a.buildArgs;
  if (ba) {
    const [start, valueEnd] = ba.range!;
    if (ba.type === 'BLOCK_LITERAL') {
      // After the block's last content line, at its content indentation (kept blank lines stay after it).
      const last = lastContentLine(file, ba);
      const n = blockIndent(file, ba);
      if (!last || n === null) return 'build-args is an empty block';
      return [{ start: last.end, end: last.end, text: lines.map((l) => `${eol}${' '.repeat(n)}${l}`).join('') }];
    }
    const oneLine = !text.slice(start, valueEnd).includes('\n');
    const escaped = lines.map((l) => `\\n${l.replace(/["\\]/g, '\\$&')}`).join('');
    if (ba.type === 'PLAIN' && oneLine) {
      // A comment after the value, or a flow collection around it, would end up inside a block scalar: the
      // value is double-quoted instead, when that reads the same.
      if (inFlow(file, start) || text.slice(valueEnd, lineEnd(text, valueEnd)).trim() !== '') {
        if (/["\\]/.test(text.slice(start, valueEnd))) return 'build-args is a plain value holding a quote or backslash, followed by a comment or inside a flow collection';
        return [{ start, end: start, text: '"' }, { start: valueEnd, end: valueEnd, text: `${escaped}"` }];
      }
      // `build-args: A=1` becomes a literal block by insertion: `|`, a newline and indentation before the value,
      // two spaces deeper than its key (which starts the value's line; it may be in a `<<:` source of with:).
      const ind = /^[ ]*/.exec(text.slice(lineStart(text, start)))![0] + '  ';
      return [
        { start, end: start, text: `|${eol}${ind}` },
        { start: valueEnd, end: valueEnd, text: lines.map((l) => `${eol}${ind}${l}`).join('') },
      ];
    }
    if (ba.type === 'QUOTE_DOUBLE' && oneLine) return [{ start: valueEnd - 1, end: valueEnd - 1, text: escaped }];
    return `build-args is a ${ba.type === 'BLOCK_FOLDED' ? 'folded (>) block, which joins lines' : 'multi-line or single-quoted scalar'}`;
  }
  if (a.with && !isMap(a.with)) return 'with: is not a mapping';
  if (isMap(a.with) && a.with.items.length > 0) {
    if (a.with.flow) return [flowAppend(text, a.with, `build-args: ${quoted(lines)}`)];
    const ind = indentAt(file, a.with.items[0].key as Node);
    const e = afterLastEntry(file, a.with, [`${ind}build-args: |`, ...lines.map((l) => `${ind}  ${l}`)]);
    return e ? [e] : 'the last input of with: is a block scalar ending the file without a line break';
  }
  if (a.with) return 'with: is empty';
  if (a.step.flow) return [flowAppend(text, a.step, `with: {build-args: ${quoted(lines)}}`)];
  const ind = indentAt(file, a.step.items[0].key as Node);
  const e = afterLastEntry(file, a.step, [`${ind}with:`, `${ind}  build-args: |`, ...lines.map((l) => `${ind}    ${l}`)]);
  return e ? [e] : "the step's last key is a block scalar ending the file without a line break";
}
