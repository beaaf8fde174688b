/**
 * Every bad or odd input in one directory, through the built CLI with --write: each gets its own clear
 * `path[:line[:col]]: reason` line, its bytes stay as they were, the rest of the run goes on, and the exit
 * code is 2. (Unreadable files cannot be staged here: the tests run as root, which reads anything.)
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/src/bin.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'argfix-matrix-'));
const outside = mkdtempSync(join(tmpdir(), 'argfix-outside-'));
const dir = join(root, 'fleet');
const bad = new Map<string, Buffer>();

function put(path: string, content: string | Buffer, keep = true) {
  const abs = join(dir, path);
  mkdirSync(join(abs, '..'), { recursive: true });
  writeFileSync(abs, content);
  if (keep) bad.set(path, Buffer.from(content));
}

let r: { status: number | null; stdout: string; stderr: string };

beforeAll(() => {
  mkdirSync(dir);
  put('nul.Dockerfile', 'FROM $A\0\n');
  put('latin1.Dockerfile', Buffer.from('FROM $A\n# caf\xe9\n', 'latin1'));
  put('utf16.Dockerfile', Buffer.from('\ufeffFROM $A\n', 'utf16le'));
  put('big.Dockerfile', `FROM $A\n${'# padding\n'.repeat(320_000)}`);
  put('unterminated.Dockerfile', 'FROM $A\nRUN <<EOF\necho\n');
  put('badfrom.Dockerfile', 'FROM $A b\n');
  put('badescape.Dockerfile', '# escape=x\nFROM $A\n');
  // A read-only Dockerfile in a repository whose CI file could be patched: neither is written (all or nothing
  // per repository: a CI file passing a variable its Dockerfile does not declare would be a half fix).
  mkdirSync(join(dir, 'readonly', '.git'), { recursive: true });
  put('readonly/Dockerfile', 'FROM $CI_REGISTRY_IMAGE:1\n');
  put('readonly/.gitlab-ci.yml', 'build:\n  script:\n    - docker build .\n');
  chmodSync(join(dir, 'readonly/Dockerfile'), 0o444);
  // Odd but fine: processed normally.
  put('long-line.Dockerfile', `FROM $LONG\nRUN echo ${'x'.repeat(1_000_000)}\n`, false);
  put('huge.Dockerfile', `FROM $HUGE AS s\n${'RUN echo step \\\n  && true\n'.repeat(50_000)}`, false);
  put('dir.Dockerfile/Dockerfile', 'FROM $INNER\n', false);
  writeFileSync(join(outside, 'Dockerfile'), 'FROM $OUTSIDE\n');
  symlinkSync(join(outside, 'Dockerfile'), join(dir, 'outside.Dockerfile'));
  symlinkSync(dir, join(dir, 'loop'));
  // CI files that cannot be read safely: reported, not edited; their Dockerfiles are still fixed.
  for (const [name, ci] of [
    ['ci-dup', 'build:\n  script:\n    - docker build .\nbuild:\n  script:\n    - docker build .\n'],
    ['ci-tabs', 'build:\n\tscript:\n\t\t- docker build .\n'],
    ['ci-deep', `x: ${'['.repeat(20_000)}${']'.repeat(20_000)}\nbuild:\n  script:\n    - docker build .\n`],
  ] as const) {
    mkdirSync(join(dir, name, '.git'), { recursive: true });
    put(`${name}/.gitlab-ci.yml`, ci);
    put(`${name}/Dockerfile`, 'FROM $CI_REGISTRY_IMAGE:1\n', false);
  }
  // One unreadable CI file among others: an error for that file alone; the other CI files are still patched,
  // and a template is no CI file at all (skipped; its note is not shown with -q).
  mkdirSync(join(dir, 'ci-mixed', '.git'), { recursive: true });
  put('ci-mixed/deploy/docker-compose.yml', 'services:\n  web:\n    image: a\n  web:\n    image: b\n');
  put('ci-mixed/{{ cookiecutter.slug }}/docker-compose.yml', 'services:\n  {{ cookiecutter.slug }}:\n    build: .\n    {% if x %}ports: [80]{% endif %}\n');
  put('ci-mixed/.gitlab-ci.yml', 'build:\n  script:\n    - docker build .\n', false);
  put('ci-mixed/Dockerfile', 'FROM $CI_REGISTRY_IMAGE:1\n', false);
  r = spawnSync(process.execPath, [bin, '--write', '--max-file-size', '3000000', '-q', dir], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
}, 120000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('error matrix', () => {
  test('one clear line per bad input, in file order', () => {
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      'dockerfile-argfix: fleet/badescape.Dockerfile:1: invalid escape token \'x\' does not match ` or \\',
      'dockerfile-argfix: fleet/badfrom.Dockerfile:1:1: FROM requires either one or three arguments',
      'dockerfile-argfix: fleet/big.Dockerfile: larger than the 3000000-byte limit (3200008 bytes)',
      'dockerfile-argfix: fleet/latin1.Dockerfile: is not valid UTF-8',
      'dockerfile-argfix: fleet/nul.Dockerfile: contains a NUL byte at offset 7 (binary file?)',
      "dockerfile-argfix: fleet/unterminated.Dockerfile:2: unterminated heredoc 'EOF'",
      'dockerfile-argfix: fleet/utf16.Dockerfile: is UTF-16 encoded; BuildKit reads Dockerfiles as UTF-8',
      'dockerfile-argfix: fleet/ci-deep/.gitlab-ci.yml:1:1004: invalid YAML: nested more than 1000 levels deep',
      'dockerfile-argfix: fleet/ci-dup/.gitlab-ci.yml:4:1: invalid YAML: duplicate key (YAML 1.2 forbids it; CI systems differ on which one wins): make the keys unique first; not edited',
      'dockerfile-argfix: fleet/ci-mixed/deploy/docker-compose.yml:4:3: invalid YAML: duplicate key (YAML 1.2 forbids it; CI systems differ on which one wins): make the keys unique first; not edited',
      'dockerfile-argfix: fleet/ci-tabs/.gitlab-ci.yml:2:1: invalid YAML: Tabs are not allowed as indentation',
      'dockerfile-argfix: fleet/readonly/Dockerfile: is read-only; not written',
      'dockerfile-argfix: fleet/readonly: not written: 1 of 2 files could not be written, so none was (all or nothing per repository)',
    ]);
    expect(r.status).toBe(2);
  });

  test('bad inputs keep their bytes; good ones are fixed; links out of the tree and loops are not followed', () => {
    for (const [path, bytes] of bad) expect([path, readFileSync(join(dir, path)).equals(bytes)]).toEqual([path, true]);
    expect(readFileSync(join(dir, 'long-line.Dockerfile'), 'utf8').startsWith('ARG LONG\nFROM $LONG\n')).toBe(true);
    expect(readFileSync(join(dir, 'huge.Dockerfile'), 'utf8').startsWith('ARG HUGE\nFROM $HUGE AS s\n')).toBe(true);
    expect(readFileSync(join(dir, 'dir.Dockerfile/Dockerfile'), 'utf8')).toBe('ARG INNER\nFROM $INNER\n');
    for (const ci of ['ci-dup', 'ci-tabs', 'ci-deep']) {
      expect(readFileSync(join(dir, ci, 'Dockerfile'), 'utf8')).toBe('ARG CI_REGISTRY_IMAGE\nFROM $CI_REGISTRY_IMAGE:1\n');
    }
    expect(readFileSync(join(outside, 'Dockerfile'), 'utf8')).toBe('FROM $OUTSIDE\n');
    expect(readFileSync(join(dir, 'ci-mixed/Dockerfile'), 'utf8')).toBe('ARG CI_REGISTRY_IMAGE\nFROM $CI_REGISTRY_IMAGE:1\n');
    expect(readFileSync(join(dir, 'ci-mixed/.gitlab-ci.yml'), 'utf8')).toBe('build:\n  script:\n    - docker build --build-arg CI_REGISTRY_IMAGE=$CI_REGISTRY_IMAGE .\n');
  });

  test('passed-over links and templates are listed in the JSON report as skipped, with the reason', () => {
    const j = spawnSync(process.execPath, [bin, '-f', 'json', '--max-file-size', '3000000', dir], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
    const doc = JSON.parse(j.stdout) as { files: { path: string; status: string; note?: string }[] };
    expect(doc.files.filter((f) => f.note)).toEqual([
      { path: 'fleet/loop', status: 'skipped', note: 'symbolic link loop; not followed', changed: false, findings: [], hoisted: [] },
      { path: 'fleet/outside.Dockerfile', status: 'skipped', note: 'symbolic link to outside the searched directory; not followed', changed: false, findings: [], hoisted: [] },
      { path: 'fleet/ci-mixed/{{ cookiecutter.slug }}/docker-compose.yml', status: 'skipped', note: "a template (path segment '{{ cookiecutter.slug }}'); not read as a CI file", changed: false, findings: [], hoisted: [] },
    ]);
  });
});
