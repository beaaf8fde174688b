/**
 * What differs between CI systems once a build step is found (research ci.md §2.5, §3): which variables the
 * system defines, which may be unset, which are hazards in an image reference, and how a passed value is
 * spelled. The shell-step transform, the build-push-action transform and the job models take one of these.
 */
import type { Job } from './jobs.js';
import { maskExpressions } from './mask.js';
import { guaranteed as gitlabGuaranteed } from './jobs.js';
import { maybeUnset as gitlabMaybeUnset, PREDEFINED as GITLAB_PREDEFINED, REF_NAMES as GITLAB_REF_NAMES } from './predefined.js';

export { CI_SYSTEMS, type CiSystem } from './systems.js';
import type { CiSystem } from './systems.js';

export interface Platform {
  id: CiSystem;
  /** Variables the system defines in every job. */
  predefined: ReadonlySet<string>;
  maybeUnset(name: string): boolean;
  /** True when the job only runs with `name` set. */
  guaranteed(job: Job, name: string): boolean;
  /** Ref names that can contain `/` (invalid in a tag). */
  refNames: ReadonlySet<string>;
  refFix: string;
  /** Variables whose value is the previous commit, zeros in some pipelines. */
  beforeSha: ReadonlySet<string>;
  /** Variables that keep the case of the owner/repository (invalid in a repository path with capitals). */
  caseKept: ReadonlySet<string>;
  /** A bare `--build-arg NAME` keeps the Dockerfile default when NAME may be unset (GitLab: unset; GitHub: empty). */
  unsetIsUnset: boolean;
  /** The value a shell step passes for `name` (`$NAME`, `${NAME}`, or an expression). */
  shellValue(job: Job, name: string, braced: boolean): string;
  /** True when `raw` (as written after `NAME=`) passes the variable itself. */
  sameValue(job: Job, name: string, raw: string): boolean;
  /** The variable holding the checkout directory (a path under it is a repository path). */
  workspace: string;
  /** Rewrites CI-side substitutions in a script (`${{ … }}`) into shell-parsable text of the same length. */
  mask?(script: string): string;
}

const shellSame = (name: string, raw: string) => new RegExp(`^"?\\$(${name}|\\{${name}\\})"?$`).test(raw);

export const GITLAB: Platform = {
  id: 'gitlab',
  predefined: GITLAB_PREDEFINED,
  maybeUnset: gitlabMaybeUnset,
  guaranteed: (job, name) => gitlabGuaranteed(job, name),
  refNames: GITLAB_REF_NAMES,
  refFix: 'use CI_COMMIT_REF_SLUG',
  beforeSha: new Set(['CI_COMMIT_BEFORE_SHA']),
  caseKept: new Set(),
  unsetIsUnset: true,
  shellValue: (_job, name, braced) => (braced ? `\${${name}}` : `$${name}`),
  sameValue: (_job, name, raw) => shellSame(name, raw),
  workspace: 'CI_PROJECT_DIR',
};

/** GitHub's default environment variables (github/docs variables.md "Default environment variables"). */
export const GITHUB_PREDEFINED = new Set(
  `CI GITHUB_ACTION GITHUB_ACTION_PATH GITHUB_ACTION_REPOSITORY GITHUB_ACTIONS GITHUB_ACTOR GITHUB_ACTOR_ID
GITHUB_API_URL GITHUB_BASE_REF GITHUB_ENV GITHUB_EVENT_NAME GITHUB_EVENT_PATH GITHUB_GRAPHQL_URL GITHUB_HEAD_REF
GITHUB_JOB GITHUB_OUTPUT GITHUB_PATH GITHUB_REF GITHUB_REF_NAME GITHUB_REF_PROTECTED GITHUB_REF_TYPE GITHUB_REPOSITORY
GITHUB_REPOSITORY_ID GITHUB_REPOSITORY_OWNER GITHUB_REPOSITORY_OWNER_ID GITHUB_RETENTION_DAYS GITHUB_RUN_ATTEMPT
GITHUB_RUN_ID GITHUB_RUN_NUMBER GITHUB_SERVER_URL GITHUB_SHA GITHUB_STEP_SUMMARY GITHUB_TRIGGERING_ACTOR GITHUB_WORKFLOW
GITHUB_WORKFLOW_REF GITHUB_WORKFLOW_SHA GITHUB_WORKSPACE RUNNER_ARCH RUNNER_DEBUG RUNNER_ENVIRONMENT RUNNER_NAME
RUNNER_OS RUNNER_TEMP RUNNER_TOOL_CACHE`.split(/\s+/),
);

/** Default variables with no context property of the same name (files, flags): not spelled as expressions. */
const NO_CONTEXT = new Set(['CI', 'GITHUB_ACTIONS', 'GITHUB_ENV', 'GITHUB_OUTPUT', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY', 'GITHUB_EVENT_PATH', 'GITHUB_ACTION_PATH']);

/** `${{ github.sha }}` for GITHUB_SHA, `${{ runner.os }}` for RUNNER_OS; null when there is no such property. */
export function githubContext(name: string): string | null {
  if (NO_CONTEXT.has(name)) return null;
  if (name.startsWith('GITHUB_')) return `github.${name.slice(7).toLowerCase()}`;
  if (name.startsWith('RUNNER_')) return `runner.${name.slice(7).toLowerCase()}`;
  return null;
}

const expr = (inner: string) => `\${{ ${inner} }}`;

/** The expression a `with:` input uses for a variable of the job: a context property, `env.X` or `matrix.X`. */
export function githubExpression(job: Job, name: string): string | null {
  const v = job.variables.get(name);
  if (v?.kind === 'matrix') return expr(`matrix.${name}`);
  if (v?.kind === 'input') return expr(`inputs.${name}`);
  if (v) return expr(`env.${name}`);
  const ctx = githubContext(name);
  return ctx ? expr(ctx) : null;
}

export const GITHUB: Platform = {
  id: 'github',
  predefined: GITHUB_PREDEFINED,
  // Set only for pull_request(_target) events; the runner exports them empty otherwise.
  maybeUnset: (name) => name === 'GITHUB_HEAD_REF' || name === 'GITHUB_BASE_REF',
  // `only` holds the workflow's events: the head and base refs are set when every event is a pull request.
  guaranteed: (job) => job.only.length > 0 && job.only.every((e) => e === 'pull_request' || e === 'pull_request_target'),
  refNames: new Set(['GITHUB_REF_NAME', 'GITHUB_HEAD_REF', 'GITHUB_BASE_REF']),
  refFix: 'use docker/metadata-action, or a tag with the / replaced',
  beforeSha: new Set(),
  caseKept: new Set(['GITHUB_REPOSITORY', 'GITHUB_REPOSITORY_OWNER', 'GITHUB_ACTOR', 'GITHUB_TRIGGERING_ACTOR']),
  unsetIsUnset: false,
  // Matrix keys and inputs are not environment variables: the script gets them substituted as expressions.
  shellValue: (job, name, braced) => {
    const kind = job.variables.get(name)?.kind;
    if (kind === 'matrix' || kind === 'input') return githubExpression(job, name)!;
    return braced ? `\${${name}}` : `$${name}`;
  },
  sameValue: (job, name, raw) => {
    const r = raw.replace(/^"(.*)"$/s, '$1').trim();
    if (shellSame(name, r)) return true;
    const m = /^\$\{\{\s*([\w.-]+)\s*\}\}$/.exec(r);
    if (!m) return false;
    return m[1] === `env.${name}` || m[1] === `matrix.${name}` || m[1] === githubContext(name) || (m[1] === `inputs.${name}` && job.variables.get(name)?.kind === 'input');
  },
  workspace: 'GITHUB_WORKSPACE',
  mask: (script) => maskExpressions(script),
};

/** Context properties in an expression that are hazards in an image reference (for values written as `${{ … }}`). */
export const GITHUB_EXPR_HAZARDS: { re: RegExp; kind: 'beforeSha' | 'ref' | 'case' }[] = [
  { re: /\bgithub\.event\.before\b/, kind: 'beforeSha' },
  { re: /\bgithub\.(ref_name|head_ref|base_ref)\b/, kind: 'ref' },
  { re: /\bgithub\.(repository|repository_owner|actor|triggering_actor)\b(?![._])/, kind: 'case' },
];

/** Bitbucket Pipelines' default variables (support.atlassian.com, "Variables and secrets"). */
export const BITBUCKET_PREDEFINED = new Set(
  `CI BITBUCKET_BUILD_NUMBER BITBUCKET_CLONE_DIR BITBUCKET_COMMIT BITBUCKET_WORKSPACE BITBUCKET_REPO_SLUG BITBUCKET_REPO_UUID
BITBUCKET_REPO_FULL_NAME BITBUCKET_REPO_OWNER BITBUCKET_REPO_OWNER_UUID BITBUCKET_REPO_IS_PRIVATE BITBUCKET_BRANCH
BITBUCKET_TAG BITBUCKET_BOOKMARK BITBUCKET_PARALLEL_STEP BITBUCKET_PARALLEL_STEP_COUNT BITBUCKET_PR_ID
BITBUCKET_PR_DESTINATION_BRANCH BITBUCKET_PR_DESTINATION_COMMIT BITBUCKET_GIT_HTTP_ORIGIN BITBUCKET_GIT_SSH_ORIGIN
BITBUCKET_EXIT_CODE BITBUCKET_STEP_UUID BITBUCKET_PIPELINE_UUID BITBUCKET_DEPLOYMENT_ENVIRONMENT
BITBUCKET_DEPLOYMENT_ENVIRONMENT_UUID BITBUCKET_PROJECT_KEY BITBUCKET_PROJECT_UUID BITBUCKET_STEP_TRIGGERER_UUID
BITBUCKET_STEP_RUN_NUMBER BITBUCKET_SSH_KEY_FILE`.split(/\s+/),
);

/** Set only in some pipelines: the section (`only`) tells when. */
const BITBUCKET_SOMETIMES = (name: string) =>
  name === 'BITBUCKET_TAG' || name === 'BITBUCKET_BRANCH' || name === 'BITBUCKET_BOOKMARK' || name.startsWith('BITBUCKET_PR_') || name.startsWith('BITBUCKET_DEPLOYMENT_') || name.startsWith('BITBUCKET_PARALLEL_');

export const BITBUCKET: Platform = {
  id: 'bitbucket',
  predefined: BITBUCKET_PREDEFINED,
  maybeUnset: BITBUCKET_SOMETIMES,
  // `only` holds the pipeline section the step runs in.
  guaranteed: (job, name) => {
    const s = job.only[0];
    if (name === 'BITBUCKET_TAG') return s === 'tags';
    if (name === 'BITBUCKET_BRANCH') return s === 'default' || s === 'branches' || s === 'pull-requests';
    if (name === 'BITBUCKET_PR_ID' || name === 'BITBUCKET_PR_DESTINATION_BRANCH' || name === 'BITBUCKET_PR_DESTINATION_COMMIT') return s === 'pull-requests';
    return false;
  },
  refNames: new Set(['BITBUCKET_BRANCH', 'BITBUCKET_TAG', 'BITBUCKET_PR_DESTINATION_BRANCH', 'BITBUCKET_BOOKMARK']),
  refFix: 'replace the / first (e.g. TAG=${BITBUCKET_BRANCH//\\//-})',
  beforeSha: new Set(),
  caseKept: new Set(),
  unsetIsUnset: true,
  shellValue: (_job, name, braced) => (braced ? `\${${name}}` : `$${name}`),
  sameValue: (_job, name, raw) => shellSame(name, raw),
  workspace: 'BITBUCKET_CLONE_DIR',
};

/** The environment variable Azure Pipelines makes of a variable: upper case, `.` and ` ` → `_`. */
export const azureEnvName = (name: string) => name.toUpperCase().replace(/[. ]/g, '_');

/** Azure Pipelines' predefined variables (learn.microsoft.com, "Use predefined variables"), as macros. */
const AZURE_MACRO_NAMES = `Agent.BuildDirectory Agent.Id Agent.JobName Agent.MachineName Agent.Name Agent.OS Agent.OSArchitecture
Agent.TempDirectory Agent.ToolsDirectory Agent.WorkFolder Build.ArtifactStagingDirectory Build.BuildId Build.BuildNumber
Build.BuildUri Build.BinariesDirectory Build.DefinitionName Build.DefinitionVersion Build.QueuedBy Build.Reason
Build.Repository.Clean Build.Repository.LocalPath Build.Repository.ID Build.Repository.Name Build.Repository.Provider
Build.Repository.Uri Build.RequestedFor Build.RequestedForEmail Build.SourceBranch Build.SourceBranchName
Build.SourcesDirectory Build.SourceVersion Build.SourceVersionMessage Build.StagingDirectory Pipeline.Workspace
System.AccessToken System.CollectionId System.CollectionUri System.DefaultWorkingDirectory System.DefinitionId
System.HostType System.JobAttempt System.JobDisplayName System.JobId System.JobName System.PhaseName System.StageName
System.TeamFoundationCollectionUri System.TeamProject System.TeamProjectId System.PullRequest.IsFork
System.PullRequest.PullRequestId System.PullRequest.PullRequestNumber System.PullRequest.SourceBranch
System.PullRequest.SourceCommitId System.PullRequest.SourceRepositoryURI System.PullRequest.TargetBranch
System.PullRequest.TargetBranchName`.split(/\s+/);
const AZURE_MACRO = new Map(AZURE_MACRO_NAMES.map((n) => [azureEnvName(n), n]));

/** The macro a job spells `name` with: a declared variable's own name, else the predefined one. */
export const azureMacro = (job: Job, name: string) => job.macros?.get(name) ?? AZURE_MACRO.get(name) ?? name;

export const AZURE: Platform = {
  id: 'azure',
  predefined: new Set(AZURE_MACRO.keys()),
  // Defined only in pull-request builds.
  maybeUnset: (name) => name.startsWith('SYSTEM_PULLREQUEST_'),
  guaranteed: () => false,
  refNames: new Set(['BUILD_SOURCEBRANCH', 'SYSTEM_PULLREQUEST_SOURCEBRANCH', 'SYSTEM_PULLREQUEST_TARGETBRANCH']),
  refFix: 'use Build.SourceBranchName (the last path segment), or a tag with the / replaced',
  beforeSha: new Set(),
  caseKept: new Set(),
  unsetIsUnset: false,
  // A macro is replaced before the script runs; an undefined one stays as literal `$(…)` text, so a variable
  // that may be undefined is read from the environment instead (empty when unset).
  shellValue: (job, name, braced) => (AZURE.maybeUnset(name) ? (braced ? `\${${name}}` : `$${name}`) : `$(${azureMacro(job, name)})`),
  sameValue: (job, name, raw) => {
    const r = raw.replace(/^"(.*)"$/s, '$1').trim();
    return shellSame(name, r) || r === `$(${azureMacro(job, name)})` || (job.macros?.has(name) === true && shellSame(azureEnvName(job.macros.get(name)!), r));
  },
  workspace: 'BUILD_SOURCESDIRECTORY',
  // `${{ … }}` template expressions are unknown; a dotted macro `$(Build.SourcesDirectory)` reads as the same-length
  // `${BUILD_SOURCESDIRECTORY}` (undotted `$(x)` stays a command substitution: it may be one).
  mask: (script) => maskExpressions(script).replace(/\$\(([A-Za-z_][\w]*(?:\.[\w]+)+)\)/g, (_m, n: string) => `\${${azureEnvName(n)}}`),
};

/** CircleCI's built-in environment variables (circleci.com/docs/variables, "Built-in environment variables"). */
export const CIRCLECI_PREDEFINED = new Set(
  `CI CIRCLECI CIRCLE_BRANCH CIRCLE_BUILD_NUM CIRCLE_BUILD_URL CIRCLE_JOB CIRCLE_NODE_INDEX CIRCLE_NODE_TOTAL
CIRCLE_OIDC_TOKEN CIRCLE_OIDC_TOKEN_V2 CIRCLE_PR_NUMBER CIRCLE_PR_REPONAME CIRCLE_PR_USERNAME CIRCLE_PREVIOUS_BUILD_NUM
CIRCLE_PROJECT_REPONAME CIRCLE_PROJECT_USERNAME CIRCLE_PULL_REQUEST CIRCLE_PULL_REQUESTS CIRCLE_REPOSITORY_URL
CIRCLE_SHA1 CIRCLE_TAG CIRCLE_USERNAME CIRCLE_WORKFLOW_ID CIRCLE_WORKFLOW_JOB_ID CIRCLE_WORKFLOW_WORKSPACE_ID
CIRCLE_WORKING_DIRECTORY CIRCLE_INTERNAL_TASK_DATA`.split(/\s+/),
);

export const CIRCLECI: Platform = {
  id: 'circleci',
  predefined: CIRCLECI_PREDEFINED,
  // CIRCLE_TAG only in tag builds, CIRCLE_BRANCH not in them, the PR ones only for (forked) pull requests.
  maybeUnset: (name) => name === 'CIRCLE_TAG' || name === 'CIRCLE_BRANCH' || name.startsWith('CIRCLE_PR_') || name.startsWith('CIRCLE_PULL_REQUEST'),
  guaranteed: () => false,
  refNames: new Set(['CIRCLE_BRANCH', 'CIRCLE_TAG']),
  refFix: 'replace the / first (e.g. TAG=${CIRCLE_BRANCH//\\//-})',
  beforeSha: new Set(),
  caseKept: new Set(),
  unsetIsUnset: true,
  shellValue: (_job, name, braced) => (braced ? `\${${name}}` : `$${name}`),
  sameValue: (_job, name, raw) => shellSame(name, raw),
  workspace: 'CIRCLE_WORKING_DIRECTORY',
  // `<< parameters.x >>`, `<< pipeline.git.revision >>`: unknown values of the same length (not heredocs).
  mask: (script) => script.replace(/<<\s*[\w.-]+\s*>>/g, (m) => `$${'_'.repeat(m.length - 1)}`),
};
