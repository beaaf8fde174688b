/**
 * Templates are not CI files (issue 14): a path in a cookiecutter/copier directory or with a template extension,
 * and a text that is a Jinja template, are skipped with a note; a valid CI file is never taken for one; a GitLab
 * local include is read whatever it looks like (the pipeline names it), so a broken one stays an error.
 */
import { describe, expect, test } from '@jest/globals';
import { isTemplatePath } from '../src/discover.js';
import { templateInPath } from '../src/ci/templates.js';
import { loadCi, loadCiFile, type CiProblem } from '../src/ci/yaml.js';

describe('isTemplatePath', () => {
  test.each([
    ['templates/{{ cookiecutter.service }}/docker-compose.yml', "path segment '{{ cookiecutter.service }}'"],
    ['{{cookiecutter.project_slug}}/.gitlab-ci.yml', "path segment '{{cookiecutter.project_slug}}'"],
    ['template/{% if docker %}compose.yaml{% endif %}', "path segment '{% if docker %}compose.yaml{% endif %}'"],
    ['deploy/docker-compose.yml.j2', 'extension .j2'],
    ['docker-compose.tpl.yml', 'extension .tpl'],
    ['docker-compose.template.yaml', 'extension .template'],
    ['ops/compose.yaml.jinja', 'extension .jinja'],
    ['.woodpecker/build.yml.tmpl', 'extension .tmpl'],
  ])('%s is a template (%s)', (path, why) => {
    expect(templateInPath(path)).toBe(why);
    expect(isTemplatePath(path)).toBe(true);
  });

  test.each(['docker-compose.yml', 'templates/docker-compose.yml', 'docker-compose.templates.yml', '.github/workflows/ci.yml', 'j2/compose.yaml', 'deploy/docker-compose.prod.yml'])(
    '%s is not a template',
    (path) => {
      expect(isTemplatePath(path)).toBe(false);
    },
  );
});

function load(path: string, text: string): { parsed: boolean; problems: CiProblem[] } {
  const problems: CiProblem[] = [];
  const file = loadCiFile(path, text, problems);
  return { parsed: file !== null, problems };
}

describe('loadCiFile: templates by content', () => {
  test('a Jinja statement on the first line that is not a comment', () => {
    expect(load('docker-compose.yml', '# generated\n\n{% set name = "web" %}\nservices:\n  web:\n    build: .\n')).toEqual({
      parsed: false,
      problems: [{ path: 'docker-compose.yml', kind: 'skipped', message: "a Jinja template ('{%' on line 3); not read as a CI file" }],
    });
  });

  test('invalid YAML with a Jinja statement further down', () => {
    expect(load('compose.yaml', 'services:\n  web:\n    build: .\n    {% if ports %}ports: [80]{% endif %}\n')).toEqual({
      parsed: false,
      problems: [{ path: 'compose.yaml', kind: 'skipped', message: "a Jinja template ('{%' on line 4); not read as a CI file" }],
    });
  });

  test('valid YAML whose key is a Jinja expression', () => {
    expect(load('compose.yaml', 'services:\n  {{ cookiecutter.service }}:\n    build: .\n')).toEqual({
      parsed: false,
      problems: [{ path: 'compose.yaml', kind: 'skipped', message: "a Jinja template ('{{ … }}:' as a key on line 2); not read as a CI file" }],
    });
  });

  test('GitHub expressions and Jinja-looking text inside block scalars are not templates', () => {
    const text = [
      'on: push',
      'jobs:',
      '  build:',
      '    runs-on: ${{ matrix.os }}',
      '    steps:',
      '      - run: |',
      '          {% raw %}',
      '          {{ name }}: x',
      '          docker inspect --format "{{.Id}}" app',
      '      - name: ${{ github.ref_name }}',
      '        run: echo',
      '',
    ].join('\n');
    expect(load('.github/workflows/ci.yml', text)).toEqual({ parsed: true, problems: [] });
  });

  test('invalid YAML without template markers is an error for the file', () => {
    expect(load('compose.yaml', 'services:\n\tweb:\n')).toEqual({
      parsed: false,
      problems: [{ path: 'compose.yaml', kind: 'error', message: 'invalid YAML: Tabs are not allowed as indentation', line: 2, column: 1 }],
    });
  });

  test('a template path is skipped before it is read', () => {
    expect(load('{{cookiecutter.slug}}/compose.yaml', 'services:\n  web:\n    build: .\n')).toEqual({
      parsed: false,
      problems: [{ path: '{{cookiecutter.slug}}/compose.yaml', kind: 'skipped', message: "a template (path segment '{{cookiecutter.slug}}'); not read as a CI file" }],
    });
  });
});

describe('loadCi: GitLab main file and includes', () => {
  const files = (map: Record<string, string>) => (p: string) => map[p] ?? null;

  test('a main file that is a template is skipped: no pipeline', () => {
    const problems: CiProblem[] = [];
    const src = loadCi(files({ '.gitlab-ci.yml': '{% set image = "docker:27" %}\nbuild:\n  script: [docker build .]\n' }), problems);
    expect(src).toEqual({ files: [], external: [], unreadable: ['.gitlab-ci.yml'] });
    expect(problems).toEqual([{ path: '.gitlab-ci.yml', kind: 'skipped', message: "a Jinja template ('{%' on line 1); not read as a CI file" }]);
  });

  test('an include that looks like a template is what the pipeline reads: invalid YAML there is an error', () => {
    const problems: CiProblem[] = [];
    const src = loadCi(
      files({
        '.gitlab-ci.yml': 'include:\n  - local: ci/build.yml\nlint:\n  script: [make lint]\n',
        'ci/build.yml': '{% for s in services %}\nbuild-{{ s }}:\n  script: [docker build .]\n{% endfor %}\n',
      }),
      problems,
    );
    expect(src!.files.map((f) => f.path)).toEqual(['.gitlab-ci.yml']);
    expect(src!.unreadable).toEqual(['ci/build.yml']);
    expect(problems).toEqual([
      { path: 'ci/build.yml', kind: 'error', message: 'invalid YAML: Plain value cannot start with directive indicator character %', line: 1, column: 2 },
    ]);
  });
});
