/**
 * SARIF 2.1.0 (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), shaped for what GitHub
 * code scanning reads ("SARIF support for code scanning", docs.github.com): one run for the tool, `tool.driver`
 * with name, version and every rule (id, shortDescription, fullDescription, help, helpUri), and per result
 * `ruleId`/`ruleIndex`, `level`, `message.text`, one physical location (a URI relative to `%SRCROOT%`, 1-based
 * startLine and startColumn) and `partialFingerprints`. Every finding is a result, as in JSON: a suppressed one
 * carries a `suppressions` entry, and one the planned edits fix carries them as a `fixes` entry.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { PROJECT_URL, RULES, ruleUrl, type Finding, type RuleName, type Severity } from '../findings.js';
import type { FileReport } from '../report.js';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** The key of our fingerprint in partialFingerprints (SARIF §3.27.17: a name and a version). */
export const FINGERPRINT_KEY = 'dockerfileArgfix/v1';

const LEVEL: Record<Severity, Sarif.Result.level> = { error: 'error', warning: 'warning', info: 'note' };
const RULE_NAMES = Object.keys(RULES) as RuleName[];

/** The package's version: package.json above this module (dist/src/formats or src/formats). */
function toolVersion(): string {
  for (let up = new URL('.', import.meta.url), i = 0; i < 5; i++, up = new URL('..', up)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', up), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'dockerfile-argfix' && pkg.version) return pkg.version;
    } catch {
      // not here: one directory up
    }
  }
  return '0.0.0';
}

/** A path as reported ('/'-separated, relative to the current directory) as a URI reference. */
const uriOf = (path: string) => path.split('/').map(encodeURIComponent).join('/');

function descriptor(rule: RuleName): Sarif.ReportingDescriptor {
  const info = RULES[rule];
  const url = ruleUrl(rule);
  return {
    id: rule,
    name: rule,
    shortDescription: { text: info.description },
    fullDescription: { text: info.description },
    helpUri: url,
    help: { text: `${info.description}. See ${url}`, markdown: `${info.description}. See [${rule}](${url}).` },
    defaultConfiguration: { level: LEVEL[info.severity] },
    properties: { tags: [rule.startsWith('Ci') ? 'ci' : 'dockerfile'] },
  };
}

function result(f: Finding, edits: FileReport['edits']): Sarif.Result {
  const hint = f.fix !== undefined && !f.suppressed ? `\n${f.fixed ? 'fix' : 'hint'}: ${f.fix}` : '';
  const location: Sarif.ArtifactLocation = { uri: uriOf(f.file), uriBaseId: '%SRCROOT%' };
  return {
    ruleId: f.rule,
    ruleIndex: RULE_NAMES.indexOf(f.rule),
    level: LEVEL[f.severity],
    message: { text: `${f.message}${hint}` },
    locations: [{ physicalLocation: { artifactLocation: location, region: { startLine: f.line, startColumn: f.column } } }],
    ...(f.fingerprint !== undefined ? { partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint } } : {}),
    // A `# check=skip=`/`# dockerfile-argfix ignore` comment, or the repository's config `ignore:` list: both live in
    // the repository the file is in.
    ...(f.suppressed ? { suppressions: [{ kind: 'inSource' as const }] } : {}),
    // The file's whole planned change: the tool verifies a file's edits together, so a fixed result carries all of
    // them (two fixed results in one file carry the same fix; apply it once).
    ...(f.fixed && !f.suppressed && edits?.length
      ? {
          fixes: [
            {
              description: { text: f.fix ?? `the edits dockerfile-argfix --write makes to ${f.file}` },
              artifactChanges: [
                {
                  artifactLocation: location,
                  replacements: edits.map((e) => ({
                    deletedRegion: { startLine: e.start.line, startColumn: e.start.column, endLine: e.end.line, endColumn: e.end.column },
                    ...(e.text ? { insertedContent: { text: e.text } } : {}),
                  })),
                },
              ],
            },
          ],
        }
      : {}),
    properties: { fixed: f.fixed, ...(f.name !== undefined ? { name: f.name } : {}) },
  };
}

/**
 * One SARIF log with one run. `cwd` is where paths are relative to: `%SRCROOT%` (given in originalUriBaseIds as
 * its file URI; GitHub takes %SRCROOT% as the checkout it analyses). `errors`: the run's error lines, as
 * toolExecutionNotifications.
 */
export function toSarif(files: readonly FileReport[], cwd: string, errors: readonly string[]): string {
  const edits = new Map(files.map((r) => [r.path, r.edits]));
  const results = files.flatMap((r) => r.findings.map((f) => result(f, edits.get(f.file))));
  let root = pathToFileURL(cwd).href;
  if (!root.endsWith('/')) root += '/';
  const log: Sarif.Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'dockerfile-argfix', version: toolVersion(), informationUri: PROJECT_URL, rules: RULE_NAMES.map(descriptor) } },
        invocations: [
          {
            executionSuccessful: errors.length === 0,
            ...(errors.length ? { toolExecutionNotifications: errors.map((e) => ({ level: 'error' as const, message: { text: e } })) } : {}),
          },
        ],
        originalUriBaseIds: { '%SRCROOT%': { uri: root } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
