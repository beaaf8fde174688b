/**
 * Finds the Dockerfiles under the given paths: Renovate's dockerfile patterns
 * (`Dockerfile`, `Dockerfile.*`, `Dockerfile-x`, `*.Dockerfile`, `*.dockerfile`, `Containerfile*`), minus
 * templates and non-Dockerfiles with such names. Skips `.git`, `node_modules` and `.gitignore`d paths;
 * never follows a symlinked directory. Output is sorted, so runs are reproducible.
 */
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
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
}

interface Rules {
  base: string;
  ig: Ignore;
}

function loadGitignore(dir: string): Rules | null {
  let text: string;
  try {
    text = readFileSync(join(dir, '.gitignore'), 'utf8');
  } catch {
    return null;
  }
  return { base: dir, ig: ignore().add(text) };
}

function ignored(rules: Rules[], abs: string, isDir: boolean): boolean {
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
  const useGitignore = options.gitignore !== false;

  const walk = (dir: string, rules: Rules[]) => {
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
      if (ent.isDirectory()) {
        if (SKIP_DIRS.has(ent.name) || ignored(here, abs, true)) continue;
        walk(abs, here);
      } else if (ent.isFile() && isDockerfileName(ent.name) && !ignored(here, abs, false) && !seen.has(abs)) {
        seen.add(abs);
        files.push({ path: abs, explicit: false });
      }
    }
  };

  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      errors.push(`${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(e)}`);
      continue;
    }
    const absPath = resolve(p);
    if (st.isDirectory()) {
      if (lstatSync(p).isSymbolicLink()) {
        errors.push(`${p}: is a symbolic link to a directory; pass its target instead`);
        continue;
      }
      walk(absPath, []);
    } else if (st.isFile()) {
      if (!seen.has(absPath)) {
        seen.add(absPath);
        files.push({ path: absPath, explicit: true });
      }
    } else {
      errors.push(`${p}: not a regular file or directory`);
    }
  }
  return { files, errors };
}
