/**
 * Bitbucket Pipelines (research ci.md §3.2): `bitbucket-pipelines.yml` at the root, parsed with source ranges.
 * Every step reachable from `pipelines:` (`default`, `branches`, `tags`, `pull-requests`, `custom`, through
 * `parallel` (a list, or a map with `steps`), `stage` and YAML anchors such as `definitions.steps`) is its own
 * shell: a Job whose items are the step's `script:` lines (pipes, which are maps, are not shell). Variables:
 * Bitbucket's default variables, and a custom pipeline's `variables:` (`- name: X` with an optional `default`).
 * The section a step runs in tells which variables are set: BITBUCKET_TAG only in `tags`, BITBUCKET_BRANCH
 * not in `tags`, BITBUCKET_PR_* only in `pull-requests`.
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { deref, emptyValue, keyOf, mapGet, scalarText } from './jobs.js';
import type { Job, JobVariable } from './model.js';
import { BITBUCKET } from './platform.js';
import { loadCiFile, position, type CiFile, type CiProblem } from './yaml.js';

export const BITBUCKET_FILE = 'bitbucket-pipelines.yml';

export interface BitbucketCi {
  files: CiFile[];
  jobs: Job[];
}

function customVariables(file: CiFile, node: Node | null | undefined, out: Map<string, JobVariable>): void {
  const list = deref(file, node);
  if (!isSeq(list)) return;
  for (const it of list.items) {
    const m = deref(file, it as Node);
    if (!isMap(m)) continue;
    const name = scalarText(file, mapGet(file, m, 'name') ?? null);
    if (!name) continue;
    const dn = mapGet(file, m, 'default');
    const d = scalarText(file, dn ?? null);
    const at = position(file, m.range?.[0] ?? 0);
    // Without a default the value is what the person starting the pipeline types, and an empty string when it
    // is started without one (a schedule, the API): "Otherwise, an empty string will be used as a value"
    // (bitbucket.org/blog/introducing-default-values-for-custom-pipeline-variables).
    const empty = dn === undefined ? 'a custom pipeline variable without a default: empty when the pipeline starts without a value (a schedule, the API)' : emptyValue(dn, 'a custom pipeline variable with a default');
    out.set(name, {
      value: d !== null && !d.includes('$') && !empty ? d : null,
      source: `custom pipeline variables in ${file.path}:${at.line}`,
      ...(d !== null ? { raw: d } : {}),
      ...(empty ? { empty } : {}),
    });
  }
}

export function loadBitbucket(read: (path: string) => string | null, problems: CiProblem[] = []): BitbucketCi | null {
  const text = read(BITBUCKET_FILE);
  if (text === null) return null;
  const file = loadCiFile(BITBUCKET_FILE, text, problems);
  if (!file) return null;
  const out: BitbucketCi = { files: [file], jobs: [] };
  const root = file.doc.contents;
  const pipelines = isMap(root) ? mapGet(file, root, 'pipelines') : null;
  if (!isMap(pipelines)) return out;

  const addStep = (stepNode: Node | null, section: string, where: string, n: number, vars: Map<string, JobVariable>) => {
    const step = deref(file, stepNode);
    if (!isMap(step)) return;
    const script = mapGet(file, step, 'script');
    const stepName = scalarText(file, mapGet(file, step, 'name') ?? null);
    const at = position(file, step.range?.[0] ?? 0);
    const job: Job = {
      name: `${where}, step ${n}${stepName ? ` (${stepName})` : ''}`,
      file,
      line: at.line,
      column: at.column,
      items: [],
      variables: new Map(vars),
      ifs: [],
      only: [section],
      platform: BITBUCKET,
      cwd: '',
    };
    const items = deref(file, script ?? null);
    if (isSeq(items)) for (const it of items.items) {
      const s = deref(file, it as Node);
      if (isScalar(s)) job.items.push({ file, node: s });
    }
    if (job.items.length) out.jobs.push(job);
  };

  /** The items of a pipeline (a list of `step`, `parallel`, `stage`, `variables` entries). */
  const walk = (node: Node | null | undefined, section: string, where: string, vars: Map<string, JobVariable>, counter = { n: 0 }, depth = 0) => {
    const list = deref(file, node ?? null);
    if (!isSeq(list) || depth > 10) return;
    for (const it of list.items) {
      const m = deref(file, it as Node);
      if (!isMap(m)) continue;
      for (const p of m.items) {
        const k = keyOf(p);
        const v = deref(file, p.value);
        if (k === 'step') addStep(v, section, where, ++counter.n, vars);
        else if (k === 'variables') customVariables(file, v, vars);
        else if (k === 'parallel') walk(isMap(v) ? mapGet(file, v, 'steps') : v, section, where, vars, counter, depth + 1);
        else if (k === 'stage' && isMap(v)) walk(mapGet(file, v, 'steps'), section, where, vars, counter, depth + 1);
      }
    }
  };

  for (const p of pipelines.items) {
    const section = keyOf(p);
    const v = deref(file, p.value);
    if (section === null) continue;
    if (section === 'default') walk(v, section, 'pipelines.default', new Map());
    else if (isMap(v)) {
      for (const q of (v as YAMLMap).items) {
        const name = keyOf(q);
        if (name !== null) walk(q.value as Node, section, `pipelines.${section}.${name}`, new Map());
      }
    }
  }
  return out;
}
