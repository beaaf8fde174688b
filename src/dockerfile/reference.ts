/**
 * Image-reference validation, ported from the Go code BuildKit's InvalidDefaultArgInFrom lint runs
 * (`reference.ParseNormalizedNamed(expandedBaseName)` in frontend/dockerfile/dockerfile2llb/convert.go).
 *
 * Sources ported (read, not guessed):
 *   - github.com/distribution/reference v0.6.0
 *       regexp.go     grammar (alphanumeric, separator, domainNameComponent, ipv6address, tag, digestPat, identifier)
 *       normalize.go  ParseNormalizedNamed, splitDockerDomain
 *       reference.go  Parse + ErrReferenceInvalidFormat / ErrNameEmpty / ErrNameContainsUppercase / ErrNameTooLong
 *                     (RepositoryNameTotalLengthMax = 255, checked on the path only, not on the domain)
 *   - github.com/opencontainers/go-digest v1.0.0 (the version reference v0.6.0 requires)
 *       digest.go     Digest.Validate, DigestRegexpAnchored, ErrDigestInvalidFormat / InvalidLength / Unsupported
 *       algorithm.go  sha256/sha384/sha512, length check (Size()*2) before the lower-case-hex check
 *
 * Error strings are the Go `err.Error()` texts verbatim, so they read exactly like a failing `docker build`.
 *
 * JS vs Go RE2 notes: every pattern is anchored with ^…$ (JS `$` without the m flag, like Go, matches only at
 * the very end); `\w` without the u flag is ASCII [0-9A-Za-z_] as in RE2; `[[:xdigit:]]` is spelled
 * [0-9A-Fa-f]. JS backtracking and RE2 both use leftmost-first (Perl) submatch semantics, so captures agree.
 */

// ---- grammar (regexp.go) -------------------------------------------------------------------------------

const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const optionalPort = '(?::[0-9]+)?';
const tag = '[\\w][\\w.-]{0,127}';
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const host = `(?:${domainName}|${ipv6address})`;
const domainAndPort = host + optionalPort;
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;

/**
 * Go's referencePat is `^(namePat)(?::(tag))?(?:@(digestPat))?$` and Parse then re-splits the name with
 * anchoredNameRegexp `^(?:(domainAndPort)/)?(remoteName)$`. Fusing both into one pattern gives identical
 * captures: the name part is the same sub-pattern with the same preference order, and the first-preferred
 * split of a given name substring is what both approaches pick. Groups: 1 domain, 2 path, 3 tag, 4 digest.
 */
const REFERENCE_RE = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})(?::(${tag}))?(?:@(${digestPat}))?$`);

/** anchoredIdentifierRegexp: a bare 64-char lower-hex string (an image ID), rejected as a repository name. */
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;

/** go-digest v1.0.0 DigestRegexpAnchored (used only for algorithms that are not available). */
const GO_DIGEST_ANCHORED_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
/** go-digest anchoredEncodedRegexps: lower-case hex only ("Note that /A-F/ disallowed"); length checked apart. */
const LOWER_HEX_RE = /^[a-f0-9]+$/;
const DOMAIN_HINT_RE = /[.:]/;

// ---- constants (normalize.go / reference.go / go-digest) -----------------------------------------------

const legacyDefaultDomain = 'index.docker.io';
const defaultDomain = 'docker.io';
const officialRepoPrefix = 'library/';
const localhost = 'localhost';
export const RepositoryNameTotalLengthMax = 255;

const ErrReferenceInvalidFormat = 'invalid reference format';
const ErrNameContainsUppercase = 'repository name must be lowercase';
const ErrNameEmpty = 'repository name must have at least one component';
const ErrNameTooLong = `repository name must not be more than ${RepositoryNameTotalLengthMax} characters`;
const ErrDigestInvalidFormat = 'invalid checksum digest format';
const ErrDigestInvalidLength = 'invalid checksum digest length';
const ErrDigestUnsupported = 'unsupported digest algorithm';

/** A successfully parsed, normalized reference (what Go's Named exposes). */
export interface ReferenceParts {
  /** e.g. 'docker.io' for familiar names. '' in the rare case Parse matched the whole name as a path (see below). */
  domain: string;
  /** Repository path, normalized: 'alpine' → 'library/alpine'. */
  path: string;
  /** Tag without ':' or null. */
  tag: string | null;
  /** Digest 'algo:hex' without '@' or null. */
  digest: string | null;
}

/**
 * Validates an image reference exactly like github.com/distribution/reference v0.6.0 ParseNormalizedNamed
 * (what BuildKit's InvalidDefaultArgInFrom check calls). Returns null when valid, else the Go error text.
 */
export function validateReference(ref: string): string | null {
  let verdict = verdicts.get(ref);
  if (verdict === undefined) {
    const r = parseNormalizedNamed(ref);
    verdict = typeof r === 'string' ? r : null;
    if (verdicts.size >= VERDICTS_MAX) verdicts.clear();
    verdicts.set(ref, verdict);
  }
  return verdict;
}

/** validateReference's answers by reference (a pure function, asked again for the same names: the same FROM in the
 * file as read and in its verification, the same base images across a fleet); bounded, emptied when full. */
const verdicts = new Map<string, string | null>();
const VERDICTS_MAX = 4096;

/** Parses a valid reference into its normalized parts; null when validateReference would reject it. */
export function splitReference(ref: string): ReferenceParts | null {
  const r = parseNormalizedNamed(ref);
  return typeof r === 'string' ? null : r;
}

/** Both at once (one parse): the normalized parts when valid, else the Go error text. */
export function parseReference(ref: string): ReferenceParts | string {
  return parseNormalizedNamed(ref);
}

// ---- port ------------------------------------------------------------------------------------------------

/** normalize.go ParseNormalizedNamed. */
function parseNormalizedNamed(s: string): ReferenceParts | string {
  if (IDENTIFIER_RE.test(s)) {
    return `invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`;
  }

  // splitDockerDomain (inlined to avoid a tuple allocation).
  let domain: string;
  let remainder: string;
  const slash = s.indexOf('/');
  if (slash === -1) {
    // Fast path for single-element familiar names ("ubuntu", "ubuntu:latest"): never a domain, not even
    // "localhost" or "example.com" (Go FIXME), so a bare "host:5000" is name "host" + tag "5000".
    domain = defaultDomain;
    remainder = officialRepoPrefix + s;
  } else {
    const maybeDomain = s.slice(0, slash);
    if (maybeDomain === localhost) {
      domain = maybeDomain;
      remainder = s.slice(slash + 1);
    } else if (maybeDomain === legacyDefaultDomain) {
      domain = defaultDomain;
      remainder = s.slice(slash + 1);
    } else if (DOMAIN_HINT_RE.test(maybeDomain) || goToLower(maybeDomain) !== maybeDomain) {
      // contains '.' or ':' (example.com, 127.0.0.1, host:5000, [::1]:5000), or is not lower-case
      // (upper-case namespaces are not allowed, so it must be meant as a domain)
      domain = maybeDomain;
      remainder = s.slice(slash + 1);
    } else {
      domain = defaultDomain;
      remainder = s;
    }
    if (domain === defaultDomain && remainder.indexOf('/') === -1) {
      remainder = officialRepoPrefix + remainder;
    }
  }

  // The lower-case check covers everything up to the FIRST ':' of the remainder — which, when there is no
  // tag, includes "@algo" of a digest (Go quirk: "alpine@SHA256:…" fails here as an upper-case repo name).
  const tagSep = remainder.indexOf(':');
  const remote = tagSep === -1 ? remainder : remainder.slice(0, tagSep);
  if (goToLower(remote) !== remote) {
    return `invalid reference format: repository name (${remote}) must be lowercase`;
  }

  return parse(`${domain}/${remainder}`);
  // ("reference %s has no name" is unreachable: the parsed string always has a name.)
}

/** reference.go Parse (v0.6.0). */
function parse(s: string): ReferenceParts | string {
  const m = REFERENCE_RE.exec(s);
  if (m === null) {
    if (s === '') return ErrNameEmpty; // unreachable from parseNormalizedNamed, kept for fidelity
    const sl = goToLower(s);
    if (sl !== s && REFERENCE_RE.test(sl)) {
      // Succeeds when lower-casing, so input contains an invalid repository name.
      return ErrNameContainsUppercase;
    }
    return ErrReferenceInvalidFormat;
  }

  const path = m[2]!;
  // v0.6.0 checks only the path (RepositoryNameTotalLengthMax); the domain does not count.
  if (path.length > RepositoryNameTotalLengthMax) return ErrNameTooLong;

  const digest = m[4];
  if (digest !== undefined) {
    const err = validateDigest(digest);
    if (err !== null) return err;
  }
  return { domain: m[1] ?? '', path, tag: m[3] ?? null, digest: digest ?? null };
}

/** go-digest v1.0.0 Digest.Validate + Algorithm.Validate. */
function validateDigest(d: string): string | null {
  const i = d.indexOf(':');
  if (i <= 0 || i + 1 === d.length) return ErrDigestInvalidFormat;
  let size: number;
  switch (d.slice(0, i)) {
    case 'sha256':
      size = 32;
      break;
    case 'sha384':
      size = 48;
      break;
    case 'sha512':
      size = 64;
      break;
    default:
      // !algorithm.Available()
      return GO_DIGEST_ANCHORED_RE.test(d) ? ErrDigestUnsupported : ErrDigestInvalidFormat;
  }
  const encodedLength = d.length - i - 1;
  if (encodedLength !== size * 2) return ErrDigestInvalidLength;
  return LOWER_HEX_RE.test(d.slice(i + 1)) ? null : ErrDigestInvalidFormat;
}

/**
 * Go strings.ToLower. ASCII inputs (the common case) are identical to JS toLowerCase. For non-ASCII the only
 * difference that can change an outcome here is U+0130 'İ': Go's simple case mapping gives ASCII 'i', JS's full
 * mapping gives 'i' + U+0307. (U+212A KELVIN SIGN → 'k' agrees in both.)
 */
function goToLower(s: string): string {
  return s.indexOf('\u0130') === -1 ? s.toLowerCase() : s.replace(/\u0130/g, 'i').toLowerCase();
}
