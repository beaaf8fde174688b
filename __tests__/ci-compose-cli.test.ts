/**
 * `docker compose` command lines in CI scripts (src/ci/compose-cli.ts, issue 13 item 2): the compose files (`-f`
 * repeated, `--file=`), `--project-directory`, the services and `--build-arg`s of `build` and `up`, as the
 * docker compose reference describes them; COMPOSE_FILE's separator ("Compose environment variables").
 */
import { describe, expect, test } from '@jest/globals';
import { composeFileVar, recogniseCompose } from '../src/ci/compose-cli.js';
import { parseShell } from '../src/ci/shell.js';

const ENV = new Map<string, string | null>([['DIR', 'deploy'], ['SVC', 'api'], ['UNKNOWN', null]]);
function read(text: string) {
  const call = parseShell(text).calls[0];
  const c = recogniseCompose(call, text, ENV);
  return c && { label: c.label, files: c.files, projectDir: c.projectDir, services: c.services, withDependencies: c.withDependencies, passed: c.passed };
}

describe('recogniseCompose', () => {
  test('files in order, the project directory, the services', () => {
    expect(read('docker compose -f compose.yaml --file=compose.ci.yaml --project-directory $DIR build api worker')).toEqual({
      label: 'docker compose',
      files: ['compose.yaml', 'compose.ci.yaml'],
      projectDir: 'deploy',
      services: ['api', 'worker'],
      withDependencies: false,
      passed: [],
    });
  });
  test('docker-compose with value flags before the subcommand; build with --build-arg and its value flags', () => {
    expect(read('docker-compose -p ci -fcompose.ci.yml build --progress plain --build-arg BASE=alpine --build-arg=TAG $SVC')).toEqual({
      label: 'docker-compose',
      files: ['compose.ci.yml'],
      projectDir: undefined,
      services: ['api'],
      withDependencies: false,
      passed: [
        { name: 'BASE', raw: 'alpine' },
        { name: 'TAG', raw: null },
      ],
    });
  });
  test('up builds the services and their dependencies; no names: all services', () => {
    expect(read('sudo docker compose up -d --wait-timeout 60 web')).toMatchObject({ services: ['web'], withDependencies: true });
    expect(read('docker compose up --build -d')).toMatchObject({ services: null, files: [] });
    expect(read('docker compose build --with-dependencies web')).toMatchObject({ withDependencies: true });
  });
  test('a file or service not known statically', () => {
    expect(read('docker compose -f $UNKNOWN build api')).toMatchObject({ files: null });
    expect(read('docker compose build $UNKNOWN')).toMatchObject({ services: null });
    expect(read('docker compose --project-directory $UNKNOWN build')).toMatchObject({ projectDir: null });
  });
  test('other commands are not compose builds', () => {
    for (const t of ['docker compose push', 'docker compose -f a.yml config', 'docker compose run --rm api', 'docker build .', 'compose build', 'docker compose']) expect(read(t)).toBeNull();
  });
});

describe('COMPOSE_FILE', () => {
  test('split at COMPOSE_PATH_SEPARATOR, else : (; on Windows)', () => {
    expect(composeFileVar('compose.yaml:compose.ci.yaml', null, false)).toEqual(['compose.yaml', 'compose.ci.yaml']);
    expect(composeFileVar('compose.yaml;ci\\compose.yaml', null, true)).toEqual(['compose.yaml', 'ci\\compose.yaml']);
    expect(composeFileVar('a.yml,b.yml', ',', false)).toEqual(['a.yml', 'b.yml']);
  });
});
