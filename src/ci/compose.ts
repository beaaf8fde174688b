/**
 * Compose files (`compose.y*ml`, `docker-compose*.y*ml`; compose-spec build.md): every service's `build:` with
 * its context (relative to the file), `dockerfile` (relative to the context) and `args` in map or list style,
 * kept as source nodes so new args are inserted, never re-serialised.
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { deref, keyOf, mapGet, mapKeys, scalarText } from './jobs.js';
import type { RepoLister } from './github.js';
import { joinPath } from './steps.js';
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

/** Every compose file's builds; a file that cannot be read is recorded in `problems` and the others go on. */
export function loadCompose(repo: RepoLister, problems: CiProblem[] = []): { files: CiFile[]; builds: ComposeBuild[] } | null {
  const files: CiFile[] = [];
  const builds: ComposeBuild[] = [];
  for (const path of findComposeFiles(repo)) {
    const file = loadCiFile(path, repo.read(path)!, problems);
    if (!file) continue;
    files.push(file);
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    const root = file.doc.contents;
    const services = isMap(root) ? mapGet(file, root, 'services') : undefined;
    if (!isMap(services)) continue;
    for (const p of services.items) {
      const name = keyOf(p);
      const svc = deref(file, p.value);
      if (name === null || !isMap(svc)) continue;
      const build = mapGet(file, svc, 'build');
      if (build === undefined || build === null) continue;
      const bm: YAMLMap | null = isMap(build) ? build : null;
      const ctxText = bm ? scalarText(file, mapGet(file, bm, 'context') ?? null) : scalarText(file, build);
      const dfText = bm ? scalarText(file, mapGet(file, bm, 'dockerfile') ?? null) : null;
      const args = bm ? (mapGet(file, bm, 'args') ?? null) : null;
      const at = position(file, (p.key as Node).range?.[0] ?? 0);
      const b: ComposeBuild = { file, service: name, build, args, passed: parseArgs(file, args), dockerfile: null, ...at };
      const ctx = ctxText ?? '.';
      if (bm && mapGet(file, bm, 'dockerfile_inline') !== undefined) b.unresolved = 'the Dockerfile is inline (dockerfile_inline)';
      else if (/\$/.test(ctx) || /\$/.test(dfText ?? '')) b.unresolved = 'the context or dockerfile is interpolated';
      else if (/^[a-z]+:\/\//.test(ctx) || /\.git(#|$)/.test(ctx)) b.unresolved = `the context ${ctx} is not a local directory`;
      else {
        const c = joinPath(dir, ctx);
        // `dockerfile` is relative to the context (compose-spec build.md).
        b.dockerfile = c === null ? null : dfText !== null ? joinPath(c, dfText) : defaultDockerfile(repo, c);
        if (b.dockerfile === null) b.unresolved = 'the Dockerfile is outside the repository';
      }
      builds.push(b);
    }
  }
  return files.length ? { files, builds } : null;
}
