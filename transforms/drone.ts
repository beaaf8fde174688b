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
import type { TextEdit } from '../src/edits.js';
import { finding, type Finding } from '../src/findings.js';
import { addedFinding, decideArgs, dynamicHint, missingAnywhere, reportArgs, stillMissing, unseen, type DockerfileFacts } from './ci-args.js';
import type { CiTransformResult } from './ci-steps.js';
import { eolOf, indentAt, mapContentEnd } from './github-actions.js';

function lineEnd(text: string, off: number): number {
  const n = text.indexOf('\n', off);
  const e = n < 0 ? text.length : n;
  return e > 0 && text[e - 1] === '\r' ? e - 1 : e;
}

/** Where the names go, keyed so that steps sharing one settings anchor get one insertion. */
function target(b: PluginBuild): { key: string; build: (names: string[]) => TextEdit[] } | string {
  const text = b.file.text;
  const eol = eolOf(text);
  const f = b.fromEnv;
  if (f) {
    const [start, end] = f.range!;
    if (isSeq(f) && !f.flow && f.items.length > 0) {
      const first = f.items[0] as Node;
      const ind = /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', first.range![0] - 1) + 1))![0];
      let e = (f.items[f.items.length - 1] as Node).range![1];
      while (e > 0 && /\s/.test(text[e - 1])) e--;
      const at = lineEnd(text, e);
      return { key: `${b.file.path}\0${at}`, build: (names) => [{ start: at, end: at, text: names.map((n) => `${eol}${ind}- ${n}`).join('') }] };
    }
    if (isSeq(f) && f.flow) {
      const close = text.lastIndexOf(']', end);
      return { key: `${b.file.path}\0${close}`, build: (names) => [{ start: close, end: close, text: `${f.items.length ? ', ' : ''}${names.join(', ')}` }] };
    }
    if (isScalar(f) && (f.type === 'PLAIN' || f.type === 'QUOTE_DOUBLE' || f.type === 'QUOTE_SINGLE') && !text.slice(start, end).includes('\n')) {
      const at = f.type === 'PLAIN' ? end : end - 1;
      const empty = String(f.value ?? '').trim() === '';
      return { key: `${b.file.path}\0${at}`, build: (names) => [{ start: at, end: at, text: `${empty ? '' : ','}${names.join(',')}` }] };
    }
    return 'build_args_from_env is written in a shape an insertion cannot extend';
  }
  const s = b.settings;
  if (!s) {
    if (b.step.flow) return 'the step is a flow mapping';
    const ind = indentAt(b.file, b.imageKey);
    const at = mapContentEnd(b.file, b.step);
    return { key: `${b.file.path}\0${at}`, build: (names) => [{ start: at, end: at, text: `${eol}${ind}settings:${eol}${ind}  build_args_from_env:${names.map((n) => `${eol}${ind}    - ${n}`).join('')}` }] };
  }
  if (s.flow || s.items.length === 0) return 'settings is a flow or empty mapping';
  const ind = indentAt(b.file, s.items[0].key as Node);
  const at = mapContentEnd(b.file, s);
  return { key: `${b.file.path}\0${at}`, build: (names) => [{ start: at, end: at, text: `${eol}${ind}build_args_from_env:${names.map((n) => `${eol}${ind}  - ${n}`).join('')}` }] };
}

export function droneTransform(plugins: readonly PluginBuild[], dockerfiles: ReadonlyMap<string, DockerfileFacts>): CiTransformResult {
  const edits = new Map<string, TextEdit[]>();
  const findings: Finding[] = [];
  const built = new Set<string>();
  const pending = new Map<string, { file: string; names: string[]; build: (names: string[]) => TextEdit[] }>();
  for (const b of plugins) {
    const label = `docker plugin`;
    const push = (f: Finding) => findings.push({ ...f, file: b.file.path });
    const pos = { line: b.line, column: b.column };
    if (b.dockerfile === null) {
      for (const d of dockerfiles.keys()) built.add(d);
      const missing = missingAnywhere(b.passed, dockerfiles);
      if (missing.length) push(finding('CiDynamicDockerfile', pos, `${label} in ${b.job.name}: ${b.unresolved}; not edited`, { fix: dynamicHint(missing, 'in settings.build_args_from_env yourself'), ...unseen(missing) }));
      continue;
    }
    const facts = dockerfiles.get(b.dockerfile);
    if (!facts) continue;
    built.add(b.dockerfile);
    // The plugin reads each name from the step's environment and skips it when unset or empty (drone-docker
    // addProxyValue): a name is always passed "bare", and the Dockerfile default is kept where it has no value.
    const site = { label, file: b.file.path, pos, jobs: [b.job], passed: b.passed, bareKeepsDefault: true, emptyKeepsDefault: true };
    const toAdd = decideArgs(site, facts).map((a) => ({ ...a, bare: true }));
    const t = toAdd.length ? target(b) : null;
    reportArgs(site, facts, t && typeof t !== 'string' ? toAdd : [], push);
    if (toAdd.length === 0 || t === null) continue;
    if (typeof t === 'string') {
      const unmade = stillMissing(facts, toAdd.map((a) => a.name));
      if (unmade.length) push(finding('CiBuildArgsShape', pos, `${label} in ${b.job.name}: ${t}; not edited`, { fix: `add ${unmade.join(', ')} to settings.build_args_from_env` }));
      continue;
    }
    const p = pending.get(t.key) ?? { file: b.file.path, names: [], build: t.build };
    for (const a of toAdd) if (!p.names.includes(a.name)) p.names.push(a.name);
    pending.set(t.key, p);
    push(addedFinding({ label, pos }, b.job.name, toAdd.map((a) => `build_args_from_env ${a.name}`), facts, toAdd));
  }
  for (const p of pending.values()) edits.set(p.file, [...(edits.get(p.file) ?? []), ...p.build(p.names)]);
  return { edits, findings, built };
}
