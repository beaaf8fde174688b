import { describe, expect, test } from '@jest/globals';
import { parseReference, splitReference, validateReference } from '../src/dockerfile/reference.js';

const HEX64 = '0123456789abcdef'.repeat(4);
const HEX63 = HEX64.slice(1);
const HEX96 = '0123456789abcdef'.repeat(6);
const HEX128 = '0123456789abcdef'.repeat(8);
const HEX40 = HEX64.slice(0, 40);

const INVALID = 'invalid reference format';
const lower = (remote: string) => `invalid reference format: repository name (${remote}) must be lowercase`;
const UPPER = 'repository name must be lowercase';
const TOO_LONG = 'repository name must not be more than 255 characters';
const DIGEST_FORMAT = 'invalid checksum digest format';
const DIGEST_LENGTH = 'invalid checksum digest length';
const DIGEST_UNSUPPORTED = 'unsupported digest algorithm';

/** [why (the Go rule), input, expected: null = valid, else the exact reason string] */
const cases: Array<[string, string, string | null]> = [
  // --- valid: familiar names, domains (splitDockerDomain) ---
  ['single component → docker.io/library/alpine', 'alpine', null],
  ['tag [\\w][\\w.-]{0,127}', 'alpine:3.20', null],
  ['two components, first has no . or : → docker.io path', 'library/alpine', null],
  ['fully qualified docker.io reference', 'docker.io/library/alpine:latest', null],
  ['first component with "." is a domain', 'registry.gitlab.com/group/project:abc', null],
  ['"localhost" is always a domain', 'localhost/app', null],
  ['localhost with port (optionalPort (?::[0-9]+)?)', 'localhost:5000/app:1', null],
  ['first component with ":" is a domain:port', 'myregistry:5000/app', null],
  ['ipv6address \\[(?:[a-fA-F0-9:]+)\\] + port', '[::1]:5000/x', null],
  ['ipv6address without port', '[::1]/x', null],
  ['IPv4 domainName + port', '127.0.0.1:5000/x', null],
  ['domainNameComponent allows upper case', 'Registry.Example.com/app', null],
  ['non-lower-case first component is treated as a domain (ToLower(x) != x)', 'Registry/app', null],
  ['legacy index.docker.io is canonicalized to docker.io', 'index.docker.io/alpine', null],
  ['bare "localhost" has no "/" → familiar name library/localhost', 'localhost', null],
  ['bare "example.com" has no "/" → familiar name (Go FIXME)', 'example.com', null],
  ['bare "host:5000" → name "host", tag "5000"', 'host:5000', null],
  ['"scratch" is a syntactically valid reference', 'scratch', null],
  ['nested path components', 'a/b/c/d', null],
  ['invalid domain but valid remoteName: Parse falls back to whole-name-as-path', 'a_b.c/x', null],
  // --- valid: separators `(?:[._]|__|[-]+)` ---
  ['separator "__" (double underscore)', 'a__b', null],
  ['separator "-"', 'a-b', null],
  ['separator [-]+ (repeated dashes)', 'a--b', null],
  // --- valid: tags ---
  ['tags may contain upper case (\\w)', 'alpine:Latest', null],
  ['tags may start with "_" (\\w)', 'alpine:_x', null],
  ['128-char tag: [\\w] + {0,127}', `alpine:${'a'.repeat(128)}`, null],
  ['40-hex tag (git sha)', `alpine:${HEX40}`, null],
  // --- valid: digests / identifiers ---
  ['sha256 with exactly 64 lower hex', `alpine@sha256:${HEX64}`, null],
  ['tag and digest together', `alpine:3.20@sha256:${HEX64}`, null],
  ['sha384 with 96 lower hex', `alpine@sha384:${HEX96}`, null],
  ['sha512 with 128 lower hex', `alpine@sha512:${HEX128}`, null],
  ['63-hex bare name is not an identifier ([a-f0-9]{64})', HEX63, null],
  ['64-hex with a tag is not an anchored identifier', `${HEX64}:latest`, null],
  // --- valid: length (v0.6.0 counts the path only, not the domain) ---
  ['path "library/" + 247 = 255 chars is at the limit', 'a'.repeat(247), null],
  ['domain does not count toward RepositoryNameTotalLengthMax', `r.example.com/${'a'.repeat(255)}`, null],

  // --- invalid: lower-case rule in ParseNormalizedNamed ---
  ['remote (after library/ prefix) must be lowercase', 'Alpine', lower('library/Alpine')],
  ['remote path after docker.io must be lowercase', 'a/B', lower('a/B')],
  ['remote path after a real domain must be lowercase', 'registry.gitlab.com/Group/Project', lower('Group/Project')],
  ['lower-case check stops at first ":" (tag)', 'ALPINE:latest', lower('library/ALPINE')],
  ['Go quirk: without a tag, the lower-case check covers "@algo" too', `alpine@SHA256:${HEX64}`, lower('library/alpine@SHA256')],
  // --- invalid: Parse ErrNameContainsUppercase (only matches after lower-casing) ---
  ['upper-case first component taken as domain, invalid as domain, valid once lower-cased', 'Foo_Bar/app', UPPER],
  ['Go unicode.ToLower maps U+0130 to ASCII "i", so this is an upper-case error', '\u0130.com/app', UPPER],
  ['KELVIN SIGN in a tag lower-cases to "k"', 'alpine:\u212A', UPPER],
  // --- invalid: ErrReferenceInvalidFormat ---
  ['empty string → "docker.io/library/" has an empty path component', '', INVALID],
  ['":" alone', ':', INVALID],
  ['empty tag after ":"', 'alpine:', INVALID],
  ['empty name before ":"', ':latest', INVALID],
  ['tag cannot contain ":"', 'alpine:3.20:latest', INVALID],
  ['two tags on a namespaced repo', 'pytorch/torchserve:latest:base', INVALID],
  ['leading "/" → empty path component', '/alpine', INVALID],
  ['trailing "/" → empty path component', 'alpine/', INVALID],
  ['"//" → empty path component', 'registry.example.com//app', INVALID],
  ['tag must start with \\w, not "-"', 'alpine:-x', INVALID],
  ['tag must start with \\w, not "."', 'alpine:.x', INVALID],
  ['"+" is not allowed in tags', 'alpine:1.0+build', INVALID],
  ['129-char tag exceeds {0,127}', `alpine:${'a'.repeat(129)}`, INVALID],
  ['"___" is not a separator (only _, __)', 'a___b', INVALID],
  ['".." is not a separator (one period only)', 'a..b', INVALID],
  ['path component cannot end with a separator', 'build-', INVALID],
  ['path component cannot start with a separator', '-alpine', INVALID],
  ['URL scheme: "https:" is not domain:port', 'https://x/y', INVALID],
  ['tag cannot contain "/" and "app:feature" is not host:port', 'app:feature/x', INVALID],
  ['space is not allowed', 'a b', INVALID],
  ['port must be digits', 'registry:abc/x', INVALID],
  ['domainNameComponent cannot end with "-"', 'sub-.example.com/app', INVALID],
  ['IPv6 zone identifiers are excluded', '[fe80::1%eth0]:5000/x', INVALID],
  ['empty digest after "@"', 'alpine:latest@', INVALID],
  ['digestPat needs at least 32 hex digits', `alpine@sha256:${HEX64.slice(0, 31)}`, INVALID],
  ['tag containing "${" (unexpanded variable)', 'alpine:${TAG}', INVALID],
  // --- invalid: identifier ---
  ['anchoredIdentifierRegexp: bare 64 lower-hex', HEX64, `invalid repository name (${HEX64}), cannot specify 64-byte hexadecimal strings`],
  ['64 UPPER-hex is no identifier, but then fails lower-case', HEX64.toUpperCase(), lower(`library/${HEX64.toUpperCase()}`)],
  // --- invalid: ErrNameTooLong ---
  ['path "library/" + 248 = 256 chars > 255', 'a'.repeat(248), TOO_LONG],
  ['256-char path under a domain', `registry.example.com/${'a'.repeat(256)}`, TOO_LONG],
  // --- invalid: go-digest v1.0.0 Validate ---
  ['sha256 needs exactly 64 hex (Size()*2)', `alpine@sha256:${HEX63}`, DIGEST_LENGTH],
  ['sha512 with 64 hex has the wrong length', `alpine@sha512:${HEX64}`, DIGEST_LENGTH],
  ['sha256 hex must be lower case (^[a-f0-9]{64}$)', `alpine@sha256:${HEX64.toUpperCase()}`, DIGEST_FORMAT],
  ['md5 is not an available algorithm', `alpine@md5:${HEX64.slice(0, 32)}`, DIGEST_UNSUPPORTED],
  ['unknown algorithm with "+" suffix still well-formed per go-digest', `alpine@sha256+b64:${HEX64}`, DIGEST_UNSUPPORTED],
  ['unavailable upper-case algorithm fails go-digest DigestRegexpAnchored', `alpine:tag@SHA256:${HEX64}`, DIGEST_FORMAT],
];

describe('validateReference (distribution/reference v0.6.0 ParseNormalizedNamed)', () => {
  test.each(cases)('%s: %j', (_why, input, expected) => {
    expect(validateReference(input)).toBe(expected);
  });

  test('the table is large enough', () => {
    expect(cases.length).toBeGreaterThanOrEqual(45);
  });
});

describe('splitReference / parseReference', () => {
  test('familiar name is normalized', () => {
    expect(splitReference('alpine')).toEqual({ domain: 'docker.io', path: 'library/alpine', tag: null, digest: null });
  });

  test('domain, tag and digest are split', () => {
    expect(splitReference(`localhost:5000/team/app:1.2@sha256:${HEX64}`)).toEqual({
      domain: 'localhost:5000',
      path: 'team/app',
      tag: '1.2',
      digest: `sha256:${HEX64}`,
    });
  });

  test('legacy domain canonicalized, library/ prefix added', () => {
    expect(splitReference('index.docker.io/redis:7')).toEqual({ domain: 'docker.io', path: 'library/redis', tag: '7', digest: null });
  });

  test('whole name parsed as path when the domain-looking component is not a valid domain', () => {
    expect(splitReference('a_b.c/x')).toEqual({ domain: '', path: 'a_b.c/x', tag: null, digest: null });
  });

  test('invalid gives null / the reason', () => {
    expect(splitReference('Alpine')).toBeNull();
    expect(parseReference('alpine:')).toBe(INVALID);
  });
});

describe('performance guard', () => {
  test('pathological inputs are linear (no catastrophic backtracking)', () => {
    const inputs = [
      'a'.repeat(50_000) + '!',
      'a-'.repeat(25_000) + '!',
      'a.'.repeat(25_000) + '/!',
      'ab.'.repeat(20_000) + ':1/!',
      `alpine:${'a'.repeat(50_000)}`,
      `alpine@sha256:${'a'.repeat(50_000)}!`,
      'a/'.repeat(25_000),
      'A'.repeat(50_000) + '!',
    ];
    const t0 = performance.now();
    for (const s of inputs) validateReference(s);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
