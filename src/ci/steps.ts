/**
 * Build steps: runs each job's script items through one simulated shell (cwd from `cd`/`pushd`, variables
 * from `variables:` and `export`), recognises the build commands, and resolves the Dockerfile each one
 * builds with that tool's own rule (ci.md §1.1). Items are mapped back to source offsets in the YAML.
 */
import { isScalar, type Scalar } from 'yaml';
import { recognise, type BuildCommand } from './builders.js';
import { composeFileVar, recogniseCompose, type ComposeCommand } from './compose-cli.js';
import { cmdAlias, maskDialect, type Dialect } from './dialect.js';
import type { JobModel } from './jobs.js';
import { matrixKeyOf } from './mask.js';
import { azureEnvName } from './platform.js';
import { cellValue } from './matrix.js';
import type { Job, ScriptItem } from './model.js';
import { ArgTracker, type ArgsFacts, type VarState } from './dynargs.js';
import { evalWord, literalPrefix, parseShell, topLevelCommands, type Env, type ShCall, type ShScript } from './shell.js';
import { position, type CiFile } from './yaml.js';

/** Stands for $CI_PROJECT_DIR (the checkout) while evaluating paths. */
const ROOT = '/\u0000project';

export interface BuildStep {
  job: Job;
  item: ScriptItem;
  script: ShScript;
  /** Value index → source offset in item.file.text, one per value character. */
  map: number[] | null;
  command: BuildCommand;
  /** Repository-relative Dockerfile path, or null when it cannot be resolved. */
  dockerfile: string | null;
  /** Why dockerfile is null. */
  unresolved?: string;
  /**
   * Set when the Dockerfile path uses matrix values (src/ci/matrix.ts): how (`matrix.dockerfile`, `$SERVICE`)
   * and every Dockerfile the matrix's jobs build; the command is then one BuildStep per Dockerfile, sharing this.
   */
  matrix?: { via: string; candidates: string[] };
  /** What the command's dynamic words (`$EXTRA_ARGS`) pass, from the job's visible assignments (dynargs.ts). */
  dynamicArgs?: ArgsFacts;
}

export interface ScriptFileBuild {
  job: Job;
  item: ScriptItem;
  /** Offset of the calling command in item.file.text. */
  offset: number;
  /** Repository-relative path of the script. */
  script: string;
  line: number;
  label: string;
  /** The build command in the script (what it passes, which builder); its offsets index `text`. */
  command: BuildCommand;
  dockerfile: string | null;
  unresolved?: string;
  /** The script as read. */
  text: string;
  /** Offset of the build command in `text`. */
  start: number;
  /** Why the script itself cannot be edited (not a sh/bash script), or null. */
  notEditable: string | null;
  /** What the command's dynamic words pass, from the script's own assignments. */
  dynamicArgs?: ArgsFacts;
}

/** A `docker compose build|up` in a job's script (src/ci/compose-cli.ts), with what selects its compose files. */
export interface ComposeCall extends ComposeCommand {
  job: Job;
  item: ScriptItem;
  /** The working directory it runs in (repository-relative), null when not static. */
  cwd: string | null;
  /** The compose files as written (`-f`, else COMPOSE_FILE; [] for the default names), null when not static. */
  named: string[] | null;
}

export interface CiSteps {
  steps: BuildStep[];
  scriptFiles: ScriptFileBuild[];
  /** Compose commands in the jobs' scripts. */
  compose?: ComposeCall[];
}

export interface RepoView {
  exists(path: string): boolean;
  read(path: string): string | null;
}

export function joinPath(base: string, p: string): string | null {
  let abs: string;
  if (p.startsWith(ROOT)) abs = p.slice(ROOT.length);
  else if (p.startsWith('/')) return null;
  else abs = `${base}/${p}`;
  const out: string[] = [];
  for (const seg of abs.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!out.length) return null;
      out.pop();
    } else out.push(seg);
  }
  return out.join('/');
}

/** Greedy alignment of a scalar's value with its source (block, quoted or plain). */
export function alignScalar(file: CiFile, node: Scalar): number[] | null {
  if (!node.range || typeof node.value !== 'string') return null;
  const src = file.text;
  let j = node.range[0];
  const end = node.range[1];
  if (node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL') j = src.indexOf('\n', j) + 1;
  else if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') j++;
  const value = node.value;
  const map: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    const brk = c === '\n' || c === ' ';
    while (j < end && !(src[j] === c || (brk && (src[j] === '\n' || src[j] === '\r')))) j++;
    if (j >= end) {
      if (c === '\n' && i === value.length - 1) {
        map.push(end);
        continue;
      }
      return null;
    }
    map.push(j);
    j += src[j] === '\r' && src[j + 1] === '\n' ? 2 : 1;
  }
  return map;
}

export { maskExpressions } from './mask.js';

const CALL_SCRIPT = /^(bash|sh|zsh|ash|dash|source|\.)$/;

/** A line of plain words: the first a plain name, the others without quotes, escapes, operators, `#`, `{`, `(`… */
const PLAIN_LINE = /^[ \t]*([A-Za-z0-9_][A-Za-z0-9_.-]*)(?:[ \t]+[A-Za-z0-9_./:=@%+,$-]+)*[ \t]*$/;
/** First words that make a line more than a plain command: reserved words, declarations, cd, script runners. */
const NOT_PLAIN = new Set(
  ('if then else elif fi do done case esac while until for in function select time coproc let ' +
    'declare local export readonly typeset nameref cd pushd bash sh zsh ash dash source eval read mapfile readarray printf unset')
    .split(' '),
);

/**
 * True when a script item provably does nothing findSteps looks for, so it need not be parsed: every line is
 * blank or one plain command (PLAIN_LINE) whose first word is a literal name — not a builder's (no `build` or
 * `executor` anywhere: every builder command has one of them as a literal word; no `compose`: a compose `up`
 * may have neither), not `cd`/`pushd`, not a
 * declaration or reserved word, without `/` and not a shell, so not a script file — and with a first word, no
 * assignment reaches the job's variables. Parsed, each line is one CallExpr whose words are its words; findSteps
 * would only skip them. (`docker push $IMAGE`, `kubectl set image deployment/x x=$IMAGE`, `make test`, `ls`.)
 */
export function inert(text: string): boolean {
  if (text.includes('build') || text.includes('executor') || text.includes('compose')) return false;
  for (const line of text.split('\n')) {
    if (!/\S/.test(line)) continue;
    const m = PLAIN_LINE.exec(line);
    if (m === null || NOT_PLAIN.has(m[1])) return false;
  }
  return true;
}

/**
 * A job's shell variables: those it sets, over the platform's predefined ones (set, value unknown). Layered
 * rather than copied: a copy of the ~160 predefined names per job was findSteps's largest cost.
 */
class ShellEnv {
  private readonly own = new Map<string, string | null>();
  constructor(
    private readonly predefined: ReadonlySet<string>,
    /** The variable a masked name reads (cmd.exe's `%NAME%` is parsed as `$_NAME`). */
    private readonly alias: (name: string) => string = (n) => n,
  ) {}
  get(masked: string): string | null | undefined {
    const name = this.alias(masked);
    const v = this.own.get(name);
    if (v !== undefined) return v;
    return this.predefined.has(name) ? null : undefined;
  }
  set(name: string, value: string | null): void {
    this.own.set(name, value);
    if (this.sealed) this.assigned.add(name);
  }
  private sealed = false;
  /** Names the script itself assigns (after seal()): a matrix variable reassigned there no longer holds the matrix value. */
  readonly assigned = new Set<string>();
  seal(): void {
    this.sealed = true;
  }
}

/** Straight-line shell state: a call's assignments (`A=1` alone, `export`/`local`/`declare A=1`) set variables. */
function assignFrom(call: ShCall, env: Env & { set(name: string, value: string | null): unknown }): void {
  if (call.kind !== 'decl' && call.words.length > 0) return; // `A=1 cmd` sets A for cmd only
  for (const a of call.assigns) env.set(a.name, a.value ? evalWord(a.value, env) : '');
}

/** `cd` or `pushd`: the call changes the shell's working directory. */
const isCd = (w0: { text: string; complete: boolean }) => w0.complete && (w0.text === 'cd' || w0.text === 'pushd');

export function findSteps(model: JobModel, repo: RepoView): CiSteps {
  const out: Required<CiSteps> = { steps: [], scriptFiles: [], compose: [] };
  const find = stepFinder();
  for (const job of model.jobs) {
    const got = find(job, repo);
    out.steps.push(...got.steps);
    out.scriptFiles.push(...got.scriptFiles);
    out.compose.push(...got.compose);
  }
  return out;
}

/**
 * findSteps one job at a time: `find(job, repo)` is the job's share of findSteps (its steps, script builds and
 * compose calls, in order), so findSteps is their concatenation in job order. What one job's steps are depends only
 * on the job and on what `repo` answers for the paths it asks about (scripts it runs, Dockerfiles and contexts it
 * probes); the finder's caches only keep parses, which depend on the text alone.
 */
export function stepFinder(): (job: Job, repo: RepoView) => Required<CiSteps> {
  // Parsed per scalar and dialect: a shared definition may run in jobs of different shells.
  const parsed = new Map<Scalar, Map<string, { script: ShScript; text: string } | null>>();
  const maskIds = new Map<(s: string) => string, number>();
  const maskId = (m: (s: string) => string) => maskIds.get(m) ?? (maskIds.set(m, maskIds.size + 1), maskIds.size);
  const maps = new Map<Scalar, number[] | null>();
  return (job, repo) => {
    const steps: BuildStep[] = [];
    const scriptFiles: ScriptFileBuild[] = [];
    const compose: ComposeCall[] = [];
    let cwd: string | null = job.cwd === undefined ? '' : job.cwd;
    // An undecided shell is read as POSIX (its first candidate's when there is one): its steps are only reported.
    const dialect: Dialect = job.shell ? (job.shell.dialect ?? job.shell.candidates?.[0]?.dialect ?? 'posix') : 'posix';
    const env = new ShellEnv(job.platform.predefined, dialect === 'cmd' ? cmdAlias : undefined);
    /** Variables the job's shell exported (a script it runs sees these, the job's variables and the predefined ones). */
    const exported = new Set<string>();
    const jobVar = (n: string) => {
      const v = job.variables.get(n);
      return v && v.kind !== 'matrix' && v.kind !== 'input' ? (v.value ?? v.raw) : undefined;
    };
    for (const [k, v] of job.variables) if (v.kind !== 'matrix' && v.kind !== 'input') env.set(k, v.value);
    env.set(job.platform.workspace, ROOT);
    env.seal();
    const tracker = new ArgTracker(jobVar);
    for (const item of job.items) {
      if (!isScalar(item.node) || typeof item.node.value !== 'string') continue;
      const byDialect = parsed.get(item.node) ?? new Map<string, { script: ShScript; text: string } | null>();
      parsed.set(item.node, byDialect);
      // A job's own mask (Azure matrix macros) reads the same text differently.
      const cacheKey = job.mask ? `${dialect}\0${maskId(job.mask)}` : dialect;
      let got = byDialect.get(cacheKey);
      if (got === undefined) {
        // The dialect first (a PowerShell backtick, `$env:X`), then the CI's own substitutions (`${{ … }}`, `$(Macro)`).
        const own = maskDialect(dialect, item.node.value);
        const masked = job.platform.mask ? job.platform.mask(own) : own;
        const text = job.mask ? job.mask(masked) : masked;
        got = inert(text) ? null : { script: parseShell(text), text };
        byDialect.set(cacheKey, got);
      }
      if (got === null) continue;
      const { script, text: parsedText } = got;
      const top = () => topLevelCommands(parsedText);
      if (!maps.has(item.node)) maps.set(item.node, alignScalar(item.file, item.node));
      const map = maps.get(item.node)!;
      const src = item.node.value;
      for (const call of script.calls) {
        assignFrom(call, env);
        if (call.kind === 'decl' && call.variant === 'export') for (const a of call.assigns) exported.add(a.name);
        tracker.observe(call, parsedText, top);
        if (call.kind !== 'call' || call.words.length === 0) continue;
        const w0 = literalPrefix(call.words[0]);
        if (isCd(w0)) {
          const target = call.words[1] ? evalWord(call.words[1], env) : null;
          cwd = cwd === null || target === null ? null : joinPath(cwd, target);
          continue;
        }
        const command = recognise(call, src, env);
        if (command) {
          const step: BuildStep = { job, item, script, map, command, dockerfile: null };
          if (command.dynamic.length) step.dynamicArgs = tracker.read(call, command.dynamic);
          resolveDockerfile(step, cwd, repo);
          const matrix = step.dockerfile === null ? matrixDockerfiles(job, call, src, env, cwd, repo) : null;
          if (matrix) for (const d of matrix.candidates) steps.push({ ...step, dockerfile: d, unresolved: undefined, matrix });
          else steps.push(step);
          continue;
        }
        const cc = recogniseCompose(call, src, env);
        if (cc) {
          // Without -f, COMPOSE_FILE (the job's variable or an export) names the files.
          let named = cc.files;
          if (named !== null && named.length === 0) {
            const v = env.get('COMPOSE_FILE');
            const sep = env.get('COMPOSE_PATH_SEPARATOR');
            named = v === undefined ? [] : v === null || sep === null ? null : composeFileVar(v, sep ?? null, dialect !== 'posix');
          }
          compose.push({ ...cc, job, item, cwd, named });
          continue;
        }
        // A repository script that builds: `./ci/build.sh`, `bash ci/build.sh`, `source x.sh`.
        let k = 0;
        if (w0.complete && CALL_SCRIPT.test(w0.text)) k = 1;
        const pathWord = call.words[k];
        const p = pathWord ? evalWord(pathWord, env) : null;
        if (!p || cwd === null || (k === 0 && !p.includes('/'))) continue;
        const rel = joinPath(cwd, p);
        const text = rel === null ? null : repo.read(rel);
        if (rel === null || text === null) continue;
        const at = map ? map[call.start] : (item.node.range?.[0] ?? 0);
        const line = (off: number) => text.slice(0, off).split('\n').length;
        // A PowerShell or batch script is read in its own dialect, straight from the caller's directory, and never edited.
        const fileDialect: Dialect = /\.ps1$/i.test(rel) ? 'pwsh' : /\.(cmd|bat)$/i.test(rel) ? 'cmd' : 'posix';
        if (fileDialect !== 'posix') {
          const inner = parseShell(maskDialect(fileDialect, text));
          const innerEnv: Env = fileDialect === 'cmd' && dialect !== 'cmd' ? { get: (n) => env.get(cmdAlias(n)) } : env;
          for (const c of inner.calls) {
            const b = recognise(c, text, innerEnv);
            if (!b) continue;
            const pseudo: BuildStep = { job, item, script: inner, map: null, command: b, dockerfile: null };
            resolveDockerfile(pseudo, cwd, repo);
            const why = `${rel} is a ${fileDialect === 'pwsh' ? 'PowerShell' : 'batch'} script`;
            scriptFiles.push({ job, item, offset: at, script: rel, line: line(c.start), label: b.label, command: b, dockerfile: pseudo.dockerfile, text, start: c.start, notEditable: why });
          }
          continue;
        }
        // A shell script, read from the caller's working directory with its own `cd`s and assignments. A script
        // it runs sees the environment (the job's variables, the predefined ones, what the job exported); a
        // sourced one the caller's whole shell.
        const sourced = k === 1 && (w0.text === 'source' || w0.text === '.');
        const inherits = (n: string) => sourced || exported.has(n) || job.variables.has(n) || job.platform.predefined.has(n) || n === job.platform.workspace;
        const childEnv: Env = { get: (n) => (inherits(n) ? env.get(n) : undefined) };
        const scriptDir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
        const notEditable = shellScriptKind(rel, text);
        for (const b of scanScript(text, cwd, repo, scriptDir, { env: childEnv, vars: (n) => (inherits(n) ? tracker.stateOf(n) : undefined) })) {
          scriptFiles.push({
            job,
            item,
            offset: at,
            script: rel,
            line: line(b.start),
            label: b.command.label,
            command: b.command,
            dockerfile: b.dockerfile,
            ...(b.unresolved ? { unresolved: b.unresolved } : {}),
            text,
            start: b.start,
            notEditable,
            ...(b.dynamicArgs ? { dynamicArgs: b.dynamicArgs } : {}),
          });
        }
      }
    }
    return { steps, scriptFiles, compose };
  };
}

/**
 * The Dockerfiles a build command whose path uses matrix values builds, one per job of the job's matrix (GitHub
 * `${{ matrix.KEY }}`, masked as `$__M_KEY…` by src/ci/mask.ts; a GitLab `parallel:matrix` variable the script
 * does not reassign): null when the command uses none, or some job's path cannot be resolved.
 */
function matrixDockerfiles(job: Job, call: ShCall, src: string, env: ShellEnv, cwd: string | null, repo: RepoView): { via: string; candidates: string[] } | null {
  const cells = job.matrix;
  if (!cells || cwd === null) return null;
  const keys = new Set(cells.flatMap((c) => [...c.keys()]));
  const platform = job.platform.id;
  // GitHub expressions and CircleCI parameters are masked as `$__M_KEY…` (src/ci/mask.ts).
  const masked = platform === 'github' || platform === 'circleci';
  /** The matrix key a shell variable stands for (null: a matrix expression of an unknown key), undefined: none. */
  const keyOf = (name: string): string | null | undefined => {
    if (masked) return matrixKeyOf(name, keys);
    if (env.assigned.has(name)) return undefined;
    if (keys.has(name)) return name;
    // Azure: a matrix variable is also the environment variable of its upper-cased name, `.` → `_`.
    if (platform === 'azure') for (const k of keys) if (azureEnvName(k) === name) return k;
    return undefined;
  };
  /**
   * A key's value in one job: GitHub gives a key another job of the matrix has an empty value; a CircleCI
   * parameter without a value, or an Azure variable the leg does not set (its macro stays as text), is unknown.
   */
  const valueOf = (cell: Map<string, string>, k: string) => (platform === 'github' || platform === 'gitlab' ? cellValue(cells, cell, k) : (cell.get(k) ?? null));
  const used = new Set<string>();
  for (const w of call.words) for (const p of w.parts) if (p.t === 'var') {
    const k = keyOf(p.name);
    if (k === null) return null;
    if (k !== undefined) used.add(k);
  }
  if (used.size === 0) return null;
  const found = new Set<string>();
  for (const cell of cells) {
    const cellEnv: Env = {
      get: (name) => {
        const k = keyOf(name);
        return k === undefined ? env.get(name) : k === null ? null : valueOf(cell, k);
      },
    };
    const command = recognise(call, src, cellEnv);
    if (!command) return null;
    const one: Pick<BuildStep, 'command' | 'dockerfile' | 'unresolved'> = { command, dockerfile: null };
    resolveDockerfile(one, cwd, repo);
    if (one.dockerfile === null) return null;
    found.add(one.dockerfile);
  }
  const spell = (k: string) => (platform === 'github' ? `matrix.${k}` : platform === 'circleci' ? `<< parameters.${k} >>` : platform === 'azure' ? `$(${k})` : `$${k}`);
  return { via: [...used].map(spell).join(', '), candidates: [...found] };
}

/**
 * The Dockerfile of a build whose context is not static, when a literal -f names it from the working directory
 * (ci.md §1.1): docker and nerdctl resolve -f against it always; podman, buildah and kaniko try that path first
 * and the context-relative one only when it does not exist, so it is known when it exists; buildctl reads
 * `--local dockerfile=DIR` from it. Undefined when the context decides (no -f, or an ambiguous command line with
 * several positional words); null when the path leaves the repository.
 */
function fileWithoutContext(c: BuildCommand, cwd: string, repo: RepoView): string | null | undefined {
  if (c.file === null || c.fileDir === null) return undefined;
  if (c.tool === 'buildctl') {
    if (c.fileDir === undefined) return undefined;
    const dir = joinPath(cwd, c.fileDir);
    return dir === null ? null : joinPath(dir, c.file ?? 'Dockerfile');
  }
  if (c.file === undefined || (c.tool !== 'kaniko' && c.contextIndex === null)) return undefined;
  const file = joinPath(cwd, c.file);
  if (c.tool === 'docker' || c.tool === 'nerdctl') return file;
  return file !== null && repo.exists(file) ? file : undefined;
}

function resolveDockerfile(step: Pick<BuildStep, 'command' | 'dockerfile' | 'unresolved'>, cwd: string | null, repo: RepoView): void {
  const c = step.command;
  const fail = (why: string) => {
    step.dockerfile = null;
    step.unresolved = why;
  };
  if (cwd === null) return fail('the working directory is not known (dynamic `cd`)');
  if (c.context === null) {
    const file = fileWithoutContext(c, cwd, repo);
    if (file === undefined) return fail('the build context is not a static path');
    return file === null ? fail('the Dockerfile is outside the repository') : void (step.dockerfile = file);
  }
  if (c.file === null || c.fileDir === null) return fail('the Dockerfile path is not static');
  if (c.context !== undefined && (/^[a-z]+:\/\//.test(c.context) || c.context === '-' || /\.git(#|$)/.test(c.context))) {
    return fail(`the context ${c.context} is not a local directory`);
  }
  // Without a context argument podman and buildah build from the working directory: buildah-build(1) "If no
  // context directory is specified, then Buildah will assume the current working directory as build context";
  // podman-build(1) takes the -f file's parent directory then, and reads the -f path itself from the working
  // directory first, as buildah does (ci.md §1.1), so the Dockerfile is found the same way. docker, nerdctl
  // and buildx need the argument.
  const ctxDefault = c.tool === 'kaniko' || c.tool === 'buildctl' ? null : c.tool === 'podman' || c.tool === 'buildah' ? '.' : undefined;
  const context = c.context === undefined ? ctxDefault : c.context;
  if (context === undefined || context === null) {
    if (c.tool === 'kaniko' && c.file !== undefined) {
      const f = joinPath(cwd, c.file);
      return f === null ? fail('the Dockerfile path is outside the repository') : void (step.dockerfile = f);
    }
    if (c.tool === 'buildctl' && c.fileDir !== undefined) {
      const d = joinPath(cwd, c.fileDir);
      return d === null ? fail('the Dockerfile directory is outside the repository') : void (step.dockerfile = joinPath(d, c.file ?? 'Dockerfile'));
    }
    return fail('no build context');
  }
  const ctx = joinPath(cwd, context);
  if (ctx === null) return fail(`the context ${context} is outside the repository`);
  let file: string | null;
  switch (c.tool) {
    case 'docker':
    case 'nerdctl':
      file = c.file !== undefined ? joinPath(cwd, c.file) : joinPath(ctx, 'Dockerfile');
      if (c.file === undefined && c.tool === 'nerdctl' && file && !repo.exists(file)) file = joinPath(ctx, 'Containerfile');
      break;
    case 'podman':
    case 'buildah':
      if (c.file !== undefined) {
        file = joinPath(cwd, c.file);
        if (file === null || !repo.exists(file)) file = joinPath(ctx, c.file);
      } else {
        file = joinPath(ctx, 'Containerfile');
        if (file && !repo.exists(file)) file = joinPath(ctx, 'Dockerfile');
      }
      break;
    case 'kaniko':
      if (c.file !== undefined) {
        file = joinPath(cwd, c.file);
        if (file === null || !repo.exists(file)) file = joinPath(ctx, c.file);
      } else file = joinPath(ctx, 'Dockerfile');
      break;
    case 'buildctl': {
      const dir = c.fileDir !== undefined ? joinPath(cwd, c.fileDir) : ctx;
      file = dir === null ? null : joinPath(dir, c.file ?? 'Dockerfile');
      break;
    }
  }
  if (file === null) return fail('the Dockerfile is outside the repository');
  step.dockerfile = file;
}

/** A build command found in a stand-alone script. */
export interface ScriptBuild {
  command: BuildCommand;
  /** Offset of the command in the script text. */
  start: number;
  dockerfile: string | null;
  unresolved?: string;
  /** What the command's dynamic words pass (dynargs.ts), from the script's own assignments. */
  dynamicArgs?: ArgsFacts;
}

/**
 * Why a script a CI step runs cannot be edited, or null when it is a sh/bash script: a `#!` line naming sh or bash
 * (`/bin/sh`, `/usr/bin/env bash`, …), or no `#!` line and a `.sh`/`.bash` name. Anything else (another
 * interpreter, an extension-less file without `#!`) is only read, and its builds reported.
 */
export function shellScriptKind(path: string, text: string): string | null {
  const bang = /^(?:\uFEFF)?#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(text);
  if (bang) {
    const prog = bang[1].endsWith('/env') ? bang[2] ?? '' : bang[1];
    return /(^|\/)(ba)?sh$/.test(prog) ? null : `${path} is run by ${prog || bang[1]}, not sh or bash`;
  }
  return /\.(sh|bash)$/.test(path) ? null : `${path} has no #! line naming sh or bash, nor a .sh name`;
}

const SELF_DIR = /^"?\$\(\s*dirname\s+"?(\$0|\$\{0\}|\$\{BASH_SOURCE(?:\[0\])?\}|\$BASH_SOURCE)"?\s*\)("?\/[^"$`]*)?"?$/;

/**
 * The build commands of a stand-alone shell text (a repository script, a Jenkinsfile `sh` string), read
 * straight-line from `cwd` with `cd`/`pushd` and assignments followed, as for a CI step (with `scriptDir`, also
 * `cd "$(dirname "$0")/…"`). A text the shell parser
 * rejects yields nothing.
 */
export function scanScript(text: string, cwd: string | null, repo: RepoView, scriptDir?: string, outer?: { env: Env; vars: (name: string) => VarState | undefined }): ScriptBuild[] {
  const script = parseShell(text);
  if (script.error) return [];
  const own = new Map<string, string | null>();
  // The caller's environment under the script's own assignments.
  const env: Env & { set(name: string, value: string | null): unknown } = outer ? { get: (n) => (own.has(n) ? own.get(n) : outer.env.get(n)), set: (n, v) => own.set(n, v) } : own;
  const tracker = new ArgTracker(outer?.vars);
  const top = () => topLevelCommands(text);
  let dir: string | null = cwd;
  const out: ScriptBuild[] = [];
  for (const call of script.calls) {
    assignFrom(call, env);
    tracker.observe(call, text, top);
    if (call.kind !== 'call' || call.words.length === 0) continue;
    if (isCd(literalPrefix(call.words[0]))) {
      const w = call.words[1];
      // `cd "$(dirname "$0")/.."`: the script's own directory, when the caller knows it.
      const self = w && scriptDir !== undefined ? SELF_DIR.exec(text.slice(w.start, w.end)) : null;
      const target = self ? `${ROOT}/${scriptDir}${(self[2] ?? '').replace(/"/g, '')}` : w ? evalWord(w, env) : null;
      dir = dir === null || target === null ? null : joinPath(dir, target);
      continue;
    }
    const command = recognise(call, text, env);
    if (!command) continue;
    const b: ScriptBuild = { command, start: call.start, dockerfile: null };
    if (command.dynamic.length) b.dynamicArgs = tracker.read(call, command.dynamic);
    resolveDockerfile(b, dir, repo);
    out.push(b);
  }
  return out;
}

/** Where a step's command starts, for findings. */
export function stepPosition(step: BuildStep): { line: number; column: number } {
  const off = step.map ? step.map[step.command.call.start] : (step.item.node.range?.[0] ?? 0);
  return position(step.item.file, off);
}

/** Literal variables of the jobs that build `dockerfile`: the CI's defaults for the Dockerfile side. */
/** A build the CI runs: its job, its Dockerfile, and the build args it already passes, where known. */
export type DefaultSource = Pick<BuildStep, 'job' | 'dockerfile'> & { passed?: readonly { name: string; raw: string | null }[]; command?: unknown };

export function ciDefaults(steps: readonly DefaultSource[], dockerfile: string): Map<string, { value: string; source: string }> {
  const out = new Map<string, { value: string; source: string }>();
  const building = steps.filter((s) => s.dockerfile === dockerfile);
  if (building.length === 0) return out;
  // A value becomes the default only when every build of the Dockerfile gets that same value: then the default
  // is what every build passes anyway. A default from the jobs that define it would stand in for the value in
  // the jobs that do not, silently, and make the Dockerfile look as if it needed nothing from those jobs.
  const literal = (s: DefaultSource, name: string) => {
    const v = s.job.variables.get(name);
    // A build that already passes it with another value does not get the CI's.
    const cmdPassed = typeof s.command === 'object' && s.command !== null ? (s.command as { passed?: DefaultSource['passed'] }).passed : undefined;
    const p = (s.passed ?? cmdPassed ?? []).find((x) => x.name === name);
    // A build that passes it with other text gets that text: a literal value, or one not known here.
    if (p && p.raw !== null && !s.job.platform.sameValue(s.job, name, p.raw)) return /\$|%|`/.test(p.raw) || p.raw === '' ? null : p.raw.replace(/^(["'])(.*)\1$/s, '$2');
    return v && v.value !== null && !v.empty && !v.maybeUnset ? v.value : null;
  };
  for (const [name, v] of building[0].job.variables) {
    const value = literal(building[0], name);
    if (value !== null && building.every((s) => literal(s, name) === value)) out.set(name, { value, source: v.source });
  }
  return out;
}

