/**
 * The directories discovery listed, kept for everything after it that would otherwise list or probe them again:
 * the repository-root finder (src/repo.ts rootFinder), the config lookup (src/config.ts findConfig) and the CI
 * side's view of a repository (src/ci-pass.ts repoFiles: its listings, walk, compose file search, existence
 * probes and real paths). Each answer is what the disk call it stands for would have given on the listing (a
 * readdir, existsSync, realpathSync), or "unknown" — then the caller asks the disk, as before:
 *
 * - a directory discovery did not list (outside the searched paths, `.gitignore`d, `.git`, `node_modules`, a
 *   link out of the tree, one it could not read) is unknown;
 * - a symbolic link is unknown as to existence and real path (what it points at was not looked at);
 * - nothing is under a path the listing knows is absent or not a directory;
 * - a name the listing lacks is absent only where no entry could be the same file to the file system: the name
 *   is plain printable ASCII (no `~` or `:`, a Windows short name or stream; no trailing dot or space, which
 *   Windows drops; not a Windows device name), the directory's names are all ASCII too (a Unicode name may be
 *   another's case or normalization variant), and none is the same but for letter case (macOS, Windows, a
 *   case-folding Linux directory). Otherwise the disk answers.
 *
 * The listings are plain data (a Map of plain objects), so a repository's share travels to a worker thread
 * with its files (src/pool.ts); {@link Listing} answers from them on either thread.
 */
import type { Dirent } from 'node:fs';
import { join, sep } from 'node:path';

/**
 * One listed directory: its real path, and its entries as readdir gave them (sorted by name), with each one's
 * type: `d` directory, `f` regular file, `l` symbolic link, `o` anything else (a FIFO, a socket, a device).
 */
export interface ListedDir {
  real: string;
  names: string[];
  types: string;
  /** The text of its `.gitignore`, when discovery read one (src/discover.ts loadGitignore). */
  gitignore?: string;
}

/** Listed directories by their absolute path as discovery reached them (through links inside the tree too). */
export type ListingData = Map<string, ListedDir>;

export function listedDir(real: string, entries: readonly Dirent[], gitignore?: string): ListedDir {
  const names = new Array<string>(entries.length);
  let types = '';
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    names[i] = e.name;
    types += e.isDirectory() ? 'd' : e.isFile() ? 'f' : e.isSymbolicLink() ? 'l' : 'o';
  }
  return { real, names, types, ...(gitignore !== undefined ? { gitignore } : {}) };
}

/** Where `name` is in `names` (sorted by UTF-16 code units, as discovery sorts them), or -1. */
function indexOf(names: readonly string[], name: string): number {
  if (names.length <= 64) return names.indexOf(name);
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (names[mid] < name) lo = mid + 1;
    else hi = mid;
  }
  return names[lo] === name ? lo : -1;
}

/** A name whose absence the listing can vouch for (see the module comment). */
const PLAIN = /^[\x20-\x7e]*[\x21-\x2d\x2f-\x7e]$/;
const UNSURE = /[~:/\\]|^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;

/** An entry's type (see {@link ListedDir}); `''` when there is no such entry. */
export type EntryType = 'd' | 'f' | 'l' | 'o' | '';

export class Listing {
  /** Per listed directory, its names lower-cased (`/`-separated, or a set in a large directory), when all are ASCII. */
  private readonly lower = new Map<string, string | Set<string> | null>();

  constructor(readonly dirs: ListingData = new Map()) {}

  /** Records a directory discovery listed (its entries sorted by name; the text of its .gitignore, if read). */
  add(dir: string, real: string, entries: readonly Dirent[], gitignore?: string): void {
    this.dirs.set(dir, listedDir(real, entries, gitignore));
    this.lower.delete(dir);
  }

  /** The listing of the directory `abs`, when discovery listed it. */
  dir(abs: string): ListedDir | undefined {
    return this.dirs.get(abs);
  }

  /**
   * The type of the entry `abs` (an absolute, normalized path) as readdir reports it (a link is `l`), `''` when
   * there is no such entry, undefined when unknown.
   */
  type(abs: string): EntryType | undefined {
    const cut = abs.lastIndexOf(sep);
    if (cut <= 0 || cut === abs.length - 1) return undefined;
    const dir = abs.slice(0, cut);
    if (this.dirs.has(dir)) return this.entry(dir, abs.slice(cut + 1));
    // Nothing is under a path that is absent or not a directory (readdir, realpath and stat fail there).
    const up = this.type(dir);
    return up === '' || up === 'f' || up === 'o' ? '' : undefined;
  }

  private entry(dir: string, name: string): EntryType | undefined {
    const listed = this.dirs.get(dir)!;
    const at = indexOf(listed.names, name);
    if (at >= 0) return listed.types[at] as EntryType;
    if (!PLAIN.test(name) || UNSURE.test(name)) return undefined;
    let lower = this.lower.get(dir);
    if (lower === undefined) {
      const joined = `/${listed.names.join('/')}/`;
      lower = /^[\x20-\x7e]*$/.test(joined) ? joined.toLowerCase() : null;
      if (lower !== null && listed.names.length > 64) lower = new Set(lower.slice(1, -1).split('/'));
      this.lower.set(dir, lower);
    }
    if (lower === null) return undefined;
    const l = name.toLowerCase();
    return (typeof lower === 'string' ? lower.includes(`/${l}/`) : lower.has(l)) ? undefined : '';
  }

  /** existsSync(abs) on the listing (links followed), or undefined when unknown. */
  exists(abs: string): boolean | undefined {
    if (this.dirs.has(abs)) return true;
    const t = this.type(abs);
    return t === undefined || t === 'l' ? undefined : t !== '';
  }

  /** realpathSync(abs) on the listing: null when it does not exist, undefined when unknown. */
  real(abs: string): string | null | undefined {
    const listed = this.dirs.get(abs);
    if (listed) return listed.real;
    const t = this.type(abs);
    if (t === undefined || t === 'l') return undefined;
    if (t === '') return null;
    // An entry the listing has: its directory was listed.
    const cut = abs.lastIndexOf(sep);
    return join(this.dirs.get(abs.slice(0, cut))!.real, abs.slice(cut + 1));
  }
}
