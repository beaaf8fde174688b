/**
 * Build sites the tool reports but never edits (research ci.md §3.2, §5 R8): Jenkinsfiles (Groovy, not YAML)
 * and stand-alone shell scripts anywhere in the repository. Each build command found is resolved to its
 * Dockerfile with the builders' own rules (builders.ts, steps.ts); transforms/ci-reported.ts then names the
 * exact flags to add.
 *
 * Shell scripts (`*.sh`) are parsed with the shell parser, read straight-line from the repository root (the
 * usual `ci/build.sh` run from the checkout), or from the script's own directory when the Dockerfile is only
 * there. Jenkinsfiles (`Jenkinsfile`, `*.Jenkinsfile`, `jenkins/*.groovy`) are searched as text, not parsed as
 * Groovy: every `sh` step's string (`sh '…'`, `sh "…"`, triple-quoted, `sh(script: '…')`) is read as one shell
 * script, and a `docker.build(name[, args])` call (the Docker Pipeline plugin runs `docker build -t name args`,
 * args defaulting to `.`) as a docker build command; both are found with regular expressions, so a string built
 * by concatenation, or a command in `bat`/`powershell`, is not seen. Groovy `${…}` interpolations count as
 * unknown values; `dir('…') { }` blocks are not followed (every command starts from the workspace root).
 */
import type { BuildCommand } from './builders.js';
import type { ArgsFacts } from './dynargs.js';
import type { RepoView } from './steps.js';
import { scanScript } from './steps.js';

export interface ReportedBuild {
  kind: 'jenkins' | 'shell';
  /** Repository-relative file holding the command. */
  file: string;
  line: number;
  column: number;
  command: BuildCommand;
  dockerfile: string | null;
  unresolved?: string;
  /** What the command's arguments from a variable pass (src/ci/dynargs.ts), from the script's own assignments. */
  dynamicArgs?: ArgsFacts;
}

export interface FileWalker extends RepoView {
  /** Every file of the repository (repository-relative, sorted), `.git` and `node_modules` skipped. */
  files(): string[];
}

export const isJenkinsfile = (p: string) => /(^|\/)(Jenkinsfile|[^/]+\.Jenkinsfile)$/.test(p) || /(^|\/)jenkins\/[^/]+\.groovy$/.test(p);
export const isShellScript = (p: string) => p.endsWith('.sh');

function lineCol(text: string, off: number): { line: number; column: number } {
  const before = text.slice(0, off);
  return { line: before.split('\n').length, column: off - before.lastIndexOf('\n') };
}

/** Build commands of the repository's shell scripts. */
export function loadShellScripts(repo: FileWalker): { files: string[]; builds: ReportedBuild[] } {
  const files: string[] = [];
  const builds: ReportedBuild[] = [];
  for (const path of repo.files()) {
    if (!isShellScript(path)) continue;
    const text = repo.read(path);
    if (text === null || !/\b(build|bud|executor)\b/.test(text)) continue;
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    const fromRoot = scanScript(text, '', repo, dir);
    const fromDir = dir ? scanScript(text, dir, repo, dir) : fromRoot;
    if (fromRoot.length === 0) continue;
    files.push(path);
    fromRoot.forEach((b, i) => {
      const alt = fromDir[i];
      const use = b.dockerfile !== null && !repo.exists(b.dockerfile) && alt?.dockerfile && repo.exists(alt.dockerfile) ? alt : b;
      builds.push({ kind: 'shell', file: path, ...lineCol(text, use.start), command: use.command, dockerfile: use.dockerfile, ...(use.unresolved ? { unresolved: use.unresolved } : {}), ...(use.dynamicArgs ? { dynamicArgs: use.dynamicArgs } : {}) });
    });
  }
  return { files, builds };
}

const DOCKER_BUILD_CALL = /\bdocker\.build\(\s*(['"])((?:(?!\1).)*)\1\s*(?:,\s*(['"])((?:(?!\3).)*)\3\s*)?\)/g;
const SH_STEP = /\bsh\s*\(?\s*(?:script\s*:\s*)?('''|"""|'|")/g;

/** Groovy `${…}` interpolations as unknown shell variables of the same length (offsets stay aligned). */
const maskGroovy = (s: string) => s.replace(/\$\{[^}\n]*\}/g, (m) => `$${'_'.repeat(m.length - 1)}`);

/** True when `off` is on a line starting with `//` (a Groovy comment). */
const commented = (text: string, off: number) => /^\s*\/\//.test(text.slice(text.lastIndexOf('\n', off - 1) + 1, off));

/** Build commands of the repository's Jenkinsfiles (see the module comment). */
export function loadJenkinsfiles(repo: FileWalker): { files: string[]; builds: ReportedBuild[] } {
  const files: string[] = [];
  const builds: ReportedBuild[] = [];
  for (const path of repo.files()) {
    if (!isJenkinsfile(path)) continue;
    const text = repo.read(path);
    if (text === null) continue;
    files.push(path);
    const found: ReportedBuild[] = [];
    const add = (shell: string, offsetOf: (start: number) => number) => {
      for (const b of scanScript(maskGroovy(shell), '', repo)) {
        found.push({ kind: 'jenkins', file: path, ...lineCol(text, offsetOf(b.start)), command: b.command, dockerfile: b.dockerfile, ...(b.unresolved ? { unresolved: b.unresolved } : {}), ...(b.dynamicArgs ? { dynamicArgs: b.dynamicArgs } : {}) });
      }
    };
    // `sh '…'`, `sh "…"`, `sh '''…'''`, `sh """…"""`, `sh(script: '…')`: the string is one shell script.
    for (const m of text.matchAll(SH_STEP)) {
      if (commented(text, m.index)) continue;
      const q = m[1];
      const s = m.index + m[0].length;
      let e: number;
      if (q.length === 3) e = text.indexOf(q, s);
      else {
        e = s;
        while (e < text.length && text[e] !== q && text[e] !== '\n') e += text[e] === '\\' ? 2 : 1;
      }
      if (e < 0 || e >= text.length) continue;
      add(text.slice(s, e), (start) => s + start);
    }
    // docker.build(name[, args]): `docker build -t name args` (args defaulting to `.`), from the workspace.
    for (const m of text.matchAll(DOCKER_BUILD_CALL)) {
      if (commented(text, m.index)) continue;
      add(`docker build ${m[4] ?? '.'}`, () => m.index);
    }
    builds.push(...found.sort((a, b) => a.line - b.line || a.column - b.column));
  }
  return { files, builds };
}
