/** The README's Library example (the ```js block of the Library section) and the output it documents (the ```text block). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function readmeExample(root: string): { code: string; output: string } {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Library\n');
  if (start < 0) throw new Error('README: no "## Library" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const code = /```js\n([\s\S]*?)```/.exec(section);
  const output = /```text\n([\s\S]*?)```/.exec(section);
  if (!code || !output) throw new Error('README: the Library section has no ```js example or no ```text output');
  return { code: code[1], output: output[1] };
}
