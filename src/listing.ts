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
 * - a name the listing lacks is absent only when no entry could be the same file to the file system: none the
 *   same but for letter case or Unicode form (macOS, Windows, a case-folding Linux directory), or trailing dots
 *   and spaces (Windows), and the name has no `~` or `:` (a Windows short name, a stream).
 *
 * The listings are plain data (a Map of plain objects), so a repository's share travels to a worker thread
 * with its files (src/pool.ts); {@link Listing} answers from them on either thread.
 */
import type { Dirent } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';

/**
 * One listed directory: its real path, and its entries as readdir gave them (sorted by name), with each one's
 * type: `d` directory, `f` regular file, `l` symbolic link, `o` anything else (a FIFO, a socket, a device).
 */
export interface ListedDir {
  real: string;
  names: string[];
  types: string;
}

/** Listed directories by their absolute path as discovery reached them (through links inside the tree too). */
export type ListingData = Map<string, ListedDir>;

export function listedDir(real: string, entries: readonly Dirent[]): ListedDir {
  let types = '';
  for (const e of entries) types += e.isDirectory() ? 'd' : e.isFile() ? 'f' : e.isSymbolicLink() ? 'l' : 'o';
  return { real, names: entries.map((e) => e.name), types };
}

/** The names a file system may take for one another: letter case, Unicode form, Windows' trailing dots and spaces. */
const fold = (name: string) => (/^[\x20-\x7e]*$/.test(name) ? name.toLowerCase() : name.normalize('NFKC').toUpperCase().toLowerCase()).replace(/[. ]+$/, '');

/** Where `name` is, or would go, in `names` (sorted by UTF-16 code units, as discovery sorts them). */
function search(names: readonly string[], name: string): number {
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (names[mid] < name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** An entry's type (see {@link ListedDir}); `''` when there is no such entry; undefined when unknown. */
export type EntryType = 'd' | 'f' | 'l' | 'o' | '';

export class Listing {
  /** Per listed directory, its entries' folded names (made on the first miss). */
  private readonly folded = new Map<string, Set<string>>();

  constructor(readonly dirs: ListingData = new Map()) {}

  /** Records a directory discovery listed (its entries sorted by name). */
  add(dir: string, real: string, entries: readonly Dirent[]): void {
    this.dirs.set(dir, listedDir(real, entries));
    this.folded.delete(dir);
  }

  /** The listing of the directory `abs`, when discovery listed it. */
  dir(abs: string): ListedDir | undefined {
    return this.dirs.get(abs);
  }

  /** The type of the entry `abs` (as readdir reports it: a link is `l`), `''` when it does not exist, undefined when unknown. */
  type(abs: string): EntryType | undefined {
    if (abs.endsWith(sep) || abs.endsWith('/')) return undefined;
    const parent = dirname(abs);
    if (parent === abs) return undefined;
    const listed = this.dirs.get(parent);
    if (!listed) return undefined;
    const name = basename(abs);
    const at = search(listed.names, name);
    if (listed.names[at] === name) return listed.types[at] as EntryType;
    if (/[~:]/.test(name)) return undefined;
    let folded = this.folded.get(parent);
    if (!folded) this.folded.set(parent, (folded = new Set(listed.names.map(fold))));
    return folded.has(fold(name)) ? undefined : '';
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
    return t === '' ? null : join(this.dirs.get(dirname(abs))!.real, basename(abs));
  }
}
