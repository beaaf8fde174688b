/**
 * git, only for the explicit --git-branch/--git-commit options, and only through plumbing that cannot run a
 * program the scanned repository configures: no `status`, `add`, `switch` or `commit`, which run clean and
 * process filters (.gitattributes, .git/info/attributes), hooks, core.fsmonitor, gpg.program, `gc --auto`.
 *
 * - the clean check reads the index (`ls-files --debug`) and HEAD (`ls-tree`) as data and compares the work tree
 *   itself: stat data first, as git does, and the blob hash of the raw bytes (computed here, no filter) where the
 *   stat data differ or are racy; untracked files come from `ls-files --others --exclude-standard`;
 * - the branch is `update-ref` + `symbolic-ref` (the new branch points at HEAD, so index and work tree stay right);
 * - the commit is `hash-object -w --no-filters --stdin` for the bytes written, a tree built on a temporary index
 *   (`read-tree`, `update-index --index-info`, `write-tree`), `commit-tree` (which signs only with -S), and
 *   `update-ref` with the old value; the real index then gets the committed blobs (updateIndex).
 *
 * Every call has arguments as an array (no shell), hooks, fsmonitor, pager, signing, transports (so no ssh command,
 * no credential helper, no lazy fetch) and auto-gc switched off with `-c`, which outranks the repository's config,
 * and an environment without the variables that would point git at another repository or program. The user's
 * identity comes from the usual config (global, system, or the repository's user.name/email, which are data).
 * Never pushes.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, mkdtempSync, openSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from './errors.js';

/** Config that outranks the repository's own: nothing it names can run. */
const SAFE_CONFIG = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'core.pager=cat',
  'commit.gpgSign=false',
  'protocol.allow=never',
  'credential.helper=',
  'core.askPass=',
  'gc.auto=0',
  'maintenance.auto=false',
  'core.splitIndex=false',
].flatMap((c) => ['-c', c]);

/** Variables that would make git use another repository, index or program than the one asked for. */
const DROPPED_ENV = /^GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES|COMMON_DIR|NAMESPACE|PREFIX|REPLACE_REF_BASE|EXTERNAL_DIFF|PAGER|EDITOR|SEQUENCE_EDITOR|SSH|SSH_COMMAND|ASKPASS|PROXY_COMMAND|QUARANTINE_PATH)$/;

function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!DROPPED_ENV.test(k)) env[k] = v;
  return { ...env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_OPTIONAL_LOCKS: '0', GIT_NO_REPLACE_OBJECTS: '1', GIT_NO_LAZY_FETCH: '1', ...extra };
}

interface GitCall {
  input?: string | Buffer;
  env?: Record<string, string>;
}

function gitBytes(cwd: string, args: string[], call: GitCall = {}): Buffer {
  try {
    return execFileSync('git', [...SAFE_CONFIG, '-C', cwd, ...args], {
      input: call.input ?? '',
      stdio: ['pipe', 'pipe', 'pipe'],
      env: gitEnv(call.env),
      maxBuffer: 1 << 30,
    });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    const why = (err.stderr?.toString('utf8') ?? '').trim().split('\n').pop() || err.message;
    throw new InputError(`git ${args[0]} failed: ${why}`);
  }
}

const git = (cwd: string, args: string[], call?: GitCall) => gitBytes(cwd, args, call).toString('utf8');

/** Exit status 0 or 1 as a boolean (rev-parse --verify -q, symbolic-ref -q); other failures throw. */
function gitTest(cwd: string, args: string[]): string | null {
  try {
    return execFileSync('git', [...SAFE_CONFIG, '-C', cwd, ...args], { input: '', stdio: ['pipe', 'pipe', 'pipe'], env: gitEnv(), encoding: 'utf8' }).trim();
  } catch (e) {
    const err = e as { status?: number; stderr?: string; message: string };
    if (err.status === 1) return null;
    throw new InputError(`git ${args[0]} failed: ${(err.stderr ?? '').trim().split('\n').pop() || err.message}`);
  }
}

/** A repository opened for --git-branch: what HEAD is and what it tracks. */
export interface GitRepo {
  /** The work tree's top level (real path). */
  top: string;
  /** HEAD's commit. */
  head: string;
  /** The branch HEAD is on (`refs/heads/main`), or null when detached. */
  headRef: string | null;
  format: 'sha1' | 'sha256';
  /** HEAD's entries by path relative to `top` (`/`-separated). */
  tracked: Map<string, { mode: string; oid: string }>;
}

/** A file the tool writes, with the bytes it planned from (before) or writes (after). */
export interface GitFile {
  abs: string;
  bytes: Buffer;
}

/** git's blob id of `bytes`: the raw bytes, no filter, no end-of-line conversion. */
export function blobId(bytes: Buffer, format: 'sha1' | 'sha256'): string {
  return createHash(format).update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** NUL-separated records. */
const records = (s: string) => s.split('\0').filter((r) => r !== '');

interface IndexEntry {
  tag: string;
  mode: string;
  oid: string;
  stage: string;
  path: string;
  ctime: [number, number];
  mtime: [number, number];
  ino: number;
  size: number;
}

/** `ls-files -z -s -v --debug`: each entry's tag, mode, id, stage, path and stat data (all 32-bit, as stored). */
function indexEntries(top: string): IndexEntry[] {
  const out = git(top, ['ls-files', '-z', '-s', '-v', '--debug']);
  const re = /([A-Za-z?]) (\d{6}) ([0-9a-f]+) (\d)\t([^\0]*)\0\s*ctime: (\d+):(\d+)\n\s*mtime: (\d+):(\d+)\n\s*dev: \d+\s+ino: (\d+)\n\s*uid: \d+\s+gid: \d+\n\s*size: (\d+)\s+flags: [0-9a-f]+\n/y;
  const entries: IndexEntry[] = [];
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(out))) {
    end = re.lastIndex;
    entries.push({ tag: m[1], mode: m[2], oid: m[3], stage: m[4], path: m[5], ctime: [+m[6], +m[7]], mtime: [+m[8], +m[9]], ino: +m[10], size: +m[11] });
  }
  if (end !== out.length) throw new InputError('cannot read the git index (git ls-files --debug printed an unknown format)');
  return entries;
}

const U32 = 2n ** 32n;
const split = (ns: bigint): [number, number] => [Number((ns / 1_000_000_000n) % U32), Number(ns % 1_000_000_000n)];
const later = (a: [number, number], b: [number, number]) => a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]);

/**
 * Whether the work tree file of an index entry still holds the entry's blob: its stat data as recorded (and not
 * racily so), or else its raw bytes hash to the entry's id. A file under a clean filter or an end-of-line
 * conversion that changes its bytes therefore counts as modified (git would run the filter to tell).
 */
function unchanged(top: string, e: IndexEntry, indexTime: [number, number], fileMode: boolean, format: 'sha1' | 'sha256'): boolean {
  const abs = join(top, ...e.path.split('/'));
  let st;
  try {
    st = lstatSync(abs, { bigint: true });
  } catch {
    return false;
  }
  const link = e.mode === '120000';
  if (link ? !st.isSymbolicLink() : !st.isFile()) return false;
  if (!link && fileMode && ((st.mode & 0o111n) !== 0n) !== (e.mode === '100755')) return false;
  const sameStat =
    Number(st.size % U32) === e.size &&
    Number(st.ino % U32) === e.ino &&
    split(st.mtimeNs).every((v, i) => v === e.mtime[i]) &&
    split(st.ctimeNs).every((v, i) => v === e.ctime[i]);
  if (sameStat && !later(e.mtime, indexTime)) return true;
  let bytes: Buffer;
  try {
    bytes = link ? Buffer.from(readlinkSync(abs, { encoding: 'buffer' })) : readFileSync(abs);
  } catch {
    return false;
  }
  return blobId(bytes, format) === e.oid;
}

/** `path` relative to the work tree's top (`/`-separated), or null when it is not inside it. */
function inTree(top: string, abs: string): string | null {
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    return null;
  }
  const rel = relative(top, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  return rel.split(sep).join('/');
}

/**
 * Opens the repository at `root` for --git-branch and refuses it unless it is clean, which here means, checked
 * without running anything the repository configures:
 * - HEAD is a commit, and the index holds exactly HEAD's entries (nothing staged, nothing unmerged);
 * - every tracked file in the work tree holds its committed bytes (stat data as recorded, or the same raw bytes;
 *   entries marked skip-worktree or assume-unchanged, and submodules, are not looked at, as git status does);
 * - there is no untracked file that .gitignore does not cover;
 * - each file the tool is to write is tracked, as a regular file, with the very bytes the plan was made from.
 */
export function assertClean(root: string, files: readonly GitFile[]): GitRepo {
  if (gitTest(root, ['rev-parse', '--is-inside-work-tree']) !== 'true') throw new InputError('not a git work tree');
  const [topOut, formatOut] = git(root, ['rev-parse', '--show-toplevel', '--show-object-format']).trim().split('\n');
  const top = realpathSync(topOut);
  const format = formatOut === 'sha256' ? 'sha256' : 'sha1';
  const head = gitTest(top, ['rev-parse', '--verify', '-q', 'HEAD^{commit}']);
  if (!head) throw new InputError('HEAD has no commit yet');
  const headRef = gitTest(top, ['symbolic-ref', '-q', 'HEAD']);

  const tracked = new Map<string, { mode: string; oid: string }>();
  for (const r of records(git(top, ['ls-tree', '-r', '-z', '--full-tree', head]))) {
    const tab = r.indexOf('\t');
    const [mode, , oid] = r.slice(0, tab).split(' ');
    tracked.set(r.slice(tab + 1), { mode, oid });
  }
  const entries = indexEntries(top);
  const indexPath = resolve(top, git(top, ['rev-parse', '--git-path', 'index']).trim());
  const indexTime = split(statSync(indexPath, { bigint: true }).mtimeNs);
  const fileMode = gitTest(top, ['config', '--bool', '--get', 'core.fileMode']) !== 'false';

  const dirty = new Set<string>();
  const inIndex = new Set<string>();
  for (const e of entries) {
    inIndex.add(e.path);
    const t = tracked.get(e.path);
    if (e.stage !== '0' || !t || t.mode !== e.mode || t.oid !== e.oid) {
      dirty.add(e.path);
      continue;
    }
    // S: skip-worktree; a lowercase tag: assume-unchanged; 160000: a submodule (its own repository).
    if (e.tag === 'S' || e.tag !== e.tag.toUpperCase() || e.mode === '160000') continue;
    if (!unchanged(top, e, indexTime, fileMode, format)) dirty.add(e.path);
  }
  for (const p of tracked.keys()) if (!inIndex.has(p)) dirty.add(p);
  for (const p of records(git(top, ['ls-files', '-z', '--others', '--exclude-standard', '--directory', '--no-empty-directory']))) dirty.add(p);
  if (dirty.size > 0) throw new InputError(`the work tree has uncommitted changes (${dirty.size} paths); commit or stash them first`);

  for (const f of files) {
    const rel = inTree(top, f.abs);
    const t = rel === null ? undefined : tracked.get(rel);
    const shown = rel ?? f.abs;
    if (!t) throw new InputError(`${shown} is not tracked by git`);
    if (t.mode !== '100644' && t.mode !== '100755') throw new InputError(`${shown} is not a regular file in HEAD (mode ${t.mode})`);
    if (blobId(f.bytes, format) !== t.oid) throw new InputError(`${shown} changed since it was read`);
  }
  return { top, head, headRef, format, tracked };
}

/** Creates branch `name` at HEAD and puts HEAD on it (index and work tree unchanged); returns how to undo that. */
export function createBranch(repo: GitRepo, name: string): () => void {
  const branch = git(repo.top, ['check-ref-format', '--branch', name]).trim();
  const ref = `refs/heads/${branch}`;
  if (gitTest(repo.top, ['rev-parse', '--verify', '-q', ref]) !== null) throw new InputError(`a branch '${branch}' already exists`);
  const zero = '0'.repeat(repo.head.length);
  const previous = repo.headRef;
  git(repo.top, ['update-ref', '-m', 'dockerfile-argfix: branch from HEAD', ref, repo.head, zero]);
  try {
    git(repo.top, ['symbolic-ref', '-m', `dockerfile-argfix: switch to ${branch}`, 'HEAD', ref]);
  } catch (e) {
    git(repo.top, ['update-ref', '-d', ref, repo.head]);
    throw e;
  }
  repo.headRef = ref;
  return () => {
    if (repo.headRef !== ref) return;
    if (previous) git(repo.top, ['symbolic-ref', 'HEAD', previous]);
    else git(repo.top, ['update-ref', '--no-deref', 'HEAD', repo.head]);
    git(repo.top, ['update-ref', '-d', ref, repo.head]);
    repo.headRef = previous;
  };
}

/**
 * Puts `info` (update-index --index-info records) into the real index without letting git run a filter: any write
 * of an index makes git compare the content of "racily clean" entries (file modified in the second the index was
 * written), through the clean filters. So the index is copied to `index.lock` (git's own lock: a concurrent git
 * waits or fails), the copy gets no timestamp (git then takes no entry as racy), git updates the copy, and the
 * copy is renamed over the index. The racy entries were compared byte for byte by assertClean just before.
 */
function updateIndex(repo: GitRepo, info: string): void {
  const index = resolve(repo.top, git(repo.top, ['rev-parse', '--git-path', 'index']).trim());
  const lock = `${index}.lock`;
  let fd: number;
  try {
    fd = openSync(lock, 'wx', 0o644);
  } catch (e) {
    throw new InputError(`cannot lock the git index (${(e as NodeJS.ErrnoException).code ?? String(e)}); committed, but the index still has the old files (git reset -q fixes it)`);
  }
  try {
    try {
      writeSync(fd, readFileSync(index));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    utimesSync(lock, 0, 0);
    git(repo.top, ['update-index', '-z', '--index-info'], { input: info, env: { GIT_INDEX_FILE: lock } });
    renameSync(lock, index);
  } catch (e) {
    rmSync(lock, { force: true });
    throw new InputError(`${e instanceof Error ? e.message : String(e)}; committed, but the index still has the old files (git reset -q fixes it)`);
  }
}

/**
 * Commits `files` (the bytes written) on the branch HEAD is on, as one commit whose parent is HEAD and whose tree
 * is HEAD's with exactly these files replaced; then the index records the committed blobs (stat data left for
 * git to fill in, so the next `git status` compares their content once).
 */
export function commit(repo: GitRepo, files: readonly GitFile[], message: string): string {
  if (!repo.headRef) throw new InputError('HEAD is not on a branch');
  let info = '';
  for (const f of files) {
    const rel = inTree(repo.top, f.abs);
    const t = rel === null ? undefined : repo.tracked.get(rel);
    if (rel === null || !t) throw new InputError(`${f.abs} is not tracked by git`);
    const oid = git(repo.top, ['hash-object', '-w', '--no-filters', '--stdin'], { input: f.bytes }).trim();
    if (oid !== blobId(f.bytes, repo.format)) throw new InputError(`git hash-object stored ${rel} as ${oid}, not as the bytes written`);
    info += `${t.mode} ${oid}\t${rel}\0`;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'argfix-index-'));
  let tree: string;
  try {
    const env = { GIT_INDEX_FILE: join(tmp, 'index') };
    git(repo.top, ['read-tree', repo.head], { env });
    git(repo.top, ['update-index', '-z', '--index-info'], { input: info, env });
    tree = git(repo.top, ['write-tree'], { env }).trim();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const next = git(repo.top, ['commit-tree', '--no-gpg-sign', tree, '-p', repo.head], { input: message }).trim();
  git(repo.top, ['update-ref', '-m', `commit: ${message.split('\n')[0]}`, repo.headRef, next, repo.head]);
  repo.head = next;
  updateIndex(repo, info);
  return next;
}
