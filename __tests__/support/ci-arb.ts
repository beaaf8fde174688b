/**
 * fast-check generators for small GitLab repositories: one or two Dockerfiles whose FROM uses GitLab predefined
 * variables and/or job variables, and a `.gitlab-ci.yml` whose build commands come in every scalar style (plain
 * one-line and multi-line, single- and double-quoted, folded `>`/`>-`, literal `|`/`|-` with ` \` continuations),
 * shared between two jobs through an anchored sequence, an anchored item, a `<<:` merge key, a hidden job +
 * `extends` or `!reference`, or a whole job aliased (`b: *a`), with `cd` in `before_script`/`default:`/the
 * script, `variables:` (global, job, template), every builder the tool patches, trailing comments (after the
 * value, after a block's header, on a line after the item), kept (`|+`, `>+`) and explicit-indentation (`|2`)
 * blocks and a kept block beside the command, `--` before the operands, `&& docker push`, CRLF or LF, build
 * args already passed (issue 10 items 3, 4, 7, 8), variables defined empty (`V: ""`, `V:`, `value: ""`) and
 * jobs with `inherit:` (`variables: false` or a list, `default: false` or a list, which drops a
 * `default:`/top-level `before_script` cd) (items 5, 6).
 *
 * Each generated repository carries its own oracle: for every build command, the exact YAML value as written,
 * where the command's words start and end in it, and, per job that runs it, the Dockerfile the job builds and
 * the variables it defines — from which the build args the tool must add follow (README "GitLab CI").
 * The generator never produces invalid YAML or shell (properties-ci checks that on the input first).
 */
import fc from 'fast-check';

export type Tool = 'docker' | 'buildx' | 'podman' | 'kaniko' | 'buildctl';
export type Style =
  | 'plain'
  | 'plainMulti'
  | 'single'
  | 'singleMulti'
  | 'double'
  | 'doubleMulti'
  | 'folded'
  | 'foldedStrip'
  | 'literal'
  | 'literalStrip'
  | 'literalKeep'
  | 'foldedKeep';
export type Kind = 'direct' | 'anchorSeq' | 'anchorItem' | 'merge' | 'extends' | 'reference' | 'aliasJob';
export type Suffix = null | 'push' | 'semi' | 'pipe' | 'comment';

/** GitLab predefined variables the Dockerfiles use (all in src/ci/predefined.ts's list, as in GitLab's docs). */
export const PREDEFINED = new Set([
  'CI_REGISTRY_IMAGE',
  'CI_COMMIT_SHA',
  'CI_COMMIT_SHORT_SHA',
  'CI_COMMIT_REF_SLUG',
  'CI_REGISTRY',
  'CI_COMMIT_TAG',
  'CI_COMMIT_BEFORE_SHA',
  'CI_COMMIT_REF_NAME',
  'CI_PROJECT_DIR',
]);
/** Set only in some pipelines: passed bare (`--build-arg NAME`) by docker-family builders (README). */
export const MAYBE_UNSET = new Set(['CI_COMMIT_TAG']);
/** Job variables and the literal values (as YAML) they may get; every value is a valid tag/repository. */
export const JOB_VARS: Record<string, string[]> = {
  BASE_IMAGE: ['python', 'node', '"alpine"'],
  PY_VERSION: ['"3.12"', "'3.11'", '3.12', 'latest'],
  NODE_TAG: ['lts', '"20"'],
};
const JOB_VAR_NAMES = Object.keys(JOB_VARS);

export const DF_PATHS = ['Dockerfile', 'app/Dockerfile', 'docker/build.Dockerfile', 'services/api/Dockerfile'] as const;
/** Directories a job may `cd` into ('' = the checkout). */
export const CWDS = ['', 'app', 'docker', 'services/api', 'services'] as const;

const REPO_PARTS: { t: string; n: string[]; arg?: string }[] = [
  { t: '$CI_REGISTRY_IMAGE', n: ['CI_REGISTRY_IMAGE'] },
  { t: '${CI_REGISTRY_IMAGE}/base', n: ['CI_REGISTRY_IMAGE'] },
  { t: '$CI_REGISTRY/group/app', n: ['CI_REGISTRY'] },
  { t: 'python', n: [] },
  { t: '${BASE_IMAGE}', n: ['BASE_IMAGE'] },
  { t: 'registry.example.com/${UNDEF_REPO}', n: ['UNDEF_REPO'] },
  { t: '$BASE', n: ['BASE', 'CI_REGISTRY_IMAGE'], arg: 'ARG BASE=${CI_REGISTRY_IMAGE}/base' },
];
const TAG_PARTS: { t: string; n: string[] }[] = [
  { t: '', n: [] },
  { t: ':$CI_COMMIT_SHA', n: ['CI_COMMIT_SHA'] },
  { t: ':${CI_COMMIT_REF_SLUG}', n: ['CI_COMMIT_REF_SLUG'] },
  { t: ':$CI_COMMIT_SHORT_SHA', n: ['CI_COMMIT_SHORT_SHA'] },
  { t: ':${PY_VERSION}', n: ['PY_VERSION'] },
  { t: ':${NODE_TAG:-lts}', n: ['NODE_TAG'] },
  { t: ':$CI_COMMIT_TAG', n: ['CI_COMMIT_TAG'] },
  { t: ':$CI_COMMIT_BEFORE_SHA', n: ['CI_COMMIT_BEFORE_SHA'] },
  { t: ':$CI_COMMIT_REF_NAME', n: ['CI_COMMIT_REF_NAME'] },
  { t: ':3.20', n: [] },
];

export interface GenDockerfile {
  path: string;
  text: string;
  /** Global ARG names the Dockerfile needs by the need rule (the tool's DockerfileFacts.needs, as a set). */
  needs: string[];
}

/** A path as the command writes it: relative to the shell's cwd, or from the checkout ($CI_PROJECT_DIR/…). */
export type PathRef = { abs: boolean; p: string };

export interface CmdPaths {
  ctx?: PathRef;
  file?: PathRef;
  /** buildctl: --local dockerfile= and --opt filename=. */
  fileDir?: PathRef;
  fileName?: string;
}

export interface JobRun {
  job: string;
  /** The job's cwd when the command runs ('' = the checkout). */
  cwd: string;
  /** Job variables (global + own + inherited), predefined ones excluded. */
  vars: Set<string>;
  /** Those of `vars` the job defines with an empty value. */
  empty: Set<string>;
}

export interface GenCommand {
  /** A word unique to this command's scalar. */
  marker: string;
  tool: Tool;
  style: Style;
  kind: Kind;
  /** Shell words of the build command, as in the YAML value. */
  words: string[];
  /** The scalar's value as YAML reads it (the generator's own claim, checked on the input). */
  value: string;
  /** Where the command's first word starts, and where its last word ends, in `value`. */
  cmdStart: number;
  cmdEnd: number;
  /** Names already passed as build args, and how. */
  prepassed: { name: string; words: string[] }[];
  paths: CmdPaths;
  runs: JobRun[];
}

export interface GenRepo {
  files: Record<string, string>;
  ci: string;
  crlf: boolean;
  dockerfiles: GenDockerfile[];
  commands: GenCommand[];
}

// ---------------------------------------------------------------------------------------------------------------
// Paths

/**
 * The tool's joinPath semantics: '' is the checkout, '..' above it is outside (null). Written again here on
 * purpose: the oracle must not share the code it checks.
 */
export function joinRepo(base: string, ref: PathRef): string | null {
  const abs = ref.abs ? ref.p : base ? `${base}/${ref.p}` : ref.p;
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

const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const baseOf = (p: string) => p.slice(p.lastIndexOf('/') + 1);

export function relPath(from: string, to: string): string {
  const f = from ? from.split('/') : [];
  const t = to ? to.split('/') : [];
  let i = 0;
  while (i < f.length && i < t.length && f[i] === t[i]) i++;
  const parts = [...Array<string>(f.length - i).fill('..'), ...t.slice(i)];
  return parts.length ? parts.join('/') : '.';
}

/**
 * The Dockerfile a command builds when run in `cwd`, by each builder's documented rule (README table, ci.md
 * §1.1): docker -f from the cwd else <ctx>/Dockerfile; podman -f from the cwd, else from the context, else
 * <ctx>/Containerfile|Dockerfile; kaniko --dockerfile from the cwd, else from --context; buildctl
 * --local dockerfile= + --opt filename=.
 */
export function resolveDockerfile(tool: Tool, paths: CmdPaths, cwd: string, exists: (p: string) => boolean): string | null {
  const j = (base: string, ref: PathRef) => joinRepo(base, ref);
  const ctx = paths.ctx ? j(cwd, paths.ctx) : null;
  switch (tool) {
    case 'docker':
    case 'buildx':
      if (paths.file) return j(cwd, paths.file);
      return ctx === null ? null : j(ctx, { abs: false, p: 'Dockerfile' });
    case 'podman': {
      if (paths.file) {
        const f = j(cwd, paths.file);
        if (f !== null && exists(f)) return f;
        return ctx === null ? null : j(ctx, paths.file);
      }
      if (ctx === null) return null;
      const c = j(ctx, { abs: false, p: 'Containerfile' });
      return c !== null && exists(c) ? c : j(ctx, { abs: false, p: 'Dockerfile' });
    }
    case 'kaniko': {
      if (paths.file) {
        const f = j(cwd, paths.file);
        if (f !== null && exists(f)) return f;
        return ctx === null ? null : j(ctx, paths.file);
      }
      return ctx === null ? null : j(ctx, { abs: false, p: 'Dockerfile' });
    }
    case 'buildctl': {
      const dir = paths.fileDir ? j(cwd, paths.fileDir) : ctx;
      return dir === null ? null : j(dir, { abs: false, p: paths.fileName ?? 'Dockerfile' });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Dockerfiles

const dockerfileArb = fc.record({
  crlf: fc.boolean(),
  syntax: fc.boolean(),
  pyArg: fc.boolean(),
  bareBaseImage: fc.boolean(),
  stages: fc.array(fc.record({ repo: fc.nat({ max: REPO_PARTS.length - 1 }), tag: fc.nat({ max: TAG_PARTS.length - 1 }), as: fc.boolean() }), {
    minLength: 1,
    maxLength: 2,
  }),
});

type DockerfileSpec = typeof dockerfileArb extends fc.Arbitrary<infer T> ? T : never;

function buildDockerfile(path: string, r: DockerfileSpec): GenDockerfile {
  const lines: string[] = [];
  const needs: string[] = [];
  const add = (n: string) => {
    if (!needs.includes(n)) needs.push(n);
  };
  if (r.syntax) lines.push('# syntax=docker/dockerfile:1');
  if (r.pyArg) lines.push('ARG PY_VERSION=3.12');
  if (r.bareBaseImage) lines.push('ARG BASE_IMAGE');
  const args = new Set<string>();
  for (const s of r.stages) if (REPO_PARTS[s.repo].arg) args.add(REPO_PARTS[s.repo].arg!);
  lines.push(...args);
  // The need rule, worked out by hand for these shapes (an oracle independent of src/dockerfile/analyze.ts):
  // every repository part but `python` expands to an invalid name with the file's defaults; a tag is valid when
  // empty, literal, `${NODE_TAG:-lts}`, or `${PY_VERSION}` with `ARG PY_VERSION=3.12`. A valid FROM needs
  // nothing; an invalid one needs its variables without a global default (PY_VERSION, BASE have one) and
  // without an inline one (NODE_TAG), and in these shapes it always has such a variable to blame.
  const defaulted = new Set<string>(['BASE', ...(r.pyArg ? ['PY_VERSION'] : [])]);
  r.stages.forEach((s, i) => {
    const repo = REPO_PARTS[s.repo];
    const tag = TAG_PARTS[s.tag];
    const tagValid = tag.n.length === 0 || tag.n[0] === 'NODE_TAG' || (tag.n[0] === 'PY_VERSION' && r.pyArg);
    const valid = repo.t === 'python' && tagValid;
    if (!valid) for (const n of [...repo.n, ...tag.n]) if (!defaulted.has(n) && n !== 'NODE_TAG') add(n);
    lines.push(`FROM ${repo.t}${tag.t}${s.as ? ` AS stage${i}` : ''}`, `RUN echo stage ${i}`);
  });
  const eol = r.crlf ? '\r\n' : '\n';
  return { path, text: lines.join(eol) + eol, needs };
}

// ---------------------------------------------------------------------------------------------------------------
// CI

const varsArb = fc.array(
  fc.record({ name: fc.nat({ max: JOB_VAR_NAMES.length - 1 }), value: fc.nat({ max: 3 }), long: fc.boolean(), empty: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('""', "''", '', '~') }) }),
  { maxLength: 2 },
);
type VarsSpec = { name: number; value: number; long: boolean; empty: string | null }[];

const unitArb = fc.record({
  kind: fc.constantFrom<Kind>('direct', 'anchorSeq', 'anchorItem', 'merge', 'extends', 'reference', 'aliasJob'),
  second: fc.boolean(),
  target: fc.nat({ max: 1 }),
  tool: fc.constantFrom<Tool>('docker', 'buildx', 'podman', 'kaniko', 'buildctl'),
  style: fc.constantFrom<Style>('plain', 'plainMulti', 'single', 'singleMulti', 'double', 'doubleMulti', 'folded', 'foldedStrip', 'literal', 'literalStrip', 'literalKeep', 'foldedKeep'),
  /** Block styles: an explicit indentation indicator (`|2`), and for literal blocks a first line indented further. */
  explicit: fc.boolean(),
  /** A comment line after the command's item, at the dash's column (a block's trailing comment). */
  trailComment: fc.boolean(),
  /** A kept (`|+`) block item right after the command's item. */
  keptNeighbour: fc.boolean(),
  /** `--` before the operands (docker family: before a last context; kaniko, buildctl: at the end). */
  dashdash: fc.boolean(),
  tagForm: fc.nat({ max: 2 }),
  pathForm: fc.nat({ max: 3 }),
  ctxPos: fc.nat({ max: 2 }),
  rotate: fc.nat({ max: 7 }),
  extras: fc.subarray([0, 1, 2, 3]),
  prepass: fc.array(fc.record({ name: fc.nat({ max: 7 }), spelling: fc.nat({ max: 4 }) }), { maxLength: 2 }),
  suffix: fc.constantFrom<Suffix>(null, 'push', 'semi', 'pipe', 'comment'),
  suffixOwnLine: fc.boolean(),
  yamlComment: fc.boolean(),
  breaks: fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }),
  preItem: fc.boolean(),
  postItem: fc.boolean(),
  blockPre: fc.boolean(),
  blockPost: fc.boolean(),
  scriptCd: fc.constantFrom<null | 'item' | 'block'>(null, 'item', 'block'),
  scriptCdTarget: fc.nat({ max: CWDS.length - 1 }),
  scriptCdAbs: fc.boolean(),
  before: fc.tuple(fc.option(fc.nat({ max: CWDS.length - 1 })), fc.option(fc.nat({ max: CWDS.length - 1 }))),
  /** merge/extends: a `before_script: [cd …]` in the template (the job's own wins, then the template's, then default). */
  tplBefore: fc.option(fc.nat({ max: CWDS.length - 1 })),
  vars: fc.tuple(varsArb, varsArb, varsArb),
  /** Per job: an `inherit:` of its own (variables: false / a list of globals; default: false / a list). */
  inherit: fc.tuple(
    fc.option(fc.record({ variables: fc.option(fc.oneof(fc.constant(false as const), fc.subarray([...JOB_VAR_NAMES]))), default: fc.option(fc.constantFrom<false | 'image' | 'before_script'>(false, 'image', 'before_script')) }), { freq: 3 }),
    fc.option(fc.record({ variables: fc.option(fc.oneof(fc.constant(false as const), fc.subarray([...JOB_VAR_NAMES]))), default: fc.option(fc.constantFrom<false | 'image' | 'before_script'>(false, 'image', 'before_script')) }), { freq: 3 }),
  ),
});
type UnitSpec = typeof unitArb extends fc.Arbitrary<infer T> ? T : never;

/** Dockerfiles whose every FROM is valid as written (python with an empty, literal, inline-default or pinned tag). */
const PYTHON = REPO_PARTS.findIndex((p) => p.t === 'python');
const VALID_TAGS = TAG_PARTS.map((t, i) => [t, i] as const).filter(([t]) => t.n.length === 0 || t.n[0] === 'PY_VERSION' || t.n[0] === 'NODE_TAG').map(([, i]) => i);
const needNothingDockerfileArb = dockerfileArb.map((d) => ({
  ...d,
  pyArg: true,
  stages: d.stages.map((s) => ({ ...s, repo: PYTHON, tag: VALID_TAGS[s.tag % VALID_TAGS.length] })),
}));

export const repoArb: fc.Arbitrary<GenRepo> = repoOf(dockerfileArb);
/** Repositories whose Dockerfiles need nothing (the need rule): their CI must never change. */
export const needNothingRepoArb: fc.Arbitrary<GenRepo> = repoOf(needNothingDockerfileArb);

function repoOf(dockerfile: fc.Arbitrary<DockerfileSpec>): fc.Arbitrary<GenRepo> {
  return fc
  .record({
    dfPaths: fc.subarray([...DF_PATHS], { minLength: 1, maxLength: 2 }),
    dfs: fc.tuple(dockerfile, dockerfile),
    crlf: fc.boolean(),
    globalVars: varsArb,
    globalCd: fc.option(fc.record({ dir: fc.nat({ max: CWDS.length - 1 }), how: fc.constantFrom('default', 'top') })),
    units: fc.array(unitArb, { minLength: 1, maxLength: 3 }),
    comments: fc.boolean(),
  })
  .map((r) => buildRepo(r));
}

function renderVars(spec: VarsSpec, indent: string): { lines: string[]; names: Set<string>; empty: Set<string> } {
  const lines: string[] = [];
  const names = new Set<string>();
  const empty = new Set<string>();
  for (const v of spec) {
    const name = JOB_VAR_NAMES[v.name];
    if (names.has(name)) continue; // duplicate keys are refused (uniqueKeys): never generated
    names.add(name);
    const vals = JOB_VARS[name];
    // Empty: `""`, `''`, nothing (null) or `~` (null): GitLab reads a null value as "" (Ruby nil.to_s).
    const val = v.empty ?? vals[v.value % vals.length];
    if (v.empty !== null) empty.add(name);
    const sp = (x: string) => (x === '' ? '' : ` ${x}`);
    if (v.long) lines.push(`${indent}  ${name}:`, `${indent}    value:${sp(val)}`, `${indent}    description: the ${name.toLowerCase()}`);
    else lines.push(`${indent}  ${name}:${sp(val)}`);
  }
  return lines.length ? { lines: [`${indent}variables:`, ...lines], names, empty } : { lines: [], names, empty };
}

type InheritSpec = { variables: false | string[] | null; default: false | 'image' | 'before_script' | null } | null;

/** A job's `inherit:` lines (2-space job indentation). */
function renderInherit(i: InheritSpec): string[] {
  if (!i || (i.variables === null && i.default === null)) return [];
  const out = ['  inherit:'];
  if (i.variables !== null) out.push(`    variables: ${i.variables === false ? 'false' : `[${i.variables.join(', ')}]`}`);
  if (i.default !== null) out.push(`    default: ${i.default === false ? 'false' : `[${i.default}]`}`);
  return out;
}
const inheritsVar = (i: InheritSpec, name: string) => !i || i.variables === null || (i.variables !== false && i.variables.includes(name));
const inheritsBefore = (i: InheritSpec) => !i || i.default === null || i.default === 'before_script';

function cdWord(target: string, abs: boolean): string {
  if (abs) return target ? `cd "$CI_PROJECT_DIR/${target}"` : 'cd $CI_PROJECT_DIR';
  return target ? `cd ${target}` : 'cd .';
}

interface BuiltCommand {
  words: string[];
  paths: CmdPaths;
  prepassed: { name: string; words: string[] }[];
}

/** The build command's words for a Dockerfile `df` seen from `cwd`. */
function buildCommand(u: UnitSpec, k: number, df: GenDockerfile, cwd: string): BuiltCommand {
  const marker = `mk${k}q`;
  const D = df.path;
  const dir = dirOf(D);
  const base = baseOf(D);
  const head: string[] =
    u.tool === 'docker'
      ? ['docker', 'build']
      : u.tool === 'buildx'
        ? ['docker', 'buildx', 'build']
        : u.tool === 'podman'
          ? ['podman', 'build']
          : u.tool === 'kaniko'
            ? ['/kaniko/executor']
            : u.pathForm % 2
              ? ['buildctl-daemonless.sh', 'build']
              : ['buildctl', '--addr', 'tcp://buildkitd:1234', 'build'];
  const groups: string[][] = [];
  let context: string | null = null;
  const paths: CmdPaths = {};
  const pd = (p: string) => (p ? `$CI_PROJECT_DIR/${p}` : '$CI_PROJECT_DIR');
  const pdb = (p: string) => (p ? `\${CI_PROJECT_DIR}/${p}` : '${CI_PROJECT_DIR}');
  if (u.tool === 'docker' || u.tool === 'buildx' || u.tool === 'podman') {
    groups.push(
      [[['-t', `$CI_REGISTRY_IMAGE/${marker}:$CI_COMMIT_SHORT_SHA`], ['--tag', `"\${CI_REGISTRY_IMAGE}/${marker}:\${CI_COMMIT_SHA}"`], [`--tag=registry.example.com/${marker}:latest`]][u.tagForm]].flat(),
    );
    const form = u.pathForm === 0 && base !== 'Dockerfile' ? 1 : u.pathForm;
    if (form === 0) {
      context = relPath(cwd, dir);
      paths.ctx = { abs: false, p: context };
    } else if (form === 1) {
      groups.push(['-f', relPath(cwd, D)]);
      paths.file = { abs: false, p: relPath(cwd, D) };
      context = relPath(cwd, dir);
      paths.ctx = { abs: false, p: context };
    } else if (form === 2) {
      groups.push(['--file', pd(D)]);
      paths.file = { abs: true, p: D };
      context = '.';
      paths.ctx = { abs: false, p: '.' };
    } else {
      groups.push([`--file=${relPath(cwd, D)}`]);
      paths.file = { abs: false, p: relPath(cwd, D) };
      context = pd(dir);
      paths.ctx = { abs: true, p: dir };
    }
    const extras = [['--pull'], ['--cache-from', '$CI_REGISTRY_IMAGE:latest'], ['--platform', 'linux/amd64'], ['--label', '"org.opencontainers.image.revision=$CI_COMMIT_SHA"']];
    for (const e of u.extras) groups.push(extras[e]);
    if (u.tool === 'buildx') groups.push(['--push']);
  } else if (u.tool === 'kaniko') {
    groups.push(
      [[['--destination', `$CI_REGISTRY_IMAGE/${marker}:$CI_COMMIT_SHA`], ['--destination', `"\${CI_REGISTRY_IMAGE}/${marker}:\${CI_COMMIT_SHA}"`], ['-d', `registry.example.com/${marker}:latest`]][u.tagForm]].flat(),
    );
    if (u.pathForm === 0) {
      groups.push(['--context', pd(dir)]);
      paths.ctx = { abs: true, p: dir };
      if (base !== 'Dockerfile') {
        groups.push(['--dockerfile', pdb(D)]);
        paths.file = { abs: true, p: D };
      }
    } else if (u.pathForm === 1) {
      groups.push(['--context', `"${pdb('')}"`], ['--dockerfile', `"${pdb(D)}"`]);
      paths.ctx = { abs: true, p: '' };
      paths.file = { abs: true, p: D };
    } else if (u.pathForm === 2) {
      groups.push([`--context=dir://${pdb(dir)}`], [`--dockerfile=${base}`]);
      paths.ctx = { abs: true, p: dir };
      paths.file = { abs: false, p: base };
    } else {
      groups.push(['-c', pd('')], ['-f', relPath(cwd, D)]);
      paths.ctx = { abs: true, p: '' };
      paths.file = { abs: false, p: relPath(cwd, D) };
    }
    const extras = [['--cache=true'], ['--snapshot-mode=redo'], ['--cache-repo', '$CI_REGISTRY_IMAGE/cache'], ['--verbosity', 'info']];
    for (const e of u.extras) groups.push(extras[e]);
  } else {
    groups.push(['--frontend', 'dockerfile.v0']);
    groups.push(
      [
        ['--output', `type=image,name=$CI_REGISTRY_IMAGE/${marker},push=true`],
        ['--output', `"type=image,name=\${CI_REGISTRY_IMAGE}/${marker}:\${CI_COMMIT_SHA},push=true"`],
        ['-o', `type=image,name=registry.example.com/${marker}`],
      ][u.tagForm],
    );
    const ctx = u.pathForm >= 2 ? '.' : relPath(cwd, dir);
    groups.push(u.pathForm === 3 ? [`--local=context=${ctx}`] : ['--local', `context=${ctx}`]);
    paths.ctx = { abs: false, p: ctx };
    const fd = relPath(cwd, dir);
    groups.push(u.pathForm === 3 ? [`--local=dockerfile=${fd}`] : ['--local', `dockerfile=${fd}`]);
    paths.fileDir = { abs: false, p: fd };
    if (base !== 'Dockerfile') {
      groups.push(['--opt', `filename=${base}`]);
      paths.fileName = base;
    }
    const extras = [['--export-cache', 'type=inline'], ['--opt', 'platform=linux/amd64'], ['--progress', 'plain'], ['--import-cache', 'type=registry,ref=$CI_REGISTRY_IMAGE/cache']];
    for (const e of u.extras) groups.push(extras[e]);
  }

  // Build args already passed, for some of the names the Dockerfile needs (or a name it does not declare).
  const pool = [...df.needs, 'PY_VERSION', 'EXTRA_FLAG'];
  const prepassed: { name: string; words: string[] }[] = [];
  for (const p of u.prepass) {
    const name = pool[p.name % pool.length];
    if (prepassed.some((x) => x.name === name)) continue;
    let w: string[];
    if (u.tool === 'buildctl') {
      w = [['--opt', `build-arg:${name}=$${name}`], ['--opt', `build-arg:${name}=\${${name}}`], ['--opt', `build-arg:${name}=other`], ['--opt', `"build-arg:${name}=$${name}"`], ['--opt', `build-arg:${name}=$${name}`]][p.spelling];
    } else {
      w = [['--build-arg', `${name}=$${name}`], [`--build-arg=${name}=\${${name}}`], ['--build-arg', name], ['--build-arg', `"${name}=$${name}"`], ['--build-arg', `${name}=other`]][p.spelling];
    }
    prepassed.push({ name, words: w });
    groups.push(w);
  }

  // Order: rotate the flag groups; the context (docker family) first, in the middle or last.
  const rot = groups.length ? u.rotate % groups.length : 0;
  const ordered = [...groups.slice(rot), ...groups.slice(0, rot)];
  if (context !== null) {
    const at = u.ctxPos === 0 ? ordered.length : u.ctxPos === 1 ? 0 : Math.floor(ordered.length / 2);
    // `--` ends the options: only right before a last context (the operands), or at the end without one.
    ordered.splice(at, 0, u.dashdash && at === ordered.length ? ['--', context] : [context]);
  } else if (u.dashdash) ordered.push(['--']);
  return { words: [...head, ...ordered.flat()], paths, prepassed };
}

const SUFFIX_TEXT: Record<Exclude<Suffix, null>, (marker: string, tool: Tool) => string> = {
  push: (_m, tool) => (tool === 'docker' || tool === 'buildx' || tool === 'podman' ? `&& ${tool === 'podman' ? 'podman' : 'docker'} push $CI_REGISTRY_IMAGE/pushed:latest` : '&& echo pushed'),
  semi: () => '; echo done',
  pipe: () => '| tee build.log',
  comment: () => '# build the image',
};

interface Rendered {
  /** Lines of the list item (first one starts with `- `), without indentation for the dash. */
  lines: string[];
  value: string;
  cmdStart: number;
  cmdEnd: number;
}

/** The command as one YAML list item in `u.style`, the dash at column `dash`. */
function renderItem(u: UnitSpec, words: string[], marker: string, dash: number, anchor: string | null, cdPre: string | null): Rendered {
  const ind = ' '.repeat(dash + 2);
  const a = anchor ? `&${anchor} ` : '';
  const suffix = u.suffix ? SUFFIX_TEXT[u.suffix](marker, u.tool) : null;
  // Split the words into lines at the chosen breaks (never after the last word).
  const cmdLines: string[][] = [[]];
  words.forEach((w, i) => {
    cmdLines[cmdLines.length - 1].push(w);
    if (i < words.length - 1 && u.breaks[i % u.breaks.length]) cmdLines.push([]);
  });
  const joined = cmdLines.map((l) => l.join(' '));
  const flat = words.join(' ');
  const yc = u.yamlComment ? ' # yaml comment' : '';
  const dashStr = ' '.repeat(dash) + '- ';
  switch (u.style) {
    case 'plain':
    case 'plainMulti': {
      // ` #` would end a plain scalar: a shell comment becomes a YAML comment (outside the value).
      const inValue = suffix && u.suffix !== 'comment' ? suffix : null;
      const comment = u.suffix === 'comment' || u.yamlComment ? ' # a yaml comment' : '';
      const parts = u.style === 'plain' ? [flat] : joined;
      const lines = parts.map((l, i) => (i === 0 ? `${dashStr}${a}${l}` : `${ind}${l}`));
      if (inValue) lines[lines.length - 1] += ` ${inValue}`;
      lines[lines.length - 1] += comment;
      return { lines, value: flat + (inValue ? ` ${inValue}` : ''), cmdStart: 0, cmdEnd: flat.length };
    }
    case 'single':
    case 'singleMulti':
    case 'double':
    case 'doubleMulti': {
      const q = u.style.startsWith('single') ? "'" : '"';
      const esc = (s: string) => (q === "'" ? s.replace(/'/g, "''") : s.replace(/\\/g, '\\\\').replace(/"/g, '\\"'));
      const parts = u.style.endsWith('Multi') ? [...joined] : [flat];
      if (suffix) parts[parts.length - 1] += ` ${suffix}`;
      const lines = parts.map((l, i) => (i === 0 ? `${dashStr}${a}${q}${esc(l)}` : `${ind}${esc(l)}`));
      lines[lines.length - 1] += `${q}${yc}`;
      return { lines, value: flat + (suffix ? ` ${suffix}` : ''), cmdStart: 0, cmdEnd: flat.length };
    }
    case 'folded':
    case 'foldedStrip':
    case 'foldedKeep': {
      const body = [...joined];
      if (suffix) {
        if (u.suffixOwnLine) body.push(suffix);
        else body[body.length - 1] += ` ${suffix}`;
      }
      // A kept block keeps the blank line after it (the generator always puts a non-blank line after that).
      const keep = u.style === 'foldedKeep';
      const header = `>${u.explicit ? '2' : ''}${u.style === 'foldedStrip' ? '-' : keep ? '+' : ''}`;
      const lines = [`${dashStr}${a}${header}${yc}`, ...body.map((l) => `${ind}${l}`), ...(keep ? [''] : [])];
      const value = flat + (suffix ? ` ${suffix}` : '') + (u.style === 'foldedStrip' ? '' : '\n') + (keep ? '\n' : '');
      return { lines, value, cmdStart: 0, cmdEnd: flat.length };
    }
    case 'literal':
    case 'literalStrip':
    case 'literalKeep': {
      const pre: string[] = [];
      if (u.blockPre) pre.push('echo "building"');
      if (cdPre !== null) pre.push(cdPre);
      const body: string[] = joined.map((l, i) => (i === 0 ? l : `  ${l}`));
      for (let i = 0; i < body.length - 1; i++) body[i] += ' \\';
      if (suffix) {
        if (u.suffixOwnLine) {
          body[body.length - 1] += ' \\';
          body.push(`  ${suffix}`);
        } else body[body.length - 1] += ` ${suffix}`;
      }
      const post = u.blockPost ? ['echo "built"'] : [];
      const all = [...pre, ...body, ...post];
      // An explicit indentation indicator lets the first line keep two more spaces, as part of the value.
      const lead = u.explicit ? '  ' : '';
      all[0] = lead + all[0];
      const keep = u.style === 'literalKeep';
      const value = all.join('\n') + (u.style === 'literalStrip' ? '' : '\n') + (keep ? '\n' : '');
      const cmdStart = pre.reduce((n, l) => n + l.length + 1, 0) + lead.length;
      // The last word ends where the last command line's words end.
      let cmdEnd = cmdStart;
      for (let i = 0; i < joined.length; i++) {
        const line = i === 0 ? joined[0] : `  ${joined[i]}`;
        if (i < joined.length - 1) cmdEnd += line.length + ' \\'.length + 1;
        else cmdEnd += line.length;
      }
      const header = `|${u.explicit ? '2' : ''}${u.style === 'literalStrip' ? '-' : keep ? '+' : ''}`;
      const lines = [`${dashStr}${a}${header}${yc}`, ...all.map((l) => `${ind}${l}`), ...(keep ? [''] : [])];
      return { lines, value, cmdStart, cmdEnd };
    }
  }
}

interface RepoSpec {
  dfPaths: string[];
  dfs: [DockerfileSpec, DockerfileSpec];
  crlf: boolean;
  globalVars: VarsSpec;
  globalCd: { dir: number; how: 'default' | 'top' } | null;
  units: UnitSpec[];
  comments: boolean;
}

function buildRepo(r: RepoSpec): GenRepo {
  const dockerfiles = r.dfPaths.map((p, i) => buildDockerfile(p, r.dfs[i]));
  const out: string[] = [];
  const commands: GenCommand[] = [];
  const g = renderVars(r.globalVars, '');
  out.push(...g.lines);
  const globalCwd = r.globalCd ? CWDS[r.globalCd.dir] : '';
  if (r.globalCd) {
    const cd = cdWord(CWDS[r.globalCd.dir], true);
    if (r.globalCd.how === 'default') out.push('default:', '  before_script:', `    - ${cd}`);
    else out.push('before_script:', `  - ${cd}`);
  }
  r.units.forEach((u, k) => {
    if (r.comments) out.push('', `# unit ${k}`);
    else out.push('');
    const df = dockerfiles[u.target % dockerfiles.length];
    const two = u.kind === 'anchorSeq' || u.kind === 'anchorItem' || u.kind === 'merge' || u.kind === 'aliasJob' || (u.kind !== 'direct' && u.second);
    // An aliased job (`b: *a`) is the same mapping: its cwd and variables are the first job's.
    const J = (j: number) => (u.kind === 'aliasJob' ? 0 : j);
    const jobNames = two ? [`build-${k}`, `build-${k}-b`] : [`build-${k}`];
    const tplBefore = (u.kind === 'merge' || u.kind === 'extends') && u.tplBefore !== null ? u.tplBefore : null;
    const inh = (j: number): InheritSpec => u.inherit[j] ?? null;
    const ownCwd = (j: number): string => {
      const b = u.before[J(j)];
      return b !== null ? CWDS[b] : tplBefore !== null ? CWDS[tplBefore] : inheritsBefore(inh(J(j))) ? globalCwd : '';
    };
    const scriptCd = u.scriptCd === 'block' && !u.style.startsWith('literal') ? 'item' : u.scriptCd;
    const cdTarget = CWDS[u.scriptCdTarget];
    const cdText = scriptCd ? cdWord(cdTarget, u.scriptCdAbs) : null;
    const afterCd = (cwd: string) => (scriptCd ? (joinRepo(cwd, { abs: u.scriptCdAbs, p: cdTarget || '.' }) ?? '') : cwd);
    // `cd ..` from the checkout is never generated (CWDS are all inside it).
    const cwds = jobNames.map((_, j) => afterCd(ownCwd(j)));
    const built = buildCommand(u, k, df, cwds[0]);
    const marker = `mk${k}q`;
    const beforeLines = (j: number, indent: string) => (u.before[j] === null ? [] : [`${indent}before_script:`, `${indent}  - ${cdWord(CWDS[u.before[j]!], u.scriptCdAbs)}`]);
    // Job variables, per kind (template vars: merge = shallow override, extends = deep merge, others: unused).
    const jv = [renderVars(u.vars[0], '  '), renderVars(u.vars[1], '  ')];
    const tv = renderVars(u.vars[2], '  ');
    /** The job's variables, each with whether its value is empty (later definitions override earlier ones). */
    const varsOf = (j: number): Map<string, boolean> => {
      const out = new Map<string, boolean>();
      const add = (r: { names: Set<string>; empty: Set<string> }, take: (n: string) => boolean = () => true) => {
        for (const n of r.names) if (take(n)) out.set(n, r.empty.has(n));
      };
      add(g, (n) => inheritsVar(inh(J(j)), n));
      if (u.kind === 'extends') add(tv);
      if (u.kind === 'merge' && !jv[j].lines.length) add(tv);
      add(jv[J(j)]);
      return out;
    };
    const item = (dash: number, anchor: string | null) => renderItem(u, built.words, marker, dash, anchor, scriptCd === 'block' ? cdText : null);
    const scriptItems = (dash: number, anchor: string | null, pre: boolean): { lines: string[]; r: Rendered } => {
      const d = ' '.repeat(dash);
      const lines: string[] = [];
      if (pre && u.preItem) lines.push(`${d}- echo "start"`);
      if (scriptCd === 'item') lines.push(`${d}- ${cdText}`);
      const r = item(dash, anchor);
      lines.push(...r.lines);
      if (u.trailComment) lines.push(`${d}# after the build`);
      if (u.keptNeighbour) lines.push(`${d}- |+`, `${d}  echo "kept"`, '');
      if (u.postItem) lines.push(`${d}- docker push $CI_REGISTRY_IMAGE/pushed:latest`);
      // A kept block's value holds every blank line up to the next non-blank one: one is always there.
      else if ((u.style === 'literalKeep' || u.style === 'foldedKeep') && !u.trailComment && !u.keptNeighbour) lines.push(`${d}- echo "after"`);
      return { lines, r };
    };
    let rendered: Rendered;
    switch (u.kind) {
      case 'direct': {
        const s = scriptItems(4, null, true);
        rendered = s.r;
        out.push(`${jobNames[0]}:`, '  image: docker:27', ...renderInherit(inh(0)), ...jv[0].lines, ...beforeLines(0, '  '), '  script:', ...s.lines);
        break;
      }
      case 'anchorSeq': {
        const s = scriptItems(2, null, true);
        rendered = s.r;
        out.push(`.script-${k}: &script_${k}`, ...s.lines);
        jobNames.forEach((n, j) => out.push(`${n}:`, ...renderInherit(inh(j)), ...jv[j].lines, ...beforeLines(j, '  '), `  script: *script_${k}`));
        break;
      }
      case 'anchorItem': {
        const s = scriptItems(4, `build_${k}`, true);
        rendered = s.r;
        out.push(`${jobNames[0]}:`, ...renderInherit(inh(0)), ...jv[0].lines, ...beforeLines(0, '  '), '  script:', ...s.lines);
        const cdItem = scriptCd === 'item' ? [`    - ${cdText}`] : [];
        // The literal block's own `cd` is part of the shared scalar, so it runs in both jobs.
        out.push(`${jobNames[1]}:`, '  stage: build', ...renderInherit(inh(1)), ...jv[1].lines, ...beforeLines(1, '  '), '  script:', '    - echo "second"', ...cdItem, `    - *build_${k}`);
        break;
      }
      case 'merge': {
        const s = scriptItems(4, null, true);
        rendered = s.r;
        const tb = tplBefore === null ? [] : ['  before_script:', `    - ${cdWord(CWDS[tplBefore], !u.scriptCdAbs)}`];
        out.push(`.tpl-${k}: &tpl_${k}`, '  image: docker:27', ...tv.lines, ...tb, '  script:', ...s.lines);
        jobNames.forEach((n, j) => out.push(`${n}:`, `  <<: *tpl_${k}`, ...renderInherit(inh(j)), ...jv[j].lines, ...beforeLines(j, '  ')));
        break;
      }
      case 'extends': {
        const s = scriptItems(4, null, true);
        rendered = s.r;
        const tb = tplBefore === null ? [] : ['  before_script:', `    - ${cdWord(CWDS[tplBefore], !u.scriptCdAbs)}`];
        out.push(`.base-${k}:`, '  image: docker:27', ...tv.lines, ...tb, '  script:', ...s.lines);
        jobNames.forEach((n, j) => out.push(`${n}:`, j === 0 ? `  extends: .base-${k}` : `  extends: [.base-${k}]`, ...renderInherit(inh(j)), ...jv[j].lines, ...beforeLines(j, '  ')));
        break;
      }
      case 'aliasJob': {
        const s = scriptItems(4, null, true);
        rendered = s.r;
        out.push(`${jobNames[0]}: &job_${k}`, '  image: docker:27', ...renderInherit(inh(0)), ...jv[0].lines, ...beforeLines(0, '  '), '  script:', ...s.lines);
        out.push(`${jobNames[1]}: *job_${k}`);
        break;
      }
      case 'reference': {
        const s = scriptItems(4, null, false);
        rendered = s.r;
        out.push(`.setup-${k}:`, ...tv.lines, '  script:', ...s.lines);
        jobNames.forEach((n, j) =>
          out.push(`${n}:`, ...renderInherit(inh(j)), ...jv[j].lines, ...beforeLines(j, '  '), '  script:', ...(u.preItem ? ['    - echo "start"'] : []), `    - !reference [.setup-${k}, script]`),
        );
        break;
      }
    }
    commands.push({
      marker,
      tool: u.tool,
      style: u.style,
      kind: u.kind,
      words: built.words,
      value: rendered.value,
      cmdStart: rendered.cmdStart,
      cmdEnd: rendered.cmdEnd,
      prepassed: built.prepassed,
      paths: built.paths,
      runs: jobNames.map((job, j) => {
        const vs = varsOf(j);
        return { job, cwd: cwds[j], vars: new Set(vs.keys()), empty: new Set([...vs].filter(([, e]) => e).map(([n]) => n)) };
      }),
    });
  });
  const eol = r.crlf ? '\r\n' : '\n';
  const ci = out.join(eol) + eol;
  const files: Record<string, string> = { '.gitlab-ci.yml': ci };
  for (const d of dockerfiles) files[d.path] = d.text;
  return { files, ci, crlf: r.crlf, dockerfiles, commands };
}

// ---------------------------------------------------------------------------------------------------------------
// Oracle

export interface ExpectedArg {
  name: string;
  /** Passed bare (`--build-arg NAME`): some job may have no value, and a bare arg keeps the default there. */
  bare: boolean;
}

/** What a job gives a variable (README "Values that cannot override a default with nothing"). */
function valueOf(run: JobRun, name: string): 'set' | 'maybe' | 'empty' | 'undefined' {
  if (run.vars.has(name)) return run.empty.has(name) ? 'empty' : 'set';
  if (PREDEFINED.has(name)) return MAYBE_UNSET.has(name) ? 'maybe' : 'set';
  return 'undefined';
}

/**
 * The build args the tool must add to a command: for each Dockerfile it builds (per job), each variable the
 * Dockerfile needs that the command does not pass yet, when some job building it there gives it a value:
 * `NAME=$NAME` when every job it reaches has a value; bare when a docker-family builder (which leaves an unset
 * bare arg unset) reaches jobs that have a value, none, or one in some pipelines only — never where a job
 * defines it empty (a bare arg passes the empty value); else not at all. "Every job it reaches": the jobs
 * building this Dockerfile and those building another one there that declares the variable.
 */
export function expectedArgs(repo: GenRepo, cmd: GenCommand): ExpectedArg[] {
  const exists = (p: string) => p in repo.files;
  const byDf = new Map<string, JobRun[]>();
  for (const run of cmd.runs) {
    const d = resolveDockerfile(cmd.tool, cmd.paths, run.cwd, exists);
    if (d === null || !exists(d) || !repo.dockerfiles.some((x) => x.path === d)) continue;
    byDf.set(d, [...(byDf.get(d) ?? []), run]);
  }
  const docker = cmd.tool === 'docker' || cmd.tool === 'buildx' || cmd.tool === 'podman';
  /** The names a Dockerfile declares once fixed: its own global ARGs and everything it needs (hoisted). */
  const declares = (path: string, name: string) => {
    const df = repo.dockerfiles.find((x) => x.path === path)!;
    return df.needs.includes(name) || new RegExp(`^ARG ${name}(=|\\r?$)`, 'm').test(df.text);
  };
  const out: ExpectedArg[] = [];
  for (const [d, runs] of byDf) {
    const df = repo.dockerfiles.find((x) => x.path === d)!;
    for (const name of df.needs) {
      if (cmd.prepassed.some((p) => p.name === name)) continue;
      const own = runs.map((r) => valueOf(r, name));
      if (!own.some((v) => v === 'set' || v === 'maybe')) continue;
      const reached = [...own, ...[...byDf].filter(([o]) => o !== d && declares(o, name)).flatMap(([, rs]) => rs.map((r) => valueOf(r, name)))];
      const bare = !reached.every((v) => v === 'set');
      if (bare && !(docker && reached.every((v) => v !== 'empty'))) continue;
      const seen = out.find((o) => o.name === name);
      if (seen) seen.bare ||= bare;
      else out.push({ name, bare });
    }
  }
  return out;
}

/** Dockerfiles the command builds in some job (for reporting). */
export function builtBy(repo: GenRepo, cmd: GenCommand): (string | null)[] {
  const exists = (p: string) => p in repo.files;
  return cmd.runs.map((r) => resolveDockerfile(cmd.tool, cmd.paths, r.cwd, exists));
}
