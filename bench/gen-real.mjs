#!/usr/bin/env node
/**
 * A fleet shaped like real repositories, for `npm run bench` (besides the synthetic fleet of bench/gen.mjs, where
 * 40% of the Dockerfiles use a variable in FROM). Deterministic: same seed and sizes ⇒ byte-identical fleet.
 *
 *   node bench/gen-real.mjs DIR [--quick] [--force] [--seed S]
 *
 * What real repositories look like (measured on 120 public ones: 3,360 of 3,440 Dockerfiles had no variable in any
 * FROM and no global ARG, but most used `$` in RUN, ENV, COPY or a stage's ARG):
 *   stage ARGs read back in ENV/RUN, `ENV PATH=$PATH:…`, `RUN … "$VAR"` (need nothing) ..................... ~93%
 *   a global ARG with a valid default in FROM (`ARG NODE_VERSION=20` + `FROM node:${NODE_VERSION}`) ...... ~4%
 *   a FROM variable no global ARG declares (`FROM $CI_REGISTRY_IMAGE/base:$CI_COMMIT_SHA`): a fix ......... ~2%
 *   a heredoc (`RUN <<EOF`) ................................................................................. ~1%
 * and CI files of several kinds per repository: GitLab CI, GitHub workflows (docker/build-push-action and
 * `docker build` steps, plus test workflows with no build), docker-compose.yml with build: sections.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { allocate, bodyBlocks, dockerfilePaths, FAMILIES, FAMILY_WEIGHTS, makeRng, ORGS, SERVICES } from './gen.mjs';

export const REAL_SIZES = {
  full: { repos: 120, dockerfiles: 1_630 },
  quick: { repos: 30, dockerfiles: 400 },
};

/** Lines that read variables outside FROM, as real Dockerfiles do. */
function dollarLines(rng, fam) {
  const v = fam.version[0];
  return rng.pick([
    [`ENV PATH=$PATH:/app/bin \\`, `    ${v}=\${${v}}`],
    ['RUN echo "building $APP_VERSION for $TARGETARCH" > /BUILD_INFO'],
    ['COPY --chown=$APP_USER:$APP_USER . /app'],
    ['RUN useradd --uid "${APP_UID:-10001}" app \\', '    && chown -R app "$HOME"'],
    ['WORKDIR ${APP_HOME}'],
    ['ENV LD_LIBRARY_PATH=/usr/local/lib:$LD_LIBRARY_PATH'],
    ['RUN curl -fsSL "https://example.com/releases/${APP_VERSION}/app-$(uname -m).tar.gz" | tar -xz -C /usr/local'],
    ['LABEL org.opencontainers.image.version="$APP_VERSION"'],
  ]);
}

/** One Dockerfile of real shape. Returns { text, kind }. */
function realDockerfile(rng) {
  const fam = FAMILIES[rng.weighted(FAMILY_WEIGHTS)];
  const kind = rng.weighted([[93, 'plain'], [4, 'global-arg'], [2, 'needs'], [1, 'heredoc']]);
  const multi = rng.chance(0.5);
  const lines = [];
  if (rng.chance(0.3)) lines.push(`# syntax=docker/dockerfile:${rng.pick(['1', '1.7', '1.4'])}`);
  if (rng.chance(0.3)) lines.push(`# ${rng.pick(['Build stage', 'Production image', 'Maintained by the platform team'])}`);
  const v = fam.version[0];
  let first = rng.pick(fam.images);
  if (kind === 'global-arg') {
    lines.push(`ARG ${v}=${rng.pick(fam.version[1])}`);
    first = `${fam.repo}:\${${v}}`;
  } else if (kind === 'needs') {
    first = rng.pick(['$CI_REGISTRY_IMAGE/base:$CI_COMMIT_SHA', '${REGISTRY}/library/' + fam.repo.split('/').pop() + ':latest', `${fam.repo}:\${${v}}`]);
  }
  lines.push(`FROM ${first}${multi ? ' AS build' : ''}`);
  lines.push(`ARG APP_VERSION${rng.chance(0.5) ? '=0.0.0' : ''}`, 'ARG APP_USER=app');
  if (rng.chance(0.6)) lines.push(`ARG ${v}`);
  lines.push(...dollarLines(rng, fam));
  lines.push(...bodyBlocks(rng, fam, { blocks: rng.int(3, 12), heredoc: kind === 'heredoc' }));
  if (kind === 'heredoc') lines.push('RUN <<EOF', 'set -eux', 'echo "$APP_VERSION" > /VERSION', 'EOF');
  lines.push(...dollarLines(rng, fam));
  if (multi) {
    lines.push('', `FROM ${rng.pick(fam.runtime)}`, 'ARG APP_VERSION', `ENV APP_VERSION=$APP_VERSION`);
    lines.push(...bodyBlocks(rng, fam, { blocks: rng.int(2, 5), heredoc: false }));
    lines.push('COPY --from=build /app /app');
  }
  lines.push(rng.chance(0.5) ? `CMD ${fam.cmd}` : `ENTRYPOINT ${fam.cmd}`);
  let text = lines.join('\n') + '\n';
  if (rng.chance(0.02)) text = text.replace(/\n/g, '\r\n');
  return { text, kind };
}

const svcOf = (rel) => (rel === 'Dockerfile' ? 'app' : rel.replace(/\/?(Dockerfile|Containerfile)[^/]*$/, '').replace(/\.Dockerfile$/, '').split('/').pop() || 'app');
const dirOf = (rel) => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '.');

function gitlabCi(rng, rels) {
  const l = ['stages:', '  - test', '  - build', '', 'variables:', '  DOCKER_DRIVER: overlay2', ''];
  l.push('test:', '  stage: test', `  image: ${rng.pick(['node:20', 'python:3.12', 'golang:1.23'])}`, '  script:', '    - make test', '');
  const used = new Set();
  for (const rel of rels) {
    let svc = svcOf(rel);
    for (let n = 2; used.has(svc); n++) svc = `${svcOf(rel)}-${n}`;
    used.add(svc);
    l.push(`build-${svc}:`, '  stage: build', '  image: docker:26', '  services:', '    - docker:26-dind', '  script:');
    l.push(`    - docker build -f ${rel} -t $CI_REGISTRY_IMAGE/${svc}:$CI_COMMIT_SHA ${rng.chance(0.5) ? '.' : dirOf(rel)}`);
    l.push(`    - docker push $CI_REGISTRY_IMAGE/${svc}:$CI_COMMIT_SHA`, '');
  }
  return l.join('\n');
}

function githubWorkflow(rng, rels) {
  const l = ['name: images', 'on:', '  push:', '    branches: [main]', '  pull_request:', '', 'jobs:'];
  rels.forEach((rel, i) => {
    l.push(`  build-${i}:`, '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4');
    if (rng.chance(0.6)) {
      l.push('      - uses: docker/setup-buildx-action@v3', '      - uses: docker/build-push-action@v6', '        with:', `          context: ${dirOf(rel)}`, `          file: ${rel}`, '          push: false', `          tags: ghcr.io/\${{ github.repository }}/${svcOf(rel)}:\${{ github.sha }}`);
    } else {
      l.push(`      - run: docker build -f ${rel} -t ${svcOf(rel)}:ci .`);
    }
  });
  return l.join('\n') + '\n';
}

function githubTests(rng) {
  return ['name: tests', 'on: [push, pull_request]', 'jobs:', '  test:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', `      - uses: actions/setup-${rng.pick(['node', 'python', 'go'])}@v5`, '      - run: make lint test', ''].join('\n');
}

function compose(rels) {
  const l = ['services:'];
  rels.forEach((rel, i) => {
    l.push(`  svc${i}:`, '    build:', `      context: ${dirOf(rel)}`, `      dockerfile: ${rel.slice(rel.lastIndexOf('/') + 1)}`, '    ports:', `      - "${8000 + i}:8080"`);
  });
  return l.join('\n') + '\n';
}

export function generateRealFleet(root, size) {
  const rng = makeRng(size.seed ?? 'dockerfile-argfix-bench-real-1');
  mkdirSync(root, { recursive: true });
  const counts = allocate(rng, size.dockerfiles, size.repos, 200);
  const dockerfiles = [];
  const ciFiles = [];
  const repos = [];
  const kinds = {};
  let bytes = 0;
  const write = (abs, text) => {
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    bytes += Buffer.byteLength(text);
  };
  for (let r = 0; r < size.repos; r++) {
    const name = `${String(r).padStart(3, '0')}-${rng.pick(ORGS)}-${rng.pick(SERVICES)}`;
    const repo = join(root, name);
    repos.push(repo);
    mkdirSync(join(repo, '.git'), { recursive: true });
    write(join(repo, 'README.md'), `# ${name}\n`);
    if (rng.chance(0.5)) write(join(repo, '.gitignore'), 'node_modules/\ndist/\n');
    const rels = dockerfilePaths(rng, counts[r]);
    for (const rel of rels) {
      const d = realDockerfile(rng);
      kinds[d.kind] = (kinds[d.kind] ?? 0) + 1;
      write(join(repo, rel), d.text);
      dockerfiles.push(join(repo, rel));
      const src = join(repo, dirOf(rel), rng.pick(['main.go', 'app.py', 'index.js', 'Makefile', 'package.json']));
      if (!existsSync(src)) write(src, 'placeholder\n');
    }
    // Each repository has one to three kinds of CI, each building a share of its Dockerfiles.
    const ci = [];
    if (rng.chance(0.45)) ci.push(['.gitlab-ci.yml', gitlabCi(rng, rels.filter(() => rng.chance(0.7)))]);
    if (rng.chance(0.55)) {
      ci.push(['.github/workflows/images.yml', githubWorkflow(rng, rels.filter(() => rng.chance(0.5)).slice(0, 12))]);
      ci.push(['.github/workflows/tests.yml', githubTests(rng)]);
    }
    if (rng.chance(0.35)) ci.push(['docker-compose.yml', compose(rels.filter(() => rng.chance(0.5)).slice(0, 8))]);
    for (const [rel, text] of ci) {
      write(join(repo, rel), text);
      ciFiles.push(join(repo, rel));
    }
  }
  return { root, repos, dockerfiles, ciFiles, bytes, kinds };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values, positionals } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, force: { type: 'boolean', default: false }, seed: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) {
    process.stderr.write('usage: node bench/gen-real.mjs DIR [--quick] [--force] [--seed S]\n');
    process.exit(2);
  }
  const dir = positionals[0];
  if (existsSync(dir) && values.force) rmSync(dir, { recursive: true, force: true });
  const f = generateRealFleet(dir, { ...(values.quick ? REAL_SIZES.quick : REAL_SIZES.full), ...(values.seed ? { seed: values.seed } : {}) });
  process.stdout.write(`${f.repos.length} repos, ${f.dockerfiles.length} Dockerfiles ${JSON.stringify(f.kinds)}, ${f.ciFiles.length} CI files, ${(f.bytes / 1e6).toFixed(1)} MB → ${dir}\n`);
}
