/** Unified diffs with git-style a/ b/ headers that `git apply` and `patch -p1` accept (jsdiff). */
import { createTwoFilesPatch } from 'diff';

export function unifiedDiff(path: string, before: string, after: string): string {
  if (before === after) return '';
  const patch = createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, '', '', { context: 3 });
  // jsdiff starts with a '====' separator line; git does not expect it.
  return patch.replace(/^=+\n/, '').replace(/^(---|\+\+\+) (.*)\t$/gm, '$1 $2');
}
