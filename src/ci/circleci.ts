/**
 * CircleCI (research ci.md §3.2): `.circleci/config.yml|yaml`, parsed with source ranges. Every `run:` step of a
 * job (a string, or a map with `command:`) is its own shell, as a GitHub `run:` step is; steps that invoke a
 * reusable command of the file (`- build-image` or `- build-image: {…}`) contribute that command's `run:` steps
 * in the job's context (edited once, where the command is defined). A run starts in the checkout (the job's
 * `working_directory`), or in its own `working_directory`. Variables: the job's and the step's `environment:`,
 * and CircleCI's built-in variables. A job's own run steps know its parameters' values: each invocation from a
 * workflow (`- build: {dockerfile: …}`, a `matrix:` of parameters less its `exclude`d combinations), with the
 * defaults of the job's `parameters:` block, is one entry of Job.matrix (src/ci/matrix.ts), so a build whose
 * `-f` or context is `<< parameters.x >>` is checked for every value (circleci.com/docs "Using matrix jobs",
 * "Configuration reference" workflows.jobs.matrix: `parameters` maps each parameter to the values the job is
 * called with, every combination is one job, `exclude` lists combinations to leave out; parameters are
 * substituted when the configuration is compiled, before any shell runs). A reusable command's own
 * `<< parameters.x >>` and `<< pipeline.… >>` are unknown values. Orb commands (`docker/build`) and executors'
 * environments are not read.
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { shellDialect, type Dialect, type ShellChoice } from './dialect.js';
import { addEnvMap, deref, keyOf, mapGet, mapKeys, scalarText } from './jobs.js';
import type { Job, JobVariable } from './model.js';
import { CIRCLECI } from './platform.js';
import type { MatrixCell } from './matrix.js';
import { joinPath } from './steps.js';
import { loadCiFile, position, type CiFile, type CiProblem } from './yaml.js';

/** CircleCI also substitutes `<< pipeline.parameters.x >>` in values. */
const CIRCLE_LITERAL = (t: string) => !t.includes('$') && !t.includes('<<');

/** Keys of a workflow's job entry that configure the invocation, not parameters (configuration reference, workflows.jobs). */
const INVOCATION_KEYS = new Set(['requires', 'name', 'context', 'type', 'filters', 'matrix', 'pre-steps', 'post-steps', 'serial-group', 'override-with']);
/** At most this many jobs per matrix are followed (more: the matrix is left unread). */
const MAX_CELLS = 256;

/**
 * A parameter value whose text is not known here: it is substituted into the script as text (quotes, `$`, spaces
 * and all), so only a value of plain path characters reads the same as a shell value.
 */
const UNKNOWN = '\u0000';
const PLAIN_VALUE = /^[A-Za-z0-9_.\/@:+,=%-]*$/;

/**
 * A parameter value as CircleCI passes it (a scalar's text): UNKNOWN when the script would read it otherwise (a
 * `<< >>`, shell characters); null when it is no value at all (a list, a map).
 */
function paramValue(file: CiFile, node: Node | null | undefined): string | null {
  const n = deref(file, node ?? null);
  if (!isScalar(n)) return null;
  const t = n.value === null ? '' : scalarText(file, n);
  if (t === null) return null;
  const v = t.replace(/^(["'])(.*)\1$/s, '$2');
  return PLAIN_VALUE.test(v) ? v : UNKNOWN;
}

/**
 * The parameter values each invocation of each job in the workflows runs it with (see the module comment): job
 * name → one cell per job run, or null when some value cannot be read. A job no workflow names is absent.
 */
function workflowInvocations(file: CiFile, root: YAMLMap): Map<string, MatrixCell[] | null> {
  const out = new Map<string, MatrixCell[] | null>();
  const add = (job: string, cells: MatrixCell[] | null) => {
    const prior = out.get(job);
    if (prior === null) return;
    out.set(job, cells === null || (prior?.length ?? 0) + cells.length > MAX_CELLS ? null : [...(prior ?? []), ...cells]);
  };
  const workflows = deref(file, mapGet(file, root, 'workflows') ?? null);
  if (!isMap(workflows)) return out;
  for (const w of mapKeys(file, workflows)) {
    const wf = deref(file, mapGet(file, workflows, w) ?? null);
    const list = isMap(wf) ? deref(file, mapGet(file, wf, 'jobs') ?? null) : null;
    if (!isSeq(list)) continue;
    for (const item of list.items) {
      const e = deref(file, item as Node);
      if (isScalar(e)) {
        const name = scalarText(file, e);
        if (name !== null) add(name, [new Map()]);
        continue;
      }
      if (!isMap(e) || e.items.length !== 1) continue;
      const name = keyOf(e.items[0]);
      if (name === null) continue;
      const args = deref(file, e.items[0].value as Node | null);
      const base: MatrixCell = new Map();
      let readable = true;
      if (isMap(args)) {
        for (const k of mapKeys(file, args)) {
          if (INVOCATION_KEYS.has(k)) continue;
          const v = paramValue(file, mapGet(file, args, k));
          if (v === null) readable = false;
          else base.set(k, v);
        }
      } else if (args !== null && !(isScalar(args) && args.value === null)) readable = false;
      const matrix = isMap(args) ? deref(file, mapGet(file, args, 'matrix') ?? null) : null;
      if (!readable) {
        add(name, null);
        continue;
      }
      if (matrix === null) {
        add(name, [base]);
        continue;
      }
      const params = isMap(matrix) ? deref(file, mapGet(file, matrix, 'parameters') ?? null) : null;
      if (!isMap(params)) {
        add(name, null);
        continue;
      }
      let cells: MatrixCell[] | null = [new Map(base)];
      for (const k of mapKeys(file, params)) {
        const v = deref(file, mapGet(file, params, k) ?? null);
        const values = (isSeq(v) ? v.items : [v]).map((x) => paramValue(file, x as Node));
        if (values.some((x) => x === null)) {
          cells = null;
          break;
        }
        cells = cells.flatMap((c) => values.map((x) => new Map([...c, [k, x as string]])));
        if (cells.length > MAX_CELLS) {
          cells = null;
          break;
        }
      }
      // `exclude`: each entry removes the combinations that have all of its values.
      const exclude = isMap(matrix) ? deref(file, mapGet(file, matrix, 'exclude') ?? null) : null;
      if (cells && exclude !== null) {
        if (!isSeq(exclude)) cells = null;
        else {
          for (const x of exclude.items) {
            const m = deref(file, x as Node);
            const entry = isMap(m) ? mapKeys(file, m).map((k) => [k, paramValue(file, mapGet(file, m, k))] as const) : null;
            if (entry === null || entry.some(([, v]) => v === null)) {
              cells = null;
              break;
            }
            cells = cells.filter((c) => !entry.every(([k, v]) => c.get(k) === v));
          }
        }
      }
      add(name, cells);
    }
  }
  return out;
}

/**
 * The parameter values a job runs with: each invocation's, a parameter it does not give taking the job's
 * `parameters:` default (one with neither, or a default that is not a literal, is left out: unknown); null when
 * some invocation's values cannot be read; undefined when the job has no parameters or no workflow runs it.
 */
function jobCells(file: CiFile, job: YAMLMap, invocations: MatrixCell[] | null | undefined): MatrixCell[] | null | undefined {
  const params = deref(file, mapGet(file, job, 'parameters') ?? null);
  if (!isMap(params) || invocations === undefined) return undefined;
  if (invocations === null) return null;
  const defaults = new Map<string, string | null>();
  for (const k of mapKeys(file, params)) {
    const spec = deref(file, mapGet(file, params, k) ?? null);
    const d = isMap(spec) ? mapGet(file, spec, 'default') : undefined;
    defaults.set(k, d === undefined ? null : paramValue(file, d));
  }
  const out: MatrixCell[] = [];
  for (const inv of invocations) {
    const cell: MatrixCell = new Map();
    for (const [k, d] of defaults) {
      const v = inv.get(k) ?? d;
      if (v !== null && v !== UNKNOWN) cell.set(k, v);
    }
    out.push(cell);
  }
  return out.length ? out : null;
}

export interface CircleCi {
  files: CiFile[];
  jobs: Job[];
}

/** A run's directory relative to the checkout ('' = the checkout); null when it is elsewhere or not static. */
function runDir(jobDir: string | null, text: string | null): string | null {
  if (text === null) return '';
  if (text.includes('$') || text.includes('<<')) return null;
  if (/^[~/]/.test(text)) {
    if (jobDir !== null && (text === jobDir || text.startsWith(`${jobDir}/`))) return joinPath('', text.slice(jobDir.length).replace(/^\/+/, ''));
    return null;
  }
  return joinPath('', text);
}

export function loadCircleci(read: (path: string) => string | null, problems: CiProblem[] = []): CircleCi | null {
  let path: string | null = null;
  let text: string | null = null;
  for (const p of ['.circleci/config.yml', '.circleci/config.yaml']) {
    text = read(p);
    if (text !== null) {
      path = p;
      break;
    }
  }
  if (path === null || text === null) return null;
  const file = loadCiFile(path, text, problems);
  if (!file) return null;
  const out: CircleCi = { files: [file], jobs: [] };
  const root = file.doc.contents;
  if (!isMap(root)) return out;
  const commands = mapGet(file, root, 'commands');
  const jobs = mapGet(file, root, 'jobs');
  if (!isMap(jobs)) return out;
  const executors = mapGet(file, root, 'executors');
  const invocations = workflowInvocations(file, root);
  const orbs = mapGet(file, root, 'orbs');
  const textAt = (m: Node | null | undefined, ...path: string[]) => {
    let n = deref(file, m ?? null);
    for (const k of path) n = isMap(n) ? deref(file, mapGet(file, n, k) ?? null) : null;
    return scalarText(file, n);
  };
  /** The shell a job names (its own, its machine's or its executor's) and whether it runs on Windows. */
  const environment = (j: YAMLMap, depth = 0): { shell: string | null; windows: string | null } => {
    let shell = textAt(j, 'shell') ?? textAt(j, 'machine', 'shell');
    const image = textAt(j, 'machine', 'image');
    let windows = image !== null && /^windows-/i.test(image) ? `machine image ${image}` : null;
    const rc = textAt(j, 'resource_class');
    if (rc !== null && /^windows\./i.test(rc)) windows ??= `resource_class ${rc}`;
    const ex = deref(file, mapGet(file, j, 'executor') ?? null);
    const exName = isMap(ex) ? textAt(ex, 'name') : scalarText(file, ex);
    if (exName !== null) {
      const slash = exName.indexOf('/');
      if (slash > 0) {
        // An orb's executor: the circleci/windows orb's executors run PowerShell unless given another `shell`.
        const orb = textAt(orbs, exName.slice(0, slash));
        if (orb !== null && /^circleci\/windows@/i.test(orb)) {
          windows ??= `executor ${exName} (orb ${orb})`;
          shell ??= isMap(ex) ? textAt(ex, 'shell') : null;
        }
      } else {
        const def = deref(file, isMap(executors) ? (mapGet(file, executors, exName) ?? null) : null);
        if (isMap(def) && depth < 5) {
          const inner = environment(def, depth + 1);
          shell ??= inner.shell;
          windows ??= inner.windows && `executor ${exName}: ${inner.windows}`;
        }
      }
    }
    return { shell, windows };
  };
  /** A run step's shell: its `shell`, else the job's, else PowerShell on Windows, bash elsewhere. */
  const runShell = (stepShell: string | null, env: { shell: string | null; windows: string | null }): ShellChoice | undefined => {
    const named = stepShell ?? env.shell;
    if (named !== null) {
      const d: Dialect | null = named.includes('<<') ? null : shellDialect(named);
      return d === 'posix' ? undefined : { dialect: d, why: d === null ? `shell: ${named} is not a shell the tool writes for` : `shell: ${named}` };
    }
    return env.windows ? { dialect: 'pwsh', why: `${env.windows}: the Windows execution environment's default shell is PowerShell` } : undefined;
  };

  for (const p of jobs.items) {
    const jobName = keyOf(p);
    const j = deref(file, p.value);
    if (jobName === null || !isMap(j)) continue;
    const vars = new Map<string, JobVariable>();
    addEnvMap(vars, file, mapGet(file, j, 'environment'), 'job environment', CIRCLE_LITERAL);
    const wd = scalarText(file, mapGet(file, j, 'working_directory') ?? null) ?? '~/project';
    const jobDir = wd.includes('$') || wd.includes('<<') ? null : wd.replace(/\/+$/, '');
    const env = environment(j);
    const cells = jobCells(file, j, invocations.get(jobName));
    let n = 0;
    const walk = (steps: Node | null | undefined, via: string, depth: number) => {
      const seq = deref(file, steps ?? null);
      if (!isSeq(seq) || depth > 10) return;
      for (const item of seq.items) {
        const s = deref(file, item as Node);
        // A reusable command of this file, by name.
        const callName = isScalar(s) ? scalarText(file, s) : isMap(s) && s.items.length === 1 ? keyOf(s.items[0]) : null;
        if (callName !== null && callName !== 'run' && isMap(commands)) {
          const c = mapGet(file, commands, callName);
          if (isMap(c)) walk(mapGet(file, c, 'steps'), `${via}command '${callName}', `, depth + 1);
          continue;
        }
        if (!isMap(s)) continue;
        const run = mapGet(file, s, 'run');
        if (run === undefined) continue;
        n++;
        const spec = deref(file, run);
        const command = isScalar(spec) ? spec : isMap(spec) ? deref(file, mapGet(file, spec, 'command') ?? null) : null;
        if (!isScalar(command)) continue;
        const stepVars = new Map(vars);
        let name: string | null = null;
        let dir: string | null = '';
        const shell = runShell(isMap(spec) ? textAt(spec, 'shell') : null, env);
        if (isMap(spec)) {
          addEnvMap(stepVars, file, mapGet(file, spec as YAMLMap, 'environment'), 'step environment', CIRCLE_LITERAL);
          name = scalarText(file, mapGet(file, spec as YAMLMap, 'name') ?? null);
          dir = runDir(jobDir, scalarText(file, mapGet(file, spec as YAMLMap, 'working_directory') ?? null));
        }
        const at = position(file, s.range?.[0] ?? 0);
        out.jobs.push({
          name: `${jobName}, ${via}run ${n}${name ? ` (${name})` : ''}`,
          file,
          line: at.line,
          column: at.column,
          items: [{ file, node: command }],
          variables: stepVars,
          ifs: [],
          only: [],
          platform: CIRCLECI,
          cwd: dir,
          ...(shell ? { shell } : {}),
          // The job's parameters, for its own run steps (a reusable command's `<< parameters.x >>` are the command's).
          ...(via === '' && cells !== undefined ? { matrix: cells } : {}),
        });
      }
    };
    walk(mapGet(file, j, 'steps'), '', 0);
  }
  return out;
}
