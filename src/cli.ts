/** Argument parsing only (yargs): argv → RunOptions → run(). Never calls process.exit. */
import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { parseDefaultFlag } from './config.js';
import { InputError } from './errors.js';
import { CI_SYSTEMS, type CiSystem } from './ci/platform.js';
import { EXIT_ERROR, run, type Io } from './run.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  cwd: process.cwd(),
};

export async function main(argv: string[], io: Io = defaultIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
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
    .option('default', { type: 'string', array: true, default: [], describe: 'Default for a hoisted ARG: NAME=VALUE (repeatable)' })
    .option('config', { type: 'string', describe: 'Config file (default: the nearest .dockerfile-argfix.yaml upward)' })
    .option('format', { alias: 'f', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Report format' })
    .option('output', { alias: 'o', type: 'string', describe: 'Write the report to FILE instead of stdout/stderr' })
    .option('color', { type: 'boolean', describe: 'Colour the diff (default: when stdout is a terminal and NO_COLOR is unset)' })
    .option('gitignore', { type: 'boolean', default: true, describe: 'Skip .gitignored paths (--no-gitignore to include them)' })
    .option('ci', {
      type: 'string',
      describe: `CI systems to patch, comma-separated: ${CI_SYSTEMS.join(',')} (default: all found; --no-ci: none)`,
    })
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
  if (args.write && (args.check || args['list-different'])) {
    io.err('dockerfile-argfix: --write cannot be combined with --check or --list-different\n');
    return EXIT_ERROR;
  }
  let defaults: [string, string][];
  try {
    defaults = (args.default as string[]).map(parseDefaultFlag);
  } catch (e) {
    io.err(`dockerfile-argfix: ${(e as InputError).message}\n`);
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
      ci,
      ...(ciSystems ? { ciSystems } : {}),
    },
    io,
  );
}
