/**
 * The CI pass of the engine, per repository root (src/repo.ts runs it only while some Dockerfile needs
 * something): read the CI files with the readers of src/ci/ and build the job model (before the Dockerfiles,
 * so the CI's literal variables can serve as hoisted defaults), then, with the facts of the fixed Dockerfiles,
 * plan the CI edits (each system's pure transform in transforms/, combined by transforms/ci-combine.ts),
 * verify them (the output parses and asks for nothing more), and report each CI file like any other file.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { isNode, isScalar } from 'yaml';
import { combineCi } from '../transforms/ci-combine.js';
import { commandKey, shellStepsTransform } from '../transforms/ci-steps.js';
import { githubActionsTransform } from '../transforms/github-actions.js';
import { bakeTransform } from '../transforms/bake.js';
import { composeTransform } from '../transforms/compose.js';
import { reportedTransform } from '../transforms/ci-reported.js';
import { azureTransform } from '../transforms/azure.js';
import { droneTransform } from '../transforms/drone.js';
import type { SuppliedDefault } from '../transforms/hoist-from-args.js';
import type { DockerfileFacts } from '../transforms/support/ci-args.js';
import type { Config } from './config.js';
import { builtinEnv, checkFrom, evalGlobals, fromUses, fromVars, isBuiltin, namesUnder, type FromVars } from './dockerfile/analyze.js';
import { expandWord } from './dockerfile/shell.js';
import type { DockerfileModel } from './dockerfile/parse.js';
import { applyEdits, type TextEdit } from './edits.js';
import { gitignoreRules, ignored, isTemplatePath, loadGitignore, type Rules } from './discover.js';
import { InputError } from './errors.js';
import type { Listing } from './listing.js';
import { readText, type PendingWrite } from './fsio.js';
import type { FileReport } from './report.js';
import { loadBake, type BakeTarget } from './ci/bake.js';
import { loadBitbucket } from './ci/bitbucket.js';
import { loadCircleci } from './ci/circleci.js';
import { loadDrone, type PluginBuild } from './ci/drone.js';
import { loadAzure, type AzureDockerTask } from './ci/azure.js';
import { loadCompose, loadComposeCalls, type ComposeBuild } from './ci/compose.js';
import { loadGithub, type ActionBuild, type RepoLister } from './ci/github.js';
import { buildJobModel, type JobModel } from './ci/jobs.js';
import type { Job } from './ci/model.js';
import { CI_SYSTEMS, type CiSystem } from './ci/platform.js';
import { deriveFromRemote, deriveGithubFromRemote } from './ci/predefined.js';
import { loadJenkinsfiles, loadShellScripts, type FileWalker, type ReportedBuild } from './ci/reported.js';
import { ciDefaults, stepFinder, type BuildStep, type CiSteps, type DefaultSource } from './ci/steps.js';
import { CI_NAMES, loadCi, reusingParsed, type CiFile, type CiProblem, type ExternalInclude } from './ci/yaml.js';

/** Everything the enabled CI systems of one repository build, and the files they live in. */
export interface CiSource {
  files: CiFile[];
  external: ExternalInclude[];
  steps: CiSteps;
  actions: ActionBuild[];
  compose: ComposeBuild[];
  bake: BakeTarget[];
  azure: AzureDockerTask[];
  plugins: PluginBuild[];
  /** Build commands in Jenkinsfiles and shell scripts (reported, never edited). */
  reported: ReportedBuild[];
  /** The files those live in (they get a report only when a finding is about them). */
  reportedFiles: string[];
  /** Which systems were found. */
  found: Set<CiSystem>;
  /** CI files that could not be read (each an error or a skipped template for itself alone), in load order. */
  problems: CiProblem[];
  /** Readable files left unedited because a file they depend on could not be read, with the reason. */
  held: Map<string, string>;
}

export interface RootCi {
  root: string;
  /** The repository's files, read once for the analysis and its verification. */
  files: RepoFiles;
  source: CiSource | null;
  systems: ReadonlySet<CiSystem>;
  /** The CI files that could not be read, also when no system's file could (source is then null). */
  problems: CiProblem[];
  facts: Map<string, DockerfileFacts & { report: FileReport }>;
  /**
   * The CI's defaults for a Dockerfile: names derived from the git remote, and jobs' literal values (only those
   * in `passed`, when given: the variables every CI build of it passes once edited, see passedEverywhere).
   * `imageName`: the variables the Dockerfile's FROMs use in an image name (not a tag), whose derived GitHub
   * values are lower-cased.
   */
  defaultsFor(rel: string, passed?: ReadonlySet<string>, imageName?: ReadonlySet<string>): Map<string, SuppliedDefault>;
}

const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);
/** Walks at most this many directory entries per repository for Jenkinsfiles and shell scripts. */
const MAX_WALK = 50_000;

/**
 * The repository's files as the CI loaders see them, plus where each really is: a CI file (or a Dockerfile a
 * build names) reached through a symbolic link is read, matched and written at its real path inside the
 * repository; one whose real path is outside the repository (or a loop) is never read (`refused`).
 */
type RepoFiles = RepoLister &
  FileWalker & {
    /** The real path of `p` relative to the repository root (`/`-separated), or null when it does not exist or is outside. */
    real(p: string): string | null;
    /** `p` as the Dockerfiles of the repository are known: its real path, or the discovered path of the same inode (a hard link). */
    canonical(p: string): string;
    /** Paths a loader asked for that resolve outside the repository, with the note. */
    refused: Map<string, string>;
    /**
     * Files that exist but could not be decoded (UTF-16, invalid UTF-8, a NUL byte, over the size limit: fsio's
     * strict reading, as for Dockerfiles), with the reason, in the order they were read. `read` answers null for
     * them, so a loader treats them as absent; analyse reports each one.
     */
    undecodable: Map<string, string>;
  };
interface Entry {
  name: string;
  dir: boolean;
  file: boolean;
}

const OUTSIDE = 'symbolic link to outside the repository; not read';

/**
 * One repository's files as the CI loaders see them, each directory listed, each file read and each path
 * probed once for the whole CI pass (the analysis and its verification), so the readers of compose files,
 * workflows, Jenkinsfiles and shell scripts share one look at the disk. `dockerfiles`: the repository's
 * discovered Dockerfiles (repository-relative), which a hard link to one of them stands for. `listing`:
 * discovery's listings (src/listing.ts): a directory it listed is not listed again, and a path in one is probed
 * (exists, real path, regular file) on the listing; anything it does not know is asked of the disk.
 */
function repoFiles(root: string, dockerfiles: readonly string[] = [], listing?: Listing): RepoFiles {
  const listings = new Map<string, Entry[]>();
  const known = new Set<string>(); // regular files seen in a listing: they list as [] (readdir would fail)
  const texts = new Map<string, string | null>();
  const undecodable = new Map<string, string>();
  const probed = new Map<string, boolean>();
  const located = new Map<string, string | null | typeof OUTSIDE>();
  const refused = new Map<string, string>();
  let rootReal = root;
  try {
    rootReal = listing?.real(root) ?? realpathSync(root);
  } catch {
    /* the root is gone: nothing will be read */
  }
  let walked: string[] | null = null;
  /** The real path relative to the root, null when missing (or a loop), OUTSIDE when it resolves out of the root. */
  const locate = (p: string): string | null | typeof OUTSIDE => {
    let hit = located.get(p);
    if (hit === undefined) {
      const abs = join(root, p);
      let real = listing?.real(abs);
      if (real === undefined) {
        try {
          real = realpathSync(abs);
        } catch {
          real = null;
        }
      }
      if (real === null) hit = null;
      else {
        const rel = relative(rootReal, real);
        hit = rel.startsWith('..') || isAbsolute(rel) ? OUTSIDE : rel.split(sep).join('/');
      }
      located.set(p, hit);
    }
    return hit;
  };
  let inodes: Map<string, string> | null = null;
  const inodeKey = (p: string): string | null => {
    try {
      const st = statSync(join(rootReal, p));
      return st.isFile() ? `${st.dev}:${st.ino}` : null;
    } catch {
      return null;
    }
  };
  const entries = (dir: string): Entry[] => {
    let list = listings.get(dir);
    if (!list) {
      list = [];
      if (!known.has(dir) && locate(dir) !== OUTSIDE) {
        const prefix = dir === '' || dir === '.' ? '' : `${dir}/`;
        const abs = join(root, dir);
        const listed = listing?.dir(abs);
        // Absent, or not a directory, in a listed directory: readdir would fail (the list stays empty).
        const none = !listed && ['', 'f', 'o'].includes(listing?.type(abs) ?? 'unknown');
        if (listed) {
          listed.names.forEach((name, i) => {
            const file = listed.types[i] === 'f';
            list!.push({ name, dir: listed.types[i] === 'd', file });
            if (file) known.add(`${prefix}${name}`);
          });
        } else if (!none) {
          try {
            for (const e of readdirSync(abs, { withFileTypes: true })) {
              const file = e.isFile();
              list.push({ name: e.name, dir: e.isDirectory(), file });
              if (file) known.add(`${prefix}${e.name}`);
            }
            // Sorted by name, as discovery's listings are.
            list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
          } catch {
            list = [];
          }
        }
      }
      listings.set(dir, list);
    }
    return list;
  };
  /** Every file, `.git`, `node_modules`, `.gitignore`d and template paths skipped (as discovery skips them), sorted. */
  const walk = (): string[] => {
    const out: string[] = [];
    let seen = 0;
    // A path of the walk (its names joined by `/`) on disk: the root's normalized path joined by concatenation.
    const rootSep = root.endsWith(sep) ? root : root + sep;
    const concat = sep === '/' && normalize(root) === root;
    const onDisk = (rel: string) => (concat ? rootSep + rel : join(root, rel));
    const visit = (dir: string, rules: Rules[]) => {
      // The .gitignore discovery read, none where the listing has none, else the one on disk.
      const at = join(root, dir);
      const text = listing?.dir(at)?.gitignore;
      const own = text !== undefined ? gitignoreRules(at, text) : listing?.type(join(at, '.gitignore')) === '' ? null : loadGitignore(at);
      const here = own ? [...rules, own] : rules;
      for (const e of entries(dir)) {
        if (++seen > MAX_WALK) return;
        if (!e.dir && !e.file) continue;
        if (e.dir && SKIP_DIRS.has(e.name)) continue;
        const rel = dir ? `${dir}/${e.name}` : e.name;
        // Templates (a `{{ cookiecutter.x }}/` directory, a `.j2` file) are not the repository's scripts.
        if (isTemplatePath(rel) || ignored(here, onDisk(rel), e.dir)) continue;
        if (e.dir) visit(rel, here);
        else out.push(rel);
      }
    };
    visit('', []);
    return out;
  };
  return {
    files: () => (walked ??= walk()).slice(),
    list: (dir) => entries(dir).map((e) => e.name),
    dirs: (dir) => entries(dir).filter((e) => e.dir).map((e) => e.name),
    exists: (p) => {
      let hit = probed.get(p);
      if (hit === undefined) {
        const abs = join(root, p);
        probed.set(p, (hit = listing?.exists(abs) ?? existsSync(abs)));
      }
      return hit;
    },
    read: (p) => {
      if (texts.has(p)) return texts.get(p)!;
      let text: string | null = null;
      const real = locate(p);
      if (real === OUTSIDE) {
        // Never read: not for the analysis, not for a diff (the note says why).
        if (lstatOk(join(root, p))) refused.set(p, OUTSIDE);
      } else if (real !== null) {
        try {
          const abs = join(rootReal, real);
          // A regular file in a listing needs no stat here (readText checks it again as it reads).
          if (listing?.type(abs) === 'f' || statSync(abs).isFile()) text = readText(abs).text;
        } catch (e) {
          text = null;
          // Decoded strictly, as Dockerfiles are (src/fsio.ts): a file that exists but is not UTF-8 text is refused.
          if (e instanceof InputError) undecodable.set(p, e.message.replace(/; BuildKit reads Dockerfiles as UTF-8$/, ''));
        }
      }
      texts.set(p, text);
      return text;
    },
    real: (p) => {
      const r = locate(p);
      return r === OUTSIDE ? null : r;
    },
    canonical: (p) => {
      const r = locate(p);
      if (r === OUTSIDE || r === null || dockerfiles.includes(r)) return r === OUTSIDE || r === null ? p : r;
      // A hard link to a discovered Dockerfile (discovery takes each inode once) stands for it.
      if (!inodes) {
        inodes = new Map();
        for (const d of dockerfiles) {
          const k = inodeKey(d);
          if (k !== null && !inodes.has(k)) inodes.set(k, d);
        }
      }
      const k = inodeKey(r);
      return (k !== null && inodes.get(k)) || r;
    },
    refused,
    undecodable,
  };
}

/** `abs` exists as a directory entry (a link, even a dangling one). */
function lstatOk(abs: string): boolean {
  try {
    lstatSync(abs);
    return true;
  } catch {
    return false;
  }
}

/** The repository as it would be with the planned CI files written (`overlay`: new texts by real path). */
function withOverlay(files: RepoFiles, overlay: ReadonlyMap<string, string>): RepoFiles {
  const at = (p: string) => files.real(p) ?? p;
  return {
    ...files,
    // A path that exists is the same answer either way; one that does not has no real path (realpath fails where
    // existsSync does), so it is in the overlay only as written: no realpath per probe (compose's walk probes
    // `<dir>/.git` in every directory, nearly all absent).
    exists: (p) => files.exists(p) || overlay.has(p),
    read: (p) => (overlay.has(at(p)) ? overlay.get(at(p))! : files.read(p)),
  };
}

/** Why a CI file was refused when read, as its error says it. */
function refusedCi(view: RepoFiles, path: string): string | undefined {
  const why = view.undecodable.get(path);
  return why === 'is UTF-16 encoded' ? `${why}; CI files are read as UTF-8` : why;
}

/**
 * What one analysis computed, piece by piece, with the paths each piece asked about, so that the verification of
 * the planned edits (finishCi), which analyses the repository again as it would be with the changed files' new
 * texts, computes again only the pieces that asked about a changed file. A piece is a deterministic function of
 * what `read` and `exists` answer for the paths it asks about and of the parsed documents: `list`, `dirs`, `files`,
 * `real` and `canonical` answer from the disk, which the planned texts leave as it is (they replace the texts of
 * files that exist), and an unchanged text keeps its parsed document (src/ci/yaml.ts reusingParsed). So a piece
 * none of whose paths changed gives the result it gave, problems included (a piece's problems are its own, added
 * in the order the pieces come), and that result is taken as it is.
 */
interface Memo {
  /** Each system's loader (GitLab's with its job model), the reported builds, the compose builds as jobs run them. */
  pieces: Map<string, Piece<unknown>>;
  /** Each job's build steps (src/ci/steps.ts stepFinder), by the Job object. */
  jobs: Map<Job, Piece<Required<CiSteps>>>;
}

interface Piece<T> {
  value: T;
  /** The paths the piece read, and those it only probed with `exists`. */
  reads: ReadonlySet<string>;
  probes: ReadonlySet<string>;
  problems: readonly CiProblem[];
}

/** The analysis a verification repeats: its pieces, and which paths the planned texts change. */
interface Prior {
  memo: Memo;
  /** True when `read(path)` answers differently with the planned texts. */
  reads(path: string): boolean;
  /** True when `exists(path)` may. */
  probes(path: string): boolean;
}

/** Each analysis's pieces, for its verification. */
const memos = new WeakMap<CiSource, Memo>();

/**
 * Reads the CI files of the enabled systems, each file for itself: one that cannot be read (invalid YAML, a
 * template) is recorded in `problems` and the others are read and planned as usual.
 *
 * GitLab is the exception, because it merges the main file and its local includes into one configuration: a
 * `default:` before_script (a `cd`) or `tags:` (a Windows runner), global `variables:`, or a definition of the
 * same job name in any of them changes every job, and the unreadable file may hold any of these. GitLab itself
 * creates no pipeline while an included file is invalid ("Included file … does not have valid YAML syntax!").
 * So no job of that pipeline is modelled or edited; its readable files are reported as held, with the reason.
 *
 * With `prior` (the verification), a piece of the prior analysis that asked about no changed path is taken as it
 * is (Memo); GitLab's job model, when its files changed, is built again reusing each job none of whose
 * definitions changed (src/ci/jobs.ts buildJobModel), and such a job keeps its steps.
 */
function analyse(view: RepoFiles, systems: ReadonlySet<CiSystem>, prior?: Prior): CiSource {
  const problems: CiProblem[] = [];
  const out: CiSource = { files: [], external: [], steps: { steps: [], scriptFiles: [] }, actions: [], compose: [], bake: [], azure: [], plugins: [], reported: [], reportedFiles: [], found: new Set(), problems, held: new Map() };
  const memo: Memo = { pieces: new Map(), jobs: new Map() };
  memos.set(out, memo);
  const jobs: Job[] = [];
  const notes: JobModel['notes'] = [];
  /** A fresh piece: `compute` through a view that records the paths asked about. */
  const run = <T>(compute: (view: RepoFiles, problems: CiProblem[]) => T): Piece<T> => {
    const reads = new Set<string>();
    const probes = new Set<string>();
    const own: CiProblem[] = [];
    const recording: RepoFiles = {
      ...view,
      read: (p) => (reads.add(p), view.read(p)),
      exists: (p) => (probes.add(p), view.exists(p)),
    };
    return { value: compute(recording, own), reads, probes, problems: own };
  };
  const unchanged = (old: Piece<unknown> | undefined): boolean => {
    if (!old || !prior) return false;
    for (const p of old.reads) if (prior.reads(p)) return false;
    for (const p of old.probes) if (prior.probes(p)) return false;
    return true;
  };
  /** A piece's value: the prior one when it is unchanged (and `same` accepts its other inputs), else computed. */
  const piece = <T>(name: string, compute: (view: RepoFiles, problems: CiProblem[]) => T, same: (old: T) => boolean = () => true): T => {
    const old = prior?.memo.pieces.get(name) as Piece<T> | undefined;
    const p = old && unchanged(old) && same(old.value) ? old : run(compute);
    memo.pieces.set(name, p);
    problems.push(...p.problems);
    return p.value;
  };
  /** A build naming a Dockerfile through a link (or a hard link) builds the Dockerfile the tool analysed. */
  const canonical = <B extends { dockerfile: string | null }>(list: B[]): B[] => {
    for (const b of list) if (b.dockerfile !== null) b.dockerfile = view.canonical(b.dockerfile);
    return list;
  };
  /** A matrix build's Dockerfiles (one BuildStep or ActionBuild each, sharing the list), likewise. */
  const canonicalMatrix = <B extends { matrix?: { candidates: string[] } }>(list: B[]): B[] => {
    let matrices: Set<{ candidates: string[] }> | undefined;
    for (const b of list) if (b.matrix) (matrices ??= new Set()).add(b.matrix);
    for (const m of matrices ?? []) m.candidates = [...new Set(m.candidates.map((d) => view.canonical(d)))];
    return list;
  };
  if (systems.has('gitlab')) {
    const before = (prior?.memo.pieces.get('gitlab') as Piece<{ model: JobModel | null }> | undefined)?.value.model ?? undefined;
    const { gitlab, model } = piece('gitlab', (v, problems) => {
      // A local include that links out of the repository is not read: the pipeline is then held, as for an
      // include that cannot be parsed (it may hold anything).
      const outside: string[] = [];
      const gitlab = loadCi(
        (p) => {
          const text = v.read(p);
          if (text === null && v.refused.has(p)) outside.push(p);
          return text;
        },
        problems,
        (p) => refusedCi(v, p),
      );
      if (gitlab) gitlab.unreadable.push(...outside.filter((p) => !CI_NAMES.includes(p)));
      return { gitlab, model: gitlab && gitlab.unreadable.length === 0 ? buildJobModel(gitlab, before) : null };
    });
    if (gitlab) {
      out.found.add('gitlab');
      out.files.push(...gitlab.files);
      if (model) {
        out.external.push(...gitlab.external);
        jobs.push(...model.jobs);
        notes.push(...model.notes);
      } else {
        const which = `${gitlab.unreadable.length > 1 ? 'includes' : 'include'} ${gitlab.unreadable.join(', ')}`;
        for (const f of gitlab.files) {
          out.held.set(f.path, `not edited: the GitLab pipeline's local ${which} cannot be read, and any of its jobs may take before_script, tags, variables or a same-named job from there`);
        }
      }
    }
  }
  if (systems.has('github')) {
    const github = piece('github', (v, problems) => {
      const got = loadGithub(v, problems);
      if (got) canonicalMatrix(canonical(got.actions));
      return got;
    });
    if (github) {
      out.found.add('github');
      out.files.push(...github.files);
      jobs.push(...github.jobs);
      out.actions.push(...github.actions);
    }
  }
  if (systems.has('bitbucket')) {
    const bitbucket = piece('bitbucket', (v, problems) => loadBitbucket(v.read, problems));
    if (bitbucket) {
      out.found.add('bitbucket');
      out.files.push(...bitbucket.files);
      jobs.push(...bitbucket.jobs);
    }
  }
  if (systems.has('azure')) {
    const azure = piece('azure', (v, problems) => {
      const got = loadAzure(v, problems);
      if (got) canonicalMatrix(canonical(got.tasks));
      return got;
    });
    if (azure) {
      out.found.add('azure');
      out.files.push(...azure.files);
      jobs.push(...azure.jobs);
      out.azure.push(...azure.tasks);
    }
  }
  if (systems.has('circleci')) {
    const circleci = piece('circleci', (v, problems) => loadCircleci(v.read, problems));
    if (circleci) {
      out.found.add('circleci');
      out.files.push(...circleci.files);
      jobs.push(...circleci.jobs);
    }
  }
  if (systems.has('drone') || systems.has('woodpecker')) {
    const drone = piece('drone', (v, problems) => {
      const got = loadDrone(v, { drone: systems.has('drone'), woodpecker: systems.has('woodpecker') }, problems);
      if (got) canonical(got.plugins);
      return got;
    });
    if (drone) {
      for (const f of drone.files) out.found.add(f.path.startsWith('.drone') ? 'drone' : 'woodpecker');
      out.files.push(...drone.files);
      jobs.push(...drone.jobs);
      out.plugins.push(...drone.plugins);
    }
  }
  // The compose files' builds as read; the jobs' compose commands (below) may add to them, in a copy.
  const compose = systems.has('compose') ? piece('compose', (v, problems) => loadCompose(v, problems)) : null;
  if (compose) {
    out.found.add('compose');
    out.files.push(...compose.files);
  }
  if (systems.has('bake')) {
    const bake = piece('bake', (v, problems) => {
      const got = loadBake(v, problems);
      if (got) canonical(got.targets);
      return got;
    });
    if (bake) {
      out.found.add('bake');
      out.files.push(...bake.files);
      out.bake.push(...bake.targets);
    }
  }
  // A CI file refused when read is an error for that file alone, as invalid YAML is (GitLab's own were recorded
  // by loadCi, which holds the pipeline).
  for (const path of view.undecodable.keys()) if (!problems.some((p) => p.path === path)) problems.push({ path, kind: 'error', message: refusedCi(view, path)! });
  const ciRefused = new Set(view.undecodable.keys());
  for (const [system, load] of [
    ['jenkins', loadJenkinsfiles],
    ['shell', loadShellScripts],
  ] as const) {
    if (!systems.has(system)) continue;
    const got = piece(system, (v) => {
      const got = load(v);
      canonical(got.builds);
      return got;
    });
    if (got.builds.length === 0) continue;
    out.found.add(system);
    out.reported.push(...got.builds);
    out.reportedFiles.push(...got.files);
  }
  if (out.found.size > 0) {
    // Each job's steps: a job of the prior analysis (the same Job object: its system's files, or for GitLab its
    // definitions, did not change) that asked about no changed path has the same steps.
    const steps: Required<CiSteps> = { steps: [], scriptFiles: [], compose: [] };
    const find = stepFinder();
    for (const job of jobs) {
      const old = prior?.memo.jobs.get(job);
      let p: Piece<Required<CiSteps>>;
      if (old && unchanged(old)) p = old;
      else {
        // As run(), for the RepoView a job's steps read through.
        const reads = new Set<string>();
        const probes = new Set<string>();
        const got = find(job, { read: (q) => (reads.add(q), view.read(q)), exists: (q) => (probes.add(q), view.exists(q)) });
        canonicalMatrix(canonical(got.steps));
        canonical(got.scriptFiles);
        p = { value: got, reads, probes, problems: [] };
      }
      memo.jobs.set(job, p);
      steps.steps.push(...p.value.steps);
      steps.scriptFiles.push(...p.value.scriptFiles);
      steps.compose.push(...p.value.compose);
    }
    out.steps = steps;
  }
  // The compose files and services the jobs' `docker compose build|up` commands use (issue 13 item 2), added to a
  // copy of the builds as read (they are the prior analysis's when unchanged).
  if (systems.has('compose')) {
    const calls = out.steps.compose ?? [];
    const final = piece(
      'compose-calls',
      (v, problems) => {
        const builds = (compose?.builds ?? []).map((b) => ({ ...b }));
        const added = calls.length ? loadComposeCalls(v, calls, compose?.files ?? [], builds, problems) : [];
        return { compose, calls, builds: canonical(builds), added };
      },
      (old) => old.compose === compose && old.calls.length === calls.length && old.calls.every((c, i) => c === calls[i]),
    );
    out.compose.push(...final.builds);
    out.files.push(...final.added);
    if (out.compose.some((b) => b.jobs)) out.found.add('compose');
  }
  // A script the steps run is edited only when it is one of the repository's files (not .gitignore'd, generated
  // by an earlier step, or a template).
  if (out.steps.scriptFiles.some((s) => s.notEditable === null)) {
    const listed = new Set(view.files());
    for (const s of out.steps.scriptFiles) if (s.notEditable === null && !listed.has(s.script)) s.notEditable = `${s.script} is .gitignore'd or a template, not one of the repository's files`;
  }
  // Scripts and Jenkinsfiles are only searched for builds: one that cannot be read is passed over with a note.
  for (const [path, message] of view.undecodable) if (!ciRefused.has(path)) problems.push({ path, kind: 'skipped', message: `${message}; not searched for builds` });
  // Links out of the repository that a loader asked for: never read, each a note for itself.
  for (const [path, message] of view.refused) if (!problems.some((p) => p.path === path)) problems.push({ path, kind: 'skipped', message });
  return out;
}

/** A small regular file's text; throws for anything else (a .git/config linked to a device or a FIFO would never end). */
function readSmall(path: string): string {
  const st = statSync(path);
  if (!st.isFile() || st.size > 1 << 20) throw new Error(`${path}: not a small regular file`);
  return readFileSync(path, 'utf8');
}

/**
 * origin's URL, read from .git/config as data: nothing from a scanned repository is executed (running git
 * there would honour its config, e.g. core.fsmonitor). Handles `[remote "origin"]` and a `.git` file
 * pointing at a worktree's git dir. `head`: the branch `refs/remotes/origin/HEAD` points at (the symbolic ref
 * `git clone` writes, a loose file `ref: refs/remotes/origin/<branch>`; packed-refs holds no symbolic refs), or null.
 */
function gitRemote(root: string): { url: string; head: string | null } | null {
  try {
    let gitDir = join(root, '.git');
    if (statSync(gitDir).isFile()) {
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(readSmall(gitDir));
      if (!m) return null;
      gitDir = resolve(root, m[1]);
      const common = join(gitDir, 'commondir');
      if (existsSync(common)) gitDir = resolve(gitDir, readSmall(common).trim());
    }
    let section = '';
    let url: string | null = null;
    for (const raw of readSmall(join(gitDir, 'config')).split(/\r?\n/)) {
      const line = raw.trim();
      const head = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]$/.exec(line);
      if (head) {
        section = head[2] === undefined ? head[1].toLowerCase() : `${head[1].toLowerCase()} ${head[2]}`;
        continue;
      }
      const kv = /^url\s*=\s*(.*)$/i.exec(line);
      if (kv && section === 'remote origin') {
        url = kv[1].replace(/^"(.*)"$/, '$1').trim() || null;
        break;
      }
    }
    if (url === null) return null;
    let head: string | null = null;
    try {
      const ref = /^ref: refs\/remotes\/origin\/(\S+)\s*$/.exec(readSmall(join(gitDir, 'refs', 'remotes', 'origin', 'HEAD')));
      if (ref && ref[1] !== 'HEAD') head = ref[1];
    } catch {
      /* no origin/HEAD */
    }
    return { url, head };
  } catch {
    /* no repository, or no readable config */
  }
  return null;
}

/**
 * Predefined CI variables that follow from the git remote, per CI platform, with their provenance for the
 * report: GitLab's project variables and, from `origin/HEAD`, CI_DEFAULT_BRANCH; GitHub's repository variables
 * from a github.com remote. Read from the git directory alone, whichever CI files are read.
 */
export function remoteDefaults(root: string, registryHost?: string): Map<'gitlab' | 'github', Map<string, SuppliedDefault>> {
  const out = new Map<'gitlab' | 'github', Map<string, SuppliedDefault>>([['gitlab', new Map()], ['github', new Map()]]);
  const remote = gitRemote(root);
  if (!remote) return out;
  const source = `git remote origin (${remote.url})`;
  const gitlab = out.get('gitlab')!;
  for (const [name, value] of deriveFromRemote(remote.url, registryHost)) gitlab.set(name, { value, source });
  if (remote.head !== null) gitlab.set('CI_DEFAULT_BRANCH', { value: remote.head, source: `origin/HEAD (refs/remotes/origin/${remote.head})` });
  for (const [name, value] of deriveGithubFromRemote(remote.url)) out.get('github')!.set(name, { value, source });
  return out;
}

/** `dockerfiles`: the repository's Dockerfiles (repository-relative), which a hard link to one of them stands for. */
export function prepareCi(root: string, config: Config | InputError, systems: ReadonlySet<CiSystem> = new Set(CI_SYSTEMS), dockerfiles: readonly string[] = [], listing?: Listing): RootCi {
  const ci: RootCi = { root, files: repoFiles(root, dockerfiles, listing), source: null, systems, problems: [], facts: new Map(), defaultsFor: () => new Map() };
  const source = analyse(ci.files, systems);
  ci.problems = source.problems;
  if (source.found.size === 0) return ci;
  ci.source = source;
  const derived = ci.source.found.has('gitlab') || ci.source.found.has('github') ? remoteDefaults(root, config instanceof InputError ? undefined : config.registry) : null;
  // Compose builds a job runs count as that job's builds (their args come from its environment).
  const composeRuns = ci.source.compose.flatMap((b) => (b.jobs ?? []).map((job) => ({ job, dockerfile: b.dockerfile, passed: b.passed })));
  const steps: DefaultSource[] = [...ci.source.steps.steps, ...ci.source.steps.scriptFiles, ...ci.source.actions, ...ci.source.azure, ...ci.source.plugins, ...composeRuns];
  ci.defaultsFor = (rel, passed, imageName) => {
    const out = new Map<string, SuppliedDefault>();
    if (!steps.some((s) => s.dockerfile === rel)) return out;
    // The project's own values (registry path, default branch, repository), not a job's: a default whichever
    // build of the platform passes it.
    for (const [platform, values] of derived ?? []) {
      if (!steps.some((s) => s.dockerfile === rel && s.job.platform.id === platform)) continue;
      for (const [name, d] of values) {
        // GitHub keeps the owner's capitals, which a repository name cannot have (research ci.md §1.7).
        const lower = platform === 'github' && imageName?.has(name) && d.value !== d.value.toLowerCase();
        out.set(name, lower ? { value: d.value.toLowerCase(), source: `${d.source}, lower-cased for an image name` } : d);
      }
    }
    for (const [name, d] of ciDefaults(steps, rel)) if (!passed || passed.has(name)) out.set(name, d);
    return out;
  };
  return ci;
}

/**
 * The CI side's facts about a Dockerfile: its FROM variables and the ones it needs (computed on the file as
 * read, src/dockerfile/analyze.ts fromVars), and, from the parsed output (no second parse), what it declares
 * and where its variables sit in an image reference.
 */
export function ciFacts(path: string, model: DockerfileModel | null, vars: FromVars, passDefined = false, fallbacks: ReadonlyMap<string, string> = new Map()): DockerfileFacts {
  const tagVars = new Set<string>();
  const repoVars = new Set<string>();
  if (model) {
    const env = evalGlobals(
      model.globalArgs.map((a) => ({ name: a.name, raw: a.raw })),
      builtinEnv(model),
      model.escape,
    ).env;
    for (const u of fromUses(model, env)) {
      if (isBuiltin(u.use.name) || u.part !== 'image') continue;
      const t = u.word.text;
      const slash = t.lastIndexOf('/', u.use.start);
      const colon = t.indexOf(':', slash + 1);
      if (colon >= 0 && colon < u.use.start && !t.slice(colon, u.use.start).includes('@')) tagVars.add(u.use.name);
      else if (!t.slice(0, u.use.start).includes('@')) repoVars.add(u.use.name);
    }
  }
  const first = vars.needs[0] ?? vars.uses[0];
  const defaults = new Map<string, string>();
  for (const u of vars.uses) if (u.default !== null) defaults.set(u.name, u.default);
  // The Dockerfile as the tool leaves it (`model` is the output): what it still needs, a supplied default
  // counting as none, and the default an unset variable falls back to where its FROMs are valid without it.
  const after = { needs: [] as string[], kept: new Map<string, string>(), undeclared: new Set<string>() };
  if (model && model.froms.length) {
    const still = fromVars(model, fallbacks).needs;
    after.needs = still.map((n) => n.name);
    after.undeclared = new Set(still.filter((n) => !n.declared).map((n) => n.name));
    const out = fromVars(model);
    const failing = new Set(out.needs.map((n) => n.name));
    for (const u of out.uses) if (!failing.has(u.name)) after.kept.set(u.name, u.default ?? '');
  }
  const needed = new Set(vars.needs.map((n) => n.name));
  const checkValues = (values: ReadonlyMap<string, string>) => {
    if (!model) return [];
    // convert.go buildMetaArgs: a build arg replaces its global ARG's value (unexpanded), the others expand in order.
    const env = new Map(builtinEnv(model));
    for (const a of model.globalArgs) {
      const v = values.get(a.name);
      if (v !== undefined) env.set(a.name, v);
      else if (a.raw !== null) env.set(a.name, expandWord(a.raw, env, model.escape).value);
    }
    const out: { image: string; value: string; invalid: string; names: string[] }[] = [];
    for (const from of model.froms) {
      const names = [...namesUnder(model, from.image.text)].filter((n) => needed.has(n));
      if (names.length === 0 || !names.every((n) => values.has(n))) continue;
      const c = checkFrom(model, from, env);
      if (c.value !== null && c.invalid !== null) out.push({ image: from.image.text, value: c.value, invalid: c.invalid, names });
    }
    return out;
  };
  return {
    path,
    checkValues,
    uses: vars.uses.map((u) => u.name),
    needs: vars.needs.map((u) => u.name),
    declared: new Set(model ? [...model.globalArgs.map((a) => a.name), ...model.stageArgs.map((a) => a.decl.name)] : []),
    tagVars,
    repoVars,
    defaults,
    after,
    passDefined,
    line: first?.line ?? 1,
    column: first?.column ?? 1,
  };
}

/** Every shell build step as job, command and Dockerfile, in order: the edits must leave this unchanged. */
function stepSignature(src: CiSource): string {
  return [
    ...src.steps.steps.map((s) => `${s.job.name}\0${s.command.label}\0${s.dockerfile}`),
    ...src.steps.scriptFiles.map((s) => `${s.job.name}\0${s.script}\0${s.start}\0${s.command.label}\0${s.dockerfile}`),
  ].join('\n');
}

/** A changed CI file to write, with the edits that made it (for its diff). */
export type CiWrite = PendingWrite & { edits: readonly TextEdit[] };

export interface FinishOptions {
  cwd: string;
  /** Receives each changed CI file for writing (with --write). */
  queue?(w: CiWrite): void;
  display(abs: string): string;
  diff(path: string, before: string, after: string, edits?: readonly TextEdit[]): string;
}

/** The CI edits and findings for `src` and the Dockerfiles' facts (pure). */
function planCi(ci: RootCi, src: CiSource, facts: ReadonlyMap<string, DockerfileFacts>) {
  // An unreadable CI file (and so a held GitLab pipeline), or one that links out of the repository, may build any
  // Dockerfile: none is then said to be built by no CI step.
  const unknown = { edits: new Map(), findings: [], built: new Set(ci.problems.some((p) => p.kind === 'error') || ci.files.refused.size > 0 ? facts.keys() : []) };
  // Each transform plans from its own builds and the facts alone.
  const parts = {
    steps: shellStepsTransform({ steps: src.steps, dockerfiles: facts }),
    actions: githubActionsTransform(src.actions, facts),
    compose: composeTransform(src.compose, facts),
    bake: bakeTransform(src.bake, facts),
    reported: reportedTransform(src.reported, facts),
    azure: azureTransform(src.azure, facts),
    plugins: droneTransform(src.plugins, facts),
  };
  return { ...combineCi({ parts: [...Object.values(parts), unknown], scriptFiles: src.steps.scriptFiles, external: src.external, dockerfiles: facts }), parts };
}

/**
 * For each Dockerfile (with ci.facts as they stand), the variables every CI build of it passes once the planned
 * edits are made (a shell command, an action step, a task, a plugin step): only those may take a CI value as
 * their default. A value the CI has, but that some build of the Dockerfile would not get (its edit cannot be
 * made, or its job has none), would otherwise be written as the default, stand in for that build's value, and
 * leave a second run silent about it.
 */
export function passedEverywhere(ci: RootCi): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  if (!ci.source) return out;
  const facts = new Map<string, DockerfileFacts>();
  for (const [k, f] of ci.facts) facts.set(k, { ...f, sites: [] });
  planCi(ci, ci.source, facts);
  for (const [k, f] of facts) {
    const sites = f.sites!;
    out.set(k, new Set(sites.length ? [...sites[0]].filter((n) => sites.every((s) => s.has(n))) : []));
  }
  return out;
}

/**
 * Verifies the planned CI edits (`outputs`: the new text of each changed file, by real path), or throws saying
 * what is wrong: the repository is analysed again as it would be with the new texts, and a changed file must still
 * be read as it was, every build step must still build what it built, and planning again must ask for nothing
 * more. Only what the changed files feed is computed again (analyse's `prior`): a changed file is parsed again, an
 * unchanged one keeps its parsed document, and every piece of the analysis (a system's loader, a job's steps, ...)
 * that asked about no changed file is the piece it was.
 */
export function verifyCi(ci: RootCi, outputs: ReadonlyMap<string, string>, facts: ReadonlyMap<string, DockerfileFacts> = ci.facts, planned = planCi(ci, ci.source!, facts)): void {
  const source = ci.source!;
  const memo = memos.get(source);
  // Changed answers, as withOverlay gives them: `read` of a path whose real path has a new text, `exists` of a
  // path with a new text (a path that exists answers the same either way).
  const prior: Prior | undefined = memo && { memo, reads: (p) => outputs.has(ci.files.real(p) ?? p), probes: (p) => outputs.has(p) };
  const again = reusingParsed(source.files, () => analyse(withOverlay(ci.files, outputs), ci.systems, prior));
  if (verification.crossCheck) {
    const full = reusingParsed(source.files, () => analyse(withOverlay(ci.files, outputs), ci.systems));
    if (shape(again) !== shape(full)) throw new Error('cross-check: the analysis of the planned CI edits differs from the full one');
    if (shape(planCi(ci, unplanned(source, again, planned), facts).edits) !== shape(planCi(ci, full, facts).edits)) throw new Error('cross-check: planning the edited CI again differs from planning it in full');
  }
  // A changed file must still be read as it was: valid YAML (duplicate keys included), not newly a template.
  const lost = again.problems.find((p) => outputs.has(p.path) && !ci.problems.some((q) => q.path === p.path));
  if (lost) throw new Error(`the planned CI edits make ${lost.path} unreadable (${lost.message}${lost.line ? ` at ${lost.line}:${lost.column}` : ''})`);
  if (stepSignature(again) !== stepSignature(source)) throw new Error('the planned CI edits change what a build step builds');
  const second = planCi(ci, unplanned(source, again, planned), facts);
  if ([...second.edits.values()].some((e) => e.length > 0)) throw new Error('the planned CI edits do not settle the file');
}

/**
 * For tests: with `crossCheck`, verifyCi also analyses the edited repository and plans it again in full (no
 * piece taken from the first analysis, every build planned), and fails (an internal error) unless both read
 * the same (shape) and plan the same edits.
 */
export const verification = { crossCheck: false };

/**
 * A value as data, for comparing two analyses: objects by content (a CI file by its path and text, a YAML node by
 * its kind, range and scalar value, a platform by its id), and which objects are shared: an object met again is
 * written as a reference to where it was first met.
 */
function shape(value: unknown): string {
  const seen = new Map<object, number>();
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return typeof v === 'function' ? `function ${v.name}` : v === undefined ? '<undefined>' : v;
    const at = seen.get(v);
    if (at !== undefined) return `<ref ${at}>`;
    seen.set(v, seen.size);
    if (isNode(v)) return { node: v.constructor.name, range: v.range, ...(isScalar(v) ? { type: v.type, value: v.value } : {}) };
    if ('doc' in v && 'lc' in v && 'path' in v && 'text' in v) return { file: v.path, text: v.text };
    if ('predefined' in v && 'shellValue' in v && 'id' in v) return { platform: v.id };
    if (v instanceof Map) return { map: [...v].map(([k, x]) => [walk(k), walk(x)]) };
    if (v instanceof Set) return { set: [...v].map(walk) };
    if (Array.isArray(v)) return v.map(walk);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
  };
  return JSON.stringify(walk(value));
}

/**
 * `again` without the builds whose planning again is known to ask for nothing, for checking that the edits settle
 * (planning again asks for no edit): each transform of planCi plans from its own builds and the facts alone, so
 * builds that are the first planning's own (the same objects, in the same order: analyse took them unchanged)
 * get the edits they got then. So a transform whose builds are all the first planning's, where it made no edit,
 * makes none again. Shell steps go by command (transforms/ci-steps.ts commandKey): a command's edits are planned
 * from the steps that run it and the facts alone and are edits of its own file, so a command whose steps are all
 * the first planning's, in a file the first planning did not edit, gets no edit again.
 */
function unplanned(source: CiSource, again: CiSource, planned: ReturnType<typeof planCi>): CiSource {
  const same = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const quiet = (part: keyof typeof planned.parts) => [...planned.parts[part].edits.values()].every((e) => e.length === 0);
  const byCommand = (steps: readonly BuildStep[]) => {
    const out = new Map<string, BuildStep[]>();
    for (const s of steps) {
      const k = commandKey(s);
      const list = out.get(k);
      if (list) list.push(s);
      else out.set(k, [s]);
    }
    return out;
  };
  const before = byCommand(source.steps.steps);
  const settled = new Set<string>();
  for (const [k, list] of byCommand(again.steps.steps)) {
    const prior = before.get(k);
    if (prior && same(list, prior) && !planned.edits.get(list[0].item.file.path)?.length) settled.add(k);
  }
  return {
    ...again,
    steps: { ...again.steps, steps: again.steps.steps.filter((s) => !settled.has(commandKey(s))) },
    actions: same(again.actions, source.actions) && quiet('actions') ? [] : again.actions,
    compose: same(again.compose, source.compose) && quiet('compose') ? [] : again.compose,
    bake: same(again.bake, source.bake) && quiet('bake') ? [] : again.bake,
    reported: same(again.reported, source.reported) && quiet('reported') ? [] : again.reported,
    azure: same(again.azure, source.azure) && quiet('azure') ? [] : again.azure,
    plugins: same(again.plugins, source.plugins) && quiet('plugins') ? [] : again.plugins,
  };
}

/** Plans, verifies and (with --write) applies the CI edits; returns the CI files' reports. */
export function finishCi(ci: RootCi, o: FinishOptions): FileReport[] {
  const out: FileReport[] = [];
  // Each file that could not be read, for itself: an error (path:line:col) or a skipped template (a note).
  for (const p of ci.problems) {
    const path = o.display(join(ci.root, p.path));
    if (p.kind === 'error') out.push({ path, status: 'error', findings: [], hoisted: [], diff: '', error: new InputError(p.message, p.line, p.column).format(path) });
    else out.push({ path, status: 'skipped', findings: [], hoisted: [], diff: '', note: p.message });
  }
  if (!ci.source) return out;
  const facts = new Map<string, DockerfileFacts>(ci.facts);
  const result = planCi(ci, ci.source, facts);
  // The CI is read only while some Dockerfile needs something (src/repo.ts): when none does once the planned
  // Dockerfile edits are made, a second run does not read it, so its unfixed findings are not reported now
  // either (the edits' own findings are).
  const wanted = [...ci.facts.values()].some((f) => f.after.needs.length > 0 || (f.passDefined && f.uses.length > 0));
  if (!wanted) result.findings = result.findings.filter((f) => f.fixed);
  // One report per real file: a CI file reached through a symbolic link is reported, diffed and written at its
  // real path (so `git apply` of the diff patches what --write patches), and the link stays a link.
  const realOf = (p: string) => ci.files.real(p) ?? p;
  const reports = new Map<string, FileReport>();
  const byReal = new Map<string, FileReport>();
  const links = new Map<FileReport, Set<string>>();
  const reportFor = (p: string): FileReport => {
    const real = realOf(p);
    let r = byReal.get(real);
    if (!r) {
      r = { path: o.display(join(ci.root, real)), status: 'unchanged', findings: [], hoisted: [], diff: '' };
      byReal.set(real, r);
      links.set(r, new Set());
      out.push(r);
    }
    if (real !== p) links.get(r)!.add(p);
    reports.set(p, r);
    return r;
  };
  for (const f of ci.source.files) {
    const r = reports.get(f.path) ?? reportFor(f.path);
    const held = ci.source.held.get(f.path);
    if (held !== undefined) r.note = held;
  }
  // Scripts a CI step runs are part of its CI (src/ci/steps.ts): their edits and findings are reported like a CI file's.
  const scripts = new Set(ci.source.steps.scriptFiles.map((s) => s.script));
  for (const f of result.findings) {
    if (!reports.has(f.file) && (ci.source.reportedFiles.includes(f.file) || scripts.has(f.file))) reportFor(f.file);
    const target = reports.get(f.file) ?? ci.facts.get(f.file)?.report;
    if (!target) continue;
    // A file read through two paths (a link and its target, both CI files) gets each finding once.
    if (links.get(target)?.size && target.findings.some((x) => x.rule === f.rule && x.line === f.line && x.column === f.column && x.message === f.message)) continue;
    target.findings.push({ ...f, file: target.path });
  }
  // The new text of each changed file, by real path; the same file reached through two paths must get the same edits.
  const planned = new Map<string, { before: string; next: string }>();
  const conflicting = new Set<string>();
  const readAs = new Map<string, string>();
  for (const f of ci.source.files) {
    const real = realOf(f.path);
    if (!readAs.has(real)) readAs.set(real, f.path);
    const next = applyEdits(f.text, result.edits.get(f.path) ?? []);
    const prior = planned.get(real);
    if (!prior) planned.set(real, { before: f.text, next });
    else if (prior.next !== next || prior.before !== f.text) conflicting.add(real);
  }
  for (const [path, list] of result.edits) {
    if (!scripts.has(path) || list.length === 0) continue;
    const text = ci.files.read(path);
    const real = realOf(path);
    if (text === null || planned.has(real)) continue;
    if (!reports.has(path)) reportFor(path);
    readAs.set(real, path);
    planned.set(real, { before: text, next: applyEdits(text, list) });
  }
  const outputs = new Map<string, string>();
  for (const [real, p] of planned) if (!conflicting.has(real) && p.next !== p.before) outputs.set(real, p.next);
  for (const real of conflicting) {
    const r = byReal.get(real)!;
    r.status = 'error';
    r.error = `${r.path}: is read as more than one CI file (${[real, ...links.get(r)!].sort().join(', ')}, through symbolic links) and they need different edits; not edited`;
  }
  if (outputs.size === 0) return out;
  try {
    verifyCi(ci, outputs, facts, result);
  } catch (e) {
    for (const real of outputs.keys()) {
      const r = byReal.get(real)!;
      r.status = 'error';
      r.error = `${r.path}: internal error: ${e instanceof Error ? e.message : String(e)} (not written)`;
    }
    return out;
  }
  for (const [real, next] of outputs) {
    const r = byReal.get(real)!;
    const abs = join(ci.root, real);
    try {
      const read = readText(abs);
      // The edits were planned on the text the analysis read: the file must still hold exactly that.
      if (read.text !== ci.files.read(readAs.get(real)!)) throw new InputError('changed on disk since it was read; not written');
      r.status = 'changed';
      // The edits of the path it was read as (every path to it got the same ones), for the diff.
      const edits = result.edits.get(readAs.get(real)!) ?? [];
      r.diff = o.diff(r.path, read.text, next, edits);
      const via = [...links.get(r)!].sort();
      if (via.length > 0) {
        r.note = `${via.length === 1 ? `the CI file ${via[0]} is a symbolic link` : `the CI files ${via.join(', ')} are symbolic links`} to this file; written here, the link${via.length === 1 ? '' : 's'} left as ${via.length === 1 ? 'it is' : 'they are'}`;
      }
      o.queue?.({
        abs,
        text: next,
        edits,
        expected: read.bytes,
        mode: read.mode,
      });
    } catch (e) {
      r.status = 'error';
      r.error = e instanceof InputError ? e.format(r.path) : `${r.path}: ${String(e)}`;
    }
  }
  return out;
}
