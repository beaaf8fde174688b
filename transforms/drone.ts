/**
 * CI transform for the Drone and Woodpecker docker plugins (research ci.md §3.2): each missing FROM variable is
 * added to the step's `settings.build_args_from_env` (a new `- NAME` item, `, NAME` in a flow list, `,NAME` in a
 * comma-separated string, or a new `build_args_from_env:` list after the last setting). The plugin passes it
 * from the step's environment, where the predefined and `environment:` variables are, and skips it when it is
 * unset or empty (drone-docker `addProxyValue`), so the Dockerfile default is kept then. `commands:` steps go
 * through the shell-step transform. Pure: the plugin steps and the Dockerfiles' facts in.
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { PluginBuild } from '../src/ci/drone.js';
import { mergeSources } from '../src/ci/jobs.js';
import { afterLastEntry, indentAt, inFlow, lineStart, quotePlain } from './support/yaml-edit.js';
import type { TextEdit } from '../src/edits.js';
import { finding, type Finding } from '../src/findings.js';
import { addedFinding, decideArgs, dynamicHint, missingAnywhere, reportArgs, stillMissing, unseen, type ArgSite, type CiTransformResult, type DockerfileFacts, type PlannedArg } from './support/ci-args.js';
import { verdict, type Site } from './support/shared-nodes.js';

const ENDING = 'its last entry is a block scalar ending the file without a line break';

/** Where the names go (steps sharing the node are grouped by droneTransform). */
function target(b: PluginBuild): { build: (names: string[]) => TextEdit[] } | string {
  const text = b.file.text;
  const f = b.fromEnv;
  if (f) {
    const [start, end] = f.range!;
    if (isSeq(f) && !f.flow && f.items.length > 0) {
      const ind = /^[ \t]*/.exec(text.slice(lineStart(text, (f.items[0] as Node).range![0])))![0];
      if (!afterLastEntry(b.file, f, [])) return `build_args_from_env: ${ENDING}`;
      return { build: (names) => [afterLastEntry(b.file, f, names.map((n) => `${ind}- ${n}`))!] };
    }
    if (isSeq(f) && f.flow) {
      // After the last entry (a comment, a trailing comma or a line break may follow it), else inside `[`.
      const last = f.items[f.items.length - 1] as Node | undefined;
      const at = last ? last.range![1] : start + 1;
      return { build: (names) => [{ start: at, end: at, text: `${last ? ', ' : ''}${names.join(', ')}` }] };
    }
    if (isScalar(f) && (f.type === 'PLAIN' || f.type === 'QUOTE_DOUBLE' || f.type === 'QUOTE_SINGLE') && !text.slice(start, end).includes('\n')) {
      const empty = String(f.value ?? '').trim() === '';
      const add = (names: string[]) => `${empty ? '' : ','}${names.join(',')}`;
      if (f.type !== 'PLAIN') return { build: (names) => [{ start: end - 1, end: end - 1, text: add(names) }] };
      // A `,` ends a plain value inside a flow collection: the value is quoted there, when that reads the same.
      if (inFlow(b.file, start)) {
        const q = quotePlain(b.file, f, '');
        if (!q) return 'build_args_from_env is a plain value in a flow collection that cannot be quoted';
        return { build: (names) => [q.open, { start: end, end, text: q.escape(add(names)) }, q.close] };
      }
      return { build: (names) => [{ start: end, end, text: add(names) }] };
    }
    return 'build_args_from_env is written in a shape an insertion cannot extend';
  }
  const s = b.settings;
  if (!s) {
    if (b.step.flow) return 'the step is a flow mapping';
    const ind = indentAt(b.file, b.step.items[0].key as Node);
    if (!afterLastEntry(b.file, b.step, [])) return `the step: ${ENDING}`;
    return {
      build: (names) => [afterLastEntry(b.file, b.step, [`${ind}settings:`, `${ind}  build_args_from_env:`, ...names.map((n) => `${ind}    - ${n}`)])!],
    };
  }
  if (s.flow || s.items.length === 0) return 'settings is a flow or empty mapping';
  const ind = indentAt(b.file, s.items[0].key as Node);
  if (!afterLastEntry(b.file, s, [])) return `settings: ${ENDING}`;
  return { build: (names) => [afterLastEntry(b.file, s, [`${ind}build_args_from_env:`, ...names.map((n) => `${ind}  - ${n}`)])!] };
}

export function droneTransform(plugins: readonly PluginBuild[], dockerfiles: ReadonlyMap<string, DockerfileFacts>): CiTransformResult {
  const edits = new Map<string, TextEdit[]>();
  const findings: Finding[] = [];
  const built = new Set<string>();
  const label = `docker plugin`;
  // First what each step needs (its findings as it goes), then the edits: steps sharing a settings anchor (or a
  // `<<:` source) get one edit there when they need the same names, else a report (transforms/support/shared-nodes.ts).
  const planned: { b: PluginBuild; site: Site; argSite: ArgSite; facts: DockerfileFacts | null; toAdd: PlannedArg[] }[] = [];
  for (const b of plugins) {
    const push = (f: Finding) => findings.push({ ...f, file: b.file.path });
    const pos = { line: b.line, column: b.column };
    const settingsSources = b.settings ? mergeSources(b.file, b.settings) : null;
    const stepSources = mergeSources(b.file, b.step);
    const site: Site = {
      name: `${b.job.name}`,
      want: null,
      target: b.fromEnv ?? b.settings ?? b.step,
      affectedBy: (n) => (b.fromEnv ? n === b.fromEnv : settingsSources ? settingsSources.has(n) : stepSources.has(n)),
      reads: [...(b.fromEnv ? [b.fromEnv] : []), ...(settingsSources ?? []), ...stepSources],
      foreign: b.foreign,
    };
    // The plugin reads each name from the step's environment and skips it when unset or empty (drone-docker
    // addProxyValue): a name is always passed "bare", and the Dockerfile default is kept where it has no value.
    const argSite: ArgSite = { label, file: b.file.path, pos, jobs: [b.job], passed: b.passed, bareKeepsDefault: true, emptyKeepsDefault: true };
    const entry = { b, site, argSite, facts: null as DockerfileFacts | null, toAdd: [] as PlannedArg[] };
    planned.push(entry);
    if (b.dockerfile === null) {
      for (const d of dockerfiles.keys()) built.add(d);
      const missing = missingAnywhere(b.passed, dockerfiles);
      if (missing.length) push(finding('CiDynamicDockerfile', pos, `${label} in ${b.job.name}: ${b.unresolved}; not edited`, { fix: dynamicHint(missing, 'in settings.build_args_from_env yourself'), ...unseen(missing) }));
      continue;
    }
    const facts = dockerfiles.get(b.dockerfile);
    if (!facts) continue;
    built.add(b.dockerfile);
    entry.facts = facts;
    entry.toAdd = decideArgs(argSite, facts).map((a) => ({ ...a, bare: true }));
    site.want = entry.toAdd.map((a) => a.name);
  }
  const sites = planned.map((p) => p.site);
  for (const { b, site, argSite, facts, toAdd } of planned) {
    if (!facts) continue;
    const push = (f: Finding) => findings.push({ ...f, file: b.file.path });
    if (toAdd.length === 0) {
      reportArgs(argSite, facts, [], push);
      continue;
    }
    const pos = { line: b.line, column: b.column };
    const v = verdict(site, sites);
    const t = 'shared' in v ? `settings: ${v.shared}` : target(b);
    // The findings on the step as it is left (a second run reads that), then those about the edit.
    reportArgs(argSite, facts, typeof t === 'string' ? [] : toAdd, push);
    if (typeof t === 'string') {
      const unmade = stillMissing(facts, toAdd.map((a) => a.name));
      if (unmade.length) push(finding('CiBuildArgsShape', pos, `${label} in ${b.job.name}: ${t}; not edited`, { fix: `add ${unmade.join(', ')} to ${'shared' in v ? 'its own ' : ''}settings.build_args_from_env` }));
      continue;
    }
    if ('edit' in v && v.edit) edits.set(b.file.path, [...(edits.get(b.file.path) ?? []), ...t.build(toAdd.map((a) => a.name))]);
    push(addedFinding({ label, pos }, b.job.name, toAdd.map((a) => `build_args_from_env ${a.name}`), facts, toAdd));
  }
  return { edits, findings, built };
}
