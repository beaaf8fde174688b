/**
 * Compose files (`compose.y*ml`, `docker-compose*.y*ml`; compose-spec build.md): every service's `build:` with
 * its context (relative to the file), `dockerfile` (relative to the context) and `args` in map or list style,
 * kept as source nodes so new args are inserted, never re-serialised.
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { deref, keyOf, mapGet, mapKeys, scalarText } from './jobs.js';
import type { RepoLister } from './github.js';
import type { Job } from './model.js';
import { joinPath, type ComposeCall } from './steps.js';
import { loadCiFile, position, type CiFile, type CiProblem } from './yaml.js';

export interface ComposeBuild {
  file: CiFile;
  service: string;
  /** The `build:` value: a map, or a scalar context. */
  build: Node;
  args: Node | null;
  passed: { name: string; raw: string | null }[];
  dockerfile: string | null;
  unresolved?: string;
  line: number;
  column: number;
  /** The CI jobs that run it (`docker compose build|up` in their scripts), when any: their variables serve as defaults. */
  jobs?: Job[];
  /**
   * The service's `build:` in the jobs' other compose files: compose merges `build.args` across files, so an
   * arg one of those builds gets (for its own Dockerfile) reaches this build too.
   */
  merged?: Node[];
}

export const COMPOSE_NAME = /^(compose|docker-compose[^/]*)\.ya?ml$/;

/**
 * Compose files at the root and up to `depth` directories below. Hidden directories, node_modules, symbolic
 * links to directories (as discovery skips them) and nested repositories (a directory with its own `.git`: its
 * files are that repository's) are not entered.
 */
export function findComposeFiles(repo: RepoLister, depth = 3): string[] {
  const out: string[] = [];
  const walk = (dir: string, d: number) => {
    const dirs = new Set(repo.dirs(dir || '.'));
    for (const n of repo.list(dir || '.').sort()) {
      const p = dir ? `${dir}/${n}` : n;
      if (COMPOSE_NAME.test(n)) {
        if (repo.read(p) !== null) out.push(p);
      } else if (d < depth && dirs.has(n) && !n.startsWith('.') && n !== 'node_modules' && !repo.exists(`${p}/.git`)) walk(p, d + 1);
    }
  };
  walk('', 0);
  return out;
}

/**
 * Without `dockerfile:`, docker compose builds `<context>/Dockerfile` (compose-go sets that default); podman-compose
 * takes the first of Containerfile, ContainerFile, containerfile, Dockerfile, DockerFile, dockerfile that exists
 * (containers/podman-compose `container_to_build_args`). A context with a Dockerfile is matched to it (both
 * tools' reading when it is the only one, docker compose's when there is also a Containerfile); otherwise to
 * podman-compose's first existing name, so a Containerfile-only context is matched to its Containerfile.
 */
const DEFAULT_NAMES = ['Containerfile', 'ContainerFile', 'containerfile', 'DockerFile', 'dockerfile'];
function defaultDockerfile(repo: RepoLister, context: string): string | null {
  const dockerfile = joinPath(context, 'Dockerfile');
  if (dockerfile === null || repo.exists(dockerfile)) return dockerfile;
  for (const n of DEFAULT_NAMES) {
    const p = joinPath(context, n);
    if (p !== null && repo.exists(p)) return p;
  }
  return dockerfile;
}

function parseArgs(file: CiFile, args: Node | null): { name: string; raw: string | null }[] {
  const out: { name: string; raw: string | null }[] = [];
  if (isMap(args)) {
    for (const k of mapKeys(file, args)) {
      const v = mapGet(file, args, k);
      out.push({ name: k, raw: v === null || v === undefined || (isScalar(v) && v.value === null) ? null : scalarText(file, v) });
    }
  } else if (isSeq(args)) {
    for (const it of args.items) {
      const t = scalarText(file, deref(file, it as Node));
      const m = t === null ? null : /^([A-Za-z_][A-Za-z0-9_]*)(=(.*))?$/s.exec(t);
      if (m) out.push({ name: m[1], raw: m[2] === undefined ? null : m[3] });
    }
  }
  return out;
}

/** A service's `build:` in one compose file, as written. */
interface ServiceBuild {
  file: CiFile;
  service: string;
  build: Node;
  /** `build:` is a map (else a scalar context). */
  map: YAMLMap | null;
  context: string | null;
  dockerfile: string | null;
  inline: boolean;
  args: Node | null;
  passed: { name: string; raw: string | null }[];
  line: number;
  column: number;
}

/** Each service of a compose file: its `build:` (null without one) and `depends_on` names. */
function servicesOf(file: CiFile): Map<string, { build: ServiceBuild | null; dependsOn: string[] }> {
  const out = new Map<string, { build: ServiceBuild | null; dependsOn: string[] }>();
  const root = file.doc.contents;
  const services = isMap(root) ? mapGet(file, root, 'services') : undefined;
  if (!isMap(services)) return out;
  for (const p of services.items) {
    const name = keyOf(p);
    const svc = deref(file, p.value);
    if (name === null || !isMap(svc)) continue;
    const dep = mapGet(file, svc, 'depends_on');
    const dependsOn = isSeq(dep) ? dep.items.map((x) => scalarText(file, deref(file, x as Node)) ?? '').filter(Boolean) : isMap(dep) ? mapKeys(file, dep) : [];
    const build = mapGet(file, svc, 'build');
    if (build === undefined || build === null) {
      out.set(name, { build: null, dependsOn });
      continue;
    }
    const bm: YAMLMap | null = isMap(build) ? build : null;
    const args = bm ? (mapGet(file, bm, 'args') ?? null) : null;
    out.set(name, {
      dependsOn,
      build: {
        file,
        service: name,
        build,
        map: bm,
        context: bm ? scalarText(file, mapGet(file, bm, 'context') ?? null) : scalarText(file, build),
        dockerfile: bm ? scalarText(file, mapGet(file, bm, 'dockerfile') ?? null) : null,
        inline: !!bm && mapGet(file, bm, 'dockerfile_inline') !== undefined,
        args,
        passed: parseArgs(file, args),
        ...position(file, (p.key as Node).range?.[0] ?? 0),
      },
    });
  }
  return out;
}

/** The Dockerfile of a build: its context relative to the project directory `dir`, `dockerfile` relative to the context. */
function resolve(repo: RepoLister, b: ComposeBuild, dir: string, ctxText: string | null, dfText: string | null, inline: boolean): void {
  const ctx = ctxText ?? '.';
  if (inline) b.unresolved = 'the Dockerfile is inline (dockerfile_inline)';
  else if (/\$/.test(ctx) || /\$/.test(dfText ?? '')) b.unresolved = 'the context or dockerfile is interpolated';
  else if (/^[a-z]+:\/\//.test(ctx) || /\.git(#|$)/.test(ctx)) b.unresolved = `the context ${ctx} is not a local directory`;
  else {
    const c = joinPath(dir, ctx);
    // `dockerfile` is relative to the context (compose-spec build.md).
    b.dockerfile = c === null ? null : dfText !== null ? joinPath(c, dfText) : defaultDockerfile(repo, c);
    if (b.dockerfile === null) b.unresolved = 'the Dockerfile is outside the repository';
  }
}

const dirOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

/** Every compose file's builds; a file that cannot be read is recorded in `problems` and the others go on. */
export function loadCompose(repo: RepoLister, problems: CiProblem[] = []): { files: CiFile[]; builds: ComposeBuild[] } | null {
  const files: CiFile[] = [];
  const builds: ComposeBuild[] = [];
  for (const path of findComposeFiles(repo)) {
    const file = loadCiFile(path, repo.read(path)!, problems);
    if (!file) continue;
    files.push(file);
    for (const { build: s } of servicesOf(file).values()) {
      if (!s) continue;
      const b: ComposeBuild = { file, service: s.service, build: s.build, args: s.args, passed: s.passed, dockerfile: null, line: s.line, column: s.column };
      resolve(repo, b, dirOf(path), s.context, s.dockerfile, s.inline);
      builds.push(b);
    }
  }
  return files.length ? { files, builds } : null;
}

/** The names docker compose looks for without -f (compose-go cli.DefaultFileNames, DefaultOverrideFileNames). */
const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
const OVERRIDE_FILES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

/** The default compose file (and its override) in `dir` or the nearest parent inside the repository that has one. */
function defaultFiles(repo: RepoLister, dir: string): string[] {
  for (let d: string | null = dir; d !== null; d = d === '' ? null : dirOf(d)) {
    const at = (n: string) => (d ? `${d}/${n}` : n);
    const main = DEFAULT_FILES.find((n) => repo.exists(at(n)));
    if (main) {
      const over = OVERRIDE_FILES.find((n) => repo.exists(at(n)));
      return over ? [at(main), at(over)] : [at(main)];
    }
  }
  return [];
}

/**
 * The compose builds the CI runs (src/ci/compose-cli.ts): for each `docker compose build|up` of a job, its
 * files (`-f`, COMPOSE_FILE, or the default names from its working directory) merged in order (later files
 * override, `build.args` add up; paths relative to the project directory: `--project-directory`, else the
 * first file's directory), and the services it builds. Each service is one ComposeBuild at the file whose
 * `build:` map decides its Dockerfile (else, of that file and the later ones, the last with `build.args`, else
 * the last `build:` block map, else the deciding file itself; never an earlier file), with the
 * jobs that run it: a build at a file and service `builds` already holds is that build,
 * given the merged view. Files not yet read are read (and returned) here.
 */
export function loadComposeCalls(repo: RepoLister, calls: readonly ComposeCall[], known: readonly CiFile[], builds: ComposeBuild[], problems: CiProblem[] = []): CiFile[] {
  const added: CiFile[] = [];
  const cache = new Map<string, CiFile | null>(known.map((f) => [f.path, f]));
  const read = (path: string): CiFile | null => {
    if (!cache.has(path)) {
      const text = repo.read(path);
      const file = text === null ? null : loadCiFile(path, text, problems);
      cache.set(path, file);
      if (file) added.push(file);
    }
    return cache.get(path)!;
  };
  for (const call of calls) {
    if (call.cwd === null || call.named === null || call.projectDir === null) continue;
    const cwd = call.cwd;
    const paths = call.named.length ? call.named.map((n) => joinPath(cwd, n)) : defaultFiles(repo, cwd);
    if (paths.length === 0 || paths.some((p) => p === null)) continue;
    const files = (paths as string[]).map(read);
    if (files.some((f) => f === null)) continue;
    const dir = call.projectDir !== undefined ? joinPath(cwd, call.projectDir) : dirOf(paths[0]!);
    if (dir === null) continue;
    const views = (files as CiFile[]).map(servicesOf);
    const all = [...new Set(views.flatMap((v) => [...v.keys()]))];
    let selected = call.services ?? all;
    if (call.services && call.withDependencies) {
      const seen = new Set<string>();
      const visit = (s: string) => {
        if (seen.has(s)) return;
        seen.add(s);
        for (const v of views) for (const d of v.get(s)?.dependsOn ?? []) visit(d);
      };
      selected.forEach(visit);
      selected = [...seen];
    }
    for (const service of selected) {
      const defs = views.flatMap((v) => (v.get(service)?.build ? [v.get(service)!.build!] : []));
      if (defs.length === 0) continue;
      const last = <T>(f: (s: ServiceBuild) => T | null) => defs.reduce<T | null>((acc, s) => f(s) ?? acc, null);
      // The args go with the definition that decides the Dockerfile (the last one naming a context or dockerfile)
      // when it is a block map; else where args are written, else the last block map, among the decider and the
      // files after it. A file before the decider is never the target: used on its own (`docker compose build`
      // with the default file, another job) it builds its own Dockerfile, where an added `- NAME` would pass the
      // environment's value over that Dockerfile's default; it is edited only for its own build's needs. Failing
      // those, the decider, reported as a shape it cannot be edited in.
      const rev = [...defs].reverse();
      const decider = rev.find((s) => s.context !== null || s.dockerfile !== null);
      const from = decider ? rev.slice(0, rev.indexOf(decider) + 1) : rev;
      const target =
        (decider?.map && !decider.map.flow ? decider : undefined) ??
        from.find((s) => s.args && (isMap(s.args) || isSeq(s.args))) ??
        from.find((s) => s.map && !s.map.flow) ??
        decider ??
        defs[defs.length - 1];
      const passed = [...defs.flatMap((s) => s.passed), ...call.passed];
      const merged = defs.filter((s) => s !== target).map((s) => s.build);
      const b: ComposeBuild = { file: target.file, service, build: target.build, args: target.args, passed: uniqueByName(passed), dockerfile: null, line: target.line, column: target.column, jobs: [call.job], merged };
      resolve(repo, b, dir, last((s) => s.context), last((s) => s.dockerfile), defs[defs.length - 1].inline || (last((s) => s.dockerfile) === null && defs.some((s) => s.inline)));
      const same = builds.find((x) => x.file.path === b.file.path && x.service === service && x.build === b.build);
      if (!same) {
        builds.push(b);
        continue;
      }
      // The build as the CI runs it: its merged view, and every job that runs it.
      if (same.jobs && same.dockerfile !== b.dockerfile) {
        same.dockerfile = null;
        same.unresolved = 'jobs build it with different compose files that give it different Dockerfiles';
      } else if (same.dockerfile === null || !same.jobs) {
        same.dockerfile = b.dockerfile;
        same.unresolved = b.unresolved;
      }
      same.passed = uniqueByName([...same.passed, ...b.passed]);
      same.merged = [...new Set([...(same.merged ?? []), ...merged])];
      same.jobs = [...(same.jobs ?? []), call.job];
    }
  }
  return added;
}

const uniqueByName = (list: readonly { name: string; raw: string | null }[]) => list.filter((p, i) => list.findIndex((q) => q.name === p.name) === i);
