/** Shell dialects (src/ci/dialect.ts): spellings, the POSIX reading of PowerShell and cmd.exe scripts, shell names. */
import { describe, expect, test } from '@jest/globals';
import { recognise } from '../src/ci/builders.js';
import { combine, envRef, flagText, maskDialect, sameEnvRef, shellDialect } from '../src/ci/dialect.js';
import { evalWord, parseShell } from '../src/ci/shell.js';

describe('spelling a variable and a flag', () => {
  test('each dialect reads the environment its own way', () => {
    expect(envRef('posix', 'V')).toBe('$V');
    expect(envRef('posix', 'V', true)).toBe('${V}');
    expect(envRef('pwsh', 'V', true)).toBe('$env:V');
    expect(envRef('cmd', 'V')).toBe('%V%');
  });

  test('PowerShell gets the NAME=value word double-quoted, in every flag style', () => {
    expect(flagText('pwsh', 'docker', false, 'V', '$env:V')).toBe('--build-arg "V=$env:V"');
    expect(flagText('pwsh', 'docker', true, 'V', '$env:V')).toBe('--build-arg="V=$env:V"');
    expect(flagText('pwsh', 'buildctl', false, 'V', '$env:V')).toBe('--opt "build-arg:V=$env:V"');
    expect(flagText('pwsh', 'docker', false, 'V', null)).toBe('--build-arg V');
    expect(flagText('cmd', 'docker', false, 'V', '%V%')).toBe('--build-arg V=%V%');
    expect(flagText('cmd', 'kaniko', true, 'V', '%V%')).toBe('--build-arg=V=%V%');
    expect(flagText('posix', 'docker', false, 'V', '$V')).toBe('--build-arg V=$V');
  });

  test('the same value is recognised in its own dialect only', () => {
    expect(sameEnvRef('pwsh', 'V', '$env:V')).toBe(true);
    expect(sameEnvRef('pwsh', 'V', '$Env:V')).toBe(true);
    expect(sameEnvRef('pwsh', 'V', '${env:V}')).toBe(true);
    expect(sameEnvRef('pwsh', 'V', '$V')).toBe(false);
    expect(sameEnvRef('posix', 'V', '$env:V')).toBe(false);
    expect(sameEnvRef('posix', 'V', '"${V}"')).toBe(true);
    expect(sameEnvRef('cmd', 'V', '%V%')).toBe(true);
    expect(sameEnvRef('cmd', 'V', '$V')).toBe(false);
    expect(sameEnvRef('posix', 'A.B', '$AxB')).toBe(false);
  });
});

describe('reading a PowerShell or cmd.exe script with the POSIX parser', () => {
  const pwsh = 'docker build `\n  -f docker\\Dockerfile `\n  --build-arg "BASE=$env:BASE" `\n  -t "app:${env:TAG}" `\n  $Context\n';

  test('the masked text has the same length and line structure', () => {
    for (const [d, t] of [
      ['pwsh', pwsh],
      ['cmd', 'docker build ^\n  -f docker\\Dockerfile ^\n  --build-arg BASE=%BASE% .\n'],
    ] as const) {
      const m = maskDialect(d, t);
      expect(m.length).toBe(t.length);
      expect([...m].filter((c) => c === '\n').length).toBe([...t].filter((c) => c === '\n').length);
    }
    expect(maskDialect('posix', pwsh)).toBe(pwsh);
  });

  test('PowerShell: backtick continuations, $env: reads the environment, $name is a PowerShell variable', () => {
    const m = maskDialect('pwsh', pwsh);
    expect(m).toBe('docker build \\\n  -f docker/Dockerfile \\\n  --build-arg "BASE="${BASE}"" \\\n  -t "app:""${TAG}""" \\\n  $_ontext\n');
    const script = parseShell(m);
    expect(script.error).toBeNull();
    expect(script.calls).toHaveLength(1);
    const env = new Map([['BASE', 'b'], ['TAG', 't'], ['Context', 'ctx']]);
    const words = script.calls[0].words.map((w) => evalWord(w, env));
    expect(words).toEqual(['docker', 'build', '-f', 'docker/Dockerfile', '--build-arg', 'BASE=b', '-t', 'app:t', null]);
    // The arg as written (from the unmasked text) is what the idempotency check compares.
    const cmd = recognise(script.calls[0], pwsh, env)!;
    expect(cmd.passed.map((p) => [p.name, p.raw])).toEqual([['BASE', '$env:BASE']]);
    expect(cmd.contextIndex).toBe(8);
  });

  test('PowerShell: an escaped $ stays literal, a splat is a word list', () => {
    expect(maskDialect('pwsh', 'echo `$env:X @args $_')).toBe('echo \\$env:X $(xx) $_');
    const cmd = recognise(parseShell(maskDialect('pwsh', 'docker build @buildArgs .')).calls[0], 'docker build @buildArgs .', new Map())!;
    expect(cmd.dynamic).toHaveLength(1);
  });

  test('cmd.exe: caret continuations, %NAME% names the variable', () => {
    expect(maskDialect('cmd', 'docker build ^\n -t %IMAGE% %CTX%')).toBe('docker build \\\n -t $_IMAGE $_CTX');
  });
});

describe('naming a shell', () => {
  test.each([
    ['pwsh', 'pwsh'],
    ['powershell', 'pwsh'],
    ['powershell.exe -ExecutionPolicy Bypass', 'pwsh'],
    ['pwsh -command ". \'{0}\'"', 'pwsh'],
    ['C:\\tools\\pwsh.exe -NoProfile', 'pwsh'],
    ['cmd', 'cmd'],
    ['cmd.exe', 'cmd'],
    ['bash', 'posix'],
    ['bash.exe', 'posix'],
    ['bash -e {0}', 'posix'],
    ['/bin/sh', 'posix'],
    ['python', null],
    ['perl {0}', null],
  ])('%s', (text, dialect) => {
    expect(shellDialect(text)).toBe(dialect);
  });

  test('candidates combine into one dialect, or an undecided choice naming each', () => {
    expect(combine([{ dialect: 'pwsh', where: 'windows-2022' }, { dialect: 'pwsh', where: 'windows-2025' }], 'runs-on: x')).toEqual({ dialect: 'pwsh', why: 'runs-on: x' });
    expect(combine([{ dialect: 'posix', where: 'ubuntu-latest' }, { dialect: 'pwsh', where: 'windows-latest' }], 'runs-on: x')).toEqual({
      dialect: null,
      why: 'runs-on: x runs a POSIX shell on ubuntu-latest and PowerShell on windows-latest',
      candidates: [
        { dialect: 'posix', where: 'ubuntu-latest' },
        { dialect: 'pwsh', where: 'windows-latest' },
      ],
    });
    expect(combine([{ dialect: 'posix', where: 'shell: bash' }, { dialect: null, where: 'shell: python' }], 'shell: x')).toEqual({
      dialect: null,
      why: 'shell: x: the shell of shell: python is not known',
    });
  });
});
