/**
 * GitLab Code Quality report (artifacts:reports:codequality), as GitLab documents it ("Code Quality report format",
 * https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format): a JSON array of issues, each with
 * `description`, `check_name`, `fingerprint` (unique per issue; GitLab compares the source and target branches by
 * it), `severity` (info, minor, major, critical or blocker) and `location.path` (relative to the repository) with
 * `location.lines.begin`. GitLab reads a subset of the Code Climate issue spec
 * (https://github.com/codeclimate/platform/blob/master/spec/analyzers/SPEC.md); its `content.body` (markdown: "deeper
 * explanations and links") carries the rule's page, which GitLab does not show today.
 *
 * Severity: GitLab gives the levels no meaning beyond their order. Like the common linters' GitLab formatters
 * (ESLint's, Stylelint's), an error is `major` and a warning `minor`, so a merge request that also runs them ranks
 * our findings among theirs; info stays `info`. critical and blocker are left for security scanners' scale.
 */
import { ruleUrl, type Finding, type Severity } from '../findings.js';

const SEVERITY: Record<Severity, string> = { error: 'major', warning: 'minor', info: 'info' };

export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number } };
  content: { body: string };
}

/** `findings`: the ones text prints (without -v: info only where the file changes), never a suppressed one. */
export function toGitlab(findings: readonly Finding[]): string {
  const issues: CodeQualityIssue[] = findings.map((f) => {
    const state = f.fixed ? ' (fixed)' : '';
    const hint = f.fix !== undefined ? `${f.fixed ? 'Fix' : 'Hint'}: ${f.fix}\n\n` : '';
    return {
      description: `${f.message}${state}`,
      check_name: f.rule,
      fingerprint: f.fingerprint ?? '',
      severity: SEVERITY[f.severity],
      location: { path: f.file, lines: { begin: f.line } },
      content: { body: `${hint}See [${f.rule}](${ruleUrl(f.rule)}).` },
    };
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}
