/** Argument parsing only (yargs): argv → RunOptions → run(). Never calls process.exit. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import yargs from 'yargs';
import { DEFAULT_MAX_BYTES } from './fsio.js';
import type { Io } from './run.js';
import { CI_SYSTEMS, type CiSystem } from './ci/systems.js';

// The engine (parsers, YAML, diff) loads only after the arguments are read: --version and --help stay fast.
const EXIT_ERROR = 2;

/** `NAME=VALUE` from --default. */
export function parseDefaultFlag(spec: string): [string, string] {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? spec : spec.slice(0, eq);
  if (eq < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`--default expects NAME=VALUE, got '${spec}'`);
  return [name, spec.slice(eq + 1)];
}

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  cwd: process.cwd(),
};

export async function main(
  argv: string[],
  io: Io = defaultIo,
  env: NodeJS.ProcessEnv = process.env,
  signal?: AbortSignal,
): Promise<number> {
  let failed: string | undefined;
  let printed = false;
  const args = await yargs(argv)
    .scriptName('dockerfile-argfix')
    .version(version)
    .command(
      '$0 [paths..]',
      'Declare the global ARGs that FROM lines need (dry run: prints a unified diff)',
      (y) =>
        y.positional('paths', {
          type: 'string',
          array: true,
          default: [],
          describe: 'Dockerfiles or directories to search (default: .)',
        }),
    )
    .option('write', { alias: 'w', type: 'boolean', default: false, describe: 'Apply the changes (atomically)' })
    .option('check', { alias: 'c', type: 'boolean', default: false, describe: 'Exit 1 if any file would change' })
    .option('list-different', { alias: 'l', type: 'boolean', default: false, describe: 'Print only the paths that would change' })
    .option('default', { type: 'string', array: true, nargs: 1, default: [], describe: 'Default for a hoisted ARG: NAME=VALUE (repeatable)' })
    .option('config', { type: 'string', describe: 'Config file (default: the nearest .dockerfile-argfix.yaml upward)' })
    .option('format', { alias: 'f', choices: ['text', 'json', 'sarif', 'gitlab', 'github'] as const, default: 'text' as const, describe: 'Report format' })
    .option('output', { alias: 'o', type: 'string', describe: 'Write the report to FILE instead of stdout/stderr' })
    .option('color', { type: 'boolean', describe: 'Colour the diff (default: when stdout is a terminal and NO_COLOR is unset)' })
    .option('gitignore', { type: 'boolean', default: true, describe: 'Skip .gitignored paths (--no-gitignore to include them)' })
    .option('ci', {
      type: 'string',
      describe: `CI systems to patch, comma-separated: ${CI_SYSTEMS.join(',')} (default: all found; --no-ci: none)`,
    })
    .option('pass-defined', { type: 'boolean', default: false, describe: 'Also pass CI-defined FROM variables whose Dockerfile default is already valid (changes what those builds use)' })
    .option('each-repo', { type: 'string', array: true, nargs: 1, default: [], describe: 'Run on every child directory of DIR that holds .git (repeatable)' })
    .option('repos-from', { type: 'string', nargs: 1, describe: 'Read repository paths from FILE, one per line (- for stdin)' })
    .option('jobs', { alias: 'j', type: 'number', describe: 'Worker threads (default: the number of CPUs)' })
    .option('run-in-band', { type: 'boolean', default: false, describe: 'Plan every repository in this thread' })
    .option('patch-dir', { type: 'string', nargs: 1, describe: 'Write <repo>.patch per repository into DIR (git apply from its root)' })
    .option('git-branch', { type: 'string', nargs: 1, describe: 'Create branch NAME in each changed repository and write there (refuses dirty work trees)' })
    .option('git-commit', { type: 'boolean', default: false, describe: 'With --git-branch: commit the change (never pushes)' })
    .option('progress', { type: 'boolean', describe: 'Progress on stderr (default: on a terminal, not in CI)' })
    .option('max-file-size', { type: 'number', default: DEFAULT_MAX_BYTES, describe: 'Refuse files larger than this many bytes' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print only errors and the diff' })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'Also print info findings of unchanged files, and the look-alikes skipped by name or path (source, data, templates) with the reason' })
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      failed = msg ?? err?.message;
    })
    .parseAsync(argv, {}, (_err, _argv, output) => {
      if (output) {
        printed = true;
        io.out(`${output}\n`);
      }
    });
  if (failed !== undefined) {
    io.err(`dockerfile-argfix: ${failed}\n`);
    return EXIT_ERROR;
  }
  if (printed) return 0;
  if (!Number.isInteger(args['max-file-size']) || args['max-file-size'] < 1) {
    io.err('dockerfile-argfix: --max-file-size takes a positive whole number of bytes\n');
    return EXIT_ERROR;
  }
  if (args['git-commit'] && args['git-branch'] === undefined) {
    io.err('dockerfile-argfix: --git-commit needs --git-branch NAME\n');
    return EXIT_ERROR;
  }
  if (args.jobs !== undefined && (!Number.isInteger(args.jobs) || args.jobs < 1)) {
    io.err('dockerfile-argfix: --jobs takes a positive whole number\n');
    return EXIT_ERROR;
  }
  const given = (args.paths as string[] | undefined) ?? [];
  const extra: string[] = [];
  try {
    for (const dir of args['each-repo'] as string[]) {
      const base = resolve(io.cwd, dir);
      for (const name of readdirSync(base).sort()) {
        if (existsSync(join(base, name, '.git'))) extra.push(join(base, name));
      }
    }
    if (args['repos-from'] !== undefined) {
      const from = args['repos-from'];
      const text = from === '-' ? readFileSync(0, 'utf8') : readFileSync(resolve(io.cwd, from), 'utf8');
      for (const line of text.split(/\r?\n/)) if (line.trim() && !line.trim().startsWith('#')) extra.push(line.trim());
    }
  } catch (e) {
    io.err(`dockerfile-argfix: ${(e as NodeJS.ErrnoException).path ?? ''}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})\n`);
    return EXIT_ERROR;
  }
  const fleet = args['each-repo'].length > 0 || args['repos-from'] !== undefined;
  const paths = [...given, ...extra];
  if (paths.length === 0) {
    if (fleet) {
      io.err('dockerfile-argfix: no repositories found\n');
      return EXIT_ERROR;
    }
    paths.push('.');
  }
  if (args.write && (args.check || args['list-different'])) {
    io.err('dockerfile-argfix: --write cannot be combined with --check or --list-different\n');
    return EXIT_ERROR;
  }
  let defaults: [string, string][];
  try {
    defaults = (args.default as string[]).map(parseDefaultFlag);
  } catch (e) {
    io.err(`dockerfile-argfix: ${(e as Error).message}\n`);
    return EXIT_ERROR;
  }
  // --ci LIST chooses systems; --no-ci (false) turns the CI side off; absent: every system found.
  let ci = true;
  let ciSystems: CiSystem[] | undefined;
  const ciArg = args.ci as unknown;
  for (const v of Array.isArray(ciArg) ? ciArg : ciArg === undefined ? [] : [ciArg]) {
    if (v === false || v === 'false') ci = false;
    else if (v === true || v === 'true' || v === '') continue;
    else {
      for (const name of String(v).split(',').map((x) => x.trim()).filter(Boolean)) {
        if (!(CI_SYSTEMS as readonly string[]).includes(name)) {
          io.err(`dockerfile-argfix: --ci: unknown CI system '${name}' (known: ${CI_SYSTEMS.join(', ')})\n`);
          return EXIT_ERROR;
        }
        (ciSystems ??= []).push(name as CiSystem);
      }
    }
  }
  // An explicit --color/--no-color wins; otherwise colour only a terminal, and never when NO_COLOR is set.
  const color = args.color ?? (env.NO_COLOR === undefined && io === defaultIo && process.stdout.isTTY === true);
  const { run } = await import('./run.js');
  return run(
    {
      paths,
      write: args.write,
      check: args.check,
      listDifferent: args['list-different'],
      defaults,
      config: args.config,
      format: args.format,
      output: args.output,
      color,
      quiet: args.quiet,
      verbose: args.verbose,
      gitignore: args.gitignore,
      ci,
      ...(ciSystems ? { ciSystems } : {}),
      passDefined: args['pass-defined'],
      maxBytes: args['max-file-size'],
      jobs: args['run-in-band'] ? 1 : (args.jobs ?? availableParallelism()),
      ...(args['patch-dir'] !== undefined ? { patchDir: args['patch-dir'] } : {}),
      ...(args['git-branch'] !== undefined ? { gitBranch: args['git-branch'], gitCommit: args['git-commit'] } : {}),
      progress: args.progress ?? (!args.quiet && io === defaultIo && process.stderr.isTTY === true && !env.CI),
      signal,
    },
    io,
  );
}
