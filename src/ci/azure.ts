/**
 * Azure Pipelines (research ci.md §3.2): `azure-pipelines.yml|yaml` at the root and `.azure-pipelines/*.yml|yaml`,
 * parsed with source ranges. Steps are found under `stages[].jobs[]`, `jobs[]` or a root `steps:` (template
 * files), in `job` and `deployment` (`strategy.runOnce.deploy.steps`) entries; `- template:` references are not
 * followed. Every `script:`/`bash:`/`pwsh:`/`powershell:` step, and every `PowerShell@2` task with an inline
 * `script`, is its own shell (a Job with one item, starting in its `workingDirectory`), in its dialect
 * (src/ci/dialect.ts: `script` is cmd.exe on a Windows pool, Bash elsewhere); every `Docker@2` task is an
 * AzureDockerTask. Variables: pipeline, stage and job
 * `variables:` (map or `- name:`/`value:` list; `group:` and `template:` entries cannot be read), and the
 * predefined variables. Scripts see a variable both as the macro `$(Build.SourceVersion)` and as the environment
 * variable `BUILD_SOURCEVERSION` (upper case, `.` → `_`; learn.microsoft.com azure/devops/pipelines/process/variables,
 * "Environment variables"); the values written are macros. A job's `strategy: matrix:` legs are its matrix
 * (Job.matrix, src/ci/matrix.ts): a script whose `-f` or context reads a leg variable (`$(dockerfile)`, which
 * Azure replaces before the script runs, or `$DOCKERFILE`) is checked for every leg.
 */
import { isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import { combine, POSIX, type ShellChoice } from './dialect.js';
import { deref, emptyValue, keyOf, mapGet, mapKeys, mergeSources, scalarText } from './jobs.js';
import type { Job, JobVariable } from './model.js';
import { AZURE, azureEnvName } from './platform.js';
import type { MatrixCell } from './matrix.js';
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
  /** The nodes other steps of the file read (scripts, other tasks), filled while the file is read. */
  foreign: ReadonlySet<Node>;
  /**
   * Set when the `Dockerfile` input is a matrix variable's macro: how (`$(dockerfile)`) and every Dockerfile the
   * legs build; the task is then one AzureDockerTask per Dockerfile, sharing this object.
   */
  matrix?: { via: string; candidates: string[] };
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
    const empty = emptyValue(v, `${where} define it`);
    const jv: JobVariable = {
      value: text !== null && !text.includes('$') && !empty ? text : null,
      source: `${where} in ${file.path}:${line}`,
      ...(text !== null ? { raw: text } : {}),
      ...(empty ? { empty } : {}),
    };
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

/**
 * A job's `strategy: matrix:` (learn.microsoft.com azure/devops/pipelines/yaml-schema "jobs.job.strategy":
 * each leg, by name, is a map of variables the job runs with, one job per leg): each leg's variables, or null
 * when the matrix is not a literal map of literal values (a `${{ }}` or `$[ ]` expression, a macro in a value).
 */
function azureMatrixLegs(file: CiFile, node: Node | null): MatrixCell[] | null {
  const legs = deref(file, node);
  if (!isMap(legs)) return null;
  const out: MatrixCell[] = [];
  for (const leg of mapKeys(file, legs)) {
    const l = deref(file, mapGet(file, legs, leg) ?? null);
    if (!isMap(l)) return null;
    const cell: MatrixCell = new Map();
    for (const k of mapKeys(file, l)) {
      const v = deref(file, mapGet(file, l, k) ?? null);
      const t = isScalar(v) ? (v.value === null ? '' : scalarText(file, v)) : null;
      if (t === null) return null;
      cell.set(k, t.replace(/^(["'])(.*)\1$/s, '$2'));
    }
    out.push(cell);
  }
  return out.length ? out : null;
}

/**
 * The legs' values a script reads as written: a macro is replaced as text before the script runs, so a value
 * with shell characters (spaces, quotes, `$`), or one that expands another variable, is left out (unknown).
 */
const matrixCells = (legs: MatrixCell[]): MatrixCell[] => legs.map((l) => new Map([...l].filter(([, v]) => /^[A-Za-z0-9_.\/@:+,=%-]*$/.test(v))));

/**
 * A matrix's variables as the job's (each leg sets them, over the job's own): literal where every leg gives
 * the same value; where only some legs set one, the others run without it.
 */
function addMatrixVariables(file: CiFile, node: Node | null, cells: MatrixCell[], vars: Map<string, JobVariable>, macros: Map<string, string>): void {
  const at = position(file, node?.range?.[0] ?? 0).line;
  for (const name of new Set(cells.flatMap((c) => [...c.keys()]))) {
    const values = new Set(cells.map((c) => c.get(name)));
    const all = cells.every((c) => c.has(name));
    const one = values.size === 1 ? [...values][0]! : null;
    const jv: JobVariable = {
      value: all && one !== null && one !== '' && !one.includes('$') ? one : null,
      source: `strategy.matrix in ${file.path}:${at}`,
      ...(one !== null ? { raw: one } : {}),
      ...(all ? {} : { maybeUnset: 'only some legs of its strategy.matrix set it' }),
      ...(values.has('') ? { empty: 'a leg of its strategy.matrix sets it empty' } : {}),
    };
    for (const k of new Set([name, azureEnvName(name)])) {
      vars.set(k, jv);
      macros.set(k, name);
    }
  }
}

/** A job's mask for its matrix variables' macros: `$(dockerfile)` → `${dockerfile}` (Azure names ignore case). */
function matrixMacroMask(legs: MatrixCell[]): (script: string) => string {
  const byLower = new Map([...new Set(legs.flatMap((c) => [...c.keys()]))].map((k) => [k.toLowerCase(), k]));
  return (script) => script.replace(/\$\(([A-Za-z_][\w]*)\)/g, (m, n: string) => {
    const k = byLower.get(n.toLowerCase());
    return k === undefined ? m : `\${${k}}`;
  });
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

/** A Docker@2 `Dockerfile` input (a path or glob from the sources directory): the repository file, or why not. */
function taskDockerfile(text: string, repo: FileWalker): { path: string } | { why: string } {
  const df = text.replace(/^\$\((Build\.SourcesDirectory|System\.DefaultWorkingDirectory)\)\/?/, '');
  if (df.includes('$(') || df.includes('${{')) return { why: 'the Dockerfile input is a variable' };
  if (/[*?]/.test(df)) {
    const hits = globMatch(df, repo.files().filter((p) => /(^|\/)Dockerfile$|\.Dockerfile$|(^|\/)Dockerfile\./.test(p)));
    if (hits.length === 1) return { path: hits[0] };
    return { why: `the Dockerfile glob ${df} matches ${hits.length === 0 ? 'no file' : `${hits.length} files`}` };
  }
  const path = joinPath('', df);
  return path === null ? { why: 'the Dockerfile is outside the repository' } : { path };
}

/** A hosted image or an agent demand naming Windows (`windows-latest`, `windows-2022`, `vs2017-win2016`). */
const WINDOWS_IMAGE = /windows|^win\d|-win\d/i;

/**
 * The operating systems a job's `pool` runs on, one entry per agent it may get (a `strategy.matrix` leg may
 * set the `vmImage` macro): Windows or not, named for the report; null when the image is not known. A pool
 * named by its `name` without an `Agent.OS` demand, or no pool at all (the hosted default), counts as
 * non-Windows.
 */
function poolSystems(file: CiFile, pool: Node | null, vars: Map<string, JobVariable>, matrix: Node | null): { windows: boolean; where: string }[] | null {
  const p = deref(file, pool);
  if (!isMap(p)) return [];
  const demands = deref(file, mapGet(file, p, 'demands') ?? null);
  const ds = isSeq(demands) ? demands.items.map((x) => scalarText(file, deref(file, x as Node)) ?? '') : [scalarText(file, demands) ?? ''];
  const os = ds.map((d) => /^\s*Agent\.OS\s+-equals\s+(\S+)/i.exec(d)).find((m) => m);
  if (os) return [{ windows: /^Windows/i.test(os[1]), where: `demands: Agent.OS -equals ${os[1]}` }];
  const image = scalarText(file, mapGet(file, p, 'vmImage') ?? null);
  if (image === null) return [];
  if (image.includes('${{')) return null;
  const macro = /\$\(([\w.]+)\)/.exec(image);
  if (!macro) return [{ windows: WINDOWS_IMAGE.test(image), where: `vmImage: ${image}` }];
  // `vmImage: $(imageName)`: each matrix leg's value, else the variable's literal value.
  const legs = deref(file, matrix);
  const values: string[] = [];
  if (isMap(legs)) {
    for (const leg of mapKeys(file, legs)) {
      const l = deref(file, mapGet(file, legs, leg) ?? null);
      const v = isMap(l) ? scalarText(file, mapGet(file, l, macro[1]) ?? null) : null;
      if (v === null) return null;
      values.push(image.replace(macro[0], v));
    }
  } else {
    const v = vars.get(macro[1])?.value;
    if (v === null || v === undefined) return null;
    values.push(image.replace(macro[0], v));
  }
  return [...new Set(values)].map((v) => ({ windows: WINDOWS_IMAGE.test(v), where: `vmImage ${v}` }));
}

/** The shell of a `script:` step on `systems` (cmd.exe on Windows, Bash elsewhere). */
function scriptShell(systems: { windows: boolean; where: string }[] | null): ShellChoice {
  if (systems === null) return { dialect: null, why: "the pool's image is not known, so script (cmd.exe on Windows, Bash elsewhere) is not known" };
  if (systems.length === 0) return POSIX;
  const choice = combine(systems.map((s) => ({ dialect: s.windows ? 'cmd' : 'posix', where: s.where })), 'script');
  return choice.dialect === null ? choice : { dialect: choice.dialect, why: `script on ${systems[0].where}` };
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
    const rootPool = mapGet(file, root, 'pool') ?? null;
    const foreign = new Set<Node>();

    const steps = (unit: string, list: Node | null | undefined, vars: Map<string, JobVariable>, macros: Map<string, string>, systems: ReturnType<typeof poolSystems> = [], matrix?: MatrixCell[] | null) => {
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
          ...(matrix !== undefined ? { matrix } : {}),
          ...(matrix ? { mask: matrixMacroMask(matrix) } : {}),
        };
        const task = scalarText(file, mapGet(file, step, 'task') ?? null);
        const inputs = mapGet(file, step, 'inputs');
        const input = (k: string) => (isMap(inputs) ? scalarText(file, mapGet(file, inputs, k) ?? null) : null);
        if (task === null || !/^Docker@2$/i.test(task.trim())) {
          // What another step reads: a Docker@2 task sharing it (an alias, a `<<:` source) is not edited there.
          for (const n of mergeSources(file, inputs, mergeSources(file, step))) foreign.add(n);
          const a = isMap(inputs) ? mapGet(file, inputs, 'arguments') : null;
          if (a) foreign.add(a);
        }
        // Script steps, each key in its shell; a PowerShell@2 task's inline script (targetType: inline).
        const kinds: [Node | null | undefined, () => ShellChoice, Node | null | undefined][] = [
          [mapGet(file, step, 'script'), () => scriptShell(systems), mapGet(file, step, 'workingDirectory')],
          [mapGet(file, step, 'bash'), () => POSIX, mapGet(file, step, 'workingDirectory')],
          [mapGet(file, step, 'pwsh'), () => ({ dialect: 'pwsh', why: 'a pwsh step (PowerShell Core)' }), mapGet(file, step, 'workingDirectory')],
          [mapGet(file, step, 'powershell'), () => ({ dialect: 'pwsh', why: 'a powershell step (Windows PowerShell)' }), mapGet(file, step, 'workingDirectory')],
        ];
        if (task !== null && /^PowerShell@2$/i.test(task.trim()) && /^inline$/i.test(input('targetType') ?? '') && isMap(inputs)) {
          kinds.push([mapGet(file, inputs, 'script'), () => ({ dialect: 'pwsh', why: 'a PowerShell@2 task (PowerShell)' }), mapGet(file, inputs, 'workingDirectory')]);
        }
        for (const [script, shell, wd] of kinds) {
          if (!isScalar(script)) continue;
          const d = workdir(scalarText(file, wd ?? null));
          job.cwd = d === undefined ? '' : d;
          job.items.push({ file, node: script });
          const sh = shell();
          if (sh.dialect !== 'posix') job.shell = sh;
          out.jobs.push(job);
          return;
        }
        if (task === null || !/^Docker@2$/i.test(task.trim())) return;
        // `task` may come from a `<<:` merge source: the report points at it there.
        const taskPair = [...mergeSources(file, step)].flatMap((m) => (isMap(m) ? m.items : [])).find((p) => keyOf(p) === 'task')!;
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
          foreign,
        };
        // `Dockerfile` is a path or glob from the sources directory (default `**/Dockerfile`).
        const dfText = input('Dockerfile') ?? '**/Dockerfile';
        const resolved = taskDockerfile(dfText, repo);
        if ('path' in resolved) t.dockerfile = resolved.path;
        else t.unresolved = resolved.why;
        // `Dockerfile: $(dockerfile)`, a matrix variable: Azure replaces the macro before the task runs, so each
        // leg builds its own; one AzureDockerTask per Dockerfile, sharing `matrix` (the task is edited once).
        const cells = job.matrix;
        if (t.dockerfile === null && cells && dfText.includes('$(')) {
          const byLower = new Map([...new Set(cells.flatMap((c) => [...c.keys()]))].map((k) => [k.toLowerCase(), k]));
          const used = new Set<string>();
          const found = new Set<string>();
          for (const cell of cells) {
            const text = dfText.replace(/\$\(([A-Za-z_]\w*)\)/g, (m, n: string) => {
              const k = byLower.get(n.toLowerCase());
              if (k === undefined) return m;
              used.add(k);
              return cell.get(k) ?? m;
            });
            const one = taskDockerfile(text, repo);
            if (!('path' in one)) {
              found.clear();
              break;
            }
            found.add(one.path);
          }
          if (found.size) {
            const matrix = { via: [...used].map((k) => `$(${k})`).join(', '), candidates: [...found] };
            for (const d of found) out.tasks.push({ ...t, dockerfile: d, unresolved: undefined, matrix });
            return;
          }
        }
        out.tasks.push(t);
      });
    };

    const jobs = (where: string, list: Node | null | undefined, vars: Map<string, JobVariable>, macros: Map<string, string>, pool: Node | null) => {
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
        const strategy = mapGet(file, j, 'strategy');
        const matrixNode = isMap(strategy) ? (mapGet(file, strategy, 'matrix') ?? null) : null;
        const systems = poolSystems(file, mapGet(file, j, 'pool') ?? pool, v, matrixNode);
        const legs = matrixNode === null ? undefined : azureMatrixLegs(file, matrixNode);
        if (legs) addMatrixVariables(file, matrixNode, legs, v, m);
        const cells = legs ? matrixCells(legs) : legs;
        steps(unit, mapGet(file, j, 'steps'), v, m, systems, cells);
        const once = isMap(strategy) ? mapGet(file, strategy, 'runOnce') : null;
        const deploy = isMap(once) ? mapGet(file, once, 'deploy') : null;
        if (isMap(deploy)) steps(unit, mapGet(file, deploy, 'steps'), v, m, systems);
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
        jobs(`stage '${name}', `, mapGet(file, s, 'jobs'), v, m, mapGet(file, s, 'pool') ?? rootPool);
      }
    }
    jobs('', mapGet(file, root, 'jobs'), rootVars, rootMacros, rootPool);
    steps(path, mapGet(file, root, 'steps'), rootVars, rootMacros, poolSystems(file, rootPool, rootVars, null));
  }
  return out;
}
