/**
 * CircleCI (research ci.md §3.2): `.circleci/config.yml|yaml`, parsed with source ranges. Every `run:` step of a
 * job (a string, or a map with `command:`) is its own shell, as a GitHub `run:` step is; steps that invoke a
 * reusable command of the file (`- build-image` or `- build-image: {…}`) contribute that command's `run:` steps
 * in the job's context (edited once, where the command is defined). A run starts in the checkout (the job's
 * `working_directory`), or in its own `working_directory`. Variables: the job's and the step's `environment:`,
 * and CircleCI's built-in variables. `<< parameters.x >>` / `<< pipeline.… >>` in a command are unknown values.
 * Orb commands (`docker/build`) and executors' environments are not read.
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { shellDialect, type Dialect, type ShellChoice } from './dialect.js';
import { addEnvMap, deref, keyOf, mapGet, mapKeys, scalarText } from './jobs.js';
import type { Job, JobVariable } from './model.js';
import { CIRCLECI } from './platform.js';
import { joinPath } from './steps.js';
import { loadCiFile, position, type CiFile, type CiProblem } from './yaml.js';

/** CircleCI also substitutes `<< pipeline.parameters.x >>` in values. */
const CIRCLE_LITERAL = (t: string) => !t.includes('$') && !t.includes('<<');

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
        });
      }
    };
    walk(mapGet(file, j, 'steps'), '', 0);
  }
  return out;
}
