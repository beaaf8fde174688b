/** Argument parsing only (yargs): argv → RunOptions → run(). Never calls process.exit. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import yargs from 'yargs';
import { DEFAULT_MAX_BYTES } from './fsio.js';
import type { Io, RunOptions } from './run.js';
import { CI_SYSTEMS, type CiSystem } from './ci/systems.js';
import { FAILURE_LEVELS, unknownRule, type FailureLevel } from './findings.js';

// The engine (parsers, YAML, diff) loads only after the arguments are read: --version and --help stay fast.
const EXIT_ERROR = 2;

const STDIN_TOKEN = '\0-';

/** The exit codes, as --help prints them (src/run.ts, src/bin.ts). */
export const EXIT_CODES = `Exit codes:
  0    nothing to change, or everything fixed
  1    --check/-l: a file would change; or a finding at --failure-level is left
  2    usage error, unreadable or unparsable input, internal error
  130  interrupted (SIGINT; 143: SIGTERM): each file as it was or fully written`;

/** `NAME=VALUE` from --default. */
export function parseDefaultFlag(spec: string): [string, string] {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? spec : spec.slice(0, eq);
  if (eq < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`--default expects NAME=VALUE, got '${spec}'`);
  return [name, spec.slice(eq + 1)];
}

/**
 * The threads a run uses when --jobs does not say: the CPUs, except on a machine with two or fewer, where one.
 * Measured there (bench/, 2 vCPUs; src/pool.ts): a worker beside the main thread made the 10,000-Dockerfile fleet 10-20% slower
 * in wall time and cost ~50% more CPU, and the 1,630-Dockerfile real-shaped one 15% slower, while raising the peak
 * RSS by ~80 MB: V8's garbage collector already runs its parallel work on the second CPU, and a worker pays its own
 * module loads (the CI modules again) and the copying of its plans.
 */
export function defaultThreads(cpus: number): number {
  return cpus > 2 ? cpus : 1;
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
  // yargs-parser drops a lone `-`: it travels as a token no real argument can be (a NUL cannot be in argv).
  argv = argv.map((a) => (a === '-' ? STDIN_TOKEN : a));
  const args = await yargs(argv)
    .scriptName('dockerfile-argfix')
    .version('version', 'Show the version number', version)
    .alias('version', 'v')
    .help('help')
    .alias('help', 'h')
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
    .option('check', { alias: 'c', type: 'boolean', default: false, describe: 'Exit 1 if any file would change (or a finding at --failure-level is left)' })
    .option('list-different', { alias: 'l', type: 'boolean', default: false, describe: 'Print only the paths that would change' })
    .option('default', { type: 'string', array: true, nargs: 1, default: [], describe: 'Default for a hoisted ARG: NAME=VALUE (repeatable)' })
    .option('config', { type: 'string', describe: 'Fleet config FILE, merged under each repository\'s own .dockerfile-argfix.yaml (or .yml, the nearest upward), which wins' })
    .option('format', { alias: 'f', choices: ['text', 'json', 'sarif', 'gitlab', 'github'] as const, default: 'text' as const, describe: 'Report format' })
    .option('output', { alias: 'o', type: 'string', describe: 'Write the report to FILE instead of stdout/stderr' })
    .option('color', { type: 'boolean', describe: 'Colour the diff (default: when stdout is a terminal and NO_COLOR is unset)' })
    .option('gitignore', { type: 'boolean', default: true, describe: 'Skip .gitignored paths (--no-gitignore to include them)' })
    .option('ci', {
      type: 'string',
      describe: `CI systems to patch, comma-separated: ${CI_SYSTEMS.join(',')} (default: all found; --no-ci: none). Every CI file is still read for the defaults it gives the Dockerfiles`,
    })
    .option('pass-defined', { type: 'boolean', default: false, describe: 'Also pass CI-defined FROM variables whose Dockerfile default is already valid (changes what those builds use)' })
    .option('each-repo', { type: 'string', array: true, nargs: 1, default: [], describe: 'Run on every child directory of DIR that holds .git (repeatable)' })
    .option('repos-from', { type: 'string', nargs: 1, describe: 'Read repository paths from FILE, one per line (- for stdin)' })
    .option('jobs', { alias: 'j', type: 'number', describe: 'Threads at most (default: the number of CPUs; 1 with 2 CPUs or fewer)' })
    .option('run-in-band', { type: 'boolean', default: false, describe: 'Plan every repository in this thread' })
    .option('patch-dir', { type: 'string', nargs: 1, describe: 'Write <repo>.patch per repository into DIR (git apply from its root)' })
    .option('git-branch', { type: 'string', nargs: 1, describe: 'Create branch NAME in each changed repository and write there (refuses dirty work trees)' })
    .option('git-commit', { type: 'boolean', default: false, describe: 'With --git-branch: commit the change (never pushes)' })
    .option('progress', { type: 'boolean', describe: 'Progress on stderr (default: on a terminal, not in CI)' })
    .option('max-file-size', { type: 'number', default: DEFAULT_MAX_BYTES, describe: 'Refuse files larger than this many bytes' })
    .option('ignore', { type: 'string', array: true, nargs: 1, default: [], describe: 'Report RULE as suppressed, as the config\'s ignore: does (repeatable, or comma-separated)' })
    .option('failure-level', { choices: FAILURE_LEVELS, default: 'warning' as FailureLevel, describe: 'The least severe unfixed finding that makes the exit code 1 (none: findings never do)' })
    .option('inline-config', { type: 'boolean', default: true, describe: 'Read # dockerfile-argfix ignore pragmas (--no-inline-config: ignore them; # check=skip= is BuildKit\'s own and still applies)' })
    .option('stdin-filepath', { type: 'string', nargs: 1, describe: 'The path of the Dockerfile given as - (stdin): diff headers, reports, config lookup' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print only errors and the diff' })
    .option('verbose', { type: 'boolean', default: false, describe: 'Also print info findings of unchanged files, and the look-alikes skipped by name or path (source, data, templates) with the reason' })
    .example('$0', 'Dry run on the current directory: the diff on stdout, findings and summary on stderr')
    .example('$0 --write', 'Apply the changes')
    .example('$0 --check', 'CI gate: exit 1 when a file would change or a finding needs a human')
    .example('$0 -w - --stdin-filepath a/Dockerfile < a/Dockerfile', 'Fix a Dockerfile read from stdin: the fixed text on stdout (the CI side is not run)')
    .example('$0 --each-repo ~/src --patch-dir patches', 'Every repository under ~/src: one patch each')
    .epilog(EXIT_CODES)
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
  const record = args as Record<string, unknown>;
  for (const [k, v] of Object.entries(record)) {
    if (v === STDIN_TOKEN) record[k] = '-';
    else if (Array.isArray(v)) record[k] = v.map((x) => (x === STDIN_TOKEN ? '-' : x));
  }
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
  // Paths after `--` (so a path may start with -) are in `_`: yargs fills `[paths..]` only before it.
  const given = [...((args.paths as string[] | undefined) ?? []), ...(args._ ?? []).map(String)];
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
  const stdin = given.includes('-');
  if (stdin) {
    const with_ = given.length > 1 ? 'other paths' : args['each-repo'].length > 0 ? '--each-repo' : args['repos-from'] !== undefined ? '--repos-from' : args['patch-dir'] !== undefined ? '--patch-dir' : args['git-branch'] !== undefined ? '--git-branch' : null;
    if (with_ !== null) {
      io.err(`dockerfile-argfix: - (a Dockerfile on stdin) cannot be combined with ${with_}\n`);
      return EXIT_ERROR;
    }
  } else if (args['stdin-filepath'] !== undefined) {
    io.err('dockerfile-argfix: --stdin-filepath needs - (read the Dockerfile from stdin) as the path\n');
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
  const ignore: string[] = [];
  for (const spec of args.ignore as string[]) {
    for (const name of spec.split(',').map((x) => x.trim()).filter(Boolean)) {
      const unknown = unknownRule(name);
      if (unknown !== null) {
        io.err(`dockerfile-argfix: --ignore: ${unknown}\n`);
        return EXIT_ERROR;
      }
      ignore.push(name);
    }
  }
  // An explicit --color/--no-color wins; otherwise colour only a terminal, and never when NO_COLOR is set.
  const color = args.color ?? (env.NO_COLOR === undefined && io === defaultIo && process.stdout.isTTY === true);
  const options: RunOptions = {
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
    ...(ignore.length ? { ignore } : {}),
    failureLevel: args['failure-level'],
    inlineConfig: args['inline-config'],
    maxBytes: args['max-file-size'],
    jobs: args['run-in-band'] ? 1 : (args.jobs ?? defaultThreads(availableParallelism())),
    ...(args['patch-dir'] !== undefined ? { patchDir: args['patch-dir'] } : {}),
    ...(args['git-branch'] !== undefined ? { gitBranch: args['git-branch'], gitCommit: args['git-commit'] } : {}),
    progress: args.progress ?? (!args.quiet && io === defaultIo && process.stderr.isTTY === true && !env.CI),
    signal,
  };
  if (stdin) {
    const { runStdin } = await import('./stdin.js');
    let bytes: Buffer;
    try {
      bytes = readFileSync(0);
    } catch (e) {
      io.err(`dockerfile-argfix: -: cannot read stdin (${(e as NodeJS.ErrnoException).code ?? String(e)})\n`);
      return EXIT_ERROR;
    }
    return runStdin({ ...options, ...(args['stdin-filepath'] !== undefined ? { stdinFilepath: args['stdin-filepath'] } : {}) }, io, bytes);
  }
  const { run } = await import('./run.js');
  return run(options, io);
}
