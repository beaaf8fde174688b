/**
 * Finds the Dockerfiles under the given paths: Renovate's dockerfile patterns
 * (`Dockerfile`, `Dockerfile.*`, `Dockerfile-x`, `*.Dockerfile`, `*.dockerfile`, `Containerfile*`), minus
 * names that say the file is something else (source code, data, documents, templates, backups) and templates
 * by path (a `{{…}}`/`{%…%}` directory: cookiecutter, copier). Those are listed as skipped, with the reason.
 * Skips `.git`, `node_modules` and `.gitignore`d paths. Symbolic links are followed only when they resolve
 * inside the directory being searched (a file is then processed at its real path, so a write never replaces
 * the link); links out of it, broken links and loops are passed over with a note. A file is taken once however
 * it is reached: by its real path, and by its inode (a hard link to a file already taken is noted, not taken). Output is sorted, so runs
 * are reproducible. Whether a candidate reads as a Dockerfile is decided on its text (src/engine.ts), in the
 * read that processes it.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

const RE_DOCKERFILE = [/(^|\.)([Dd]ocker|[Cc]ontainer)file$/, /^([Dd]ocker|[Cc]ontainer)file[^/]*$/];
/** Template languages' extensions: the file is rendered into something else, never used as it is. */
export const TEMPLATE_EXT: ReadonlySet<string> = new Set('j2 jinja jinja2 tpl tmpl template in gotmpl erb mustache hbs handlebars njk liquid ejs twig ftl mako'.split(' '));
/** Data, documents, images, archives, patches and lock files: never a Dockerfile, whatever the rest of the name. */
export const DATA_EXT: ReadonlySet<string> = new Set(
  ('md markdown mdx rst adoc txt json jsonc json5 yaml yml toml xml html htm css scss csv tsv ini cfg conf properties ' +
    'lock sum mod patch diff orig rej bak swp swo log snap golden dockerignore ipynb pdf png jpg jpeg gif svg ico webp bmp ' +
    'zip gz tgz bz2 xz zst tar 7z pem crt key').split(' '),
);
/**
 * Source code, scripts and packages. A file like `dockerfile_args_test.go` is source; but on the bare name
 * (`Dockerfile.go`, `Dockerfile.py`) the suffix is a variant label in hundreds of public repositories, so
 * there the content decides.
 */
export const SOURCE_EXT: ReadonlySet<string> = new Set(
  ('go py pyi js mjs cjs jsx ts mts cts tsx rs java kt kts scala groovy gradle rb php pl pm lua swift c h cc cpp cxx hpp hh ' +
    'cs fs vb dart ex exs erl hs clj jl r nim zig sh bash zsh fish ps1 psm1 bat cmd mk cmake tf hcl nix bzl sql proto vue svelte ' +
    'jar whl deb rpm env').split(' '),
);
const RE_BARE = /^(docker|container)file\.[^.]+$/i;
/** `{{ cookiecutter.x }}`, `${{ values.x }}`, `{% if x %}…{% endif %}` in a path segment. */
const RE_TEMPLATE_MARK = /\{\{|\{%/;
const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);

const extension = (name: string) => {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1) : '';
};

const matchesPatterns = (name: string) => RE_DOCKERFILE.some((re) => re.test(name));

/**
 * Why a file name that matches the Dockerfile patterns is still not a Dockerfile (source or data extension,
 * template, backup); null when it may be one, or does not match at all.
 */
export function nameSkip(name: string): string | null {
  return matchesPatterns(name) ? whyNot(name) : null;
}

/** The name is a Dockerfile candidate (its content still has to read as one). */
export function isDockerfileName(name: string): boolean {
  return matchesPatterns(name) && whyNot(name) === null;
}

/** nameSkip for a name that matches the patterns. */
function whyNot(name: string): string | null {
  if (name.endsWith('~')) return 'not a Dockerfile: a backup copy';
  if (RE_TEMPLATE_MARK.test(name)) return 'not a Dockerfile: a template (a templated name)';
  const ext = extension(name);
  const lower = ext.toLowerCase();
  if (TEMPLATE_EXT.has(lower)) return `not a Dockerfile: a template (.${ext})`;
  if (DATA_EXT.has(lower) || (SOURCE_EXT.has(lower) && !RE_BARE.test(name))) return `not a Dockerfile: a .${ext} file`;
  return null;
}

/**
 * A template by its path (`/`-separated, relative to the repository): a segment holding `{{`/`{%` (cookiecutter
 * and copier directories, templated file names) or a file name with a template extension (`.j2`, `.tpl`, …).
 * Such files are rendered into something else; a tool reading Dockerfiles, CI or compose files passes them over.
 */
export function isTemplatePath(relPath: string): boolean {
  if (RE_TEMPLATE_MARK.test(relPath)) return true;
  const parts = relPath.slice(relPath.lastIndexOf('/') + 1).toLowerCase().split('.');
  // The last extension, or an inner one of the unambiguous engines (`docker-compose.tpl.yml`).
  return (parts.length > 1 && TEMPLATE_EXT.has(parts[parts.length - 1])) || parts.slice(1, -1).some((p) => INNER_TEMPLATE_EXT.has(p));
}
const INNER_TEMPLATE_EXT = new Set(['j2', 'jinja', 'jinja2', 'tpl', 'tmpl', 'template']);

export interface Discovered {
  /** Absolute path. */
  path: string;
  /** Given on the command line as a file (processed whatever its name, path and content). */
  explicit: boolean;
}

/** A path passed over on purpose, with the reason. */
export interface Skipped {
  path: string;
  note: string;
  /** Listed in text only with --verbose: the name or path alone says it is not a Dockerfile. */
  verboseOnly?: boolean;
  /** A hard link: the path taken for the same file (the note names it; run.ts shows it from the current directory). */
  sameAs?: string;
}

/** The note of a hard link to `first`, a file already taken. */
export const hardLinkNote = (first: string) => `a hard link to ${first} (the same file); processed once, there`;

export interface DiscoverResult {
  files: Discovered[];
  /** Paths that could not be read as given: `path: reason`. */
  errors: string[];
  /** Paths passed over on purpose: names and template paths that are not Dockerfiles, symbolic links out of
   * the root, loops, broken links. */
  skipped: Skipped[];
}

const inside = (root: string, p: string) => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);

export interface Rules {
  base: string;
  /** `base` with a trailing separator: a path under it is relative to it by what follows. */
  prefix: string;
  ig: Ignore;
  /** The .gitignore's text. */
  text: string;
}

/** The rules of a `.gitignore` text in `dir`. */
export const gitignoreRules = (dir: string, text: string): Rules => ({ base: dir, prefix: dir.endsWith(sep) ? dir : dir + sep, ig: ignore().add(text), text });

/**
 * The `.gitignore` of `dir`, as git reads it: a regular file only (git does not follow a symbolically linked
 * .gitignore, and a link to a device or a FIFO would never end), at most 4 MiB.
 */
export function loadGitignore(dir: string): Rules | null {
  let text: string;
  try {
    const path = join(dir, '.gitignore');
    const st = lstatSync(path);
    if (!st.isFile() || st.size > 4 * 1024 * 1024) return null;
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  return gitignoreRules(dir, text);
}

export function ignored(rules: Rules[], abs: string, isDir: boolean): boolean {
  for (const r of rules) {
    // A normalized path under the base is relative to it by what follows (relative() resolves both, in vain).
    let rel = abs.startsWith(r.prefix) ? abs.slice(r.prefix.length) : relative(r.base, abs);
    if (sep !== '/') rel = rel.split(sep).join('/');
    if (rel && !rel.startsWith('..') && r.ig.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

export interface DiscoverOptions {
  gitignore?: boolean;
  /** Receives each directory the walk lists (as reached, and its real path), with its entries sorted by name and
   * the text of its .gitignore when the walk read one: what comes after discovery reads the same listing instead
   * of listing the directory again (src/listing.ts). */
  onListing?: (dir: string, entries: readonly Dirent[], real: string, gitignore?: string) => void;
}

export function discover(paths: readonly string[], options: DiscoverOptions = {}): DiscoverResult {
  const seen = new Set<string>();
  const files: Discovered[] = [];
  const errors: string[] = [];
  const skipped: Skipped[] = [];
  const useGitignore = options.gitignore !== false;

  /** `path` is where the file is read and written; `key` (its real path) makes each file count once. */
  const once = (key: string) => {
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  /** The first path taken for each inode (device and inode number): a hard link to it is the same file. */
  const inodes = new Map<string, string>();
  /** The path already taken for the same inode as `real`, or null (and `path` is taken for it now). */
  const sameInode = (real: string, path: string): string | null => {
    let st;
    try {
      st = statSync(real, { bigint: true });
    } catch {
      return null;
    }
    const key = `${st.dev}:${st.ino}`;
    const first = inodes.get(key);
    if (first !== undefined) return first;
    inodes.set(key, path);
    return null;
  };
  /** A file of the walk whose name matches the patterns: a candidate, or skipped with the reason. */
  const consider = (path: string, key: string, name: string, template: string | null) => {
    if (!once(key)) return;
    const first = sameInode(key, path);
    if (first !== null) {
      skipped.push({ path, note: hardLinkNote(first), sameAs: first, verboseOnly: true });
      return;
    }
    const why = template !== null ? `not a Dockerfile: a template (in ${template}/)` : whyNot(name);
    if (why !== null) {
      skipped.push({ path, note: why, verboseOnly: true });
      return;
    }
    files.push({ path, explicit: false });
  };

  /**
   * `template`: the nearest enclosing template directory's name (`{{ cookiecutter.x }}`), if any. `base` is the
   * searched directory as given and `root` its real path: a file is taken at `base` + its real path's place
   * under `root`, so a file reached through a symbolic link (to it, or to a directory above it) is read and
   * written where it really is, and a write never replaces a link.
   */
  const walk = (dir: string, realDir: string, rules: Rules[], base: string, root: string, visited: Set<string>, template: string | null) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      // The .gitignore of a directory that cannot be listed governs nothing below it.
      errors.push(`${dir}: cannot read directory (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // A .gitignore is looked for only where the listing has one (one lstat fewer per directory).
    const own = useGitignore && entries.some((e) => e.name === '.gitignore') ? loadGitignore(dir) : null;
    options.onListing?.(dir, entries, realDir, own?.text);
    const here = own ? [...rules, own] : rules;
    // `dir` and `realDir` are normalized and an entry's name has no separator: joined by concatenation.
    const dirSep = dir.endsWith(sep) ? dir : dir + sep;
    const realSep = realDir.endsWith(sep) ? realDir : realDir + sep;
    for (const ent of entries) {
      const abs = dirSep + ent.name;
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      let real = realSep + ent.name;
      if (ent.isSymbolicLink()) {
        if (SKIP_DIRS.has(ent.name) || ignored(here, abs, false)) continue;
        try {
          real = realpathSync(abs);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (isDockerfileName(ent.name) || code === 'ELOOP') {
            skipped.push({ path: abs, note: code === 'ELOOP' ? 'symbolic link loop; not followed' : 'broken symbolic link; passed over', verboseOnly: true });
          }
          continue;
        }
        if (!inside(root, real)) {
          // Noted where a Dockerfile or a directory could be behind it; other files are not candidates at all
          // (a CI file linking out is noted by the CI side, which would have read it).
          let outDir = false;
          try {
            outDir = statSync(real).isDirectory();
          } catch {
            /* gone */
          }
          if (outDir || matchesPatterns(ent.name)) skipped.push({ path: abs, note: 'symbolic link to outside the searched directory; not followed', verboseOnly: true });
          continue;
        }
        const st = statSync(real);
        isDir = st.isDirectory();
        isFile = st.isFile();
      }
      if (isDir) {
        if (SKIP_DIRS.has(ent.name) || ignored(here, abs, true)) continue;
        if (visited.has(real)) {
          skipped.push({ path: abs, note: 'symbolic link loop; not followed', verboseOnly: true });
          continue;
        }
        visited.add(real);
        walk(abs, real, here, base, root, visited, template ?? (RE_TEMPLATE_MARK.test(ent.name) ? ent.name : null));
        visited.delete(real);
      } else if (isFile && matchesPatterns(ent.name) && !ignored(here, abs, false)) {
        const under = root.endsWith(sep) ? root : root + sep;
        consider(real.startsWith(under) ? (base.endsWith(sep) ? base : base + sep) + real.slice(under.length) : join(base, relative(root, real)), real, ent.name, template);
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
      walk(absPath, root, [], absPath, root, new Set([root]), null);
    } else if (st.isFile()) {
      const real = realpathSync(absPath);
      if (!once(real)) continue;
      const path = lstatSync(absPath).isSymbolicLink() ? real : absPath;
      const first = sameInode(real, path);
      if (first !== null) skipped.push({ path: absPath, note: hardLinkNote(first), sameAs: first, verboseOnly: true });
      else files.push({ path, explicit: true });
    } else {
      errors.push(`${p}: not a regular file or directory`);
    }
  }
  return { files, errors, skipped };
}
