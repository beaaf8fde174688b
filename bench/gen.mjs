#!/usr/bin/env node
/**
 * Deterministic fleet generator for `npm run bench`: repositories (each a directory with a `.git` directory made
 * by mkdir; git is never run), Dockerfiles of realistic shapes and GitLab CI files (`.gitlab-ci.yml` plus the
 * local files it includes). Same seed and sizes ⇒ byte-identical fleet. No Math.random.
 *
 *   node bench/gen.mjs DIR [--quick] [--force] [--seed S] [--repos N] [--dockerfiles N] [--ci N]
 *
 * Shapes, by share of Dockerfiles (about 60% have no variable in any FROM):
 *   plain single/multi-stage images (node, python, go, java, rust, nginx, ruby, php, dotnet) ... ~60%
 *   FROM $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA and friends, undeclared (the seed's bug) ............ ~13%
 *   global ARGs + FROM ${BASE_IMAGE}:${TAG:-3.20} (declared, or half-declared) ................ ~10%
 *   FROM --platform=$BUILDPLATFORM cross-compiles (built-ins, nothing to hoist) ................ ~7%
 *   stage-scoped ARG whose name a later FROM uses ............................................. ~5%
 *   ${REGISTRY}/library/x:${VERSION} with REGISTRY declared, VERSION not ...................... ~5%
 * plus RUN continuations (with comment lines inside), heredocs (`RUN <<EOF`, `COPY <<EOF`, `RUN cat << 'EOF' > f`),
 * comments, parser directives, a little CRLF / lower-case / escape=` — and a few files per fleet with 50–500 stages.
 */
import { mkdirSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

// ---------------------------------------------------------------------------------------------- PRNG
/** xmur3 string hash → 32-bit seed. */
function hashSeed(str) {
  let h = 1779033703 ^ str.length;
  for (let i = 0; i < str.length; i++) {
    h = Math.imul(h ^ str.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  h = Math.imul(h ^ (h >>> 16), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  return (h ^= h >>> 16) >>> 0;
}

/** mulberry32: small, fast, good enough for synthetic data. */
export function makeRng(seed) {
  let a = typeof seed === 'number' ? seed >>> 0 : hashSeed(String(seed));
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng = {
    next,
    /** Integer in [lo, hi]. */
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    /** entries: [weight, value][] */
    weighted: (entries) => {
      let total = 0;
      for (const [w] of entries) total += w;
      let r = next() * total;
      for (const [w, v] of entries) {
        if ((r -= w) < 0) return v;
      }
      return entries[entries.length - 1][1];
    },
    hex: (n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(next() * 16)];
      return s;
    },
  };
  return rng;
}

// ---------------------------------------------------------------------------------------------- vocab
export const SERVICES = [
  'api', 'web', 'worker', 'auth', 'billing', 'gateway', 'scheduler', 'notifier', 'search', 'ingest', 'export',
  'reports', 'admin', 'frontend', 'backend', 'ml-serving', 'etl', 'cron', 'proxy', 'cache', 'payments', 'users',
  'inventory', 'orders', 'mailer', 'media', 'thumbnailer', 'analytics', 'metrics', 'docs', 'landing', 'graphql',
  'sync', 'webhooks', 'importer', 'exporter', 'pdf', 'ocr', 'tts', 'indexer', 'crawler', 'chat', 'realtime',
];
export const ORGS = ['acme', 'platform', 'data', 'infra', 'mobile', 'web', 'ml', 'payments', 'core', 'ops', 'research'];
const WORDS = ['alpha', 'bravo', 'delta', 'echo', 'nova', 'orion', 'lynx', 'puma', 'heron', 'falcon', 'otter', 'yak'];

export const FAMILIES = {
  node: {
    images: ['node:20-alpine', 'node:22-bookworm-slim', 'node:18.20.4-alpine3.20', 'node:lts', 'docker.io/library/node:21'],
    runtime: ['node:20-alpine', 'gcr.io/distroless/nodejs20-debian12', 'nginx:1.27-alpine'],
    install: ['npm ci --omit=dev', 'yarn install --frozen-lockfile', 'pnpm install --frozen-lockfile'],
    build: ['npm run build', 'yarn build', 'pnpm build'],
    copyDeps: 'COPY package.json package-lock.json ./',
    cmd: '["node", "dist/server.js"]',
    version: ['NODE_VERSION', ['18', '20', '22', '20.15.1']],
    repo: 'node',
  },
  python: {
    images: ['python:3.12-slim', 'python:3.11-slim-bookworm', 'python:3.13-alpine', 'python:3.10'],
    runtime: ['python:3.12-slim', 'gcr.io/distroless/python3-debian12'],
    install: ['pip install --no-cache-dir -r requirements.txt', 'poetry install --no-root --only main', 'uv sync --frozen'],
    build: ['python -m compileall -q .', 'python setup.py bdist_wheel'],
    copyDeps: 'COPY requirements.txt ./',
    cmd: '["gunicorn", "-b", "0.0.0.0:8000", "app:app"]',
    version: ['PYTHON_VERSION', ['3.10', '3.11', '3.12', '3.13']],
    repo: 'python',
  },
  go: {
    images: ['golang:1.22', 'golang:1.23-alpine', 'golang:1.21-bookworm'],
    runtime: ['gcr.io/distroless/static-debian12:nonroot', 'alpine:3.20', 'scratch'],
    install: ['go mod download'],
    build: ['CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app ./cmd/app'],
    copyDeps: 'COPY go.mod go.sum ./',
    cmd: '["/app"]',
    version: ['GO_VERSION', ['1.21', '1.22', '1.23']],
    repo: 'golang',
  },
  java: {
    images: ['maven:3.9-eclipse-temurin-21', 'gradle:8.10-jdk21', 'eclipse-temurin:17-jdk'],
    runtime: ['eclipse-temurin:21-jre', 'eclipse-temurin:17-jre-alpine'],
    install: ['mvn -B -q dependency:go-offline', 'gradle --no-daemon dependencies'],
    build: ['mvn -B -q package -DskipTests', 'gradle --no-daemon bootJar'],
    copyDeps: 'COPY pom.xml ./',
    cmd: '["java", "-jar", "/app/app.jar"]',
    version: ['JAVA_VERSION', ['17', '21']],
    repo: 'eclipse-temurin',
  },
  rust: {
    images: ['rust:1.80', 'rust:1.81-slim-bookworm', 'rust:1-alpine3.20'],
    runtime: ['debian:bookworm-slim', 'gcr.io/distroless/cc-debian12'],
    install: ['cargo fetch'],
    build: ['cargo build --release --locked'],
    copyDeps: 'COPY Cargo.toml Cargo.lock ./',
    cmd: '["/usr/local/bin/app"]',
    version: ['RUST_VERSION', ['1.79', '1.80', '1.81']],
    repo: 'rust',
  },
  ruby: {
    images: ['ruby:3.3-slim', 'ruby:3.2-alpine'],
    runtime: ['ruby:3.3-slim'],
    install: ['bundle config set --local without "development test" && bundle install --jobs 4'],
    build: ['bundle exec rake assets:precompile'],
    copyDeps: 'COPY Gemfile Gemfile.lock ./',
    cmd: '["bundle", "exec", "puma", "-C", "config/puma.rb"]',
    version: ['RUBY_VERSION', ['3.2', '3.3']],
    repo: 'ruby',
  },
  php: {
    images: ['php:8.3-fpm-alpine', 'php:8.2-apache', 'composer:2'],
    runtime: ['php:8.3-fpm-alpine'],
    install: ['composer install --no-dev --prefer-dist --no-interaction'],
    build: ['php artisan optimize'],
    copyDeps: 'COPY composer.json composer.lock ./',
    cmd: '["php-fpm"]',
    version: ['PHP_VERSION', ['8.2', '8.3']],
    repo: 'php',
  },
  nginx: {
    images: ['nginx:1.27-alpine', 'nginx:stable', 'nginxinc/nginx-unprivileged:1.27-alpine'],
    runtime: ['nginx:1.27-alpine'],
    install: ['apk add --no-cache curl'],
    build: ['nginx -t'],
    copyDeps: 'COPY nginx.conf /etc/nginx/nginx.conf',
    cmd: '["nginx", "-g", "daemon off;"]',
    version: ['NGINX_VERSION', ['1.26', '1.27']],
    repo: 'nginx',
  },
  dotnet: {
    images: ['mcr.microsoft.com/dotnet/sdk:8.0', 'mcr.microsoft.com/dotnet/sdk:8.0-alpine'],
    runtime: ['mcr.microsoft.com/dotnet/aspnet:8.0', 'mcr.microsoft.com/dotnet/runtime-deps:8.0-alpine'],
    install: ['dotnet restore'],
    build: ['dotnet publish -c Release -o /out --no-restore'],
    copyDeps: 'COPY *.csproj ./',
    cmd: '["dotnet", "App.dll"]',
    version: ['DOTNET_VERSION', ['6.0', '8.0']],
    repo: 'dotnet/sdk',
  },
};
export const FAMILY_WEIGHTS = [
  [24, 'node'], [22, 'python'], [16, 'go'], [9, 'java'], [5, 'rust'], [5, 'ruby'], [5, 'php'], [9, 'nginx'], [5, 'dotnet'],
];

// ---------------------------------------------------------------------------------------------- Dockerfile blocks
function aptRun(rng) {
  const pkgs = ['ca-certificates', 'curl', 'git', 'tzdata', 'build-essential', 'libpq-dev', 'gnupg', 'unzip', 'jq', 'openssl'];
  const n = rng.int(2, 6);
  const lines = ['RUN apt-get update \\'];
  if (rng.chance(0.3)) lines.push('    # keep the image small: no recommends, clean the lists \\');
  lines.push('    && apt-get install -y --no-install-recommends \\');
  const chosen = [];
  for (let i = 0; i < n; i++) {
    const p = rng.pick(pkgs);
    if (!chosen.includes(p)) chosen.push(p);
  }
  for (const p of chosen) lines.push(`       ${p} \\`);
  lines.push('    && rm -rf /var/lib/apt/lists/*');
  return lines;
}

function apkRun(rng) {
  return [`RUN apk add --no-cache ${rng.pick(['ca-certificates', 'curl', 'tini', 'bash'])} ${rng.pick(['git', 'tzdata', 'openssl'])} \\`, '    && update-ca-certificates'];
}

function heredocRun(rng) {
  const kind = rng.int(0, 3);
  if (kind === 0) {
    return ['RUN <<EOF', 'set -eux', `mkdir -p /app/${rng.pick(['data', 'tmp', 'cache'])}`, 'echo "built at $(date)" > /app/BUILD', 'EOF'];
  }
  if (kind === 1) {
    return ['COPY <<EOF /etc/app/config.yaml', `name: ${rng.pick(SERVICES)}`, `port: ${rng.int(3000, 9000)}`, 'log_level: info', 'EOF'];
  }
  if (kind === 2) {
    // Whitespace before the delimiter: BuildKit accepts it, dockerfile-ast 0.7.1 does not (peers.md §3.9 #2).
    return ["RUN cat << 'EOT' > /usr/local/bin/entrypoint.sh", '#!/bin/sh', 'set -e', 'exec "$@"', 'EOT', 'RUN chmod +x /usr/local/bin/entrypoint.sh'];
  }
  return ['RUN <<-SCRIPT bash', '\tset -euo pipefail', '\tuseradd --create-home --uid 10001 app', '\tchown -R app /app', '\tSCRIPT'];
}

export function bodyBlocks(rng, fam, opts) {
  const out = [];
  const n = opts.blocks;
  if (rng.chance(0.5)) out.push(`WORKDIR ${rng.pick(['/app', '/src', '/usr/src/app', '/workspace'])}`);
  for (let i = 0; i < n; i++) {
    const k = rng.weighted([[4, 'comment'], [5, 'run'], [3, 'copy'], [2, 'env'], [2, 'label'], [1, 'heredoc'], [2, 'apt'], [1, 'expose'], [1, 'user'], [1, 'health']]);
    switch (k) {
      case 'comment':
        out.push(`# ${rng.pick(['Install dependencies first for better layer caching', 'TODO: pin this', 'Build the application', 'Runtime configuration', 'see https://docs.docker.com/build/building/best-practices/', 'shellcheck disable=SC2086'])}`);
        break;
      case 'run':
        if (rng.chance(0.5)) out.push(`RUN ${rng.pick(fam.install)}`);
        else out.push(`RUN ${rng.pick(fam.build)} \\`, `    && ${rng.pick(['rm -rf /tmp/*', 'echo done', 'ls -la', 'find . -name "*.map" -delete'])}`);
        break;
      case 'copy':
        out.push(rng.pick([fam.copyDeps, 'COPY . .', `COPY --chown=app:app ${rng.pick(['src', 'config', 'static', 'public'])}/ ./${rng.pick(['src', 'config', 'static', 'public'])}/`, 'ADD https://example.com/ca.pem /usr/local/share/ca-certificates/']));
        break;
      case 'env':
        out.push(`ENV ${rng.pick(['APP_ENV=production', 'PORT=8080', 'TZ=UTC', 'LANG=C.UTF-8', 'PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1', 'NODE_ENV=production'])}`);
        break;
      case 'label':
        out.push(`LABEL org.opencontainers.image.source="https://gitlab.com/${rng.pick(ORGS)}/${rng.pick(SERVICES)}" \\`, `      org.opencontainers.image.vendor="${rng.pick(ORGS)}"`);
        break;
      case 'heredoc':
        if (opts.heredoc) out.push(...heredocRun(rng));
        else out.push('RUN mkdir -p /app/data');
        break;
      case 'apt':
        out.push(...(rng.chance(0.6) ? aptRun(rng) : apkRun(rng)));
        break;
      case 'expose':
        out.push(`EXPOSE ${rng.pick(['80', '8080', '3000', '8000', '9090/tcp'])}`);
        break;
      case 'user':
        out.push(`USER ${rng.pick(['app', '10001', 'nobody', 'node'])}`);
        break;
      case 'health':
        out.push('HEALTHCHECK --interval=30s --timeout=3s \\', `  CMD curl -fsS http://localhost:${rng.pick(['80', '8080', '3000'])}/healthz || exit 1`);
        break;
    }
  }
  return out;
}

const CI_REFS = [
  '$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA',
  '$CI_REGISTRY_IMAGE:$CI_COMMIT_BEFORE_SHA',
  '${CI_REGISTRY_IMAGE}/base:${CI_COMMIT_REF_SLUG}',
  '$CI_REGISTRY_IMAGE/builder:$CI_COMMIT_SHORT_SHA',
  '${CI_REGISTRY}/${CI_PROJECT_PATH}/runtime:latest',
  '$CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX/node:20-alpine',
];

/** One Dockerfile of a realistic shape. Returns { text, fromVar } */
function dockerfile(rng) {
  const fam = FAMILIES[rng.weighted(FAMILY_WEIGHTS)];
  const style = rng.weighted([
    [60, 'plain'],
    [13, 'ci'],
    [10, 'base-tag'],
    [7, 'platform'],
    [5, 'stage-arg'],
    [5, 'registry'],
  ]);
  const multi = style === 'platform' || rng.chance(0.45);
  const heredoc = rng.chance(0.25);
  const lines = [];
  // Parser directives (heredocs need dockerfile:1.4+; people write the directive anyway).
  if (heredoc || rng.chance(0.25)) lines.push(`# syntax=docker/dockerfile:${rng.pick(['1', '1.7', '1.4', '1-labs'])}`);
  const escapeBacktick = !heredoc && rng.chance(0.004);
  if (escapeBacktick) lines.push('# escape=`');
  if (rng.chance(0.2)) lines.push('', `# ${rng.pick(['Build image for the service', 'Multi-stage build: compile, then a slim runtime', 'Maintained by the platform team', 'Do not edit: generated by cookiecutter'])}`);
  const blocks = () => ({ blocks: rng.int(multi ? 3 : 4, multi ? 9 : 16), heredoc });
  const builderName = rng.pick(['build', 'builder', 'deps', 'compile']);
  let first;
  let fromVar = style !== 'plain';
  switch (style) {
    case 'plain':
      first = `FROM ${rng.chance(0.08) ? '--platform=linux/amd64 ' : ''}${rng.pick(fam.images)}${multi ? ` AS ${builderName}` : ''}`;
      break;
    case 'ci':
      first = `FROM ${rng.pick(CI_REFS)}${multi ? ` AS ${builderName}` : ''}`;
      break;
    case 'base-tag': {
      const declared = rng.weighted([[2, 'both'], [1, 'tag'], [1, 'none']]);
      if (declared === 'both') lines.push(`ARG BASE_IMAGE=${fam.images[0].split(':')[0]}`);
      if (declared !== 'none') lines.push(`ARG TAG=${rng.pick(['3.20', 'latest', fam.images[0].split(':')[1] ?? 'latest'])}`);
      first = `FROM ${rng.pick(['${BASE_IMAGE}:${TAG:-3.20}', '$BASE_IMAGE:$TAG', '${BASE_IMAGE}:${TAG}'])}${multi ? ` AS ${builderName}` : ''}`;
      break;
    }
    case 'platform':
      lines.push(`ARG ${fam.version[0]}=${rng.pick(fam.version[1])}`);
      first = `FROM --platform=$BUILDPLATFORM ${fam.repo}:\${${fam.version[0]}} AS ${builderName}`;
      break;
    case 'stage-arg':
      first = `FROM ${rng.pick(['alpine:3.20', 'busybox:1.36', 'debian:bookworm-slim'])} AS ${builderName}`;
      break;
    case 'registry':
      lines.push(`ARG REGISTRY=${rng.pick(['docker.io', 'registry.gitlab.com', 'harbor.internal.example.com'])}`);
      first = `FROM \${REGISTRY}/library/${fam.repo.split('/').pop()}:\${${fam.version[0]}}${multi ? ` AS ${builderName}` : ''}`;
      break;
  }
  if (lines.length && rng.chance(0.5)) lines.push('');
  lines.push(first);
  if (style === 'platform') lines.push('ARG TARGETOS TARGETARCH');
  if (style === 'stage-arg') lines.push(`ARG ${fam.version[0]}=${rng.pick(fam.version[1])}`);
  lines.push(...bodyBlocks(rng, fam, blocks()));
  if (multi) {
    // one or two more stages
    const extra = rng.chance(0.25) ? 2 : 1;
    let prev = builderName;
    for (let s = 0; s < extra; s++) {
      lines.push('');
      const last = s === extra - 1;
      if (style === 'stage-arg' && last) lines.push(`FROM ${fam.repo}:\${${fam.version[0]}}${rng.chance(0.5) ? '-slim' : ''}`);
      else if (last) lines.push(`FROM ${rng.chance(0.15) ? prev : rng.pick(fam.runtime)}${last ? '' : ` AS stage${s}`}`);
      else {
        lines.push(`FROM ${prev} AS test`);
        prev = 'test';
      }
      if (style === 'platform' && last) lines.push('ARG TARGETOS TARGETARCH');
      lines.push(...bodyBlocks(rng, fam, { blocks: rng.int(2, 6), heredoc }));
      lines.push(`COPY --from=${builderName} ${rng.pick(['/out/app', '/app/dist', '/src/build', '/workspace/target/app.jar'])} ${rng.pick(['/app', '/usr/local/bin/app', '/usr/share/nginx/html'])}`);
    }
  }
  lines.push(rng.chance(0.5) ? `CMD ${fam.cmd}` : `ENTRYPOINT ${fam.cmd}`);
  let text = lines.join('\n') + '\n';
  if (escapeBacktick) text = text.replace(/ \\\n/g, ' `\n');
  if (rng.chance(0.01)) text = text.replace(/^(FROM|RUN|COPY|ARG|ENV|WORKDIR|CMD)\b/gm, (k) => k.toLowerCase());
  if (rng.chance(0.02)) text = text.replace(/\n/g, '\r\n');
  if (rng.chance(0.02)) text = text.replace(/\n$/, '');
  return { text, fromVar };
}

/** A generated monster: a CI "matrix" image with `stages` stages (50–500). */
function bigDockerfile(rng, stages) {
  const lines = ['# syntax=docker/dockerfile:1', '# Generated matrix of test images; one stage per target', 'ARG DISTRO_REGISTRY=docker.io'];
  lines.push('FROM ${DISTRO_REGISTRY}/library/debian:${DEBIAN_TAG:-bookworm} AS base');
  lines.push(...aptRun(rng));
  for (let i = 1; i < stages; i++) {
    const prev = i === 1 ? 'base' : `t${i - 1}`;
    const k = i % 7;
    if (k === 3) lines.push(`FROM $CI_REGISTRY_IMAGE/tools:$CI_COMMIT_SHA AS t${i}`);
    else if (k === 5) lines.push(`FROM --platform=$BUILDPLATFORM ${prev} AS t${i}`);
    else lines.push(`FROM ${prev} AS t${i}`);
    lines.push(`ARG STEP_${i}=${i}`);
    lines.push(`RUN echo "step $STEP_${i}" > /steps/${i} \\`, `    && ${rng.pick(['true', 'sync', 'ls /steps'])}`);
    lines.push(`COPY --from=base /etc/os-release /stages/${i}`);
  }
  lines.push(`FROM t${stages - 1}`, 'CMD ["/bin/true"]');
  return lines.join('\n') + '\n';
}

/**
 * The scaling case for `npm run bench` (d): one Dockerfile with n stages, a variable in the first FROM (so there is
 * something to hoist), then `FROM prev AS sN`, a stage ARG, a RUN with a continuation and a COPY per stage.
 */
export function stagesDockerfile(n) {
  let s = '# syntax=docker/dockerfile:1\n# Generated: one stage per step\nFROM $CI_REGISTRY_IMAGE/base:${TAG:-3.20} AS s0\nARG V0=0\n';
  s += 'RUN echo "stage 0" > /s0 \\\n    && true\nCOPY a0 /a0\n';
  for (let i = 1; i < n; i++) {
    s += `\nFROM s${i - 1} AS s${i}\nARG V${i}=${i}\nRUN echo "stage $V${i}" > /s${i} \\\n    && true\nCOPY --chown=app a${i} /a${i}\n`;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------- paths
export function dockerfilePaths(rng, count) {
  const paths = ['Dockerfile'];
  const seen = new Set(paths);
  const svcName = () => {
    const base = rng.pick(SERVICES);
    return rng.chance(0.3) ? `${base}-${rng.pick(WORDS)}` : base;
  };
  let guard = 0;
  while (paths.length < count) {
    if (++guard > count * 50) throw new Error('path generation stuck');
    const svc = svcName();
    const p = rng.weighted([
      [3, 'Dockerfile.dev'],
      [2, 'Dockerfile.test'],
      [1, 'Dockerfile.prod'],
      [1, 'Containerfile'],
      [8, `docker/${svc}.Dockerfile`],
      [20, `services/${svc}/Dockerfile`],
      [4, `services/${svc}/Dockerfile.dev`],
      [6, `apps/${svc}/docker/Dockerfile`],
      [5, `images/${svc}/Dockerfile`],
      [2, `tools/${svc}/Containerfile`],
      [2, `deploy/docker/${svc}/Dockerfile-alpine`],
      [3, `packages/${rng.pick(ORGS)}-${svc}/Dockerfile`],
    ]);
    if (seen.has(p)) continue;
    seen.add(p);
    paths.push(p);
  }
  return paths;
}

/** How `docker build` is spelled for the Dockerfile at rel (context = its directory, or the repo root). */
function buildCommand(rng, rel, image) {
  const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '.';
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  const ctx = rng.chance(0.6) ? dir : '.';
  const fileFlag = base === 'Dockerfile' && ctx === dir ? null : rel;
  return { ctx, fileFlag, image };
}

// ---------------------------------------------------------------------------------------------- CI
function ciHeader(rng, repoName, includes) {
  const l = [`# CI for ${repoName}`];
  l.push('stages:', '  - build', '  - test', '  - deploy', '');
  if (includes.length) {
    l.push('include:');
    for (const inc of includes) l.push(rng.chance(0.8) ? `  - local: ${inc}` : `  - local: '/${inc}'`);
    l.push('');
  }
  l.push('variables:', '  DOCKER_DRIVER: overlay2', '  DOCKER_TLS_CERTDIR: "/certs"');
  if (rng.chance(0.4)) l.push(`  BASE_IMAGE: ${rng.pick(['python', 'node', 'alpine'])}`, `  TAG: "${rng.pick(['3.20', '3.12', '20'])}"`);
  if (rng.chance(0.3)) l.push(`  NODE_VERSION: "${rng.pick(['18', '20', '22'])}"`, `  PYTHON_VERSION: "${rng.pick(['3.11', '3.12'])}"`);
  l.push('');
  return l;
}

function ciTemplate(rng, anchor) {
  const docker = rng.pick(['24.0', '25.0', '26.1', '19.03.13']);
  const l = [`.${anchor}: &${anchor}`, `  image: docker:${docker}`, '  services:', `    - docker:${docker}-dind`];
  l.push('  before_script:', '    - docker login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY');
  if (rng.chance(0.5)) l.push('  tags:', `    - ${rng.pick(['docker', 'linux', 'saas-linux-medium-amd64'])}`);
  if (rng.chance(0.4)) l.push('  retry: 1');
  l.push('');
  return l;
}

function ciBuildJob(rng, anchor, rel, svc) {
  const image = `$CI_REGISTRY_IMAGE/${svc}`;
  const { ctx, fileFlag } = buildCommand(rng, rel, image);
  const l = [`build:${svc}:`, `  <<: *${anchor}`, '  stage: build'];
  if (rng.chance(0.3)) l.push('  variables:', `    SERVICE: ${svc}`);
  const style = rng.weighted([[6, 'folded'], [2, 'oneline'], [1, 'cd'], [1, 'buildx']]);
  l.push('  script:');
  if (style === 'folded') {
    l.push('    - >', `      docker build ${ctx}`);
    if (fileFlag) l.push(`      -f ${fileFlag}`);
    if (rng.chance(0.5)) l.push(`      --cache-from ${image}:latest`);
    if (rng.chance(0.3)) l.push('      --build-arg BUILDKIT_INLINE_CACHE=1');
    l.push(`      --tag ${image}:$CI_COMMIT_SHA`);
  } else if (style === 'oneline') {
    l.push(`    - docker build ${fileFlag ? `-f ${fileFlag} ` : ''}-t ${image}:$CI_COMMIT_SHA ${ctx}`);
  } else if (style === 'cd') {
    const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '.';
    const base = rel.slice(rel.lastIndexOf('/') + 1);
    l.push(`    - cd ${dir}`, `    - docker build ${base === 'Dockerfile' ? '' : `-f ${base} `}-t ${image}:$CI_COMMIT_SHA .`);
  } else {
    l.push('    - >', '      docker buildx build', '      --platform linux/amd64,linux/arm64', '      --push');
    if (fileFlag) l.push(`      --file ${fileFlag}`);
    l.push(`      --tag ${image}:$CI_COMMIT_SHA`, `      ${ctx}`);
  }
  if (style !== 'buildx') l.push(`    - docker push ${image}:$CI_COMMIT_SHA`);
  if (rng.chance(0.5)) l.push('  rules:', '    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH', rng.pick(['    - if: $CI_MERGE_REQUEST_IID', '      changes:', "    - if: $CI_COMMIT_TAG"]));
  if (l[l.length - 1] === '      changes:') l.push(`        - ${rel.includes('/') ? `"${rel.slice(0, rel.lastIndexOf('/'))}/**/*"` : rel}`);
  l.push('');
  return l;
}

function ciOtherJob(rng, svc, built) {
  const kind = rng.pick(['test', 'lint', 'deploy']);
  const l = [`${kind}:${svc}:`, `  stage: ${kind === 'deploy' ? 'deploy' : 'test'}`, `  image: ${rng.pick(['python:3.12', 'node:20', 'alpine:3.20', 'bitnami/kubectl:1.30'])}`, '  script:'];
  if (kind === 'deploy') l.push(`    - kubectl set image deployment/${svc} ${svc}=$CI_REGISTRY_IMAGE/${svc}:$CI_COMMIT_SHA`, '  environment: production', '  when: manual');
  else l.push(`    - ${rng.pick(['make test', 'npm test', 'pytest -q', 'go test ./...'])}`, `    - ${rng.pick(['echo ok', 'make coverage', 'ls'])}`);
  if (built && rng.chance(0.3)) l.push('  needs:', `    - build:${svc}`);
  l.push('');
  return l;
}

/** A CI file (20–80 lines) building the Dockerfiles in `rels` (repo-relative); `used` holds the repo's job names. */
function ciFile(rng, { repoName, includes, rels, root, used }) {
  const lines = root ? ciHeader(rng, repoName, includes) : [`# ${rng.pick(['Build jobs', 'Generated by ci-gen', 'Jobs for this component'])}`, ''];
  const anchor = rng.pick(['docker_build', 'build_template', 'dind', 'docker']);
  lines.push(...ciTemplate(rng, anchor));
  const target = rng.int(20, 80);
  const unique = (svc) => {
    let name = svc.replace(/[^a-z0-9-]/gi, '-') || 'app';
    for (let n = 2; used.has(name); n++) name = `${svc}-${n}`;
    used.add(name);
    return name;
  };
  for (const rel of rels) {
    if (lines.length > 62) break;
    const svc = unique(rel === 'Dockerfile' ? 'app' : rel.replace(/\/?(Dockerfile|Containerfile)[^/]*$/, '').replace(/\.Dockerfile$/, '').split('/').pop());
    lines.push(...ciBuildJob(rng, anchor, rel, svc));
    if (lines.length < target - 8 && rng.chance(0.3)) lines.push(...ciOtherJob(rng, svc, true));
  }
  while (lines.length < target - 4) lines.push(...ciOtherJob(rng, unique(rng.pick(SERVICES)), false));
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------- fleet
export const SIZES = {
  full: { repos: 250, dockerfiles: 10_000, ciFiles: 2_000, big: [50, 120, 200, 350, 500] },
  quick: { repos: 30, dockerfiles: 1_200, ciFiles: 240, big: [60, 300] },
};

/** Splits total into n positive integers with a heavy tail (most repos small, a few monorepos). */
export function allocate(rng, total, n, maxEach) {
  const raw = [];
  for (let i = 0; i < n; i++) {
    const w = rng.weighted([[70, () => rng.int(3, 30)], [25, () => rng.int(30, 80)], [5, () => rng.int(150, 400)]])();
    raw.push(w);
  }
  const sum = raw.reduce((a, b) => a + b, 0);
  const out = raw.map((w) => Math.max(1, Math.min(maxEach, Math.round((w * total) / sum))));
  let diff = total - out.reduce((a, b) => a + b, 0);
  let guard = 0;
  while (diff !== 0 && guard++ < 1e7) {
    const i = rng.int(0, n - 1);
    if (diff > 0 && out[i] < maxEach) {
      out[i]++;
      diff--;
    } else if (diff < 0 && out[i] > 1) {
      out[i]--;
      diff++;
    }
  }
  return out;
}

/**
 * Writes the fleet under `root` (created; must not exist or be empty). Returns the lists of files written.
 * @param {string} root
 * @param {{repos:number, dockerfiles:number, ciFiles:number, big:number[], seed?:string}} size
 */
export function generateFleet(root, size) {
  const rng = makeRng(size.seed ?? 'dockerfile-argfix-bench-1');
  mkdirSync(root, { recursive: true });
  const dfCounts = allocate(rng, size.dockerfiles, size.repos, 600);
  // CI files per repo: roughly proportional to its Dockerfiles, at least 1 (the root file), at most 1 + 40 includes.
  const ciCounts = allocate(rng, size.ciFiles, size.repos, 41).map((c, i) => Math.max(1, Math.min(c, dfCounts[i] + 1)));
  let ciShort = size.ciFiles - ciCounts.reduce((a, b) => a + b, 0);
  for (let i = 0; ciShort > 0; i = (i + 1) % size.repos) {
    if (ciCounts[i] < 41) {
      ciCounts[i]++;
      ciShort--;
    }
  }
  // Which repos get the big files.
  const bigAt = new Map();
  for (const stages of size.big) {
    const r = rng.int(0, size.repos - 1);
    bigAt.set(r, [...(bigAt.get(r) ?? []), stages]);
  }

  const dockerfiles = [];
  const ciFiles = [];
  const repos = [];
  let bytes = 0;
  let lines = 0;
  let withFromVar = 0;
  const write = (abs, text) => {
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    bytes += Buffer.byteLength(text);
  };
  for (let r = 0; r < size.repos; r++) {
    const name = `${String(r).padStart(3, '0')}-${rng.pick(ORGS)}-${rng.pick(SERVICES)}`;
    const group = rng.chance(0.3) ? join(rng.pick(ORGS)) : '';
    const repo = join(root, group, name);
    repos.push(repo);
    mkdirSync(join(repo, '.git'), { recursive: true });
    if (rng.chance(0.5)) {
      writeFileSync(
        join(repo, '.git', 'config'),
        `[core]\n\trepositoryformatversion = 0\n\tbare = false\n[remote "origin"]\n\turl = git@gitlab.com:${rng.pick(ORGS)}/${name.slice(4)}.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n`,
      );
    }
    write(join(repo, 'README.md'), `# ${name}\n\nSynthetic repository for the dockerfile-argfix benchmark.\n`);
    if (rng.chance(0.4)) write(join(repo, '.gitignore'), 'node_modules/\ndist/\n*.log\n.env\n');
    const rels = dockerfilePaths(rng, dfCounts[r]);
    const big = bigAt.get(r) ?? [];
    rels.forEach((rel, i) => {
      const bigStages = big[i];
      let text;
      if (bigStages !== undefined) {
        text = bigDockerfile(rng, bigStages);
        withFromVar++;
      } else {
        const d = dockerfile(rng);
        text = d.text;
        if (d.fromVar) withFromVar++;
      }
      const abs = join(repo, rel);
      write(abs, text);
      lines += text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
      dockerfiles.push(abs);
    });
    // A little non-Dockerfile noise for discovery to walk past.
    for (const rel of rels.slice(0, 4)) {
      const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '.';
      const f = join(repo, dir, rng.pick(['main.go', 'app.py', 'index.js', 'Makefile', 'Dockerfile.j2', '.dockerignore']));
      if (!existsSync(f)) write(f, 'placeholder\n');
    }
    // CI: the root file plus includes, each building a slice of the repo's Dockerfiles.
    const nInc = ciCounts[r] - 1;
    const incNames = [];
    for (let i = 0; i < nInc; i++) incNames.push(`ci/${String(i).padStart(2, '0')}-${rng.pick(['build', 'images', 'services', 'docker'])}.yml`);
    const perFile = Math.ceil(rels.length / ciCounts[r]);
    const used = new Set();
    for (let i = 0; i < ciCounts[r]; i++) {
      const slice = rels.slice(i * perFile, (i + 1) * perFile);
      const isRoot = i === 0;
      const text = ciFile(rng, { repoName: name, includes: isRoot ? incNames : [], rels: slice, root: isRoot, used });
      const abs = join(repo, isRoot ? '.gitlab-ci.yml' : incNames[i - 1]);
      write(abs, text);
      ciFiles.push(abs);
    }
  }
  return { root, repos, dockerfiles, ciFiles, bytes, lines, withFromVar };
}

// ---------------------------------------------------------------------------------------------- CLI
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const usage = () => {
    process.stderr.write('usage: node bench/gen.mjs DIR [--quick] [--force] [--seed S] [--repos N] [--dockerfiles N] [--ci N]\n');
    process.exit(2);
  };
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        seed: { type: 'string' },
        repos: { type: 'string' },
        dockerfiles: { type: 'string' },
        ci: { type: 'string' },
      },
      allowPositionals: true,
    });
  } catch {
    usage();
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) usage();
  const dir = positionals[0];
  const size = { ...(values.quick ? SIZES.quick : SIZES.full) };
  if (values.seed) size.seed = values.seed;
  if (values.repos) size.repos = Number(values.repos);
  if (values.dockerfiles) size.dockerfiles = Number(values.dockerfiles);
  if (values.ci) size.ciFiles = Number(values.ci);
  if (existsSync(dir) && values.force) rmSync(dir, { recursive: true, force: true });
  const t0 = performance.now();
  const f = generateFleet(dir, size);
  process.stdout.write(
    `${f.repos.length} repos, ${f.dockerfiles.length} Dockerfiles (${f.withFromVar} with a FROM variable, ${f.lines} lines), ` +
      `${f.ciFiles.length} CI files, ${(f.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${dir}\n`,
  );
}
