/**
 * Each dockerfile-ast behaviour that would make a wrong edit (peers.md §3.9), guarded: the parser layer
 * reads these with BuildKit's rules instead. Every test fails if the guard is removed.
 */
import { describe, expect, test } from '@jest/globals';
import { DockerfileParser } from 'dockerfile-ast';
import { fixDockerfile } from '../src/engine.js';
import { parseDockerfile } from '../src/dockerfile/parse.js';
import { InputError } from '../src/errors.js';

const hoisted = (text: string) => fixDockerfile(text).hoisted.map((h) => h.name);

describe('dockerfile-ast guards', () => {
  test('#1 multi-name ARG: dockerfile-ast resolves nothing, we see both names', () => {
    const text = 'ARG A=alpine B=3.20\nFROM $A:$B\n';
    const ast = DockerfileParser.parse(text);
    expect(ast.resolveVariable('A', 1)).toBeUndefined(); // the library bug
    expect(parseDockerfile(text).globalArgs.map((a) => [a.name, a.raw])).toEqual([
      ['A', 'alpine'],
      ['B', '3.20'],
    ]);
    expect(hoisted(text)).toEqual([]);
  });

  test('#2 ${B-x}: dockerfile-ast reads a name "B-x", we read B with modifier "-"', () => {
    const text = 'FROM alpine:${B-3.20}\n';
    const ast = DockerfileParser.parse(text);
    expect(ast.getFROMs()[0].getVariables().map((v) => v.getName())).toEqual(['B-3.20']);
    expect(hoisted(text)).toEqual(['B']);
  });

  test('#3 nested ${A:-${B}}: dockerfile-ast cuts at the first }, we count both names', () => {
    const text = 'FROM ${A:-${B}}\n';
    const ast = DockerfileParser.parse(text);
    expect(ast.getFROMs()[0].getVariables().map((v) => v.getName())).toEqual(['A']);
    expect(hoisted(text)).toEqual(['A', 'B']);
  });

  test('#4 two flags: getPlatformFlag() is null; we read flags ourselves and reject the duplicate like bflag.go', () => {
    const two = 'FROM --platform=$PLAT --platform=$BUILDPLATFORM alpine\n';
    expect(DockerfileParser.parse(two).getFROMs()[0].getPlatformFlag()).toBeNull();
    expect(() => parseDockerfile(two)).toThrow('Duplicate flag specified: platform');
    // Quotes and backslashes in a flag are removed at parse time (split_command.go extractBuilderFlags).
    expect(parseDockerfile('FROM --platform="$PLAT" alpine\n').froms[0].platform?.text).toBe('$PLAT');
  });

  test('#5 heredoc `<< \'EOF\'` with a space: dockerfile-ast makes a phantom FROM, we skip the body', () => {
    const text = "FROM alpine\nRUN cat << 'EOF' > /f\nFROM $PHANTOM\nEOF\n";
    const ast = DockerfileParser.parse(text);
    expect(ast.getFROMs().length).toBe(2);
    expect(parseDockerfile(text).froms.length).toBe(1);
    expect(hoisted(text)).toEqual([]);
  });

  test('#5b JSON-form RUN with "<<EOF": dockerfile-ast swallows the next FROM, we re-read it (parser.go: no heredocs in JSON form)', () => {
    const text = 'FROM a\nRUN ["sh", "-c", "cat <<EOF"]\nFROM $X\n';
    expect(DockerfileParser.parse(text).getFROMs().length).toBe(1);
    expect(parseDockerfile(text).froms.map((f) => f.image.text)).toEqual(['a', '$X']);
    expect(hoisted(text)).toEqual(['X']);
  });

  test('#6 an unknown directive ends the run: the later # escape= is a comment (BuildKit directives.go)', () => {
    const text = '# foo=bar\n# escape=`\nFROM $A\\\n  AS b\n';
    expect(DockerfileParser.parse(text).getEscapeCharacter()).toBe('`');
    const model = parseDockerfile(text);
    expect(model.escape).toBe('\\');
    expect(model.froms[0].stageName).toBe('b');
  });

  test('#9 a lone \\r: dockerfile-ast breaks the line there, BuildKit (bufio.ScanLines) does not; no hang, same lines', () => {
    const text = 'RUN e\rF\nRUN e\rF\nFROM $B';
    expect(DockerfileParser.parse(text).getInstructions().map((i) => i.getKeyword())).toEqual(['RUN', 'F', 'RUN', 'F', 'FROM']);
    const model = parseDockerfile(text);
    expect(model.froms.map((f) => f.instr.startLine)).toEqual([2]);
    expect(hoisted(text)).toEqual(['B']);
    // One line for BuildKit: FROM gets three words, the second not AS (instructions/parse.go).
    expect(() => fixDockerfile('FROM $B\rRUN x\n')).toThrow(new InputError("FROM's second argument must be AS", 1));
  });

  test('unterminated heredoc is an input error naming the line', () => {
    expect(() => parseDockerfile('FROM a\nRUN <<EOF\necho\n')).toThrow(InputError);
    try {
      parseDockerfile('FROM a\nRUN <<EOF\necho\n');
    } catch (e) {
      expect((e as InputError).format('Dockerfile')).toBe("Dockerfile:2: unterminated heredoc 'EOF'");
    }
  });

  test('BuildKit parse errors are input errors with line and column', () => {
    const cases: [string, string][] = [
      ['ARG TAG = 3.20\nFROM a\n', 'Dockerfile:1:9: ARG names can not be blank'],
      ['FROM a b\n', 'Dockerfile:1:1: FROM requires either one or three arguments'],
      ['FROM --foo=1 a\n', 'Dockerfile:1:1: unknown flag: --foo'],
      ['# escape=x\nFROM a\n', "Dockerfile:1: invalid escape token 'x' does not match ` or \\"],
      ['# escape=`\n# escape=\\\nFROM a\n', 'Dockerfile:2: only one escape parser directive can be used'],
      ['FROM a AS 1x\n', 'Dockerfile:1:1: invalid name for build stage: "1x", name can\'t start with a number or contain symbols'],
    ];
    for (const [text, message] of cases) {
      let got = '';
      try {
        parseDockerfile(text);
      } catch (e) {
        got = (e as InputError).format('Dockerfile');
      }
      expect(got).toBe(message);
    }
  });

  test('#8 super-linear accessors are never called: 500 stages give one hoist and exact output', () => {
    const stages = Array.from({ length: 500 }, (_, i) =>
      i === 0 ? 'FROM ${BASE}:${TAG} AS s0\nRUN true\n' : `FROM s${i - 1} AS s${i}\nRUN echo ${i}\n`,
    ).join('');
    const r = fixDockerfile(stages, { defaults: new Map([['BASE', { value: 'alpine', source: 'test' }]]) });
    expect(r.hoisted.map((h) => [h.name, h.default])).toEqual([
      ['BASE', 'alpine'],
      ['TAG', null],
    ]);
    expect(r.output).toBe(`ARG BASE=alpine\nARG TAG\n${stages}`);
  });
});
