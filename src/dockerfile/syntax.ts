/**
 * BuildKit's line-level Dockerfile syntax, ported where dockerfile-ast differs from it.
 * Source: moby/buildkit frontend/dockerfile/parser/{parser.go,directives.go,line_parsers.go,split_command.go}.
 */
import { InputError } from '../errors.js';
import type { LineTable } from '../text.js';
import type { Escape } from './shell.js';

export interface Directive {
  name: string; // lower-cased key
  value: string;
  line: number; // 0-based
}

export interface DirectiveRun {
  directives: Directive[];
  escape: Escape;
  /** Offset just past the last directive line (after the BOM when there is none). */
  end: number;
  /** Rules skipped file-wide by `# check=skip=...`; 'all' for skip=all. */
  checkSkip: Set<string> | 'all';
}

const RE_DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
// parser/directives.go: syntax, escape and check are the only directives; any other line ends the run.
const DIRECTIVE_KEYS = new Set(['syntax', 'escape', 'check']);

/** The leading run of parser directives, exactly as BuildKit reads it. */
export function readDirectives(table: LineTable): DirectiveRun {
  const directives: Directive[] = [];
  let escape: Escape = '\\';
  const bomLen = table.text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let end = bomLen;
  let checkSkip: Set<string> | 'all' = new Set();
  for (let line = 0; line < table.lineCount; line++) {
    let text = table.lineText(line);
    if (line === 0 && bomLen) text = text.slice(1);
    const m = RE_DIRECTIVE.exec(text.replace(/^\s+/, ''));
    if (!m) break;
    const name = m[1].toLowerCase();
    if (!DIRECTIVE_KEYS.has(name)) break;
    if (directives.some((d) => d.name === name)) {
      throw new InputError(`only one ${name} parser directive can be used`, line + 1);
    }
    const value = m[2];
    if (name === 'escape') {
      if (value !== '\\' && value !== '`') {
        throw new InputError(`invalid escape token '${value}' does not match \` or \\`, line + 1);
      }
      escape = value;
    }
    if (name === 'check') checkSkip = parseCheckSkip(value);
    directives.push({ name, value, line });
    end = table.lineEndWithBreak(line);
  }
  return { directives, escape, end, checkSkip };
}

/** `skip=A,B;error=true` → the skipped rule names (linter.go parseCheckDirective). */
export function parseCheckSkip(value: string): Set<string> | 'all' {
  const out = new Set<string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim().toLowerCase() !== 'skip') continue;
    for (const rule of part.slice(eq + 1).split(',')) {
      const r = rule.trim();
      if (r.toLowerCase() === 'all') return 'all';
      if (r) out.add(r);
    }
  }
  return out;
}

/** An instruction's logical text: continuations joined, with the source offset of every character. */
export interface Logical {
  text: string;
  /** The source offset of the character at index i of text. */
  offsetOf(i: number): number;
  /** Offset of the end of the logical line's last physical line (before its line break). */
  end: number;
  /** 0-based last physical line of the logical line. */
  endLine: number;
}

/**
 * A Logical that keeps where its pieces start rather than an offset per character. Most logical lines are one
 * piece (no continuation): a number, no array. Every instruction of a file has one, alive as long as the model.
 */
class Pieces implements Logical {
  text = '';
  end = 0;
  endLine = 0;
  /** Source offset of the first piece (logical index 0). */
  first = 0;
  /** [logical index, source offset] of each further joined piece, in order; null for a one-piece line. */
  more: number[] | null = null;
  offsetOf(i: number): number {
    const m = this.more;
    if (m === null || i < m[0]) return this.first + i;
    let k = 0;
    while (k + 2 < m.length && m[k + 2] <= i) k += 2;
    return m[k + 1] + (i - m[k]);
  }
}

/** Sticky: the white space (`\s`, the line break excluded) from an offset on. */
const RE_LEAD = /[^\S\n]*/y;

/**
 * parser.go setEscapeToken: the escape character at the end of a line (only spaces and tabs after it), not itself
 * escaped, continues it (the pattern `(?:^|[^\\])\\[ \t]*$`, for either escape). Returns where the line's text
 * is cut, at that escape character, or -1 when the line does not continue. Read backwards from the end, in
 * place: `from` and `end` bound the line's text within `text`.
 */
function continuationAt(text: string, from: number, end: number, escape: Escape): number {
  let k = end - 1;
  while (k >= from && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k--;
  if (k < from || text[k] !== escape) return -1;
  return k === from || text[k - 1] !== escape ? k : -1;
}

/**
 * Joins a logical line like parser.go does: an escape character at the end of a line (not itself escaped,
 * optionally followed by spaces/tabs) continues it; comment and blank lines inside are dropped; the next
 * line's leading whitespace is kept. `startLine` is the line of `start`, when the caller knows it.
 */
export function logicalLine(table: LineTable, start: number, escape: Escape, startLine = table.lineAt(start)): Logical {
  const { text } = table;
  let line = startLine;
  let from = start;
  const out = new Pieces();
  let first = true;
  let lineEnd: number;
  for (;;) {
    const lineStart = table.starts[line];
    // Where the line's text ends (LineTable.lineText): before its line break and a '\r' just before that.
    lineEnd = line + 1 < table.lineCount ? table.starts[line + 1] - 1 : text.length;
    if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    if (!first) {
      // A comment or blank line inside the continuation is dropped.
      RE_LEAD.lastIndex = from;
      RE_LEAD.test(text);
      const at = RE_LEAD.lastIndex;
      if (at >= lineEnd || text.charCodeAt(at) === 35 /* # */) {
        if (line + 1 >= table.lineCount) break;
        line++;
        from = table.starts[line];
        continue;
      }
    }
    first = false;
    const cut = continuationAt(text, from, lineEnd, escape);
    const keep = cut < 0 ? lineEnd - from : cut - from;
    if (keep > 0) {
      if (out.text === '') out.first = from;
      else if (out.more === null) out.more = [out.text.length, from];
      else out.more.push(out.text.length, from);
      out.text += text.slice(from, from + keep);
    }
    if (cut < 0 || line + 1 >= table.lineCount) break;
    line++;
    from = table.starts[line];
  }
  out.end = lineEnd;
  out.endLine = line;
  return out;
}

export interface Word {
  /** The word as written (quotes and escapes kept), from the logical text. */
  raw: string;
  /** Logical index of the word's first character. */
  start: number;
  end: number;
}

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\v' || c === '\f' || c === '\r' || c === '\n';

/** line_parsers.go parseWords: split on whitespace outside quotes, escape and quotes kept in the word. */
export function parseWords(s: string, escape: Escape, from = 0): Word[] {
  const words: Word[] = [];
  let i = from;
  const n = s.length;
  while (i < n) {
    while (i < n && isSpace(s[i])) i++;
    if (i >= n) break;
    const start = i;
    let quote = '';
    while (i < n) {
      const c = s[i];
      if (!quote) {
        if (isSpace(c)) break;
        if (c === '"' || c === "'") quote = c;
        else if (c === escape && i + 1 < n) i++;
      } else if (c === quote) quote = '';
      else if (c === escape && quote !== "'" && i + 1 < n) i++;
      i++;
    }
    words.push({ raw: s.slice(start, i), start, end: i });
  }
  return words;
}

export interface Flag {
  name: string;
  /** Value with quotes and backslash escapes removed (BuildKit removes them at parse time). */
  value: string | null;
  /** Logical index of each character of value. */
  valueMap: number[];
  start: number;
  end: number;
}

/**
 * split_command.go extractBuilderFlags: leading `--name[=value]` words; quotes and `\` escapes are removed
 * (always backslash, whatever the escape directive says). Returns the flags and where the rest begins.
 */
export function extractFlags(s: string, from: number): { flags: Flag[]; rest: number } {
  const flags: Flag[] = [];
  let i = from;
  const n = s.length;
  for (;;) {
    while (i < n && isSpace(s[i])) i++;
    if (i >= n || s[i] !== '-' || s[i + 1] !== '-') return { flags, rest: i };
    const start = i;
    let word = '';
    const map: number[] = [];
    let quote = '';
    while (i < n) {
      const c = s[i];
      if (!quote && isSpace(c)) break;
      if (!quote && (c === '"' || c === "'")) {
        quote = c;
        i++;
        continue;
      }
      if (quote && c === quote) {
        quote = '';
        i++;
        continue;
      }
      if (c === '\\') {
        if (i + 1 >= n) {
          i++;
          continue;
        }
        i++;
      }
      word += s[i];
      map.push(i);
      i++;
    }
    if (word === '--') return { flags, rest: i };
    const eq = word.indexOf('=');
    const name = (eq < 0 ? word : word.slice(0, eq)).slice(2);
    flags.push({
      name,
      value: eq < 0 ? null : word.slice(eq + 1),
      valueMap: eq < 0 ? [] : map.slice(eq + 1),
      start,
      end: i,
    });
  }
}

export interface HeredocMark {
  name: string;
  chomp: boolean;
}

const RE_HEREDOC = /^(\d*)<<(-?)([^<]*)$/;

/**
 * Heredocs opened on an instruction line (parser.go heredocsFromLine). `<< 'EOF'` with a space is accepted
 * too, as the research on current BuildKit records; dockerfile-ast misses it (rcjsuen/dockerfile-ast#120).
 */
export function heredocMarks(args: string): HeredocMark[] {
  if (/^\s*\[/.test(args)) return []; // JSON form never has heredocs
  const words = parseWords(args, '\\');
  const out: HeredocMark[] = [];
  for (let k = 0; k < words.length; k++) {
    const m = RE_HEREDOC.exec(words[k].raw);
    if (!m) continue;
    let rest = m[3];
    if (rest === '' && k + 1 < words.length && !words[k + 1].raw.startsWith('<')) rest = words[++k].raw;
    const name = rest.replace(/['"\\]/g, '');
    if (name) out.push({ name, chomp: m[2] === '-' });
  }
  return out;
}

/**
 * Lines taken by the heredoc bodies that follow `afterLine`, each ending at its terminator line.
 * Returns the last body line, or throws for an unterminated heredoc.
 */
export function heredocBodyEnd(table: LineTable, afterLine: number, marks: HeredocMark[]): number {
  let line = afterLine;
  for (const mark of marks) {
    let found = false;
    while (++line < table.lineCount) {
      let t = table.lineText(line);
      if (mark.chomp) t = t.replace(/^\t+/, '');
      if (t === mark.name) {
        found = true;
        break;
      }
    }
    if (!found) throw new InputError(`unterminated heredoc '${mark.name}'`, afterLine + 1);
  }
  return line;
}
