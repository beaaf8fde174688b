import { afterAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/errors.js';
import { readText, writeAtomic } from '../src/fsio.js';

const dir = mkdtempSync(join(tmpdir(), 'argfix-fsio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const reason = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof InputError ? e.message : `not an InputError: ${String(e)}`;
  }
  return 'no error';
};

describe('reading strictly', () => {
  test.each([
    ['nul', Buffer.from('FROM a\0\n'), 'contains a NUL byte at offset 6 (binary file?)'],
    ['utf16le', Buffer.from('\ufeffFROM a\n', 'utf16le'), 'is UTF-16 encoded; BuildKit reads Dockerfiles as UTF-8'],
    ['utf16be', Buffer.from([0xfe, 0xff, 0, 0x46]), 'is UTF-16 encoded; BuildKit reads Dockerfiles as UTF-8'],
    ['latin1', Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0x20, 0xe9, 0x0a]), 'is not valid UTF-8'],
  ])('%s', (name, bytes, message) => {
    writeFileSync(join(dir, name), bytes);
    expect(reason(() => readText(join(dir, name)))).toBe(message);
  });

  test('size limit, directory, missing file', () => {
    writeFileSync(join(dir, 'big'), 'x'.repeat(2000));
    expect(reason(() => readText(join(dir, 'big'), 1000))).toBe('larger than the 1000-byte limit (2000 bytes)');
    expect(reason(() => readText(dir))).toBe('is a directory');
    expect(reason(() => readText(join(dir, 'missing')))).toBe('cannot read (ENOENT)');
  });

  test('a UTF-8 BOM is kept in the text', () => {
    writeFileSync(join(dir, 'bom'), '\ufeffFROM a\n');
    expect(readText(join(dir, 'bom')).text).toBe('\ufeffFROM a\n');
  });
});

describe('writing atomically', () => {
  test('keeps the exact mode and leaves no temp file', () => {
    for (const mode of [0o640, 0o755, 0o600]) {
      const p = join(dir, `mode-${mode.toString(8)}`);
      writeFileSync(p, 'old\n');
      chmodSync(p, mode);
      const read = readText(p);
      writeAtomic(p, 'new\n', read.bytes, read.mode);
      expect(readFileSync(p, 'utf8')).toBe('new\n');
      expect(statSync(p).mode & 0o7777).toBe(mode);
    }
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  test('refuses when the file changed since it was read, and leaves it as the other writer left it', () => {
    const p = join(dir, 'raced');
    writeFileSync(p, 'old\n');
    const read = readText(p);
    writeFileSync(p, 'someone else\n');
    expect(reason(() => writeAtomic(p, 'new\n', read.bytes, read.mode))).toBe('changed on disk since it was read; not written');
    expect(readFileSync(p, 'utf8')).toBe('someone else\n');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  test('refuses a read-only file', () => {
    const p = join(dir, 'ro');
    writeFileSync(p, 'old\n');
    chmodSync(p, 0o444);
    const read = readText(p);
    expect(reason(() => writeAtomic(p, 'new\n', read.bytes, read.mode))).toBe('is read-only; not written');
    expect(readFileSync(p, 'utf8')).toBe('old\n');
  });
});
