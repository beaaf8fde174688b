/** A directory as data: every file below it by its `/`-separated relative path, read as latin1 (bytes kept). */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p).split('\\').join('/')] = readFileSync(p, 'latin1');
    }
  };
  walk(dir);
  return out;
}
