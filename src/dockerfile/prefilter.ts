/**
 * A cheap pre-check that proves a Dockerfile needs nothing, so the full parse can be skipped (most files of a
 * fleet use no variable in FROM). It only says "nothing to do" when that is certain: no `$` anywhere (so no
 * variable is used), no heredoc, no ARG, and every FROM a single-line `FROM image [AS name]` whose image is a
 * valid reference. Anything else goes through the full pipeline, which gives the same answer or more.
 */
import { LineTable } from '../text.js';
import { validateReference } from './reference.js';
import { readDirectives } from './syntax.js';

const RE_CONTINUATION = { '\\': /(?:^|[^\\])\\[ \t]*$/, '`': /(?:^|[^`])`[ \t]*$/ } as const;
const RE_STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

/** The number of FROM instructions when the file certainly needs nothing; null when it must be parsed.
 * `lines` is the text's line table when the caller already has one. */
export function trivialFromCount(text: string, lines?: LineTable): number | null {
  if (text.includes('$') || text.includes('<<')) return null;
  const table = lines ?? new LineTable(text);
  let escape: '\\' | '`';
  try {
    escape = readDirectives(table).escape;
  } catch {
    return null; // a directive error: the full parse reports it
  }
  const cont = RE_CONTINUATION[escape];
  let froms = 0;
  let continuing = false;
  for (let l = 0; l < table.lineCount; l++) {
    const line = table.lineText(l).replace(/^\uFEFF/, '');
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (continuing) {
      continuing = cont.test(line);
      continue;
    }
    continuing = cont.test(line);
    const words = trimmed.split(/[\t\v\f\r ]+/).filter(Boolean);
    // `\` alone or `FR\` + `OM x`: the keyword itself continues on the next line (BuildKit joins first).
    if (continuing && words.length === 1) return null;
    const keyword = words[0].toUpperCase();
    if (keyword === 'ARG') return null;
    if (keyword !== 'FROM') continue;
    if (continuing || (words.length !== 2 && words.length !== 4)) return null;
    if (words[1].startsWith('--') || validateReference(words[1]) !== null) return null;
    if (words.length === 4 && (words[2].toLowerCase() !== 'as' || !RE_STAGE_NAME.test(words[3].toLowerCase()))) return null;
    froms++;
  }
  return froms;
}
