/** Argument parsing only (yargs): argv → RunOptions → run(). Never calls process.exit. */
import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { DEFAULT_MAX_BYTES } from './fsio.js';
import type { Io } from './run.js';

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
          default: ['.'],
          describe: 'Dockerfiles or directories to search',
        }),
    )
    .option('write', { alias: 'w', type: 'boolean', default: false, describe: 'Apply the changes (atomically)' })
    .option('check', { alias: 'c', type: 'boolean', default: false, describe: 'Exit 1 if any file would change' })
    .option('list-different', { alias: 'l', type: 'boolean', default: false, describe: 'Print only the paths that would change' })
    .option('default', { type: 'string', array: true, nargs: 1, default: [], describe: 'Default for a hoisted ARG: NAME=VALUE (repeatable)' })
    .option('config', { type: 'string', describe: 'Config file (default: the nearest .dockerfile-argfix.yaml upward)' })
    .option('format', { alias: 'f', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Report format' })
    .option('output', { alias: 'o', type: 'string', describe: 'Write the report to FILE instead of stdout/stderr' })
    .option('color', { type: 'boolean', describe: 'Colour the diff (default: when stdout is a terminal and NO_COLOR is unset)' })
    .option('gitignore', { type: 'boolean', default: true, describe: 'Skip .gitignored paths (--no-gitignore to include them)' })
    .option('ci', { type: 'boolean', default: true, describe: 'Also patch GitLab CI build steps (--no-ci skips the CI transform)' })
    .option('max-file-size', { type: 'number', default: DEFAULT_MAX_BYTES, describe: 'Refuse files larger than this many bytes' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print only errors and the diff' })
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
  // An explicit --color/--no-color wins; otherwise colour only a terminal, and never when NO_COLOR is set.
  const color = args.color ?? (env.NO_COLOR === undefined && io === defaultIo && process.stdout.isTTY === true);
  const { run } = await import('./run.js');
  return run(
    {
      paths: (args.paths as string[] | undefined) ?? ['.'],
      write: args.write,
      check: args.check,
      listDifferent: args['list-different'],
      defaults,
      config: args.config,
      format: args.format,
      output: args.output,
      color,
      quiet: args.quiet,
      gitignore: args.gitignore,
      ci: args.ci,
      maxBytes: args['max-file-size'],
      signal,
    },
    io,
  );
}
