/**
 * GitHub Actions (research ci.md §3.1): workflows in `.github/workflows/*.yml|yaml` and local composite actions
 * in `.github/actions/<name>/action.yml|yaml`, parsed with source ranges. Every `run:` step is its own shell
 * (a Job with one script item, starting in its `working-directory`); every `docker/build-push-action` step is
 * an ActionBuild (its `file`, `context` and `build-args` inputs). Variables: workflow, job and step `env:`,
 * `strategy.matrix` keys, a composite action's `inputs`, and GitHub's default variables.
 */
import { isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import { combine, POSIX, shellDialect, WINDOWS_LABEL, type ShellChoice } from './dialect.js';
import { addEnvMap, deref, keyOf, mapGet, mapKeys, mergeSources, scalarText } from './jobs.js';
import type { Job, JobVariable } from './model.js';
import { GITHUB } from './platform.js';
import { githubMatrixCells, matrixKeysIn, substituteMatrix } from './matrix.js';
import { joinPath, type RepoView } from './steps.js';
import { loadCiFile, position, type CiFile, type CiProblem } from './yaml.js';

export interface ActionBuild {
  job: Job;
  file: CiFile;
  /** The step's map, its `uses` key node and its `with:` value (null when absent). */
  step: YAMLMap;
  usesKey: Node;
  with: Node | null;
  buildArgs: Scalar | null;
  /** `build-args` is present but not a scalar (a list or map, which the action does not accept). */
  buildArgsOther: Node | null;
  dockerfile: string | null;
  unresolved?: string;
  passed: { name: string; raw: string | null }[];
  line: number;
  column: number;
  /** The nodes its inputs come from: the step and its `with:` (and their `<<:` sources), `build-args`. */
  reads: ReadonlySet<Node>;
  /** The nodes other steps of the file read (run: steps, other actions), filled while the file is read. */
  foreign: ReadonlySet<Node>;
  /**
   * Set when `file:`/`context:` use matrix values: the expressions (`matrix.image`) and every Dockerfile the
   * matrix's jobs build (src/ci/matrix.ts). The step is then one ActionBuild per Dockerfile, sharing this object.
   */
  matrix?: { via: string; candidates: string[] };
}

export interface GithubCi {
  files: CiFile[];
  jobs: Job[];
  actions: ActionBuild[];
}

export interface RepoLister extends RepoView {
  /** Names in a repository directory (empty when it does not exist). */
  list(dir: string): string[];
  /** Names of a repository directory's subdirectories, symbolic links to directories not among them. */
  dirs(dir: string): string[];
}

const YAML_NAME = /\.ya?ml$/;

/** Literal working directory ('' = the workspace), or null when it is an expression or leaves the repository. */
function workdir(text: string | null): string | null | undefined {
  if (text === null) return undefined;
  if (text.includes('${{')) return null;
  return joinPath('', text.replace(/^\$GITHUB_WORKSPACE\/?|^\$\{GITHUB_WORKSPACE\}\/?/, ''));
}

function matrixKeys(file: CiFile, node: Node | null | undefined, out: Map<string, JobVariable>): void {
  const m = deref(file, node);
  if (!isMap(m)) return;
  const at = position(file, m.range?.[0] ?? 0);
  const add = (k: string) => out.set(k, { value: null, source: `strategy.matrix in ${file.path}:${at.line}`, kind: 'matrix' });
  for (const k of mapKeys(file, m)) {
    if (k === 'exclude') continue;
    if (k !== 'include') {
      add(k);
      continue;
    }
    const inc = mapGet(file, m, 'include');
    if (isSeq(inc)) for (const e of inc.items) {
      const em = deref(file, e as Node);
      if (isMap(em)) for (const ek of mapKeys(file, em)) add(ek);
    }
  }
}

/** A build-args value's lines: `NAME=value`, bare `NAME`, or `NAME=` inside an expression line. */
export function parseBuildArgs(value: string): { name: string; raw: string | null }[] {
  const out: { name: string; raw: string | null }[] = [];
  for (const raw of value.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('${{')) {
      // Passed when the expression yields it: its value is unknown here, so it is not compared.
      for (const m of line.matchAll(/['"]([A-Za-z_][A-Za-z0-9_]*)=/g)) out.push({ name: m[1], raw: null });
      continue;
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(=(.*))?$/s.exec(line);
    if (m) out.push({ name: m[1], raw: m[2] === undefined ? null : m[3] });
  }
  return out;
}

/**
 * The step's Dockerfile; when its `context`/`file` inputs use matrix values, one ActionBuild per Dockerfile
 * the matrix's jobs build (each input substituted as GitHub does), or the step alone, unresolved, when some
 * job's path cannot be known.
 */
function resolveAction(a: ActionBuild, file: CiFile): ActionBuild[] {
  const w = isMap(a.with) ? a.with : null;
  const input = (k: string) => (w ? scalarText(file, mapGet(file, w, k) ?? null) : null);
  const ctxText = input('context');
  const fileText = input('file');
  if ((ctxText ?? '').includes('${{') || (fileText ?? '').includes('${{')) {
    a.unresolved = 'the context or file input is an expression';
    const cells = a.job.matrix;
    if (!cells) return [a];
    const found = new Set<string>();
    for (const cell of cells) {
      const c = ctxText === null ? null : substituteMatrix(ctxText, cells, cell);
      const f = fileText === null ? null : substituteMatrix(fileText, cells, cell);
      if ((ctxText !== null && c === null) || (fileText !== null && f === null)) return [a];
      const one: ActionBuild = { ...a, dockerfile: null, unresolved: undefined };
      resolvePaths(one, c, f);
      if (one.dockerfile === null) return [a];
      found.add(one.dockerfile);
    }
    const via = [...new Set([...matrixKeysIn(ctxText ?? ''), ...matrixKeysIn(fileText ?? '')])].map((k) => `matrix.${k}`).join(', ');
    const matrix = { via, candidates: [...found] };
    return matrix.candidates.map((d) => ({ ...a, dockerfile: d, unresolved: undefined, matrix }));
  }
  resolvePaths(a, ctxText, fileText);
  return [a];
}

function resolvePaths(a: ActionBuild, ctxText: string | null, fileText: string | null): void {
  let base = '';
  if (ctxText !== null && ctxText !== '') {
    const sub = /^\{\{\s*defaultContext\s*\}\}(?::(.*))?$/.exec(ctxText);
    if (sub) base = sub[1] ?? '';
    else if (/^[a-z]+:\/\//.test(ctxText) || /\.git(#|$)/.test(ctxText)) {
      a.unresolved = `the context ${ctxText} is not a local directory`;
      return;
    } else base = ctxText;
    const b = joinPath('', base);
    if (b === null) {
      a.unresolved = `the context ${ctxText} is outside the repository`;
      return;
    }
    base = b;
  }
  // `file` is passed to buildx as --file: from the workspace for a local context, inside a Git context's subdir.
  const fileBase = ctxText !== null && /^\{\{\s*defaultContext/.test(ctxText) ? base : '';
  a.dockerfile = fileText ? joinPath(fileBase, fileText) : joinPath(base, 'Dockerfile');
  if (a.dockerfile === null) a.unresolved = 'the Dockerfile is outside the repository';
}

/** Loads the workflows and composite actions; a file that cannot be read is recorded in `problems`, the others go on. */
export function loadGithub(repo: RepoLister, problems: CiProblem[] = []): GithubCi | null {
  const paths: string[] = [];
  for (const n of repo.list('.github/workflows').sort()) if (YAML_NAME.test(n)) paths.push(`.github/workflows/${n}`);
  for (const d of repo.list('.github/actions').sort()) {
    for (const n of ['action.yml', 'action.yaml']) if (repo.exists(`.github/actions/${d}/${n}`)) paths.push(`.github/actions/${d}/${n}`);
  }
  const out: GithubCi = { files: [], jobs: [], actions: [] };
  for (const path of paths) {
    const text = repo.read(path);
    if (text === null) continue;
    const file = loadCiFile(path, text, problems);
    if (!file) continue;
    out.files.push(file);
    const foreign = new Set<Node>();
    const root = file.doc.contents;
    if (!isMap(root)) continue;
    const wfVars = new Map<string, JobVariable>();
    addEnvMap(wfVars, file, mapGet(file, root, 'env'), 'workflow env');
    const wfDir = workdir(scalarText(file, runDefault(file, root)));
    const wfShell = scalarText(file, runDefault(file, root, 'shell'));
    const isAction = path.startsWith('.github/actions/');
    // The events that trigger the workflow (`on:` as a name, a list or a map), for variables only some set.
    const onNode = mapGet(file, root, 'on') ?? mapGet(file, root, 'true');
    const events = isScalar(onNode)
      ? [scalarText(file, onNode) ?? '']
      : isSeq(onNode)
        ? onNode.items.map((x) => scalarText(file, deref(file, x as Node)) ?? '')
        : isMap(onNode)
          ? mapKeys(file, onNode)
          : [];
    const units: { name: string; map: YAMLMap | null; steps: Node | null | undefined }[] = [];
    // A composite action runs on its caller's runner; its run steps must name their shell.
    if (isAction) {
      const runs = mapGet(file, root, 'runs');
      const inputs = mapGet(file, root, 'inputs');
      if (isMap(inputs)) {
        for (const k of mapKeys(file, inputs)) {
          const spec = mapGet(file, inputs, k);
          const d = isMap(spec) ? scalarText(file, mapGet(file, spec, 'default') ?? null) : null;
          const at = position(file, (spec ?? inputs).range?.[0] ?? 0);
          wfVars.set(k, { value: d !== null && !d.includes('$') ? d : null, source: `inputs in ${path}:${at.line}`, kind: 'input' });
        }
      }
      if (isMap(runs)) units.push({ name: `action ${path.split('/')[2]}`, map: null, steps: mapGet(file, runs, 'steps') });
    } else {
      const jobs = mapGet(file, root, 'jobs');
      if (isMap(jobs)) {
        for (const p of jobs.items) {
          const k = keyOf(p);
          const m = deref(file, p.value);
          if (k !== null && isMap(m)) units.push({ name: k, map: m, steps: mapGet(file, m, 'steps') });
        }
      }
    }
    for (const u of units) {
      const vars = new Map(wfVars);
      let dir = wfDir;
      let defaultShell = wfShell;
      let matrix: Node | null = null;
      if (u.map) {
        addEnvMap(vars, file, mapGet(file, u.map, 'env'), 'job env');
        const strategy = mapGet(file, u.map, 'strategy');
        if (isMap(strategy)) matrixKeys(file, mapGet(file, strategy, 'matrix'), vars);
        matrix = isMap(strategy) ? (mapGet(file, strategy, 'matrix') ?? null) : null;
        const d = workdir(scalarText(file, runDefault(file, u.map)));
        if (d !== undefined) dir = d;
        defaultShell = scalarText(file, runDefault(file, u.map, 'shell')) ?? defaultShell;
      }
      const runsOnNode = u.map ? mapGet(file, u.map, 'runs-on') : undefined;
      const runners = { list: u.map ? runsOn(file, runsOnNode, matrix) : [], text: isScalar(runsOnNode) ? scalarText(file, runsOnNode) : null };
      const steps = deref(file, u.steps ?? null);
      if (!isSeq(steps)) continue;
      steps.items.forEach((item, i) => {
        const step = deref(file, item as Node);
        if (!isMap(step)) return;
        const stepVars = new Map(vars);
        addEnvMap(stepVars, file, mapGet(file, step, 'env'), 'step env');
        const stepName = scalarText(file, mapGet(file, step, 'name') ?? null) ?? scalarText(file, mapGet(file, step, 'id') ?? null);
        const name = `${u.name}, step ${i + 1}${stepName ? ` (${stepName})` : ''}`;
        const at = position(file, step.range?.[0] ?? 0);
        const job: Job = { name, file, line: at.line, column: at.column, items: [], variables: stepVars, ifs: [], only: isAction ? [] : events, platform: GITHUB };
        if (matrix) job.matrix = githubMatrixCells(file, matrix);
        const run = mapGet(file, step, 'run');
        const uses = scalarText(file, mapGet(file, step, 'uses') ?? null);
        const withNode = mapGet(file, step, 'with') ?? null;
        const reads = mergeSources(file, withNode, mergeSources(file, step));
        if (isScalar(run) || uses === null || !/^docker\/build-push-action@/.test(uses)) {
          for (const n of reads) foreign.add(n);
          const other = isMap(withNode) ? mapGet(file, withNode, 'build-args') : null;
          if (other) foreign.add(other);
        }
        if (isScalar(run)) {
          const d = workdir(scalarText(file, mapGet(file, step, 'working-directory') ?? null));
          job.cwd = d === undefined ? (dir === undefined ? '' : dir) : d;
          job.items.push({ file, node: run });
          const shell = stepShell(file, scalarText(file, mapGet(file, step, 'shell') ?? null) ?? defaultShell, runners, matrix);
          if (shell.dialect !== 'posix') job.shell = shell;
          out.jobs.push(job);
          return;
        }
        if (uses === null || !/^docker\/build-push-action@/.test(uses)) return;
        // `uses` may come from a `<<:` merge source: the report points at it there.
        const usesPair = [...mergeSources(file, step)].flatMap((m) => (isMap(m) ? m.items : [])).find((p) => keyOf(p) === 'uses')!;
        const ba = isMap(withNode) ? mapGet(file, withNode, 'build-args') : undefined;
        if (ba) reads.add(ba);
        const a: ActionBuild = {
          job,
          file,
          step,
          usesKey: usesPair.key as Node,
          with: withNode,
          buildArgs: isScalar(ba) ? ba : null,
          buildArgsOther: ba && !isScalar(ba) ? ba : null,
          dockerfile: null,
          passed: isScalar(ba) && typeof ba.value === 'string' ? parseBuildArgs(ba.value) : [],
          ...position(file, (usesPair.key as Node).range?.[0] ?? 0),
          reads,
          foreign,
        };
        out.actions.push(...resolveAction(a, file));
      });
    }
  }
  return out.files.length ? out : null;
}

/** `defaults.run.working-directory` (or another `defaults.run` key) of a workflow or job map. */
function runDefault(file: CiFile, map: YAMLMap, key = 'working-directory'): Node | null {
  const d = mapGet(file, map, 'defaults');
  const r = isMap(d) ? mapGet(file, d, 'run') : undefined;
  return (isMap(r) ? mapGet(file, r, key) : null) ?? null;
}

const MATRIX_EXPR = /^\$\{\{\s*matrix\.([\w-]+(?:\.[\w-]+)*)\s*\}\}$/;

/**
 * The texts a value takes over the job's matrix: itself when it is literal; each value of `matrix.<path>` (its
 * list and the `include` entries) when it is exactly `${{ matrix.<path> }}`; null for any other expression or
 * a matrix that is not a literal map.
 */
function matrixTexts(file: CiFile, text: string, matrix: Node | null): string[] | null {
  if (!text.includes('${{')) return [text];
  const m = MATRIX_EXPR.exec(text.trim());
  const mx = deref(file, matrix);
  if (!m || !isMap(mx)) return null;
  const [key, ...rest] = m[1].split('.');
  const out: string[] = [];
  const take = (n: Node | null | undefined, path: string[]): boolean => {
    let v = deref(file, n ?? null);
    for (const k of path) v = isMap(v) ? deref(file, mapGet(file, v, k) ?? null) : null;
    const t = scalarText(file, v);
    if (t === null || t.includes('${{')) return false;
    out.push(t);
    return true;
  };
  const list = deref(file, mapGet(file, mx, key) ?? null);
  if (isSeq(list)) {
    for (const it of list.items) if (!take(it as Node, rest)) return null;
  } else if (list !== null) return null;
  const inc = deref(file, mapGet(file, mx, 'include') ?? null);
  if (isSeq(inc)) {
    for (const e of inc.items) {
      const em = deref(file, e as Node);
      if (isMap(em) && mapGet(file, em, key) !== undefined && !take(mapGet(file, em, key), rest)) return null;
    }
  }
  return out.length ? [...new Set(out)] : null;
}

/**
 * The runners a job's `runs-on` names, one label text per runner (labels of one runner joined with `, `):
 * a label, a list of labels, `{group, labels}`, each possibly `${{ matrix.… }}`; null when an expression
 * cannot be read. An absent `runs-on` gives no runner.
 */
function runsOn(file: CiFile, node: Node | null | undefined, matrix: Node | null): string[] | null {
  let n = deref(file, node ?? null);
  if (n === null) return [];
  if (isMap(n)) n = deref(file, mapGet(file, n, 'labels') ?? mapGet(file, n, 'group') ?? null);
  const labels = isSeq(n) ? n.items.map((x) => scalarText(file, deref(file, x as Node))) : [scalarText(file, n)];
  let runners: string[][] = [[]];
  for (const l of labels) {
    const texts = l === null ? null : matrixTexts(file, l, matrix);
    if (texts === null) return null;
    runners = runners.flatMap((r) => texts.map((t) => [...r, t]));
  }
  return [...new Set(runners.map((r) => r.join(', ')))];
}

/**
 * The shell of a `run:` step: its `shell`, else the job's or the workflow's `defaults.run.shell`, else the
 * runner's default (`pwsh` on Windows, bash elsewhere), each possibly a matrix value (src/ci/dialect.ts).
 */
function stepShell(file: CiFile, shell: string | null, runners: { list: string[] | null; text: string | null }, matrix: Node | null): ShellChoice {
  if (shell !== null) {
    const texts = matrixTexts(file, shell, matrix);
    if (texts === null) return { dialect: null, why: `shell: ${shell} is an expression` };
    return combine(texts.map((t) => ({ dialect: shellDialect(t), where: `shell: ${t}` })), `shell: ${shell}`);
  }
  const { list, text } = runners;
  if (list === null) {
    return {
      dialect: null,
      why: `runs-on${text ? `: ${text}` : ''} is an expression, so the runner's default shell (pwsh on Windows, else bash) is not known`,
      candidates: [
        { dialect: 'posix', where: 'a Linux or macOS runner' },
        { dialect: 'pwsh', where: 'a Windows runner' },
      ],
    };
  }
  if (list.length === 0) return POSIX;
  const choice = combine(list.map((r) => ({ dialect: WINDOWS_LABEL.test(r) ? 'pwsh' : 'posix', where: r })), `runs-on: ${text ?? list.join(' | ')}`);
  return choice.dialect === 'pwsh' ? { dialect: 'pwsh', why: `${choice.why} (its default shell is pwsh)` } : choice;
}
