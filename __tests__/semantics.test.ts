import { describe, expect, test } from '@jest/globals';
import { fixDockerfile } from '../src/engine.js';
import type { Finding } from '../src/findings.js';
import type { SuppliedDefault } from '../transforms/hoist-from-args.js';

/*
 * BuildKit semantics table for the hoist transform, end to end through fixDockerfile.
 *
 * Every expectation is derived from BuildKit (moby/buildkit frontend/dockerfile/), not from what the code
 * happens to print. Sources cited in the test names:
 *   - convert.go buildMetaArgs / buildDispatchStates / unusedFromArgsCheckKeys;
 *     validations.go validateBaseImagesWithDefaultArgs / reportUnusedFromArgs (Unmatched is a set);
 *   - platform.go defaultArgs (the 11 built-ins);
 *   - dockerfile_check_test.go testUndeclaredArg / testInvalidDefaultArgInFrom;
 *   - dockerfile_args_test.go testMultiArgs / testQuotedMetaArgs;
 *   - parser/parser.go (directives, comments, continuations, heredocs, BOM, CRLF),
 *     parser/line_parsers.go (ARG word split), parser/split_command.go (flags);
 *   - shell/lex.go (modifiers, escapes, quotes, special parameters);
 *   - distribution/reference v0.6.0 (ParseNormalizedNamed grammar);
 *   - shared/research/buildkit.md (section numbers in the names: §1 … §6).
 * Where the transform has to choose (which default to hoist, where to insert), the choice follows the
 * contract in transforms/hoist-from-args.ts and shared/research/buildkit.md §5 "Practical rule for insertion".
 *
 * Rule encoding: `${rule}:${name ?? '-'}:${fixed ? 'fixed' : suppressed ? 'suppressed' : 'unfixed'}`,
 * compared as sorted lists.
 */

interface Case {
  name: string;
  dockerfile: string;
  defaults?: Record<string, string>;
  /** Rules suppressed everywhere (the config's `ignore:`). */
  ignore?: string[];
  /** Names hoisted, in order. */
  hoisted: string[];
  rules: string[];
  /** Exact expected output text. When absent and nothing is hoisted or rewritten, the file is unchanged. */
  output?: string;
  /** Finding messages that must appear verbatim (BuildKit's UndefinedArgInFrom wording). */
  messages?: string[];
  /** Finding messages that must start with these texts (BuildKit's InvalidDefaultArgInFrom detail, unexpanded name). */
  messageStarts?: string[];
}

/** Lines joined with '\n', with a final newline. */
const L = (...lines: string[]): string => lines.join('\n') + '\n';

const encode = (f: Finding): string =>
  `${f.rule}:${f.name ?? '-'}:${f.fixed ? 'fixed' : f.suppressed ? 'suppressed' : 'unfixed'}`;

const toDefaults = (d: Record<string, string> | undefined): Map<string, SuppliedDefault> =>
  new Map(Object.entries(d ?? {}).map(([k, v]) => [k, { value: v, source: '--default' }]));

const HEX64 = '0123456789abcdef'.repeat(4);
const HEX63 = HEX64.slice(1);
const HEX32 = HEX64.slice(0, 32);

const UNDEF = (n: string, s = 'fixed') => `UndefinedArgInFrom:${n}:${s}`;
const INVALID = (s = 'unfixed') => `InvalidDefaultArgInFrom:-:${s}`;
const NEEDS = (n: string) => `NeedsDefault:${n}:unfixed`;

const BUILTINS = [
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDOSVERSION',
  'BUILDARCH',
  'BUILDVARIANT',
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETOSVERSION',
  'TARGETARCH',
  'TARGETVARIANT',
  'TARGETSTAGE',
];

const cases: Case[] = [
  // ---------------------------------------------------------------- undeclared names, by position
  {
    name: 'testInvalidDefaultArgInFrom + convert.go:401: undeclared $IMAGE in image position → hoisted bare, empty name stays invalid',
    dockerfile: L('FROM $IMAGE'),
    hoisted: ['IMAGE'],
    rules: [UNDEF('IMAGE'), INVALID(), NEEDS('IMAGE')],
    output: L('ARG IMAGE', 'FROM $IMAGE'),
    messages: ["FROM argument 'IMAGE' is not declared"],
  },
  {
    name: 'convert.go:401: undeclared tag ($TAG) with a supplied default → ARG TAG=3.20 above FROM, reference valid',
    dockerfile: L('FROM alpine:$TAG'),
    defaults: { TAG: '3.20' },
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: L('ARG TAG=3.20', 'FROM alpine:$TAG'),
  },
  {
    name: 'reference v0.6.0: busybox:${VERSION} undeclared → "busybox:" invalid until a default is given (NeedsDefault)',
    dockerfile: L('FROM busybox:${VERSION}'),
    hoisted: ['VERSION'],
    rules: [UNDEF('VERSION'), INVALID(), NEEDS('VERSION')],
    output: L('ARG VERSION', 'FROM busybox:${VERSION}'),
  },
  {
    name: 'reference v0.6.0 digestPat: undeclared digest hex in alpine@sha256:${DIGEST}, supplied 64 hex → valid',
    dockerfile: L('FROM alpine@sha256:${DIGEST}'),
    defaults: { DIGEST: HEX64 },
    hoisted: ['DIGEST'],
    rules: [UNDEF('DIGEST'), INVALID('fixed')],
    output: L(`ARG DIGEST=${HEX64}`, 'FROM alpine@sha256:${DIGEST}'),
  },
  {
    name: 'reference v0.6.0: undeclared registry ($REGISTRY/app:1.0) → "/app:1.0" invalid, hoisted bare + NeedsDefault',
    dockerfile: L('FROM $REGISTRY/app:1.0'),
    hoisted: ['REGISTRY'],
    rules: [UNDEF('REGISTRY'), INVALID(), NEEDS('REGISTRY')],
    output: L('ARG REGISTRY', 'FROM $REGISTRY/app:1.0'),
  },
  {
    name: 'splitDockerDomain: supplied registry host:port and tag hoisted in order of use → registry.example.com:5000/group/app:1.0 valid',
    dockerfile: L('FROM ${REGISTRY}/group/app:${TAG} AS app'),
    defaults: { REGISTRY: 'registry.example.com:5000', TAG: '1.0' },
    hoisted: ['REGISTRY', 'TAG'],
    rules: [UNDEF('REGISTRY'), UNDEF('TAG'), INVALID('fixed')],
    output: L('ARG REGISTRY=registry.example.com:5000', 'ARG TAG=1.0', 'FROM ${REGISTRY}/group/app:${TAG} AS app'),
  },
  {
    name: "testUndeclaredArg: ARG tag=latest + FROM busybox:${tag}${version} → only 'version' reported, no suggestion",
    dockerfile: L('ARG tag=latest', 'FROM busybox:${tag}${version} AS b', 'COPY Dockerfile .'),
    hoisted: ['version'],
    rules: [UNDEF('version')],
    output: L('ARG tag=latest', 'ARG version', 'FROM busybox:${tag}${version} AS b', 'COPY Dockerfile .'),
    messages: ["FROM argument 'version' is not declared"],
  },
  {
    name: 'validations.go reportUnusedFromArgs: Unmatched is a set → one warning per name per FROM word, even when used twice',
    dockerfile: L('FROM alpine${V}:3.20${V}'),
    hoisted: ['V'],
    rules: [UNDEF('V')],
    output: L('ARG V', 'FROM alpine${V}:3.20${V}'),
  },
  {
    name: 'convert.go:401,429: image and --platform are expanded separately → the same name is reported once for each',
    dockerfile: L('FROM --platform=linux/amd64${ARCH} alpine:3.20${ARCH}'),
    hoisted: ['ARCH'],
    rules: [UNDEF('ARCH'), UNDEF('ARCH')],
    output: L('ARG ARCH', 'FROM --platform=linux/amd64${ARCH} alpine:3.20${ARCH}'),
  },
  {
    name: 'convert.go buildDispatchStates: one undeclared name used by two FROMs → one hoisted ARG fixes both',
    dockerfile: L('FROM alpine:$TAG AS a', 'FROM busybox:$TAG'),
    defaults: { TAG: 'latest' },
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), UNDEF('TAG'), INVALID('fixed'), INVALID('fixed')],
    output: L('ARG TAG=latest', 'FROM alpine:$TAG AS a', 'FROM busybox:$TAG'),
  },

  // ---------------------------------------------------------------- --platform
  {
    name: 'testUndeclaredArg: FROM --platform=$BUILDPLATFORM (built-in) → nothing reported, nothing hoisted',
    dockerfile: L('FROM --platform=$BUILDPLATFORM golang:1.22 AS build', 'FROM alpine:3.20'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'testUndeclaredArg: ARG BUILDPLATFORM=linux/amd64 re-declared globally + --platform=$BUILDPLATFORM → nothing',
    dockerfile: L('ARG BUILDPLATFORM=linux/amd64', 'FROM --platform=$BUILDPLATFORM scratch', 'COPY Dockerfile .'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'split_command.go extractBuilderFlags: quotes removed from --platform="$BUILDPLATFORM" → built-in, nothing',
    dockerfile: L('FROM --platform="$BUILDPLATFORM" golang:1.22 AS build'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'convert.go:429-450: undeclared --platform var → hoisted; never InvalidDefaultArgInFrom, but an empty platform fails the build (NeedsDefault)',
    dockerfile: L('FROM --platform=$PLATFORM alpine:3.20'),
    hoisted: ['PLATFORM'],
    rules: [UNDEF('PLATFORM'), NEEDS('PLATFORM')],
    output: L('ARG PLATFORM', 'FROM --platform=$PLATFORM alpine:3.20'),
  },
  {
    name: 'convert.go:429-450: undeclared --platform var with a supplied value → ARG PLATFORM=linux/arm64, nothing outstanding',
    dockerfile: L('FROM --platform=$PLATFORM alpine:3.20'),
    defaults: { PLATFORM: 'linux/arm64' },
    hoisted: ['PLATFORM'],
    rules: [UNDEF('PLATFORM')],
    output: L('ARG PLATFORM=linux/arm64', 'FROM --platform=$PLATFORM alpine:3.20'),
  },
  {
    name: 'convert.go:401,429: --platform=$BUILDPLATFORM (kept) + undeclared ${GO_VERSION} in the image → only GO_VERSION hoisted',
    dockerfile: L('FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build'),
    defaults: { GO_VERSION: '1.22' },
    hoisted: ['GO_VERSION'],
    rules: [UNDEF('GO_VERSION'), INVALID('fixed')],
    output: L('ARG GO_VERSION=1.22', 'FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build'),
  },
  {
    name: 'testUndeclaredArg: BULIDPLATFORM → "did you mean BUILDPLATFORM?", a misspelled built-in is not hoisted',
    dockerfile: L('FROM --platform=$BULIDPLATFORM scratch', 'COPY Dockerfile .'),
    hoisted: [],
    rules: [UNDEF('BULIDPLATFORM', 'unfixed')],
    messages: ["FROM argument 'BULIDPLATFORM' is not declared (did you mean BUILDPLATFORM?)"],
  },
  {
    name: 'util/suggest (distance < 3): TARGETARH in a tag → "did you mean TARGETARCH?", not hoisted; alpine:3.20- is still a valid tag',
    dockerfile: L('FROM alpine:3.20-$TARGETARH'),
    hoisted: [],
    rules: [UNDEF('TARGETARH', 'unfixed')],
    messages: ["FROM argument 'TARGETARH' is not declared (did you mean TARGETARCH?)"],
  },
  {
    name: 'testUndeclaredArg: ${MYARCH} → "did you mean MY_ARCH?" (a global ARG) → hoisted bare; "linux/" still fails to parse (NeedsDefault)',
    dockerfile: L('ARG MY_OS=linux', 'ARG MY_ARCH=amd64', 'FROM --platform=linux/${MYARCH} busybox', 'COPY Dockerfile .'),
    hoisted: ['MYARCH'],
    rules: [UNDEF('MYARCH'), NEEDS('MYARCH')],
    output: L('ARG MY_OS=linux', 'ARG MY_ARCH=amd64', 'ARG MYARCH', 'FROM --platform=linux/${MYARCH} busybox', 'COPY Dockerfile .'),
    messages: ["FROM argument 'MYARCH' is not declared (did you mean MY_ARCH?)"],
  },
  {
    name: 'util/suggest caseSensitive=true + equal_env_unix.go: lowercase $targetarch is a different name → no suggestion, hoisted',
    dockerfile: L('FROM alpine:3.20-$targetarch'),
    hoisted: ['targetarch'],
    rules: [UNDEF('targetarch')],
    output: L('ARG targetarch', 'FROM alpine:3.20-$targetarch'),
    messages: ["FROM argument 'targetarch' is not declared"],
  },

  // ---------------------------------------------------------------- built-ins (platform.go defaultArgs)
  ...BUILTINS.map(
    (b): Case => ({
      name: `platform.go defaultArgs: built-in ${b} is always in the global scope → never reported, never hoisted`,
      dockerfile: L(`FROM --platform=\${${b}} alpine:3.20 AS s`, 'RUN true'),
      hoisted: [],
      rules: [],
    }),
  ),
  {
    name: 'platform.go defaultArgs: all 11 built-ins in one file (platform and image) → nothing to do',
    dockerfile: L(
      ...BUILTINS.map((b, i) => `FROM --platform=$${b} alpine:3.20${'${'}${b}:+-x} AS s${i}`),
      'FROM alpine:3.20-${TARGETARCH}${TARGETVARIANT}',
    ),
    hoisted: [],
    rules: [],
  },
  {
    name: 'buildkit.md surprise 10: TARGETVARIANT is empty on amd64 → arm32v7/alpine:${TARGETVARIANT} invalid, built-in never hoisted',
    dockerfile: L('FROM arm32v7/alpine:${TARGETVARIANT}'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'testUndeclaredArg (dockerfile_check_test.go:969-973): value-less ARG TARGETARCH keeps the built-in value → nothing',
    dockerfile: L('ARG TARGETARCH', 'FROM alpine:3.20-$TARGETARCH'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'convert.go:362-395: SOURCE_DATE_EPOCH is not a built-in in FROM → reported and hoisted',
    dockerfile: L('FROM alpine:3.20${SOURCE_DATE_EPOCH:+-reproducible}'),
    hoisted: ['SOURCE_DATE_EPOCH'],
    rules: [UNDEF('SOURCE_DATE_EPOCH')],
    output: L('ARG SOURCE_DATE_EPOCH', 'FROM alpine:3.20${SOURCE_DATE_EPOCH:+-reproducible}'),
  },

  // ---------------------------------------------------------------- declared globals
  {
    name: 'testUndeclaredArg: ARG base=scratch + FROM $base → nothing',
    dockerfile: L('ARG base=scratch', 'FROM $base', 'COPY Dockerfile .'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'line_parsers.go parseNameOrNameVal: ARG A=1 B=2 declares both → FROM $A:$B ("1:2") needs nothing',
    dockerfile: L('ARG A=1 B=2', 'FROM $A:$B'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'parse.go parseArg: ARG A B=2 declares A (no value) and B → FROM alpine${A}:3.$B valid, nothing',
    dockerfile: L('ARG A B=2', 'FROM alpine${A}:3.$B'),
    hoisted: [],
    rules: [],
  },
  {
    // Issue 14: NeedsDefault is for ARGs this run hoists; an existing value-less ARG is InvalidDefaultArgInFrom alone.
    name: 'testInvalidDefaultArgInFrom: value-less ARG IMAGE + FROM $IMAGE → InvalidDefaultArgInFrom (no NeedsDefault repeat), no edit',
    dockerfile: L('ARG IMAGE', 'FROM $IMAGE'),
    hoisted: [],
    rules: [INVALID()],
    messageStarts: ['Default value for ARG $IMAGE results in empty or invalid base image name'],
  },
  {
    name: 'testInvalidDefaultArgInFrom: value-less ARG IMAGE with a supplied value → ARG IMAGE=busybox:latest (DefaultRewritten)',
    dockerfile: L('ARG IMAGE', 'FROM $IMAGE'),
    defaults: { IMAGE: 'busybox:latest' },
    hoisted: [],
    rules: [INVALID('fixed'), 'DefaultRewritten:IMAGE:fixed'],
    output: L('ARG IMAGE=busybox:latest', 'FROM $IMAGE'),
  },
  {
    name: 'testInvalidDefaultArgInFrom: ARG VERSION + FROM busybox:$VERSION → invalid (no NeedsDefault repeat)',
    dockerfile: L('ARG VERSION', 'FROM busybox:$VERSION'),
    hoisted: [],
    rules: [INVALID()],
    messageStarts: ['Default value for ARG busybox:$VERSION results in empty or invalid base image name'],
  },
  {
    name: 'testInvalidDefaultArgInFrom: ARG SFX="box:" + FROM busy${SFX} → invalid default, nothing hoisted',
    dockerfile: L('ARG SFX="box:"', 'FROM busy${SFX}'),
    hoisted: [],
    rules: [INVALID()],
    messageStarts: ['Default value for ARG busy${SFX} results in empty or invalid base image name'],
  },
  {
    name: 'testInvalidDefaultArgInFrom: ARG VERSION="latest" + FROM busybox:${VERSION} → nothing',
    dockerfile: L('ARG VERSION="latest"', 'FROM busybox:${VERSION}'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'testInvalidDefaultArgInFrom: ARG BUSYBOX_VARIANT="" + FROM busybox:stable${BUSYBOX_VARIANT} → nothing',
    dockerfile: L('ARG BUSYBOX_VARIANT=""', 'FROM busybox:stable${BUSYBOX_VARIANT}'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'testInvalidDefaultArgInFrom: value-less ARG VARIANT + FROM node:22${VARIANT} stays valid → nothing',
    dockerfile: L('ARG VARIANT', 'FROM node:22${VARIANT}'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'convert.go buildMetaArgs: a later global ARG wins (ARG TAG=bad:tag then ARG TAG=3.20) → valid',
    dockerfile: L('ARG TAG=not:a:tag', 'ARG TAG=3.20', 'FROM alpine:$TAG'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'convert.go buildMetaArgs: a later value-less ARG TAG keeps the earlier value → valid',
    dockerfile: L('ARG TAG=3.20', 'ARG TAG', 'FROM alpine:$TAG'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'convert.go buildMetaArgs: ARG TAG=${TAG}-alpine reads the previous value → node:3.20-alpine valid',
    dockerfile: L('ARG TAG=3.20', 'ARG TAG=${TAG}-alpine', 'FROM node:$TAG'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'reference.md:55-58 (only whole-line comments): ARG TAG=3.20 # pinned declares "#" and "pinned", TAG still 3.20',
    dockerfile: L('ARG TAG=3.20 # pinned', 'FROM alpine:$TAG'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'buildkit.md §6 casing: ARG names are case-sensitive, ARG tag does not declare TAG → hoisted (distance 3: no suggestion)',
    dockerfile: L('ARG tag=3.20', 'FROM alpine:$TAG'),
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID(), NEEDS('TAG')],
    output: L('ARG tag=3.20', 'ARG TAG', 'FROM alpine:$TAG'),
    messages: ["FROM argument 'TAG' is not declared"],
  },
  {
    name: 'testMultiArgs (dockerfile_args_test.go): ARG a1="foo bar" a2=box, ARG a3="$a2-foo", FROM busy$a2 → nothing',
    dockerfile: L('ARG a1="foo bar" a2=box', 'ARG a3="$a2-foo"', 'FROM busy$a2'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'line_parsers.go: ARG A="a B=x" is one word (quotes) → B is not declared, hoisted after it',
    dockerfile: L('ARG A="a B=x"', 'FROM alpine:$B'),
    defaults: { B: '3.20' },
    hoisted: ['B'],
    rules: [UNDEF('B'), INVALID('fixed')],
    output: L('ARG A="a B=x"', 'ARG B=3.20', 'FROM alpine:$B'),
  },
  {
    name: "lex.go processSingleQuote / testQuotedMetaArgs: ARG T='$X' is the literal $X → alpine:$X invalid, X never looked up",
    dockerfile: L("ARG T='$X'", 'FROM alpine:$T'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'lex.go processDoubleQuote: ARG T="$X" expands X → X hoisted above the T line (UndefinedArgInGlobalDefault)',
    dockerfile: L('ARG T="$X"', 'FROM alpine:3.20$T'),
    hoisted: ['X'],
    rules: ['UndefinedArgInGlobalDefault:X:fixed'],
    output: L('ARG X', 'ARG T="$X"', 'FROM alpine:3.20$T'),
  },

  // ---------------------------------------------------------------- stage scope
  {
    name: 'parse.go:185-212 + convert.go:401: a stage ARG TAG=3.20 never reaches a later FROM → hoisted with that default, stage ARG kept',
    dockerfile: L('FROM alpine:3.20 AS base', 'ARG TAG=3.20', 'RUN echo $TAG', 'FROM alpine:$TAG'),
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: L('ARG TAG=3.20', 'FROM alpine:3.20 AS base', 'ARG TAG=3.20', 'RUN echo $TAG', 'FROM alpine:$TAG'),
  },
  {
    name: 'parse.go:191-196: ARG after the first FROM only is stage-scoped → hoisted above FROM with its default',
    dockerfile: L('FROM alpine:$TAG', 'ARG TAG=3.20'),
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: L('ARG TAG=3.20', 'FROM alpine:$TAG', 'ARG TAG=3.20'),
  },
  {
    name: 'convert.go buildMetaArgs: a stage default using a built-in (3.20-$TARGETARCH) is valid globally too → hoisted as written',
    dockerfile: L('FROM alpine:3.20 AS a', 'ARG TAG=3.20-$TARGETARCH', 'FROM alpine:$TAG'),
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: L('ARG TAG=3.20-$TARGETARCH', 'FROM alpine:3.20 AS a', 'ARG TAG=3.20-$TARGETARCH', 'FROM alpine:$TAG'),
  },
  {
    name: 'convert.go dispatchArg:1682-1689: stage value-less ARG TAG now inherits the hoisted default → HoistChangesStageArg',
    dockerfile: L('FROM alpine:$TAG', 'ARG TAG', 'RUN echo $TAG'),
    defaults: { TAG: '3.20' },
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed'), 'HoistChangesStageArg:TAG:fixed'],
    output: L('ARG TAG=3.20', 'FROM alpine:$TAG', 'ARG TAG', 'RUN echo $TAG'),
  },

  // ---------------------------------------------------------------- modifiers (lex.go processDollar)
  {
    name: 'buildkit.md surprise 1: ${V:-alpine} does not declare V → bare ARG V hoisted; the inline default keeps it valid',
    dockerfile: L('FROM ${V:-alpine}'),
    hoisted: ['V'],
    rules: [UNDEF('V')],
    output: L('ARG V', 'FROM ${V:-alpine}'),
  },
  {
    name: 'lex.go ${V-word} (Dockerfile 1.6): V still undeclared → hoisted bare; unset V gives 3.20, valid',
    dockerfile: L('FROM alpine:${V-3.20}'),
    hoisted: ['V'],
    rules: [UNDEF('V')],
    output: L('ARG V', 'FROM alpine:${V-3.20}'),
  },
  {
    name: 'lex.go ${V:+word}: V looked up → hoisted; unset V gives "alpine", valid',
    dockerfile: L('FROM alpine${V:+:edge}'),
    hoisted: ['V'],
    rules: [UNDEF('V')],
    output: L('ARG V', 'FROM alpine${V:+:edge}'),
  },
  {
    name: 'lex.go ${V+word}: V looked up → hoisted; unset V gives alpine:3.20, valid',
    dockerfile: L('FROM alpine:3.20${V+-slim}'),
    hoisted: ['V'],
    rules: [UNDEF('V')],
  },
  {
    name: 'buildMetaArgs (Dockerfile >= 1.11): value-less ARG V is unset → ${V-3.20} gives 3.20, valid, nothing',
    dockerfile: L('ARG V', 'FROM alpine:${V-3.20}'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'parse.go parseArg: ARG V= is set but empty → ${V-3.20} gives "" → alpine: invalid',
    dockerfile: L('ARG V=', 'FROM alpine:${V-3.20}'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'lex.go ${V:-word}: ARG V= (empty) → :- uses the word → alpine, nothing',
    dockerfile: L('ARG V=', 'FROM ${V:-alpine}'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'buildkit.md surprise 2: nested ${A:-${B:-alpine}} looks up both names → A then B hoisted',
    dockerfile: L('FROM ${A:-${B:-alpine}}'),
    hoisted: ['A', 'B'],
    rules: [UNDEF('A'), UNDEF('B')],
    output: L('ARG A', 'ARG B', 'FROM ${A:-${B:-alpine}}'),
  },
  {
    name: 'buildkit.md surprise 2: ${A:-$B} with A declared → B is still looked up and reported → B hoisted',
    dockerfile: L('ARG A=alpine', 'FROM ${A:-$B}'),
    hoisted: ['B'],
    rules: [UNDEF('B')],
    output: L('ARG A=alpine', 'ARG B', 'FROM ${A:-$B}'),
  },
  {
    name: 'lex.go processDollar ${N:?msg}: IMAGE is looked up (Unmatched) before the error → hoisted; a supplied value makes it expand',
    dockerfile: L('FROM ${IMAGE:?required}'),
    defaults: { IMAGE: 'alpine:3.20' },
    hoisted: ['IMAGE'],
    rules: [UNDEF('IMAGE'), 'InvalidFromExpansion:-:fixed'],
    output: L('ARG IMAGE=alpine:3.20', 'FROM ${IMAGE:?required}'),
  },
  {
    name: 'lex.go processDollar ${N:?msg}: hoisted bare, IMAGE is still unset → the FROM still errors, IMAGE needs a default',
    dockerfile: L('FROM ${IMAGE:?required}'),
    hoisted: ['IMAGE'],
    rules: [UNDEF('IMAGE'), 'InvalidFromExpansion:-:unfixed', NEEDS('IMAGE')],
    output: L('ARG IMAGE', 'FROM ${IMAGE:?required}'),
  },

  // ---------------------------------------------------------------- escapes
  {
    name: 'lex.go:215-237 (envVarTest:27): \\$TAG is literal text, not a reference → nothing hoisted, alpine:$TAG invalid',
    dockerfile: L('FROM alpine:\\$TAG'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'lex.go:215-237: \\${TAG} is literal too → nothing hoisted',
    dockerfile: L('FROM alpine:\\${TAG}'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'convert.go:290 NewLex(EscapeToken): under # escape=` a `$X is literal but \\$Y is a backslash + live $Y → only Y hoisted',
    dockerfile: L('# escape=`', 'FROM alpine:`$X AS a', 'FROM a\\$Y'),
    defaults: { Y: 'latest' },
    hoisted: ['Y'],
    rules: [INVALID(), UNDEF('Y'), INVALID()],
    output: L('# escape=`', 'ARG Y=latest', 'FROM alpine:`$X AS a', 'FROM a\\$Y'),
  },

  // ---------------------------------------------------------------- continuations
  {
    name: 'parser.go:321-347: FROM $BASE\\ + "  AS b" is one instruction → BASE hoisted above it',
    dockerfile: L('FROM $BASE\\', '  AS b'),
    defaults: { BASE: 'alpine:3.20' },
    hoisted: ['BASE'],
    rules: [UNDEF('BASE'), INVALID('fixed')],
    output: L('ARG BASE=alpine:3.20', 'FROM $BASE\\', '  AS b'),
  },
  {
    name: 'parser.go:168 + escape directive: backtick continuation under # escape=` in FROM',
    dockerfile: L('# escape=`', 'FROM $BASE`', '  AS build'),
    defaults: { BASE: 'alpine' },
    hoisted: ['BASE'],
    rules: [UNDEF('BASE'), INVALID('fixed')],
    output: L('# escape=`', 'ARG BASE=alpine', 'FROM $BASE`', '  AS build'),
  },
  {
    name: 'parser.go continuation: ARG IMAGE=alpi\\ + ne gives alpine → FROM $IMAGE valid, nothing',
    dockerfile: L('ARG IMAGE=alpi\\', 'ne', 'FROM $IMAGE'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'parser.go continuation: hoisted ARG goes after the last physical line of a continued global ARG',
    dockerfile: L('ARG IMAGE=alpi\\', 'ne', 'FROM $IMAGE:$TAG'),
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID(), NEEDS('TAG')],
    output: L('ARG IMAGE=alpi\\', 'ne', 'ARG TAG', 'FROM $IMAGE:$TAG'),
  },
  {
    name: 'parser.go: a comment line inside a FROM continuation is dropped → FROM \\ # c $IMAGE uses IMAGE',
    dockerfile: L('FROM \\', '# the base image', '  $IMAGE'),
    defaults: { IMAGE: 'alpine' },
    hoisted: ['IMAGE'],
    rules: [UNDEF('IMAGE'), INVALID('fixed')],
    output: L('ARG IMAGE=alpine', 'FROM \\', '# the base image', '  $IMAGE'),
  },

  // ---------------------------------------------------------------- keyword casing
  {
    name: 'parser.go:232 strings.ToLower: lowercase "from" is FROM → inserted keyword follows the file: "arg"',
    dockerfile: L('from alpine:$TAG'),
    defaults: { TAG: '3.20' },
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: L('arg TAG=3.20', 'from alpine:$TAG'),
  },
  {
    name: 'parser.go:232: lowercase "arg" is a global ARG → hoisted after it, written "arg"',
    dockerfile: L('arg BASE=alpine', 'from $BASE:$TAG as build'),
    defaults: { TAG: '3.20' },
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: L('arg BASE=alpine', 'arg TAG=3.20', 'from $BASE:$TAG as build'),
  },

  // ---------------------------------------------------------------- heredocs
  {
    name: 'parser.go:130-139 heredocs: body lines of RUN <<EOF reading "FROM $X" / "ARG Y" are not instructions → nothing',
    dockerfile: L('FROM alpine:3.20', 'RUN <<EOF', 'FROM $X', 'ARG Y', 'EOF'),
    hoisted: [],
    rules: [],
  },
  {
    name: "parser.go reHeredoc ^(\\d*)<<(-?)\\s*([^<]*)$: RUN cat << 'EOF' (space, quoted) body is not instructions → nothing",
    dockerfile: L('FROM alpine:3.20', "RUN cat << 'EOF' > /etc/motd", 'FROM $X', 'EOF'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'parser.go Chomp (trimLeadingTabs on the terminator): RUN <<-EOF with tab-indented body and terminator → nothing',
    dockerfile: L('FROM alpine:3.20', 'RUN <<-EOF', '\tFROM $X', '\tEOF', 'RUN true'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'parser.go heredocs: an "ARG TAG=1" inside a COPY heredoc declares nothing → TAG hoisted bare',
    dockerfile: L('FROM alpine:3.20 AS a', 'COPY <<EOF /etc/build.env', 'ARG TAG=1', 'EOF', 'FROM alpine:$TAG'),
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID(), NEEDS('TAG')],
    output: L('ARG TAG', 'FROM alpine:3.20 AS a', 'COPY <<EOF /etc/build.env', 'ARG TAG=1', 'EOF', 'FROM alpine:$TAG'),
  },
  {
    name: 'parser.go heredocs: COPY <<A <<B reads both bodies in order → none of their lines are instructions',
    dockerfile: L('FROM alpine:3.20', 'COPY <<A <<B /dest/', 'FROM $X', 'A', 'FROM $Y', 'B', 'RUN true'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'parser.go canContainHeredoc: ONBUILD RUN <<EOF has a heredoc body too → "FROM $X" inside is not an instruction',
    dockerfile: L('FROM alpine:3.20', 'ONBUILD RUN <<EOF', 'FROM $X', 'EOF'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'parser.go canContainHeredoc: JSON-form RUN ["echo","<<EOF"] has no heredoc → the next FROM is a real instruction',
    dockerfile: L('FROM alpine:3.20 AS a', 'RUN ["echo", "<<EOF"]', 'FROM busybox:$TAG'),
    defaults: { TAG: 'latest' },
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: L('ARG TAG=latest', 'FROM alpine:3.20 AS a', 'RUN ["echo", "<<EOF"]', 'FROM busybox:$TAG'),
  },
  {
    name: 'parser.go heredocsFromLine (RawQuotes): RUN echo "<<EOF" is a quoted word, not a heredoc → the next FROM is real',
    dockerfile: L('FROM alpine:3.20 AS a', 'RUN echo "<<EOF"', 'FROM busybox:$TAG'),
    defaults: { TAG: 'latest' },
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: L('ARG TAG=latest', 'FROM alpine:3.20 AS a', 'RUN echo "<<EOF"', 'FROM busybox:$TAG'),
  },

  // ---------------------------------------------------------------- directives and check=skip
  {
    name: 'directives.go + linter.go: file-wide # check=skip=UndefinedArgInFrom → suppressed, not hoisted; InvalidDefaultArgInFrom still fires',
    dockerfile: L('# syntax=docker/dockerfile:1', '# check=skip=UndefinedArgInFrom', 'FROM alpine:$TAG'),
    hoisted: [],
    rules: [UNDEF('TAG', 'suppressed'), INVALID()],
  },
  {
    name: 'linter.go: # check=skip=all suppresses both FROM rules',
    dockerfile: L('# check=skip=all', 'FROM alpine:$TAG'),
    hoisted: [],
    rules: [UNDEF('TAG', 'suppressed'), INVALID('suppressed')],
  },
  {
    name: 'linter.go: # check=skip=InvalidDefaultArgInFrom → IMAGE still hoisted after the directive, invalid reference suppressed',
    dockerfile: L('# check=skip=InvalidDefaultArgInFrom', 'FROM $IMAGE'),
    hoisted: ['IMAGE'],
    rules: [UNDEF('IMAGE'), INVALID('suppressed')],
    output: L('# check=skip=InvalidDefaultArgInFrom', 'ARG IMAGE', 'FROM $IMAGE'),
  },
  {
    name: 'directives.go:50-96: an unknown directive (# foo=bar) ends the run → the later # escape=` is a comment, \\$X stays literal',
    dockerfile: L('# foo=bar', '# escape=`', 'FROM alpine:\\$X'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'directives.go:134-196 + parser.go: a shebang line is not skipped by the Dockerfile parser → # escape=` after it is ignored',
    dockerfile: L('#!/usr/bin/env buildctl', '# escape=`', 'FROM alpine:\\$X'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'directives.go:42-44 + parser.go:542-549: directive keys are case-insensitive and leading whitespace is trimmed → "  # Escape=`" applies, `$X is literal',
    dockerfile: L('  # Escape=`', 'FROM alpine:`$X'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'directives.go: a blank line ends the run → # escape=` after it is a comment; ARG inserted right after # syntax',
    dockerfile: L('# syntax=docker/dockerfile:1', '', '# escape=`', 'FROM alpine:\\$X AS a', 'FROM busybox:$TAG'),
    defaults: { TAG: 'latest' },
    hoisted: ['TAG'],
    rules: [INVALID(), UNDEF('TAG'), INVALID('fixed')],
    output: L('# syntax=docker/dockerfile:1', 'ARG TAG=latest', '', '# escape=`', 'FROM alpine:\\$X AS a', 'FROM busybox:$TAG'),
  },
  {
    name: 'linter.go:99-121 (Dockerfile 1.21): # check=skip=UndefinedArgInFrom right above one FROM applies to that FROM only',
    dockerfile: L('# syntax=docker/dockerfile:1', '', '# check=skip=UndefinedArgInFrom', 'FROM alpine:3.20 AS a', 'FROM alpine:$TAG'),
    defaults: { TAG: '3.20' },
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: L('# syntax=docker/dockerfile:1', 'ARG TAG=3.20', '', '# check=skip=UndefinedArgInFrom', 'FROM alpine:3.20 AS a', 'FROM alpine:$TAG'),
  },
  {
    name: 'linter.go:99-121 + convert.go:399: per-instruction # check=skip=UndefinedArgInFrom above a FROM → suppressed, not hoisted',
    dockerfile: L('FROM alpine:3.20 AS a', '# check=skip=UndefinedArgInFrom', 'FROM busybox:$TAG'),
    hoisted: [],
    rules: [UNDEF('TAG', 'suppressed'), INVALID()],
  },
  {
    name: 'parser.go PrevComment: a blank line between # check=skip=… and FROM does not break the comment chain → still suppressed',
    dockerfile: L('FROM alpine:3.20 AS a', '# check=skip=UndefinedArgInFrom', '', 'FROM busybox:$TAG'),
    hoisted: [],
    rules: [UNDEF('TAG', 'suppressed'), INVALID()],
  },
  {
    name: 'parser.go PrevComment: a bare "#" line resets the comment chain → the # check=skip=… above it no longer applies',
    dockerfile: L('FROM alpine:3.20 AS a', '# check=skip=UndefinedArgInFrom', '#', 'FROM busybox:$TAG'),
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID(), NEEDS('TAG')],
    output: L('ARG TAG', 'FROM alpine:3.20 AS a', '# check=skip=UndefinedArgInFrom', '#', 'FROM busybox:$TAG'),
  },
  {
    name: 'convert.go:399: a per-instruction # check=skip=InvalidDefaultArgInFrom does not affect it (file-level linter only)',
    dockerfile: L('FROM alpine:3.20 AS a', '# check=skip=InvalidDefaultArgInFrom', 'FROM busybox:$TAG'),
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID(), NEEDS('TAG')],
    output: L('ARG TAG', 'FROM alpine:3.20 AS a', '# check=skip=InvalidDefaultArgInFrom', 'FROM busybox:$TAG'),
  },

  // ---------------------------------------------------------------- insertion point (buildkit.md §5)
  {
    name: 'buildkit.md §5: hoisted ARG goes after the directive run and the last global ARG, not between a FROM and its comment',
    dockerfile: L('# syntax=docker/dockerfile:1', '# check=error=true', 'ARG BASE=alpine', '', '# The build stage', 'FROM $BASE:$TAG AS build'),
    defaults: { TAG: '3.20' },
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: L(
      '# syntax=docker/dockerfile:1',
      '# check=error=true',
      'ARG BASE=alpine',
      'ARG TAG=3.20',
      '',
      '# The build stage',
      'FROM $BASE:$TAG AS build',
    ),
  },
  {
    name: 'parser.go PrevComment: no global ARG → insert after the directive run, above the comment that belongs to FROM',
    dockerfile: L('# syntax=docker/dockerfile:1', '# The build stage', 'FROM alpine:$TAG AS build'),
    defaults: { TAG: '3.20' },
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: L('# syntax=docker/dockerfile:1', 'ARG TAG=3.20', '# The build stage', 'FROM alpine:$TAG AS build'),
  },
  {
    name: 'parser.go PrevComment: comment between the last global ARG and FROM stays attached to FROM',
    dockerfile: L('# Base image', 'ARG BASE=alpine', '# build stage', 'FROM $BASE:$TAG'),
    defaults: { TAG: '3.20' },
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: L('# Base image', 'ARG BASE=alpine', 'ARG TAG=3.20', '# build stage', 'FROM $BASE:$TAG'),
  },
  {
    name: 'line_parsers.go: multi-name ARG A=1 B=2 line → hoisted C goes after the whole line',
    dockerfile: L('ARG A=1 B=2', 'FROM $A:$C'),
    defaults: { C: '3' },
    hoisted: ['C'],
    rules: [UNDEF('C'), INVALID('fixed')],
    output: L('ARG A=1 B=2', 'ARG C=3', 'FROM $A:$C'),
  },

  // ---------------------------------------------------------------- global defaults (buildMetaArgs order)
  {
    name: 'buildkit.md surprise 6: ARG IMAGE=$CI_REGISTRY_IMAGE/app → CI_REGISTRY_IMAGE hoisted ABOVE the IMAGE line',
    dockerfile: L('ARG IMAGE=$CI_REGISTRY_IMAGE/app', 'FROM $IMAGE'),
    hoisted: ['CI_REGISTRY_IMAGE'],
    rules: ['UndefinedArgInGlobalDefault:CI_REGISTRY_IMAGE:fixed', INVALID(), NEEDS('CI_REGISTRY_IMAGE')],
    output: L('ARG CI_REGISTRY_IMAGE', 'ARG IMAGE=$CI_REGISTRY_IMAGE/app', 'FROM $IMAGE'),
  },
  {
    name: 'convert.go buildMetaArgs (defaults expand in order): supplied CI_REGISTRY_IMAGE above IMAGE → reference valid',
    dockerfile: L('# syntax=docker/dockerfile:1', 'ARG BASE=alpine', '# The app image', 'ARG IMAGE=$CI_REGISTRY_IMAGE/app', 'FROM $IMAGE'),
    defaults: { CI_REGISTRY_IMAGE: 'registry.gitlab.com/group/project' },
    hoisted: ['CI_REGISTRY_IMAGE'],
    rules: ['UndefinedArgInGlobalDefault:CI_REGISTRY_IMAGE:fixed', INVALID('fixed')],
    output: L(
      '# syntax=docker/dockerfile:1',
      'ARG BASE=alpine',
      'ARG CI_REGISTRY_IMAGE=registry.gitlab.com/group/project',
      '# The app image',
      'ARG IMAGE=$CI_REGISTRY_IMAGE/app',
      'FROM $IMAGE',
    ),
  },
  {
    name: 'reference v0.6.0: a supplied GitLab path with uppercase (Group/Project) still gives an invalid reference → unfixed',
    dockerfile: L('ARG IMAGE=$CI_REGISTRY_IMAGE/app', 'FROM $IMAGE'),
    defaults: { CI_REGISTRY_IMAGE: 'registry.gitlab.com/Group/Project' },
    hoisted: ['CI_REGISTRY_IMAGE'],
    rules: ['UndefinedArgInGlobalDefault:CI_REGISTRY_IMAGE:fixed', INVALID()],
    output: L('ARG CI_REGISTRY_IMAGE=registry.gitlab.com/Group/Project', 'ARG IMAGE=$CI_REGISTRY_IMAGE/app', 'FROM $IMAGE'),
  },
  {
    name: 'convert.go buildMetaArgs: ARG TAG=${TAG:-3.20} refers to itself → declared, valid, nothing',
    dockerfile: L('ARG TAG=${TAG:-3.20}', 'FROM alpine:$TAG'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'convert.go buildMetaArgs: ARG IMAGE=alpine:$TAG before ARG TAG=3.20 gives "alpine:" → GlobalArgUsedBeforeDeclared',
    dockerfile: L('ARG IMAGE=alpine:$TAG', 'ARG TAG=3.20', 'FROM $IMAGE'),
    hoisted: [],
    rules: ['GlobalArgUsedBeforeDeclared:TAG:unfixed', INVALID()],
  },
  {
    name: 'convert.go buildMetaArgs: supplied TAG for ARG IMAGE=alpine:$TAG is hoisted above IMAGE (dependency order)',
    dockerfile: L('ARG IMAGE=alpine:$TAG', 'FROM $IMAGE'),
    defaults: { TAG: '3.20' },
    hoisted: ['TAG'],
    rules: ['UndefinedArgInGlobalDefault:TAG:fixed', INVALID('fixed')],
    output: L('ARG TAG=3.20', 'ARG IMAGE=alpine:$TAG', 'FROM $IMAGE'),
  },
  {
    name: 'convert.go buildMetaArgs: a name used by a global default and by a FROM is hoisted once, above the default',
    dockerfile: L('ARG IMAGE=$REGISTRY/app', 'FROM $IMAGE AS app', 'FROM $REGISTRY/base'),
    defaults: { REGISTRY: 'registry.example.com' },
    hoisted: ['REGISTRY'],
    rules: ['UndefinedArgInGlobalDefault:REGISTRY:fixed', UNDEF('REGISTRY'), INVALID('fixed'), INVALID('fixed')],
    output: L('ARG REGISTRY=registry.example.com', 'ARG IMAGE=$REGISTRY/app', 'FROM $IMAGE AS app', 'FROM $REGISTRY/base'),
  },
  {
    name: 'convert.go buildMetaArgs order: REG (used by a global default) goes above that ARG, TAG (used by FROM) after the globals',
    dockerfile: L('ARG IMAGE=$REG/app', 'FROM $IMAGE:$TAG'),
    defaults: { REG: 'registry.example.com', TAG: '1.0' },
    hoisted: ['REG', 'TAG'],
    rules: ['UndefinedArgInGlobalDefault:REG:fixed', UNDEF('TAG'), INVALID('fixed')],
    output: L('ARG REG=registry.example.com', 'ARG IMAGE=$REG/app', 'ARG TAG=1.0', 'FROM $IMAGE:$TAG'),
  },

  // ---------------------------------------------------------------- existing invalid defaults
  {
    name: 'validations.go:339-362: ARG CI_REGISTRY_IMAGE=pytorch/torchserve:latest + :$CI_REGISTRY_TAG → invalid, left alone without values',
    dockerfile: L('ARG CI_REGISTRY_IMAGE=pytorch/torchserve:latest', 'ARG CI_REGISTRY_TAG=base', 'FROM $CI_REGISTRY_IMAGE:$CI_REGISTRY_TAG'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'validations.go:339-362: the invalid CI_REGISTRY_IMAGE default is rewritten when a value is supplied → valid',
    dockerfile: L('ARG CI_REGISTRY_IMAGE=pytorch/torchserve:latest', 'ARG CI_REGISTRY_TAG=base', 'FROM $CI_REGISTRY_IMAGE:$CI_REGISTRY_TAG'),
    defaults: { CI_REGISTRY_IMAGE: 'registry.gitlab.com/group/project' },
    hoisted: [],
    rules: [INVALID('fixed'), 'DefaultRewritten:CI_REGISTRY_IMAGE:fixed'],
    output: L(
      'ARG CI_REGISTRY_IMAGE=registry.gitlab.com/group/project',
      'ARG CI_REGISTRY_TAG=base',
      'FROM $CI_REGISTRY_IMAGE:$CI_REGISTRY_TAG',
    ),
  },
  {
    name: 'validations.go: a valid existing default is not touched even when a value is supplied for it',
    dockerfile: L('ARG TAG=3.20', 'FROM alpine:$TAG'),
    defaults: { TAG: '3.21' },
    hoisted: [],
    rules: [],
  },

  // ---------------------------------------------------------------- reference grammar (distribution/reference v0.6.0)
  {
    name: 'reference v0.6.0 ParseNormalizedNamed: uppercase repository (Alpine:3.20) → "must be lowercase" → invalid',
    dockerfile: L('ARG IMAGE=Alpine:3.20', 'FROM $IMAGE'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'reference v0.6.0: uppercase path under a registry (registry.gitlab.com/Group/Project) → invalid',
    dockerfile: L('ARG IMAGE=registry.gitlab.com/Group/Project', 'FROM $IMAGE'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'buildkit.md §4: a literal FROM Alpine fires InvalidDefaultArgInFrom too (the check does not care why)',
    dockerfile: L('FROM Alpine'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'reference v0.6.0 referencePat: double colon tag (alpine:3.20:latest) → invalid',
    dockerfile: L('ARG TAG=3.20:latest', 'FROM alpine:$TAG'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'reference v0.6.0 tag [\\w][\\w.-]{0,127}: "+" in a tag (1.0+build) → invalid',
    dockerfile: L('ARG TAG=1.0+build', 'FROM alpine:$TAG'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'reference v0.6.0 tag: "/" from a branch name (feature/x) → invalid',
    dockerfile: L('ARG BRANCH=feature/x', 'FROM app:$BRANCH'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'reference v0.6.0 tag {0,127}: a 129-character tag → invalid',
    dockerfile: L(`ARG TAG=${'a'.repeat(129)}`, 'FROM alpine:$TAG'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'reference v0.6.0 tag: 128 characters and an uppercase tag (Latest) are valid → nothing',
    dockerfile: L(`ARG LONG=${'a'.repeat(128)}`, 'ARG UP=Latest', 'FROM alpine:$LONG AS a', 'FROM alpine:$UP'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'go-digest Validate: sha256 with 63 hex → invalid checksum digest length',
    dockerfile: L(`ARG DIGEST=sha256:${HEX63}`, 'FROM alpine@$DIGEST'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'go-digest Validate: md5 is an unsupported digest algorithm → invalid',
    dockerfile: L(`ARG DIGEST=md5:${HEX32}`, 'FROM alpine@$DIGEST'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'reference v0.6.0 anchoredIdentifierRegexp: a bare 64-hex name → "cannot specify 64-byte hexadecimal strings"',
    dockerfile: L(`ARG IMAGE=${HEX64}`, 'FROM $IMAGE'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'reference v0.6.0 ErrNameEmpty: ARG IMAGE= (set, empty) → empty name invalid; has a value, so no NeedsDefault',
    dockerfile: L('ARG IMAGE=', 'FROM $IMAGE'),
    hoisted: [],
    rules: [INVALID()],
  },
  {
    name: 'splitDockerDomain: Registry/app (uppercase first component is a domain) and localhost:5000/app are valid → nothing',
    dockerfile: L('ARG A=Registry/app', 'ARG B=localhost:5000/app', 'FROM $A AS a', 'FROM $B'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'convert.go:45,598: FROM scratch → nothing',
    dockerfile: L('FROM scratch', 'COPY Dockerfile .'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'convert.go addState:1247-1257 + testPlatformArgsImplicit: ARG BASE=builder + FROM ${BASE} names an earlier stage → nothing',
    dockerfile: L('ARG BASE=builder', 'FROM alpine:3.20 AS builder', 'FROM ${BASE}'),
    hoisted: [],
    rules: [],
  },
  {
    name: 'validations.go:357 parses stage names as references too: FROM build- (legal stage name) → InvalidDefaultArgInFrom',
    dockerfile: L('FROM alpine:3.20 AS build-', 'FROM build-'),
    hoisted: [],
    rules: [INVALID()],
  },

  // ---------------------------------------------------------------- special parameters
  {
    name: "lex.go processName + buildkit.md surprise 8: FROM $1 reads special parameter '1' → reported, not hoisted, empty name invalid",
    dockerfile: L('FROM $1'),
    hoisted: [],
    rules: [UNDEF('1', 'unfixed'), INVALID()],
    messages: ["FROM argument '1' is not declared"],
  },
  {
    name: "lex.go processName: FROM img$1 warns about '1', not hoisted; img is a valid reference",
    dockerfile: L('FROM img$1'),
    hoisted: [],
    rules: [UNDEF('1', 'unfixed')],
  },

  // ---------------------------------------------------------------- own pragmas
  {
    name: 'own pragma: # dockerfile-argfix ignore above a FROM → its findings suppressed, nothing hoisted',
    dockerfile: L('FROM alpine:3.20 AS a', '# dockerfile-argfix ignore', 'FROM busybox:$TAG'),
    hoisted: [],
    rules: [UNDEF('TAG', 'suppressed'), INVALID('suppressed')],
  },
  {
    name: 'own pragma: # dockerfile-argfix ignore=UndefinedArgInFrom → only that rule suppressed',
    dockerfile: L('FROM alpine:3.20 AS a', '# dockerfile-argfix ignore=UndefinedArgInFrom', 'FROM busybox:$TAG'),
    hoisted: [],
    rules: [UNDEF('TAG', 'suppressed'), INVALID()],
  },
  {
    // Issue 14: NeedsDefault is suppressible like every rule (it was not).
    name: 'own pragma: # dockerfile-argfix ignore=NeedsDefault above the FROM → NeedsDefault suppressed, the ARG still hoisted',
    dockerfile: L('# dockerfile-argfix ignore=NeedsDefault', 'FROM $IMAGE'),
    hoisted: ['IMAGE'],
    rules: [UNDEF('IMAGE', 'fixed'), INVALID(), 'NeedsDefault:IMAGE:suppressed'],
  },
  {
    name: 'config ignore: [NeedsDefault] → NeedsDefault suppressed everywhere',
    dockerfile: L('FROM $IMAGE:$TAG'),
    ignore: ['NeedsDefault'],
    hoisted: ['IMAGE', 'TAG'],
    rules: [UNDEF('IMAGE', 'fixed'), UNDEF('TAG', 'fixed'), INVALID(), 'NeedsDefault:IMAGE:suppressed', 'NeedsDefault:TAG:suppressed'],
  },
  {
    name: 'own pragma: # dockerfile-argfix global ignore anywhere → every FROM suppressed, nothing hoisted',
    dockerfile: L('FROM alpine:$TAG AS a', '# dockerfile-argfix global ignore', 'RUN true', 'FROM busybox:$V'),
    hoisted: [],
    rules: [UNDEF('TAG', 'suppressed'), INVALID('suppressed'), UNDEF('V', 'suppressed'), INVALID('suppressed')],
  },

  // ---------------------------------------------------------------- supplied values, quoted for lex.go
  {
    name: "lex.go processSingleQuote: a supplied default with a space is written 'a b' so BuildKit reads it back literally",
    dockerfile: L('FROM alpine${SUFFIX:+:3.20}'),
    defaults: { SUFFIX: 'a b' },
    hoisted: ['SUFFIX'],
    rules: [UNDEF('SUFFIX')],
    output: L("ARG SUFFIX='a b'", 'FROM alpine${SUFFIX:+:3.20}'),
  },
  {
    name: "lex.go single pass: supplied IMAGE=alpine:$TAG is written '…' and stays literal → still invalid, TAG not looked up",
    dockerfile: L('FROM $IMAGE'),
    defaults: { IMAGE: 'alpine:$TAG' },
    hoisted: ['IMAGE'],
    rules: [UNDEF('IMAGE'), INVALID()],
    output: L("ARG IMAGE='alpine:$TAG'", 'FROM $IMAGE'),
  },
  {
    name: 'lex.go processDoubleQuote: a value with \' and $ → "…\\$…" (escape char escapes $ inside double quotes)',
    dockerfile: L('FROM alpine${NOTE:+:3.20}'),
    defaults: { NOTE: "it's $5" },
    hoisted: ['NOTE'],
    rules: [UNDEF('NOTE')],
    output: L('ARG NOTE="it\'s \\$5"', 'FROM alpine${NOTE:+:3.20}'),
  },
  {
    name: 'lex.go processDoubleQuote + # escape=`: the backtick escapes $ inside double quotes',
    dockerfile: L('# escape=`', 'FROM alpine${NOTE:+:3.20}'),
    defaults: { NOTE: "it's $5" },
    hoisted: ['NOTE'],
    rules: [UNDEF('NOTE')],
    output: L('# escape=`', 'ARG NOTE="it\'s `$5"', 'FROM alpine${NOTE:+:3.20}'),
  },
  {
    name: 'lex.go: quotes in the FROM word are removed by the lexer → FROM "alpine:$TAG" uses TAG',
    dockerfile: L('FROM "alpine:$TAG"'),
    defaults: { TAG: '3.20' },
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: L('ARG TAG=3.20', 'FROM "alpine:$TAG"'),
  },

  // ---------------------------------------------------------------- text shape (parser.go)
  {
    name: 'parser.go:519-521,543 trims \\r\\n: CRLF file → inserted line uses CRLF',
    dockerfile: 'ARG BASE=alpine\r\nFROM $BASE:$TAG\r\nRUN true\r\n',
    defaults: { TAG: '3.20' },
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: 'ARG BASE=alpine\r\nARG TAG=3.20\r\nFROM $BASE:$TAG\r\nRUN true\r\n',
  },
  {
    name: 'parser.go CRLF: no global ARG → CRLF line inserted at the top',
    dockerfile: 'FROM alpine:$TAG\r\n',
    defaults: { TAG: '3.20' },
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: 'ARG TAG=3.20\r\nFROM alpine:$TAG\r\n',
  },
  {
    name: 'parser.go CRLF + continuation: FROM $BASE\\ CRLF "  AS b" → inserted line uses CRLF',
    dockerfile: 'FROM $BASE\\\r\n  AS b\r\n',
    defaults: { BASE: 'alpine' },
    hoisted: ['BASE'],
    rules: [UNDEF('BASE'), INVALID('fixed')],
    output: 'ARG BASE=alpine\r\nFROM $BASE\\\r\n  AS b\r\n',
  },
  {
    name: 'parser.go:296-299 + CRLF: BOM stays at byte 0 and the inserted line uses CRLF',
    dockerfile: '\uFEFFFROM alpine:$TAG\r\n',
    defaults: { TAG: '3.20' },
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: '\uFEFFARG TAG=3.20\r\nFROM alpine:$TAG\r\n',
  },
  {
    name: 'parser.go:296-299 strips the BOM from the first line only → BOM stays at byte 0, ARG inserted after it',
    dockerfile: '\uFEFFFROM alpine:$TAG\n',
    defaults: { TAG: '3.20' },
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: '\uFEFFARG TAG=3.20\nFROM alpine:$TAG\n',
  },
  {
    name: 'parser.go:296-299: BOM + # syntax directive → BOM at byte 0, ARG after the directive',
    dockerfile: '\uFEFF# syntax=docker/dockerfile:1\nFROM alpine:$TAG\n',
    defaults: { TAG: '3.20' },
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: '\uFEFF# syntax=docker/dockerfile:1\nARG TAG=3.20\nFROM alpine:$TAG\n',
  },
  {
    name: 'parser.go: no final newline → kept as is',
    dockerfile: 'ARG BASE=alpine\nFROM $BASE:$TAG',
    defaults: { TAG: '3.20' },
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: 'ARG BASE=alpine\nARG TAG=3.20\nFROM $BASE:$TAG',
  },
  {
    name: 'line_parsers.go whitespace split: trailing spaces do not change the words and are kept byte for byte',
    dockerfile: 'ARG BASE=alpine   \nFROM $BASE:$TAG  \n',
    defaults: { TAG: '3.20' },
    hoisted: ['TAG'],
    rules: [UNDEF('TAG'), INVALID('fixed')],
    output: 'ARG BASE=alpine   \nARG TAG=3.20\nFROM $BASE:$TAG  \n',
  },
];

describe('BuildKit semantics of ARG → FROM (hoist-from-args via fixDockerfile)', () => {
  test('the table has at least 65 cases, 25 with exact output', () => {
    expect(cases.length).toBeGreaterThanOrEqual(65);
    expect(cases.filter((c) => c.output !== undefined).length).toBeGreaterThanOrEqual(25);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const defaults = toDefaults(c.defaults);
    const r = fixDockerfile(c.dockerfile, { defaults, ...(c.ignore ? { ignore: new Set(c.ignore) } : {}) });

    expect(r.hoisted.map((h) => h.name)).toEqual(c.hoisted);
    expect(r.findings.map(encode).sort()).toEqual([...c.rules].sort());

    if (c.output !== undefined) {
      expect(r.output).toBe(c.output);
    } else if (c.hoisted.length === 0 && !c.rules.some((x) => x.startsWith('DefaultRewritten:'))) {
      expect(r.output).toBe(c.dockerfile);
      expect(r.edits).toEqual([]);
    }

    for (const m of c.messages ?? []) {
      expect(r.findings.map((f) => f.message)).toContain(m);
    }
    for (const m of c.messageStarts ?? []) {
      expect(r.findings.filter((f) => f.message.startsWith(m)).map((f) => f.message)).toHaveLength(1);
    }

    // Idempotence: the output asks for nothing more with the same defaults.
    expect(fixDockerfile(r.output, { defaults }).edits).toEqual([]);
  });
});
