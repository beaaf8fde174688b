/**
 * A cheap pre-check that proves a Dockerfile needs nothing, so the full parse can be skipped (most files of a
 * fleet use no variable in FROM). It only says "nothing to do" when that is certain, looking at what can matter
 * to the transform (transforms/hoist-from-args.ts) and to the parse that feeds it (./parse.ts):
 *  - every finding and edit comes from a FROM that uses a variable (UndefinedArgInFrom, NeedsDefault, hoists),
 *    a FROM whose image is no valid reference (InvalidDefaultArgInFrom, InvalidFromExpansion: a lexer error
 *    needs a quote or an escape, which is no valid reference either), or a global ARG's default
 *    (UndefinedArgInGlobalDefault, GlobalArgUsedBeforeDeclared): so every FROM must be a plain
 *    `FROM image [AS name]` (continuations joined, the escape directive honoured) with no `$` and a valid
 *    reference, and no ARG may come before the first FROM;
 *  - what the parse rejects: a directive error, a FROM of another shape, an ARG with no name (an ARG inside a
 *    stage is read as the parse reads it);
 *  - what can hide or fake an instruction: a heredoc (`<<` anywhere declines), a keyword split by a continuation.
 * A `$` in RUN, ENV, COPY or a stage's ARG changes nothing. Pragmas and `# check=` only suppress findings, and
 * there are none. Anything else goes through the full pipeline, which gives the same answer or more.
 */
import { LineTable } from '../text.js';
import { validateReference } from './reference.js';
import { logicalLine, parseWords, readDirectives } from './syntax.js';

const RE_CONTINUATION = { '\\': /(?:^|[^\\])\\[ \t]*$/, '`': /(?:^|[^`])`[ \t]*$/ } as const;
const RE_STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;
/** The keyword as parse.ts reads it: up to the first white space (`\s`, which a FROM's words do not split on). */
const RE_KEYWORD = /^\S+/;
/** Where an instruction's arguments start (parse.ts instructionsOf). */
const RE_ARGS_START = /^\S+\s*/;
/** A FROM's words as parseFrom splits them (parseStringsWhitespaceDelimited). */
const RE_FROM_WORDS = /[^\t\v\f\r ]+/g;

/** What the pre-check learns of a file that certainly needs nothing. */
export interface Trivial {
  /** The number of FROM instructions. */
  froms: number;
  /** The names the stages' ARGs declare, in order (what the CI side asks of a Dockerfile: src/repo.ts). */
  args: string[];
}

/** The number of FROM instructions when the file certainly needs nothing; null when it must be parsed.
 * `lines` is the text's line table when the caller already has one. */
export function trivialFromCount(text: string, lines?: LineTable): number | null {
  return precheck(text, lines)?.froms ?? null;
}

/** A file that certainly needs nothing, with what the CI side reads of it; null when it must be parsed. */
export function precheck(text: string, lines?: LineTable): Trivial | null {
  if (text.includes('<<')) return null;
  const table = lines ?? new LineTable(text);
  let escape: '\\' | '`';
  try {
    escape = readDirectives(table).escape;
  } catch {
    return null; // a directive error: the full parse reports it
  }
  const cont = RE_CONTINUATION[escape];
  let froms = 0;
  const args: string[] = [];
  let continuing = false;
  for (let l = 0; l < table.lineCount; l++) {
    const line = l === 0 ? table.lineText(l).replace(/^\uFEFF/, '') : table.lineText(l);
    const trimmed = line.trimStart();
    // Blank and comment lines, inside a continuation too, are dropped (parser.go).
    if (trimmed === '' || trimmed.charCodeAt(0) === 35 /* # */) continue;
    if (continuing) {
      continuing = cont.test(line);
      continue;
    }
    continuing = cont.test(line);
    const keyword = RE_KEYWORD.exec(trimmed)![0];
    // `\` alone or `FR\` + `OM x`: the keyword itself continues on the next line (BuildKit joins first).
    if (continuing && keyword.length === trimmed.trimEnd().length) return null;
    const upper = keyword.length === 3 || keyword.length === 4 ? keyword.toUpperCase() : '';
    if (upper === 'ARG') {
      // A global ARG can carry a finding; a stage's ARG only has to read as parse.ts reads it (parseArg).
      if (froms === 0) return null;
      // trimStart drops a BOM too: the instruction starts where parse.ts starts it.
      const logical = logicalLine(table, table.starts[l] + table.lineText(l).length - trimmed.length, escape);
      const words = parseWords(logical.text, escape, RE_ARGS_START.exec(logical.text)![0].length);
      if (words.length === 0 || words.some((w) => w.raw.startsWith('='))) return null;
      for (const w of words) {
        const eq = w.raw.indexOf('=');
        args.push(eq < 0 ? w.raw : w.raw.slice(0, eq));
      }
      l = logical.endLine;
      continuing = false;
      continue;
    }
    if (upper !== 'FROM') continue;
    // A FROM continued over lines is rare: let the full parse join it.
    if (continuing || trimmed.includes('$')) return null;
    const words = trimmed.match(RE_FROM_WORDS)!;
    if (words.length !== 2 && words.length !== 4) return null;
    if (words[0] !== keyword) return null; // a white space other than the ones FROM splits on
    if (words[1].startsWith('--') || validateReference(words[1]) !== null) return null;
    if (words.length === 4 && (words[2].toLowerCase() !== 'as' || !RE_STAGE_NAME.test(words[3].toLowerCase()))) return null;
    froms++;
  }
  return { froms, args };
}
