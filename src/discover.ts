/**
 * Finds the Dockerfiles under the given paths: Renovate's dockerfile patterns
 * (`Dockerfile`, `Dockerfile.*`, `Dockerfile-x`, `*.Dockerfile`, `*.dockerfile`, `Containerfile*`), minus
 * templates and non-Dockerfiles with such names. Skips `.git`, `node_modules` and `.gitignore`d paths.
 * Symbolic links are followed only when they resolve inside the directory being searched (a file is then
 * processed at its real path, so a write never replaces the link); links out of it, broken links and loops
 * are passed over with a note. Output is sorted, so runs are reproducible.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

const RE_DOCKERFILE = [/(^|\.)([Dd]ocker|[Cc]ontainer)file$/, /^([Dd]ocker|[Cc]ontainer)file[^/]*$/];
const NOT_DOCKERFILE = /\.(j2|jinja2?|tpl|tmpl|template|in|dockerignore|md|txt|orig|rej|bak|swp)$|~$/i;
const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);

export function isDockerfileName(name: string): boolean {
  return !NOT_DOCKERFILE.test(name) && RE_DOCKERFILE.some((re) => re.test(name));
}

export interface Discovered {
  /** Absolute path. */
  path: string;
  /** Given on the command line as a file (processed whatever its name). */
  explicit: boolean;
}

export interface DiscoverResult {
  files: Discovered[];
  /** Paths that could not be read as given: `path: reason`. */
  errors: string[];
  /** Paths passed over on purpose (symbolic links out of the root, loops, broken links): `[path, reason]`. */
  passed: [string, string][];
}

const inside = (root: string, p: string) => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);

export interface Rules {
  base: string;
  ig: Ignore;
}

export function loadGitignore(dir: string): Rules | null {
  let text: string;
  try {
    text = readFileSync(join(dir, '.gitignore'), 'utf8');
  } catch {
    return null;
  }
  return { base: dir, ig: ignore().add(text) };
}

export function ignored(rules: Rules[], abs: string, isDir: boolean): boolean {
  for (const r of rules) {
    const rel = relative(r.base, abs).split(sep).join('/');
    if (rel && !rel.startsWith('..') && r.ig.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

export function discover(paths: readonly string[], options: { gitignore?: boolean } = {}): DiscoverResult {
  const seen = new Set<string>();
  const files: Discovered[] = [];
  const errors: string[] = [];
  const passed: [string, string][] = [];
  const useGitignore = options.gitignore !== false;

  /** `path` is where the file is read and written; `key` (its real path) makes each file count once. */
  const add = (path: string, key: string, explicit: boolean) => {
    if (seen.has(key)) return;
    seen.add(key);
    files.push({ path, explicit });
  };

  const walk = (dir: string, realDir: string, rules: Rules[], root: string, visited: Set<string>) => {
    const own = useGitignore ? loadGitignore(dir) : null;
    const here = own ? [...rules, own] : rules;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      errors.push(`${dir}: cannot read directory (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const ent of entries) {
      const abs = join(dir, ent.name);
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      let real = join(realDir, ent.name);
      if (ent.isSymbolicLink()) {
        if (SKIP_DIRS.has(ent.name) || ignored(here, abs, false)) continue;
        try {
          real = realpathSync(abs);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (isDockerfileName(ent.name) || code === 'ELOOP') {
            passed.push([abs, code === 'ELOOP' ? 'symbolic link loop; not followed' : 'broken symbolic link; passed over']);
          }
          continue;
        }
        if (!inside(root, real)) {
          passed.push([abs, 'symbolic link to outside the searched directory; not followed']);
          continue;
        }
        const st = statSync(real);
        isDir = st.isDirectory();
        isFile = st.isFile();
      }
      if (isDir) {
        if (SKIP_DIRS.has(ent.name) || ignored(here, abs, true)) continue;
        if (visited.has(real)) {
          passed.push([abs, 'symbolic link loop; not followed']);
          continue;
        }
        visited.add(real);
        walk(abs, real, here, root, visited);
        visited.delete(real);
      } else if (isFile && isDockerfileName(ent.name) && !ignored(here, abs, false)) {
        add(ent.isSymbolicLink() ? real : abs, real, false);
      }
    }
  };

  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      errors.push(`${p}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'ELOOP' ? 'symbolic link loop' : String(e)}`);
      continue;
    }
    const absPath = resolve(p);
    if (st.isDirectory()) {
      const root = realpathSync(absPath);
      walk(absPath, root, [], root, new Set([root]));
    } else if (st.isFile()) {
      const real = realpathSync(absPath);
      add(lstatSync(absPath).isSymbolicLink() ? real : absPath, real, true);
    } else {
      errors.push(`${p}: not a regular file or directory`);
    }
  }
  return { files, errors, passed };
}
