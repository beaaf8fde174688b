/**
 * What differs between CI systems once a build step is found (research ci.md §2.5, §3): which variables the
 * system defines, which may be unset, which are hazards in an image reference, and how a passed value is
 * spelled. The shell-step transform, the build-push-action transform and the job models take one of these.
 */
import { envRef, sameEnvRef, type Dialect } from './dialect.js';
import type { Job, Platform } from './model.js';
import { maskExpressions, maskGithub } from './mask.js';
import { maybeUnset as gitlabMaybeUnset, PREDEFINED as GITLAB_PREDEFINED, REF_NAMES as GITLAB_REF_NAMES } from './predefined.js';

export { CI_SYSTEMS, type CiSystem } from './systems.js';

/** The job's shell dialect (POSIX unless its loader decided otherwise); null when it cannot be decided. */
export const dialectOf = (job: Job): Dialect | null => (job.shell ? job.shell.dialect : 'posix');

/** `raw` reads the environment variable `name` in the job's shell (every dialect's spelling when undecided). */
const shellSame = (job: Job, name: string, raw: string) => {
  const d = dialectOf(job);
  return d === null ? (['posix', 'pwsh', 'cmd'] as const).some((x) => sameEnvRef(x, name, raw)) : sameEnvRef(d, name, raw);
};
/** The environment variable `name` as the job's shell (or `dialect`) reads it. */
const shellEnv = (job: Job, name: string, braced: boolean, dialect?: Dialect) => envRef(dialect ?? dialectOf(job) ?? 'posix', name, braced);

/** GitLab: true when the job only runs with `name` set (`rules: - if: $NAME`, `only: [tags]` for CI_COMMIT_TAG). */
function gitlabGuaranteed(job: Job, name: string): boolean {
  if (name === 'CI_COMMIT_TAG' || name === 'CI_COMMIT_TAG_MESSAGE') if (job.only.length && job.only.every((x) => x === 'tags')) return true;
  if (name.startsWith('CI_MERGE_REQUEST_') && job.only.length && job.only.every((x) => x === 'merge_requests')) return true;
  if (name === 'CI_COMMIT_BRANCH' && job.only.length && job.only.every((x) => x === 'branches')) return true;
  if (job.ifs.length === 0) return false;
  const re = new RegExp(`(^|[^!])\\$\\{?${name}\\b\\}?(?!\\s*(==|!=)\\s*null)`);
  return job.ifs.every((c) => re.test(c) && !/\|\|/.test(c));
}

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
  shellValue: shellEnv,
  sameValue: shellSame,
  workspace: 'CI_PROJECT_DIR',
  // CI/CD inputs (`$[[ inputs.tag ]]`, docs.gitlab.com/ci/inputs) are interpolated into the configuration when
  // the pipeline is created: an unknown value of the same length for the shell (`$[` would read as arithmetic).
  mask: (script) => script.replace(/\$\[\[[\s\S]*?\]\]/g, (m) => `$${'_'.repeat(m.length - 1)}`),
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
  shellValue: (job, name, braced, dialect) => {
    const kind = job.variables.get(name)?.kind;
    if (kind === 'matrix' || kind === 'input') return githubExpression(job, name)!;
    return shellEnv(job, name, braced, dialect);
  },
  sameValue: (job, name, raw) => {
    const r = raw.replace(/^"(.*)"$/s, '$1').trim();
    if (shellSame(job, name, r)) return true;
    const m = /^\$\{\{\s*([\w.-]+)\s*\}\}$/.exec(r);
    if (!m) return false;
    return m[1] === `env.${name}` || m[1] === `matrix.${name}` || m[1] === githubContext(name) || (m[1] === `inputs.${name}` && job.variables.get(name)?.kind === 'input');
  },
  workspace: 'GITHUB_WORKSPACE',
  mask: (script) => maskGithub(script),
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
  shellValue: shellEnv,
  sameValue: shellSame,
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
  // A macro is replaced before the script runs, in every shell; an undefined one stays as literal `$(…)` text, so
  // a variable that may be undefined is read from the environment instead (empty when unset).
  shellValue: (job, name, braced, dialect) => (AZURE.maybeUnset(name) ? shellEnv(job, name, braced, dialect) : `$(${azureMacro(job, name)})`),
  sameValue: (job, name, raw) => {
    const r = raw.replace(/^"(.*)"$/s, '$1').trim();
    return shellSame(job, name, r) || r === `$(${azureMacro(job, name)})` || (job.macros?.has(name) === true && shellSame(job, azureEnvName(job.macros.get(name)!), r));
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
  shellValue: shellEnv,
  sameValue: shellSame,
  workspace: 'CIRCLE_WORKING_DIRECTORY',
  // `<< parameters.x >>`, `<< pipeline.git.revision >>`: unknown values of the same length (not heredocs).
  mask: (script) => script.replace(/<<\s*[\w.-]+\s*>>/g, (m) => `$${'_'.repeat(m.length - 1)}`),
};

/** Drone and Woodpecker substitute `$NAME`/`${NAME}` in the YAML before a step runs (unknown names become empty);
 * `$$` keeps a `$` for the shell, so a value is written `$$NAME`, which reads the step's environment. */
const escapedSame = (name: string, raw: string) => {
  const r = raw.replace(/^"(.*)"$/s, '$1').trim();
  return sameEnvRef('posix', name, r) || new RegExp(`^\\$\\$(${name}|\\{${name}\\})$`).test(r);
};

/** True when the step runs only on `events` (its `when: event:`, else its pipeline's). */
const onlyOn = (job: Job, ...events: string[]) => job.only.length > 0 && job.only.every((e) => events.includes(e));

/** Drone's environment variables (docs.drone.io, "Pipeline environment reference"). */
export const DRONE_PREDEFINED = new Set(
  `CI DRONE DRONE_BRANCH DRONE_BUILD_ACTION DRONE_BUILD_CREATED DRONE_BUILD_EVENT DRONE_BUILD_FINISHED DRONE_BUILD_NUMBER
DRONE_BUILD_PARENT DRONE_BUILD_STARTED DRONE_BUILD_STATUS DRONE_CALVER DRONE_COMMIT DRONE_COMMIT_AFTER DRONE_COMMIT_AUTHOR
DRONE_COMMIT_AUTHOR_EMAIL DRONE_COMMIT_AUTHOR_NAME DRONE_COMMIT_BEFORE DRONE_COMMIT_BRANCH DRONE_COMMIT_LINK
DRONE_COMMIT_MESSAGE DRONE_COMMIT_REF DRONE_COMMIT_SHA DRONE_DEPLOY_TO DRONE_GIT_HTTP_URL DRONE_GIT_SSH_URL
DRONE_PULL_REQUEST DRONE_PULL_REQUEST_TITLE DRONE_REPO DRONE_REPO_BRANCH DRONE_REPO_LINK DRONE_REPO_NAME
DRONE_REPO_NAMESPACE DRONE_REPO_OWNER DRONE_REPO_PRIVATE DRONE_REPO_SCM DRONE_REPO_VISIBILITY DRONE_SEMVER
DRONE_SEMVER_BUILD DRONE_SEMVER_ERROR DRONE_SEMVER_MAJOR DRONE_SEMVER_MINOR DRONE_SEMVER_PATCH DRONE_SEMVER_PRERELEASE
DRONE_SEMVER_SHORT DRONE_SOURCE_BRANCH DRONE_STAGE_NAME DRONE_STAGE_NUMBER DRONE_STEP_NAME DRONE_STEP_NUMBER DRONE_SYSTEM_HOST
DRONE_SYSTEM_HOSTNAME DRONE_SYSTEM_PROTO DRONE_SYSTEM_VERSION DRONE_TAG DRONE_TARGET_BRANCH DRONE_WORKSPACE`.split(/\s+/),
);

export const DRONE: Platform = {
  id: 'drone',
  predefined: DRONE_PREDEFINED,
  // DRONE_TAG and the semver ones only for tag events; DRONE_BRANCH "may be empty for tag events"; PR ones only for PRs.
  maybeUnset: (name) =>
    name === 'DRONE_TAG' || name.startsWith('DRONE_SEMVER') || name === 'DRONE_BRANCH' || name.startsWith('DRONE_PULL_REQUEST') || name === 'DRONE_DEPLOY_TO' || name === 'DRONE_COMMIT_BEFORE',
  guaranteed: (job, name) =>
    name === 'DRONE_TAG' || name.startsWith('DRONE_SEMVER')
      ? onlyOn(job, 'tag')
      : name === 'DRONE_BRANCH'
        ? onlyOn(job, 'push', 'pull_request')
        : name.startsWith('DRONE_PULL_REQUEST')
          ? onlyOn(job, 'pull_request')
          : name === 'DRONE_DEPLOY_TO' && onlyOn(job, 'promote', 'rollback'),
  refNames: new Set(['DRONE_BRANCH', 'DRONE_TAG', 'DRONE_COMMIT_BRANCH', 'DRONE_SOURCE_BRANCH', 'DRONE_TARGET_BRANCH', 'DRONE_REPO_BRANCH']),
  refFix: 'replace the / first, or use the plugin\'s auto_tag',
  beforeSha: new Set(['DRONE_COMMIT_BEFORE']),
  caseKept: new Set(),
  unsetIsUnset: true,
  shellValue: (_job, name, braced) => (braced ? `$\${${name}}` : `$$${name}`),
  sameValue: (_job, name, raw) => escapedSame(name, raw),
  workspace: 'DRONE_WORKSPACE',
};

/** Woodpecker's environment variables (woodpecker-ci.org, "Environment variables"): the same CI_ names as GitLab's
 * for some, different meanings for others. */
export const WOODPECKER_PREDEFINED = new Set(
  `CI CI_REPO CI_REPO_OWNER CI_REPO_NAME CI_REPO_REMOTE_ID CI_REPO_URL CI_REPO_CLONE_URL CI_REPO_CLONE_SSH_URL
CI_REPO_DEFAULT_BRANCH CI_REPO_PRIVATE CI_REPO_TRUSTED_NETWORK CI_COMMIT_SHA CI_COMMIT_REF CI_COMMIT_REFSPEC
CI_COMMIT_BRANCH CI_COMMIT_SOURCE_BRANCH CI_COMMIT_TARGET_BRANCH CI_COMMIT_TAG CI_COMMIT_PULL_REQUEST
CI_COMMIT_PULL_REQUEST_LABELS CI_COMMIT_MESSAGE CI_COMMIT_AUTHOR CI_COMMIT_AUTHOR_EMAIL CI_COMMIT_PRERELEASE
CI_PIPELINE_NUMBER CI_PIPELINE_PARENT CI_PIPELINE_EVENT CI_PIPELINE_URL CI_PIPELINE_FORGE_URL CI_PIPELINE_DEPLOY_TARGET
CI_PIPELINE_DEPLOY_TASK CI_PIPELINE_CREATED CI_PIPELINE_STARTED CI_PIPELINE_FILES CI_WORKFLOW_NAME CI_WORKFLOW_NUMBER
CI_STEP_NAME CI_STEP_NUMBER CI_STEP_STARTED CI_STEP_URL CI_WORKSPACE CI_PREV_COMMIT_SHA CI_PREV_COMMIT_REF
CI_PREV_COMMIT_BRANCH CI_PREV_PIPELINE_NUMBER CI_PREV_PIPELINE_EVENT CI_PREV_PIPELINE_STATUS CI_FORGE_TYPE CI_FORGE_URL
CI_SYSTEM_NAME CI_SYSTEM_URL CI_SYSTEM_HOST CI_SYSTEM_VERSION`.split(/\s+/),
);

export const WOODPECKER: Platform = {
  id: 'woodpecker',
  predefined: WOODPECKER_PREDEFINED,
  maybeUnset: (name) =>
    name === 'CI_COMMIT_TAG' || name === 'CI_COMMIT_BRANCH' || name.startsWith('CI_COMMIT_PULL_REQUEST') || name === 'CI_COMMIT_SOURCE_BRANCH' ||
    name === 'CI_COMMIT_TARGET_BRANCH' || name.startsWith('CI_PIPELINE_DEPLOY_') || name.startsWith('CI_PREV_'),
  guaranteed: (job, name) =>
    name === 'CI_COMMIT_TAG'
      ? onlyOn(job, 'tag')
      : name === 'CI_COMMIT_BRANCH'
        ? onlyOn(job, 'push', 'pull_request', 'pull_request_closed')
        : name.startsWith('CI_COMMIT_PULL_REQUEST') || name === 'CI_COMMIT_SOURCE_BRANCH' || name === 'CI_COMMIT_TARGET_BRANCH'
          ? onlyOn(job, 'pull_request', 'pull_request_closed')
          : name.startsWith('CI_PIPELINE_DEPLOY_') && onlyOn(job, 'deployment'),
  refNames: new Set(['CI_COMMIT_BRANCH', 'CI_COMMIT_TAG', 'CI_COMMIT_SOURCE_BRANCH', 'CI_COMMIT_TARGET_BRANCH', 'CI_REPO_DEFAULT_BRANCH']),
  refFix: 'replace the / first, or use the plugin\'s auto_tag',
  beforeSha: new Set(),
  caseKept: new Set(),
  unsetIsUnset: true,
  shellValue: DRONE.shellValue,
  sameValue: DRONE.sameValue,
  workspace: 'CI_WORKSPACE',
};
