/**
 * GitLab's predefined CI/CD variables (gitlabhq doc/ci/variables/predefined_variables.md) and the hazards
 * of using them in an image reference (research ci.md §2.5).
 */
export const PREDEFINED = new Set(
  `CHAT_CHANNEL CHAT_INPUT CHAT_USER_ID CI CI_API_V4_URL CI_API_GRAPHQL_URL CI_BUILDS_DIR CI_COMMIT_AUTHOR
CI_COMMIT_BEFORE_SHA CI_COMMIT_BRANCH CI_COMMIT_DESCRIPTION CI_COMMIT_MESSAGE CI_COMMIT_MESSAGE_IS_TRUNCATED
CI_COMMIT_REF_NAME CI_COMMIT_REF_PROTECTED CI_COMMIT_REF_SLUG CI_COMMIT_SHA CI_COMMIT_SHORT_SHA CI_COMMIT_TAG
CI_COMMIT_TAG_MESSAGE CI_COMMIT_TIMESTAMP CI_COMMIT_TITLE CI_CONCURRENT_ID CI_CONCURRENT_PROJECT_ID CI_CONFIG_PATH
CI_DEBUG_TRACE CI_DEBUG_SERVICES CI_DEFAULT_BRANCH CI_DEFAULT_BRANCH_SLUG CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX
CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX CI_DEPENDENCY_PROXY_PASSWORD CI_DEPENDENCY_PROXY_SERVER CI_DEPENDENCY_PROXY_USER
CI_DEPLOY_FREEZE CI_DEPLOY_PASSWORD CI_DEPLOY_USER CI_DISPOSABLE_ENVIRONMENT CI_ENVIRONMENT_ACTION CI_ENVIRONMENT_NAME
CI_ENVIRONMENT_SLUG CI_ENVIRONMENT_TIER CI_ENVIRONMENT_URL CI_GITLAB_FIPS_MODE CI_HAS_OPEN_REQUIREMENTS CI_JOB_GROUP_NAME
CI_JOB_ID CI_JOB_IMAGE CI_JOB_MANUAL CI_JOB_NAME CI_JOB_NAME_SLUG CI_JOB_STAGE CI_JOB_STATUS CI_JOB_TIMEOUT CI_JOB_TOKEN
CI_JOB_URL CI_JOB_STARTED_AT CI_KUBERNETES_ACTIVE CI_NODE_INDEX CI_NODE_TOTAL CI_OPEN_MERGE_REQUESTS CI_PAGES_DOMAIN
CI_PAGES_HOSTNAME CI_PAGES_URL CI_PIPELINE_ID CI_PIPELINE_IID CI_PIPELINE_SOURCE CI_PIPELINE_TRIGGERED CI_PIPELINE_URL
CI_PIPELINE_CREATED_AT CI_PIPELINE_NAME CI_PIPELINE_SCHEDULE_DESCRIPTION CI_PROJECT_DIR CI_PROJECT_ID CI_PROJECT_NAME
CI_PROJECT_NAMESPACE CI_PROJECT_NAMESPACE_SLUG CI_PROJECT_NAMESPACE_ID CI_PROJECT_PATH_SLUG CI_PROJECT_PATH
CI_PROJECT_REPOSITORY_LANGUAGES CI_PROJECT_ROOT_NAMESPACE CI_PROJECT_TITLE CI_PROJECT_DESCRIPTION CI_PROJECT_URL
CI_PROJECT_VISIBILITY CI_PROJECT_CLASSIFICATION_LABEL CI_REGISTRY CI_REGISTRY_IMAGE CI_REGISTRY_PASSWORD CI_REGISTRY_USER
CI_RELEASE_DESCRIPTION CI_REPOSITORY_URL CI_RUNNER_DESCRIPTION CI_RUNNER_EXECUTABLE_ARCH CI_RUNNER_ID CI_RUNNER_REVISION
CI_RUNNER_SHORT_TOKEN CI_RUNNER_TAGS CI_RUNNER_VERSION CI_SERVER_FQDN CI_SERVER_HOST CI_SERVER_NAME CI_SERVER_PORT
CI_SERVER_PROTOCOL CI_SERVER_SHELL_SSH_HOST CI_SERVER_SHELL_SSH_PORT CI_SERVER_REVISION CI_SERVER_TLS_CA_FILE
CI_SERVER_TLS_CERT_FILE CI_SERVER_TLS_KEY_FILE CI_SERVER_URL CI_SERVER_VERSION_MAJOR CI_SERVER_VERSION_MINOR
CI_SERVER_VERSION_PATCH CI_SERVER_VERSION CI_SERVER CI_SHARED_ENVIRONMENT CI_TEMPLATE_REGISTRY_HOST CI_TRIGGER_SHORT_TOKEN
GITLAB_CI GITLAB_FEATURES GITLAB_USER_EMAIL GITLAB_USER_ID GITLAB_USER_LOGIN GITLAB_USER_NAME KUBECONFIG TRIGGER_PAYLOAD
CI_MERGE_REQUEST_APPROVED CI_MERGE_REQUEST_ASSIGNEES CI_MERGE_REQUEST_DIFF_BASE_SHA CI_MERGE_REQUEST_DIFF_ID
CI_MERGE_REQUEST_EVENT_TYPE CI_MERGE_REQUEST_DESCRIPTION CI_MERGE_REQUEST_DRAFT CI_MERGE_REQUEST_ID CI_MERGE_REQUEST_IID
CI_MERGE_REQUEST_LABELS CI_MERGE_REQUEST_MILESTONE CI_MERGE_REQUEST_PROJECT_ID CI_MERGE_REQUEST_PROJECT_PATH
CI_MERGE_REQUEST_PROJECT_URL CI_MERGE_REQUEST_REF_PATH CI_MERGE_REQUEST_SOURCE_BRANCH_NAME
CI_MERGE_REQUEST_SOURCE_BRANCH_PROTECTED CI_MERGE_REQUEST_SOURCE_BRANCH_SHA CI_MERGE_REQUEST_SOURCE_PROJECT_ID
CI_MERGE_REQUEST_SOURCE_PROJECT_PATH CI_MERGE_REQUEST_SOURCE_PROJECT_URL CI_MERGE_REQUEST_SQUASH_ON_MERGE
CI_MERGE_REQUEST_TARGET_BRANCH_NAME CI_MERGE_REQUEST_TARGET_BRANCH_PROTECTED CI_MERGE_REQUEST_TARGET_BRANCH_SHA
CI_MERGE_REQUEST_TITLE CI_EXTERNAL_PULL_REQUEST_IID CI_EXTERNAL_PULL_REQUEST_SOURCE_REPOSITORY
CI_EXTERNAL_PULL_REQUEST_TARGET_REPOSITORY CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME
CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_SHA CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_NAME
CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_SHA`.split(/\s+/),
);

/** Set only in some pipelines (tag, branch, merge request, environment jobs). */
export function maybeUnset(name: string): boolean {
  return (
    name === 'CI_COMMIT_TAG' ||
    name === 'CI_COMMIT_TAG_MESSAGE' ||
    name === 'CI_COMMIT_BRANCH' ||
    name === 'CI_DEPLOY_USER' ||
    name === 'CI_DEPLOY_PASSWORD' ||
    name.startsWith('CI_MERGE_REQUEST_') ||
    name.startsWith('CI_EXTERNAL_PULL_REQUEST_') ||
    name.startsWith('CI_ENVIRONMENT_')
  );
}

/** Ref names that may contain `/` (or `+`, `@`), which a tag cannot. */
export const REF_NAMES = new Set(['CI_COMMIT_REF_NAME', 'CI_COMMIT_BRANCH', 'CI_COMMIT_TAG', 'CI_DEFAULT_BRANCH', 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME', 'CI_MERGE_REQUEST_TARGET_BRANCH_NAME']);

/**
 * GitLab's slug rule (Gitlab::Utils.slugify, used for CI_PROJECT_PATH_SLUG and CI_COMMIT_REF_SLUG): lowercase,
 * every character but a-z and 0-9 replaced with `-`, cut to 63 characters, then leading and trailing `-` removed.
 */
export function gitlabSlug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '-').slice(0, 63).replace(/^-+|-+$/g, '');
}

/** A remote URL's host and path (`git@host:group/proj.git`, `https://host/group/proj.git`), or null. */
function splitRemote(url: string): { host: string; path: string } | null {
  const m = /^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?([^:/]+)(?::\d+)?[:/](.+?)(?:\.git)?\/?$/.exec(url.trim());
  if (!m) return null;
  const path = m[2].replace(/^\/+/, '');
  return path.includes('/') ? { host: m[1], path } : null;
}

/**
 * Project variables derived from a git remote URL (`git@host:group/proj.git`, `https://host/group/proj.git`).
 * gitlab.com's registry is registry.gitlab.com; a self-hosted instance needs its registry host from config.
 * The dependency proxy prefixes are `host:port/<top-level group>/dependency_proxy/containers` and
 * `host:port/<full group path>/dependency_proxy/containers`, lower-cased (gitlabhq app/models/project.rb
 * dependency_proxy_variables: `Gitlab.host_with_port`, `root_ancestor.path.downcase`, `full_path.downcase`);
 * derived for gitlab.com only (`gitlab.com:443`), where the host and port are known.
 */
export function deriveFromRemote(url: string, registryHost?: string): Map<string, string> {
  const out = new Map<string, string>();
  const r = splitRemote(url);
  if (!r) return out;
  const { host, path } = r;
  const registry = registryHost ?? (host === 'gitlab.com' ? 'registry.gitlab.com' : undefined);
  if (registry) {
    out.set('CI_REGISTRY', registry);
    out.set('CI_REGISTRY_IMAGE', `${registry}/${path.toLowerCase()}`);
  }
  if (registryHost !== undefined || host === 'gitlab.com') {
    const namespace = path.slice(0, path.lastIndexOf('/'));
    out.set('CI_PROJECT_PATH', path);
    out.set('CI_PROJECT_PATH_SLUG', gitlabSlug(path));
    out.set('CI_PROJECT_NAMESPACE', namespace);
    out.set('CI_PROJECT_NAME', path.slice(path.lastIndexOf('/') + 1));
    out.set('CI_SERVER_HOST', host);
    if (host === 'gitlab.com') {
      out.set('CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX', `gitlab.com:443/${namespace.split('/')[0].toLowerCase()}/dependency_proxy/containers`);
      out.set('CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX', `gitlab.com:443/${namespace.toLowerCase()}/dependency_proxy/containers`);
    }
  }
  return out;
}

/**
 * GitHub's repository variables from a github.com remote: `GITHUB_REPOSITORY` (`owner/repo`) and
 * `GITHUB_REPOSITORY_OWNER`, in the remote's case (GitHub keeps it; research ci.md §1.7).
 */
export function deriveGithubFromRemote(url: string): Map<string, string> {
  const out = new Map<string, string>();
  const r = splitRemote(url);
  if (!r || r.host !== 'github.com' || r.path.split('/').length !== 2) return out;
  out.set('GITHUB_REPOSITORY', r.path);
  out.set('GITHUB_REPOSITORY_OWNER', r.path.split('/')[0]);
  return out;
}
