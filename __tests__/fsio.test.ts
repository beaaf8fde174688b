import { afterAll, describe, expect, test } from '@jest/globals';
import { chmodSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/errors.js';
import { prepareWrites, readText, writeAtomic, type PendingWrite } from '../src/fsio.js';

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

describe('writing a repository all or nothing', () => {
  const setup = (name: string, files: Record<string, string>) => {
    const base = join(dir, name);
    mkdirSync(base);
    return Object.entries(files).map(([p, text]) => {
      const abs = join(base, p);
      writeFileSync(abs, text);
      const read = readText(abs);
      const w: PendingWrite = { abs, text: `${text}new\n`, expected: read.bytes, mode: read.mode };
      return w;
    });
  };
  const contents = (ws: PendingWrite[]) => ws.map((w) => readFileSync(w.abs, 'utf8'));
  const temps = (name: string) => readdirSync(join(dir, name)).filter((n) => n.endsWith('.tmp'));

  test('every file is checked before the first is written: one read-only file, none written', async () => {
    const ws = setup('aon-ro', { a: 'a\n', b: 'b\n', c: 'c\n' });
    chmodSync(ws[1].abs, 0o444);
    ws[1].mode = 0o444;
    const r = await prepareWrites(ws);
    expect(r.prepared).toBeNull();
    expect(r.failures.map((f) => [f.write.abs, f.error.message])).toEqual([[ws[1].abs, 'is read-only; not written']]);
    expect(contents(ws)).toEqual(['a\n', 'b\n', 'c\n']);
    expect(temps('aon-ro')).toEqual([]);
  });

  test('changed, vanished, a link now, a hard link: each refused, nothing written', async () => {
    const ws = setup('aon-kinds', { a: 'a\n', b: 'b\n', c: 'c\n', d: 'd\n', e: 'e\n' });
    writeFileSync(ws[1].abs, 'someone else\n');
    rmSync(ws[2].abs);
    rmSync(ws[3].abs);
    symlinkSync('a', ws[3].abs);
    linkSync(ws[4].abs, join(dir, 'aon-kinds', 'e-link'));
    const r = await prepareWrites(ws);
    expect(r.prepared).toBeNull();
    expect(r.failures.map((f) => f.error.message)).toEqual([
      'changed on disk since it was read; not written',
      'vanished since it was read; not written',
      'is a symbolic link now; a link is never replaced; not written',
      'has 2 hard links: a new file would split them, and writing in place is not atomic; not written',
    ]);
    expect(readFileSync(ws[0].abs, 'utf8')).toBe('a\n');
    expect(lstatSync(ws[3].abs).isSymbolicLink()).toBe(true);
    expect(readFileSync(ws[4].abs, 'utf8')).toBe('e\n');
    expect(temps('aon-kinds')).toEqual([]);
  });

  test('a race after the checks: the files already renamed are put back from the bytes read', async () => {
    const ws = setup('aon-race', { a: 'a\n', b: 'b\n', c: 'c\n' });
    const r = await prepareWrites(ws);
    expect(r.failures).toEqual([]);
    const out = r.prepared!.commit({
      beforeRename: (i) => {
        if (i === 2) writeFileSync(ws[2].abs, 'raced\n');
      },
    });
    expect(out.failures.map((f) => [f.write.abs, f.error.message])).toEqual([[ws[2].abs, 'changed on disk since it was read; not written']]);
    expect(out.notRestored).toEqual([]);
    expect(out.written).toBe(0);
    expect(contents(ws)).toEqual(['a\n', 'b\n', 'raced\n']);
    expect(temps('aon-race')).toEqual([]);
  });

  test('a file that changes again before it is put back is reported, not overwritten', async () => {
    const ws = setup('aon-restore', { a: 'a\n', b: 'b\n' });
    const r = await prepareWrites(ws);
    const out = r.prepared!.commit({
      beforeRename: (i) => {
        if (i === 1) {
          writeFileSync(ws[0].abs, 'edited after our write\n');
          rmSync(ws[1].abs);
        }
      },
    });
    expect(out.failures.map((f) => f.error.message)).toEqual(['vanished since it was read; not written']);
    expect(out.notRestored.map((f) => [f.write.abs, f.error.message])).toEqual([[ws[0].abs, 'changed on disk since it was read; not written']]);
    expect(readFileSync(ws[0].abs, 'utf8')).toBe('edited after our write\n');
    expect(temps('aon-restore')).toEqual([]);
  });

  test('the signal while staging: the temp files are removed, nothing is written', async () => {
    const ws = setup('aon-signal', { a: 'a\n', b: 'b\n', c: 'c\n' });
    const ac = new AbortController();
    const p = prepareWrites(ws, ac.signal);
    ac.abort('SIGINT');
    const r = await p;
    expect(r).toEqual({ prepared: null, failures: [], interrupted: true });
    expect(contents(ws)).toEqual(['a\n', 'b\n', 'c\n']);
    expect(temps('aon-signal')).toEqual([]);
  });

  test('all checks pass: every file written, modes kept, links elsewhere untouched', async () => {
    const ws = setup('aon-ok', { a: 'a\n', b: 'b\n' });
    chmodSync(ws[1].abs, 0o755);
    ws[1].mode = 0o755;
    const r = await prepareWrites(ws);
    expect(r.prepared!.commit()).toEqual({ written: 2, failures: [], notRestored: [] });
    expect(contents(ws)).toEqual(['a\nnew\n', 'b\nnew\n']);
    expect(statSync(ws[1].abs).mode & 0o7777).toBe(0o755);
    expect(temps('aon-ok')).toEqual([]);
  });
});
