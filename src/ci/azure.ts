/**
 * Azure Pipelines (research ci.md §3.2): `azure-pipelines.yml|yaml` at the root and `.azure-pipelines/*.yml|yaml`,
 * parsed with source ranges. Steps are found under `stages[].jobs[]`, `jobs[]` or a root `steps:` (template
 * files), in `job` and `deployment` (`strategy.runOnce.deploy.steps`) entries; `- template:` references are not
 * followed. Every `script:`/`bash:` step is its own shell (a Job with one item, starting in its
 * `workingDirectory`); every `Docker@2` task is an AzureDockerTask. Variables: pipeline, stage and job
 * `variables:` (map or `- name:`/`value:` list; `group:` and `template:` entries cannot be read), and the
 * predefined variables. Scripts see a variable both as the macro `$(Build.SourceVersion)` and as the environment
 * variable `BUILD_SOURCEVERSION` (upper case, `.` → `_`); the values written are macros.
 */
import { isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import { deref, keyOf, mapGet, mapKeys, scalarText, type Job, type JobVariable } from './jobs.js';
import { AZURE, azureEnvName } from './platform.js';
import type { FileWalker } from './reported.js';
import { joinPath } from './steps.js';
import { loadCiFile, position, type CiFile, type CiProblem } from './yaml.js';

export interface AzureDockerTask {
  job: Job;
  file: CiFile;
  task: YAMLMap;
  taskKey: Node;
  inputs: YAMLMap | null;
  command: string;
  /** The `arguments` input, when it is a scalar. */
  args: Scalar | null;
  dockerfile: string | null;
  unresolved?: string;
  line: number;
  column: number;
}

export interface AzureCi {
  files: CiFile[];
  jobs: Job[];
  tasks: AzureDockerTask[];
}

const YAML_NAME = /\.ya?ml$/;

/** `$(Build.SourcesDirectory)/x`, `x`: a repository path; null when it is not static. */
function workdir(text: string | null): string | null | undefined {
  if (text === null) return undefined;
  const t = text.replace(/^\$\((Build\.SourcesDirectory|System\.DefaultWorkingDirectory|Build\.Repository\.LocalPath)\)\/?/, '');
  if (t.includes('$')) return null;
  return joinPath('', t);
}

function addVariables(file: CiFile, node: Node | null | undefined, vars: Map<string, JobVariable>, macros: Map<string, string>, where: string): void {
  const n = deref(file, node ?? null);
  const add = (name: string, v: Node | null | undefined, at: number) => {
    const text = scalarText(file, v ?? null);
    const line = position(file, at).line;
    const jv: JobVariable = { value: text !== null && !text.includes('$') ? text : null, source: `${where} in ${file.path}:${line}`, ...(text !== null ? { raw: text } : {}) };
    for (const k of new Set([name, azureEnvName(name)])) {
      vars.set(k, jv);
      macros.set(k, name);
    }
  };
  if (isMap(n)) for (const k of mapKeys(file, n)) add(k, mapGet(file, n, k), (mapGet(file, n, k) ?? n).range?.[0] ?? 0);
  else if (isSeq(n)) {
    for (const it of n.items) {
      const m = deref(file, it as Node);
      if (!isMap(m)) continue;
      const name = scalarText(file, mapGet(file, m, 'name') ?? null);
      if (name) add(name, mapGet(file, m, 'value'), m.range?.[0] ?? 0);
    }
  }
}

/** Repository Dockerfiles matching a Docker@2 `Dockerfile` glob (`**` any directories, `*` within one). */
function globMatch(pattern: string, paths: readonly string[]): string[] {
  const re = new RegExp(
    '^' +
      pattern
        .replace(/^\.?\//, '')
        .split(/(\*\*\/|\*\*|\*|\?)/)
        .map((s) => (s === '**/' ? '(?:.*/)?' : s === '**' ? '.*' : s === '*' ? '[^/]*' : s === '?' ? '[^/]' : s.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
  );
  return paths.filter((p) => re.test(p));
}

export function loadAzure(repo: FileWalker & { list(dir: string): string[] }, problems: CiProblem[] = []): AzureCi | null {
  const paths: string[] = [];
  for (const n of ['azure-pipelines.yml', 'azure-pipelines.yaml']) if (repo.exists(n)) paths.push(n);
  for (const n of repo.list('.azure-pipelines').sort()) if (YAML_NAME.test(n)) paths.push(`.azure-pipelines/${n}`);
  if (paths.length === 0) return null;
  const out: AzureCi = { files: [], jobs: [], tasks: [] };
  for (const path of paths) {
    const text = repo.read(path);
    if (text === null) continue;
    const file = loadCiFile(path, text, problems);
    if (!file) continue;
    out.files.push(file);
    const root = file.doc.contents;
    if (!isMap(root)) continue;
    const rootVars = new Map<string, JobVariable>();
    const rootMacros = new Map<string, string>();
    addVariables(file, mapGet(file, root, 'variables'), rootVars, rootMacros, 'pipeline variables');

    const steps = (unit: string, list: Node | null | undefined, vars: Map<string, JobVariable>, macros: Map<string, string>) => {
      const seq = deref(file, list ?? null);
      if (!isSeq(seq)) return;
      seq.items.forEach((item, i) => {
        const step = deref(file, item as Node);
        if (!isMap(step)) return;
        const display = scalarText(file, mapGet(file, step, 'displayName') ?? null);
        const at = position(file, step.range?.[0] ?? 0);
        const job: Job = {
          name: `${unit}, step ${i + 1}${display ? ` (${display})` : ''}`,
          file,
          line: at.line,
          column: at.column,
          items: [],
          variables: new Map(vars),
          ifs: [],
          only: [],
          platform: AZURE,
          macros: new Map(macros),
        };
        const script = mapGet(file, step, 'script') ?? mapGet(file, step, 'bash');
        if (isScalar(script)) {
          const d = workdir(scalarText(file, mapGet(file, step, 'workingDirectory') ?? null));
          job.cwd = d === undefined ? '' : d;
          job.items.push({ file, node: script });
          out.jobs.push(job);
          return;
        }
        const task = scalarText(file, mapGet(file, step, 'task') ?? null);
        if (task === null || !/^Docker@2$/i.test(task.trim())) return;
        const taskPair = step.items.find((p) => keyOf(p) === 'task')!;
        const inputs = mapGet(file, step, 'inputs');
        const input = (k: string) => (isMap(inputs) ? scalarText(file, mapGet(file, inputs, k) ?? null) : null);
        const argsNode = isMap(inputs) ? mapGet(file, inputs, 'arguments') : null;
        const t: AzureDockerTask = {
          job,
          file,
          task: step,
          taskKey: taskPair.key as Node,
          inputs: isMap(inputs) ? inputs : null,
          command: (input('command') ?? 'buildAndPush').trim(),
          args: isScalar(argsNode) ? argsNode : null,
          dockerfile: null,
          ...position(file, (taskPair.key as Node).range?.[0] ?? 0),
        };
        // `Dockerfile` is a path or glob from the sources directory (default `**/Dockerfile`).
        const df = (input('Dockerfile') ?? '**/Dockerfile').replace(/^\$\((Build\.SourcesDirectory|System\.DefaultWorkingDirectory)\)\/?/, '');
        if (df.includes('$(') || df.includes('${{')) t.unresolved = 'the Dockerfile input is a variable';
        else if (/[*?]/.test(df)) {
          const hits = globMatch(df, repo.files().filter((p) => /(^|\/)Dockerfile$|\.Dockerfile$|(^|\/)Dockerfile\./.test(p)));
          if (hits.length === 1) t.dockerfile = hits[0];
          else t.unresolved = `the Dockerfile glob ${df} matches ${hits.length === 0 ? 'no file' : `${hits.length} files`}`;
        } else {
          t.dockerfile = joinPath('', df);
          if (t.dockerfile === null) t.unresolved = 'the Dockerfile is outside the repository';
        }
        out.tasks.push(t);
      });
    };

    const jobs = (where: string, list: Node | null | undefined, vars: Map<string, JobVariable>, macros: Map<string, string>) => {
      const seq = deref(file, list ?? null);
      if (!isSeq(seq)) return;
      for (const item of seq.items) {
        const j = deref(file, item as Node);
        if (!isMap(j)) continue;
        const name = scalarText(file, mapGet(file, j, 'job') ?? null) ?? scalarText(file, mapGet(file, j, 'deployment') ?? null);
        if (name === null) continue;
        const v = new Map(vars);
        const m = new Map(macros);
        addVariables(file, mapGet(file, j, 'variables'), v, m, 'job variables');
        const unit = `${where}job '${name}'`;
        steps(unit, mapGet(file, j, 'steps'), v, m);
        const strategy = mapGet(file, j, 'strategy');
        const once = isMap(strategy) ? mapGet(file, strategy, 'runOnce') : null;
        const deploy = isMap(once) ? mapGet(file, once, 'deploy') : null;
        if (isMap(deploy)) steps(unit, mapGet(file, deploy, 'steps'), v, m);
      }
    };

    const stages = deref(file, mapGet(file, root, 'stages') ?? null);
    if (isSeq(stages)) {
      for (const item of stages.items) {
        const s = deref(file, item as Node);
        if (!isMap(s)) continue;
        const name = scalarText(file, mapGet(file, s, 'stage') ?? null);
        if (name === null) continue;
        const v = new Map(rootVars);
        const m = new Map(rootMacros);
        addVariables(file, mapGet(file, s, 'variables'), v, m, 'stage variables');
        jobs(`stage '${name}', `, mapGet(file, s, 'jobs'), v, m);
      }
    }
    jobs('', mapGet(file, root, 'jobs'), rootVars, rootMacros);
    steps(path, mapGet(file, root, 'steps'), rootVars, rootMacros);
  }
  return out;
}
