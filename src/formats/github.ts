/**
 * GitHub Actions workflow commands ("Workflow commands for GitHub Actions", docs.github.com): one
 * `::warning file=…,line=…,col=…,title=…::message` line per finding on stdout, which the runner turns into an
 * annotation on that line of the file (in the job summary and the pull request's changed files). `error` for an
 * error, `warning`, and `notice` for info. Escaping as @actions/core (packages/core/src/command.ts) does it: in the
 * message `%`, CR and LF become %25, %0D, %0A; in a property also `:` and `,` (%3A, %2C), which would otherwise end
 * the property.
 */
import type { Finding, Severity } from '../findings.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
export const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `findings`: the ones text prints (without -v: info only where the file changes), never a suppressed one. */
export function toGithub(findings: readonly Finding[]): string {
  return findings
    .map((f) => {
      const state = f.fixed ? ' (fixed)' : '';
      const hint = f.fix !== undefined ? `\n${f.fixed ? 'fix' : 'hint'}: ${f.fix}` : '';
      const props = `file=${escapeProperty(f.file)},line=${f.line},col=${f.column},title=${escapeProperty(f.rule)}`;
      return `::${COMMAND[f.severity]} ${props}::${escapeData(`${f.message}${state}${hint}`)}\n`;
    })
    .join('');
}
