/**
 * `docker compose` / `docker-compose` (and `podman compose` / `podman-compose`) command lines in CI scripts
 * (issue 13 item 2): which compose files and services a `build` or `up` uses, so that the compose files the CI
 * runs are the ones patched (src/ci/compose.ts loadComposeCalls).
 *
 * docs.docker.com reference "docker compose": `-f/--file` is repeatable (later files override earlier ones),
 * `--project-directory` sets the working directory relative paths in the files resolve against (default: the
 * first file's directory); without `-f`, `COMPOSE_FILE` names the files, separated by `COMPOSE_PATH_SEPARATOR`
 * or the platform's path separator (`:` on Linux and macOS, `;` on Windows; "Compose environment variables");
 * without either, `compose.yaml` (or `docker-compose.yml`, …) in the working directory or a parent.
 * `docker compose build [SERVICE…]` builds the services named (all without), `--with-dependencies` also their
 * `depends_on`; `docker compose up [SERVICE…]` starts (and builds) them and their dependencies.
 */
import { evalWord, literalPrefix, type Env, type ShCall, type ShWord } from './shell.js';

export interface ComposeCommand {
  label: string;
  /** `-f` values as written (evaluated), in order; null when one is not static. */
  files: string[] | null;
  /** `--project-directory`, evaluated; null when not static; undefined when absent. */
  projectDir: string | null | undefined;
  /** The services named, or null for all of them. */
  services: string[] | null;
  /** The named services' `depends_on` are built too. */
  withDependencies: boolean;
  /** `--build-arg NAME[=value]` given to `build`. */
  passed: { name: string; raw: string | null }[];
  call: ShCall;
}

const GLOBAL_VALUE = new Set(['file', 'f', 'project-name', 'p', 'project-directory', 'env-file', 'profile', 'ansi', 'parallel', 'progress']);
const BUILD_VALUE = new Set(['build-arg', 'builder', 'memory', 'm', 'progress', 'ssh', 'provenance', 'sbom']);
const UP_VALUE = new Set(['exit-code-from', 'scale', 'timeout', 't', 'pull', 'attach', 'no-attach', 'wait-timeout']);
const WRAPPERS = new Set(['sudo', 'time', 'exec', 'command', 'nice', 'env']);

/** A compose `build` or `up` command, or null for any other command (or one whose words cannot be read). */
export function recogniseCompose(call: ShCall, src: string, env: Env): ComposeCommand | null {
  if (call.kind !== 'call') return null;
  const words = call.words;
  const lit = (k: number): string | null => {
    if (k >= words.length) return null;
    const l = literalPrefix(words[k]);
    return l.complete ? l.text : null;
  };
  let i = 0;
  while (i < words.length && (WRAPPERS.has(lit(i) ?? '') || (i > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(lit(i) ?? '')))) i++;
  const prog = (lit(i) ?? '').replace(/^.*\//, '');
  let k: number;
  let label: string;
  if ((prog === 'docker' || prog === 'podman') && lit(i + 1) === 'compose') {
    k = i + 2;
    label = `${prog} compose`;
  } else if (prog === 'docker-compose' || prog === 'podman-compose') {
    k = i + 1;
    label = prog;
  } else return null;
  const cmd: ComposeCommand = { label, files: [], projectDir: undefined, services: null, withDependencies: false, passed: [], call };
  const value = (w: ShWord | undefined, from = 0): string | null => {
    const v = w ? evalWord(w, env) : null;
    return v === null ? null : v.slice(from);
  };
  /** Reads one option at `k` from `table`: its name and value (or null when it takes none); advances k. */
  const option = (table: ReadonlySet<string>): { name: string; value: string | null; word: ShWord | undefined; from: number } | null => {
    const t = lit(k);
    if (t === null) return null;
    const eq = t.indexOf('=');
    const name = t.replace(/^--?/, '').replace(/=.*$/s, '');
    if (t.startsWith('--') && eq > 0) {
      k++;
      return { name, value: value(words[k - 1], eq + 1), word: words[k - 1], from: eq + 1 };
    }
    if (!t.startsWith('--') && t.length > 2 && table.has(t[1])) {
      k++;
      const from = t[2] === '=' ? 3 : 2;
      return { name: t[1], value: value(words[k - 1], from), word: words[k - 1], from };
    }
    if (table.has(name)) {
      k += 2;
      return { name, value: value(words[k - 1]), word: words[k - 1], from: 0 };
    }
    k++;
    return { name, value: null, word: undefined, from: 0 };
  };
  while (k < words.length) {
    const t = lit(k);
    if (t === null) return null;
    if (!t.startsWith('-')) break;
    const o = option(GLOBAL_VALUE)!;
    if (o.name === 'file' || o.name === 'f') {
      if (o.value === null || cmd.files === null) cmd.files = null;
      else cmd.files.push(o.value);
    } else if (o.name === 'project-directory') cmd.projectDir = o.value;
  }
  const sub = lit(k);
  if (sub !== 'build' && sub !== 'up') return null;
  k++;
  const services: string[] = [];
  let dynamic = false;
  while (k < words.length) {
    const t = lit(k);
    if (t !== null && t.startsWith('-') && t !== '-') {
      if (t === '--') {
        k++;
        continue;
      }
      const o = option(sub === 'build' ? BUILD_VALUE : UP_VALUE)!;
      if (o.name === 'with-dependencies') cmd.withDependencies = true;
      if (o.name === 'build-arg' && o.word) {
        const text = src.slice(o.word.start, o.word.end).slice(o.from).replace(/^(["'])(.*)\1$/s, '$2');
        const m = /^([A-Za-z_][A-Za-z0-9_]*)(=(.*))?$/s.exec(text);
        if (m) cmd.passed.push({ name: m[1], raw: m[2] === undefined ? null : m[3] });
      }
      continue;
    }
    const v = value(words[k]);
    if (v === null) dynamic = true;
    else services.push(v);
    k++;
  }
  if (sub === 'up') cmd.withDependencies = true;
  cmd.services = dynamic || services.length === 0 ? null : services;
  return cmd;
}

/** `COMPOSE_FILE`'s files: split at `COMPOSE_PATH_SEPARATOR`, else the platform's path separator. */
export function composeFileVar(value: string, separator: string | null, windows: boolean): string[] {
  const sep = separator || (windows ? ';' : ':');
  return value.split(sep).filter((p) => p !== '');
}
