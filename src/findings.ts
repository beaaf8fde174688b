/**
 * Findings are data. Rule names are BuildKit's where BuildKit has the rule (same meaning, same message),
 * otherwise our own PascalCase names. Formatters (src/report.ts) turn them into text or JSON.
 */
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
  url?: string;
}

export interface RuleInfo {
  severity: Severity;
  description: string;
  url?: string;
}

const DOCS = 'https://docs.docker.com/go/dockerfile/rule/';

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
} as const satisfies Record<string, RuleInfo>;

export type RuleName = keyof typeof RULES;

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
    ...(info.url ? { url: info.url } : {}),
    ...extra,
  };
}

/** Findings that keep the exit code at 1: not fixed, not suppressed, not informational. */
export function isOutstanding(f: Finding): boolean {
  return !f.fixed && !f.suppressed && f.severity !== 'info';
}
