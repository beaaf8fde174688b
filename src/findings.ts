/**
 * Findings are data. Rule names are BuildKit's where BuildKit has the rule (same meaning, same message),
 * otherwise our own PascalCase names. Formatters (src/report.ts) turn them into text or JSON.
 */
import { suggest } from './dockerfile/suggest.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  rule: RuleName;
  severity: Severity;
  /** Path as reported (relative to the current directory); set by the engine. */
  file: string;
  /** 1-based, in the file as read. */
  line: number;
  column: number;
  /** The variable the finding is about, when there is one. */
  name?: string;
  message: string;
  /** The planned edits fix it. */
  fixed: boolean;
  /** Skipped by `# check=skip=...` or a `# dockerfile-argfix ignore` pragma: reported, never edited. */
  suppressed?: boolean;
  /** What the tool did or what the user can do, in one sentence. */
  fix?: string;
  /** The rule's page: BuildKit's for its rules, this project's docs/rules/<Rule>.md for the others. */
  url?: string;
  /**
   * Identifies the finding across runs whatever lines are added above it: a hash of the rule, the path as
   * reported, the variable and the finding's line as trimmed text (set by src/repo.ts; see
   * src/formats/fingerprint.ts). SARIF partialFingerprints, GitLab Code Quality fingerprint.
   */
  fingerprint?: string;
}

export interface RuleInfo {
  severity: Severity;
  description: string;
  url?: string;
}

const DOCS = 'https://docs.docker.com/go/dockerfile/rule/';

/** The project's home; its rule pages are docs/rules/<Rule>.md there. */
export const PROJECT_URL = 'https://github.com/dockerfile-argfix/dockerfile-argfix';

export const RULES = {
  // BuildKit frontend/dockerfile/linter/ruleset.go
  UndefinedArgInFrom: {
    severity: 'warning',
    description: 'FROM command must use declared ARGs',
    url: `${DOCS}undefined-arg-in-from/`,
  },
  InvalidDefaultArgInFrom: {
    severity: 'warning',
    description: 'Default value for global ARG results in an empty or invalid base image name',
    url: `${DOCS}invalid-default-arg-in-from/`,
  },
  // Our own rules.
  UndefinedArgInGlobalDefault: {
    severity: 'warning',
    description: 'A global ARG default uses a variable that is not declared above it (BuildKit does not check this)',
  },
  GlobalArgUsedBeforeDeclared: {
    severity: 'warning',
    description: 'A global ARG default uses a variable declared only further down, so it expands to empty',
  },
  NeedsDefault: {
    severity: 'warning',
    description: 'A hoisted ARG has no default, and without --build-arg its FROM is still invalid',
  },
  InvalidFromExpansion: {
    severity: 'error',
    description: 'A FROM word cannot be expanded (unsupported modifier or ${VAR:?message} with VAR unset)',
  },
  HoistChangesStageArg: {
    severity: 'info',
    description: 'A stage re-declares the ARG without a value, so it now inherits the hoisted default',
  },
  DefaultRewritten: {
    severity: 'info',
    description: 'An existing global ARG default that gave an invalid reference was replaced by the supplied value',
  },
  UnknownRuleInPragma: {
    severity: 'warning',
    description: 'A # dockerfile-argfix ignore pragma names a rule this tool does not have, so it suppresses nothing for that name',
  },
  // CI companion, research ci.md §5.
  CiBeforeShaZeros: {
    severity: 'warning',
    description: 'A FROM uses CI_COMMIT_BEFORE_SHA, which is forty zeros in MR, first-push, manual and scheduled pipelines',
  },
  CiRefNameInTag: {
    severity: 'warning',
    description: 'A ref name (CI_COMMIT_REF_NAME, CI_COMMIT_BRANCH, CI_COMMIT_TAG) is used as an image tag; it can contain /',
  },
  CiMaybeUnset: {
    severity: 'warning',
    description: 'A needed FROM variable is unset in some pipelines of the job (passed bare where that keeps the Dockerfile default, else not passed)',
  },
  CiEmptyVariable: {
    severity: 'warning',
    description: 'The CI gives a needed FROM variable an empty value (or a Bake variable defaults to ""), which would override the Dockerfile default: not passed there',
  },
  CiNoBuildCommand: {
    severity: 'warning',
    description: 'A Dockerfile needs FROM variables from the build, but no CI step the tool reads builds it (info when its ARGs are declared: a build elsewhere may pass them)',
  },
  CiBuildInScriptFile: {
    severity: 'warning',
    description: 'A Dockerfile that needs a variable is built in a script file a CI step runs, and the script cannot be patched safely (kaniko or buildctl, which have no bare build arg that keeps the Dockerfile default; not a sh/bash script; steps that resolve it differently; arguments from a variable the tool cannot read): the flags to add are given. Other builds in such scripts are patched with a bare --build-arg NAME',
  },
  CiExternalInclude: {
    severity: 'warning',
    description: 'A remote, project, template or component include is not in the repository; its jobs are not edited',
  },
  CiDynamicArgs: {
    severity: 'warning',
    description: 'The build command takes arguments from a variable or array that the tool cannot read in full (a command substitution, a sourced file, a value set outside the job), so it may already pass the build args; not edited (the flags to add are given). Visible assignments are followed: a variable they pass needs nothing, one they never pass is added explicitly',
  },
  CiDynamicDockerfile: {
    severity: 'warning',
    description: 'The Dockerfile or context of a build command cannot be resolved statically',
  },
  CiUndefinedVariable: {
    severity: 'warning',
    description: 'A FROM variable the Dockerfile needs is never defined by the CI (hoisted, not passed)',
  },
  CiUnusedBuildArg: {
    severity: 'warning',
    description: 'A build arg is passed that the Dockerfile never declares (often a misspelling)',
  },
  CiArgDifferentValue: {
    severity: 'info',
    description: 'The build arg is already passed with a different value; left as it is',
  },
  CiShellCommentInBlock: {
    severity: 'warning',
    description: 'A shell # inside a folded or plain multi-line scalar comments out the rest of the command',
  },
  CiBuildctlBuildArg: {
    severity: 'warning',
    description: 'buildctl has no --build-arg flag (use --opt build-arg:NAME=VALUE)',
  },
  // GitHub Actions, Compose, Bake (research ci.md §3, §5).
  CiUppercaseRepository: {
    severity: 'warning',
    description: 'A FROM uses GITHUB_REPOSITORY (or the owner, or github.repository) in a repository path, which keeps capitals',
  },
  CiValueInvalidReference: {
    severity: 'warning',
    description: 'A value the CI job gives a needed FROM variable makes the base image reference invalid once it is passed',
  },
  CiBakeHcl: {
    severity: 'warning',
    description: 'A Bake HCL target builds the Dockerfile without passing a FROM variable, and the edit cannot be made and proven by insertion (the text to add is given)',
  },
  CiBuildArgsShape: {
    severity: 'warning',
    description: 'The build args are written in a shape the tool cannot extend by inserting text; the lines to add are reported',
  },
  CiAzureBuildAndPush: {
    severity: 'warning',
    description: 'An Azure Pipelines Docker@2 task with command buildAndPush ignores arguments, so build args cannot be passed; split it into build and push',
  },
  // Reported, never edited (research ci.md §3.2, §5 R8).
  CiBuildInJenkinsfile: {
    severity: 'warning',
    description: 'A Jenkinsfile builds a Dockerfile without passing a variable it needs; Jenkinsfiles are reported, not edited (the flags to add are given)',
  },
  CiBuildInShellScript: {
    severity: 'warning',
    description: 'A shell script no CI step runs builds a Dockerfile without passing a variable it needs; such scripts are reported, not edited (the flags to add are given). A script a CI step runs is patched with that CI (or reported as CiBuildInScriptFile)',
  },
  // The need rule (issue 14): an audit trail for every CI edit, and what the CI defines but the build does not need.
  CiBuildArgAdded: {
    severity: 'info',
    description: 'A build arg was added to a CI build: the finding names the flags, and the Dockerfile and variables that need them',
  },
  CiDefinedNotPassed: {
    severity: 'info',
    description: 'The CI defines a FROM variable that the Dockerfile does not need (its default is valid): not passed unless --pass-defined',
  },
  // Shell dialects (issue 14 item 6, research ci.md §5 R4).
  CiShellUndecided: {
    severity: 'warning',
    description: 'The shell that runs a build step cannot be decided (a matrix over Windows and other runners, an unknown shell), so the build args are reported for each shell, not added',
  },
} as const satisfies Record<string, RuleInfo>;

export type RuleName = keyof typeof RULES;

/** BuildKit's rules (they carry BuildKit's page); every other rule has its page in docs/rules/. */
export function isBuildkitRule(rule: RuleName): boolean {
  return (RULES[rule] as RuleInfo).url !== undefined;
}

/** The page that explains a rule: BuildKit's, or this project's docs/rules/<Rule>.md. */
export function ruleUrl(rule: RuleName): string {
  return (RULES[rule] as RuleInfo).url ?? `${PROJECT_URL}/blob/main/docs/rules/${rule}.md`;
}

export function finding(
  rule: RuleName,
  at: { line: number; column: number },
  message: string,
  extra: Partial<Omit<Finding, 'rule' | 'line' | 'column' | 'message'>> = {},
): Finding {
  const info: RuleInfo = RULES[rule];
  return {
    rule,
    severity: info.severity,
    file: '',
    line: at.line,
    column: at.column,
    message,
    fixed: false,
    url: ruleUrl(rule),
    ...extra,
  };
}

/** --failure-level: the lowest severity of an outstanding finding that makes the exit code 1 (`none`: no finding does). */
export type FailureLevel = Severity | 'none';
export const FAILURE_LEVELS: readonly FailureLevel[] = ['error', 'warning', 'info', 'none'];
const RANK: Record<FailureLevel, number> = { info: 0, warning: 1, error: 2, none: 3 };

/**
 * Findings that make the exit code 1: not fixed, not suppressed, and at least `level` severe (default
 * `warning`: every finding but info).
 */
export function isOutstanding(f: Finding, level: FailureLevel = 'warning'): boolean {
  return !f.fixed && !f.suppressed && level !== 'none' && RANK[f.severity] >= RANK[level];
}

/** `unknown rule 'X' (did you mean Y?)` when `name` is not one of RULES, else null. */
export function unknownRule(name: string): string | null {
  if (Object.hasOwn(RULES, name)) return null;
  const sug = Object.keys(RULES).find((k) => k.toLowerCase() === name.toLowerCase()) ?? suggest(name, Object.keys(RULES));
  return `unknown rule '${name}'${sug ? ` (did you mean ${sug}?)` : ''}`;
}
