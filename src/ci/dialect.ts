/**
 * Shell dialects of CI steps (research ci.md §5 R4): which shell runs a step's script, how that shell reads an
 * environment variable, how a flag and a line continuation are written in it, and how its script is read by the
 * POSIX shell parser (mvdan-sh) the step finder uses.
 *
 * - `posix`: sh/bash (also Git Bash on Windows). `$V`, `\` continues a line.
 * - `pwsh`: PowerShell (Core `pwsh` or Desktop `powershell`). An environment variable is `$env:V`; a bare `$V` is a
 *   PowerShell variable, empty unless the script sets it (issue 14). Backtick continues a line and escapes
 *   (about_Parsing, "Line continuation", "Handling special characters": MicrosoftDocs/PowerShell-Docs
 *   reference/7.4/Microsoft.PowerShell.Core/About/about_Parsing.md). `\` is a literal character.
 * - `cmd`: cmd.exe batch. An environment variable is `%V%`; `^` escapes and, at the end of a line, continues it.
 *
 * Where each system runs which shell:
 * - GitLab: a Windows runner runs PowerShell; "Bash shell is not supported on Windows" (gitlab-runner
 *   docs/executors/_index.md, shells table; docs/shells/_index.md: `pwsh` for new registrations and the shell
 *   executor, PowerShell Desktop for docker-windows and kubernetes). GitLab's hosted Windows runners (tag
 *   `saas-windows-medium-amd64`, formerly `shared-windows`/`windows`/`windows-1809`) "have PowerShell configured
 *   as the shell" (docs.gitlab.com/ci/runners/hosted_runners/windows). The shell is a runner setting, so the
 *   signals are a Windows runner tag, a Windows container image (only the docker-windows executor runs
 *   `mcr.microsoft.com/windows/…` images: gitlab-runner docs/executors/docker.md, "Supported configurations"),
 *   or `$env:` in the job's script.
 * - GitHub Actions: a step's `shell`, else `defaults.run.shell` of the job, else of the workflow, else the
 *   runner's default: `pwsh` on Windows, bash elsewhere; `bash` on Windows is Git for Windows' bash; `cmd` runs
 *   a `.cmd` file; a custom shell `command … {0}` is named by its first word (github/docs
 *   data/reusables/actions/supported-shells.md; content/actions/reference/workflows-and-actions/workflow-syntax.md
 *   "Custom shell").
 * - CircleCI: the Windows execution environment's default shell is PowerShell, "Bash and CMD are available to be
 *   manually selected" with `shell:` (circleci.com/docs/guides/execute/using-windows); the `circleci/windows`
 *   orb's executors default to `shell: powershell.exe -ExecutionPolicy Bypass` (CircleCI-Public/windows-orb
 *   src/executors/default.yml).
 * - Azure Pipelines: `script` "runs a script using cmd.exe on Windows and Bash on other platforms", `bash` is
 *   Bash everywhere, `powershell` is Windows PowerShell (pwsh off Windows), `pwsh` is PowerShell Core
 *   (learn.microsoft.com/azure/devops/pipelines/yaml-schema/steps); `PowerShell@2` runs its inline `script`
 *   when `targetType: inline` (default `filePath`). Macros `$(Name)` are "expanded before the platform's shell
 *   ever sees it" (MicrosoftDocs/azure-devops-docs docs/pipelines/scripts/cross-platform-scripting.md), so a
 *   macro value is right in every dialect.
 */
import type { Tool } from './builders.js';

export type Dialect = 'posix' | 'pwsh' | 'cmd';

export interface ShellChoice {
  /** The step's dialect, or null when it cannot be decided (then the step is reported, never edited). */
  dialect: Dialect | null;
  /** What decided it, or why it cannot be decided, for the report ("runs-on: windows-latest"). */
  why: string;
  /** When undecided over a matrix of known shells: the dialect for each runner it names. */
  candidates?: { dialect: Dialect; where: string }[];
}

export const POSIX: ShellChoice = { dialect: 'posix', why: 'a POSIX shell' };

/** The report's name for a dialect. */
export const DIALECT_NAME: Record<Dialect, string> = { posix: 'a POSIX shell', pwsh: 'PowerShell', cmd: 'cmd.exe' };

/** How the dialect reads the environment variable `name`. */
export function envRef(dialect: Dialect, name: string, braced = false): string {
  if (dialect === 'pwsh') return `$env:${name}`;
  if (dialect === 'cmd') return `%${name}%`;
  return braced ? `\${${name}}` : `$${name}`;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * True when `raw` (as written after `NAME=`, quotes included) reads the environment variable `name` in the
 * dialect: `$V`/`${V}` in a POSIX shell; `$env:V`/`${env:V}` in PowerShell (any case of `env`, the drive name
 * is case-insensitive, as Windows variable names are); `%V%` in cmd.exe.
 */
export function sameEnvRef(dialect: Dialect, name: string, raw: string): boolean {
  const n = esc(name);
  if (dialect === 'pwsh') return new RegExp(`^"?(\\$env:${n}|\\$\\{env:${n}\\})"?$`, 'i').test(raw);
  if (dialect === 'cmd') return new RegExp(`^"?%${n}%"?$`, 'i').test(raw);
  return new RegExp(`^"?\\$(${n}|\\{${n}\\})"?$`).test(raw);
}

/**
 * The flag passing `name` (`value` as the dialect writes it; null: bare, the builder reads the environment).
 * PowerShell gets the value inside double quotes: an expandable string, so `$env:V` is expanded and the
 * argument stays one word whatever the value holds (about_Parsing, "Argument mode": quotation marks begin
 * strings; `Write-Output a"$a"` gives `a4`, so `--build-arg="V=$env:V"` is one argument too).
 */
export function flagText(dialect: Dialect, tool: Tool, eqStyle: boolean, name: string, value: string | null): string {
  const nv = value === null ? name : `${name}=${value}`;
  const arg = tool === 'buildctl' ? `build-arg:${nv}` : nv;
  const word = dialect === 'pwsh' && value !== null ? `"${arg}"` : arg;
  if (tool === 'buildctl') return `--opt ${word}`;
  return eqStyle ? `--build-arg=${word}` : `--build-arg ${word}`;
}

/** What ends a line that the command continues on the next one. */
export const CONTINUATION: Record<Dialect, string> = { posix: '\\', pwsh: '`', cmd: '^' };

/**
 * A script of the dialect rewritten, character for character (offsets stay aligned), into a POSIX text that
 * the shell parser reads with the same words and the same line structure:
 * - PowerShell: `\` (a literal there) → `/`, so a Windows path keeps its separators; then backtick → `\` (escape
 *   and line continuation); `$env:NAME` → `"${NAME}"` and `${env:NAME}` → `""${NAME}""` (the environment
 *   variable, one word); any other `$name`/`${name}` (a PowerShell variable, not the environment) → `$_ame`,
 *   unknown but still named like an argument list when it is one; a splat `@name` → `$(xx…)`, an unknown list.
 * - cmd.exe: `\` → `/`; `^` → `\` (escape and continuation); `%NAME%` → `$_NAME` (read as NAME: cmdAlias).
 */
export function maskDialect(dialect: Dialect, text: string): string {
  if (dialect === 'posix') return text;
  if (dialect === 'cmd') {
    return text
      .replace(/\\/g, '/')
      .replace(/\^/g, '\\')
      .replace(/%([A-Za-z_][A-Za-z0-9_]*)%/g, (_m, n: string) => `$_${n}`);
  }
  return text
    .replace(/\\/g, '/')
    .replace(/`/g, '\\')
    .replace(
      /(?<!\\)\$(?:\{env:([A-Za-z_][A-Za-z0-9_]*)\}|env:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z])([A-Za-z0-9_]*)\}|([A-Za-z])([A-Za-z0-9_]*))|(^|[\s(;|&])@([A-Za-z_][A-Za-z0-9_]*)/gi,
      (m, be?: string, e?: string, b1?: string, br?: string, v1?: string, vr?: string, pre?: string, splat?: string) => {
        if (be !== undefined) return `""\${${be}}""`;
        if (e !== undefined) return `"\${${e}}"`;
        if (b1 !== undefined) return `\${_${br}}`;
        if (v1 !== undefined) return `$_${vr}`;
        // `@name`: a command substitution of the same length is an unknown word list.
        const n = splat!.length + 1;
        return `${pre}${n >= 4 ? `$(${'x'.repeat(n - 3)})` : m.slice(pre!.length)}`;
      },
    );
}

/** cmd.exe's `%NAME%` is masked as `$_NAME`: the variable the masked name reads. */
export const cmdAlias = (name: string) => (name.length > 1 && name.startsWith('_') ? name.slice(1) : name);

/** A runner label or image naming Windows (`windows-latest`, `saas-windows-medium-amd64`, `windows-2022`). */
export const WINDOWS_LABEL = /windows/i;

/** Images only the docker-windows executor runs (Windows Server containers). */
export const WINDOWS_IMAGE = /^mcr\.microsoft\.com\/windows\//i;

/**
 * The dialect of a shell named by a command line: its first word's base name (`pwsh`, `powershell.exe
 * -ExecutionPolicy Bypass`, `bash -e {0}`, `cmd.exe`, `/bin/sh`); null for anything else (`python`, `perl {0}`).
 */
export function shellDialect(text: string): Dialect | null {
  const first = text.trim().split(/\s+/)[0] ?? '';
  const base = first.replace(/^.*[\\/]/, '').toLowerCase().replace(/\.exe$/, '');
  if (base === 'pwsh' || base === 'powershell') return 'pwsh';
  if (base === 'cmd') return 'cmd';
  if (base === 'bash' || base === 'sh' || base === 'dash' || base === 'zsh' || base === 'ash' || base === 'ksh') return 'posix';
  return null;
}

/** One choice from several candidates: the common dialect, or undecided with each candidate named. */
export function combine(candidates: { dialect: Dialect | null; where: string }[], what: string): ShellChoice {
  const known = candidates.filter((c): c is { dialect: Dialect; where: string } => c.dialect !== null);
  const kinds = new Set(candidates.map((c) => c.dialect));
  if (kinds.size === 1 && known.length === candidates.length && known.length > 0) return { dialect: known[0].dialect, why: what };
  const unknown = candidates.filter((c) => c.dialect === null).map((c) => c.where);
  if (unknown.length) return { dialect: null, why: `${what}: the shell of ${unknown.join(', ')} is not known` };
  return { dialect: null, why: `${what} runs ${known.map((c) => `${DIALECT_NAME[c.dialect]} on ${c.where}`).join(' and ')}`, candidates: known };
}
