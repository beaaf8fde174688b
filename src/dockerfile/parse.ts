/**
 * One Dockerfile, parsed once: dockerfile-ast finds the instructions; everything whose meaning matters to
 * BuildKit (directives, continuations, heredoc bodies, ARG words, FROM flags and words) is read here with
 * BuildKit's own rules, because dockerfile-ast differs from BuildKit exactly there (see peers.md §3.9):
 *  - multi-name `ARG A=1 B=2` is invisible to its resolver        → ARG words are split here (parseWords)
 *  - `${B-x}` read as a name, nested `${A:-${B}}` cut short         → variables come from ./shell.ts
 *  - getPlatformFlag() is null when a FROM has two flags           → flags come from extractFlags
 *  - `RUN cat << 'EOF'` bodies become phantom instructions         → heredoc bodies are skipped here
 *  - getImageName/Tag/getVariables are super-linear in stage count → never called
 *  - unknown `# key=value` lines do not end its directive run      → readDirectives
 */
import { DockerfileParser } from 'dockerfile-ast';
import { InputError } from '../errors.js';
import { LineTable, textShape, type TextShape } from '../text.js';
import type { Escape } from './shell.js';
import {
  extractFlags,
  heredocBodyEnd,
  heredocMarks,
  logicalLine,
  parseWords,
  readDirectives,
  type Directive,
  type Logical,
} from './syntax.js';

export interface Instruction {
  /** Upper-cased keyword. */
  keyword: string;
  /** Keyword as written (`from`, `From`). */
  written: string;
  /** Offset of the keyword. */
  start: number;
  /** 0-based first and last physical line (the last includes heredoc bodies). */
  startLine: number;
  endLine: number;
  logical: Logical;
  /** Logical index where the arguments start. */
  argsStart: number;
  /** Comment lines since the previous instruction (BuildKit's PrevComment), text after '#', trimmed. */
  comments: readonly string[];
}

export interface ArgDecl {
  name: string;
  /** Raw default as written (quotes kept), or null for `ARG NAME`. */
  raw: string | null;
  instr: Instruction;
  /** Source offsets: end of the name, and the default's span (when raw !== null). */
  nameStart: number;
  nameEnd: number;
  valueStart: number;
  valueEnd: number;
  /** True when the default sits on one physical line, so it can be replaced as one span. */
  valueContiguous: boolean;
}

export interface SourceWord {
  /** Text as BuildKit hands it to the shell lexer. */
  text: string;
  /** Source offset of every character of text. */
  map: number[];
}

export interface FromInstr {
  instr: Instruction;
  /** 0-based stage index. */
  index: number;
  image: SourceWord;
  platform: SourceWord | null;
  /** Lower-cased stage name (`AS name`), or null. */
  stageName: string | null;
}

export interface DockerfileModel {
  text: string;
  table: LineTable;
  shape: TextShape;
  escape: Escape;
  directives: Directive[];
  /** Offset just past the directive run (after a BOM). */
  directivesEnd: number;
  checkSkip: Set<string> | 'all';
  instructions: Instruction[];
  /** ARGs before the first FROM, one entry per declared name, in order. */
  globalArgs: ArgDecl[];
  /** ARGs inside stages, with the stage index. */
  stageArgs: { decl: ArgDecl; stage: number }[];
  froms: FromInstr[];
}

const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
const RE_STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

/** The comments of an instruction that has none (shared: never written to). */
const NO_COMMENTS: readonly string[] = Object.freeze([]);
/** Keywords as written, with their upper case: one string of each for every instruction that writes it so. */
const KEYWORDS = new Map<string, { written: string; keyword: string }>();
const KEYWORDS_MAX = 512;
/** Sticky: a run of non-white space, and of white space (`\S+`, `\s*`: the keyword and the space after it). */
const RE_WORD = /\S+/y;
const RE_SPACE = /\s*/y;

/**
 * Where dockerfile-ast starts instructions, from `fromLine` on. When it swallowed lines that BuildKit reads as
 * instructions (e.g. into a heredoc BuildKit does not open), it is asked again with everything between the
 * directives and `fromLine` blanked out (line breaks kept, so positions stay valid).
 */
function astStarts(text: string, table: LineTable, fromLine: number, keepThrough: number) {
  let src = text;
  if (fromLine > keepThrough + 1) {
    const a = table.starts[keepThrough + 1];
    const b = table.starts[fromLine];
    src = text.slice(0, a) + text.slice(a, b).replace(/[^\n]/g, '') + text.slice(b);
  }
  // dockerfile-ast breaks lines at a lone '\r' too (the LSP's line terminators); BuildKit breaks them at '\n' only
  // (bufio.ScanLines, which drops a '\r' just before it), as the line table does. A lone '\r' is whitespace
  // inside the line for BuildKit, so dockerfile-ast gets a space there: its line numbers are the table's.
  if (src.includes('\r')) src = src.replace(/\r(?!\n)/g, ' ');
  const out: { line: number; character: number }[] = [];
  for (const i of DockerfileParser.parse(src).getInstructions()) {
    const p = i.getRange().start;
    if (p.line >= fromLine) out.push(p);
  }
  return out;
}

// Read in place, on the whole text from a line's start (no per-line string): the run of white space (`\s`, the
// line break excluded) that starts a line. What follows it tells a blank line (the break or the end of the text:
// a '\r' before the break is white space), a comment ('#') or an instruction; its length is where that starts.
const RE_LEAD = /[^\S\n]*/y;

/** Offset of the first character of `line` that is not white space, or -1 when the line is blank. */
function lineContentAt(table: LineTable, line: number): number {
  RE_LEAD.lastIndex = table.starts[line];
  RE_LEAD.test(table.text);
  const at = RE_LEAD.lastIndex;
  return at >= table.text.length || table.text.charCodeAt(at) === 10 ? -1 : at;
}

/**
 * Where instructions start, read with BuildKit's rules only (the first line after the previous instruction,
 * continuations and heredoc bodies included, that is not blank or a comment). Used to verify our own output
 * independently of dockerfile-ast, and cheaply.
 */
function ownStart(table: LineTable, after: number): { line: number; character: number } | null {
  for (let l = after + 1; l < table.lineCount; l++) {
    const at = lineContentAt(table, l);
    if (at >= 0 && table.text.charCodeAt(at) !== 35 /* # */) return { line: l, character: at - table.starts[l] };
  }
  return null;
}

export type Segmenter = 'dockerfile-ast' | 'buildkit';

function instructionsOf(text: string, table: LineTable, escape: Escape, lastDirectiveLine: number, segmenter: Segmenter): Instruction[] {
  const out: Instruction[] = [];
  let prevEndLine = lastDirectiveLine; // last line of the previous instruction, heredoc bodies included
  const own = segmenter === 'buildkit';
  let starts = own ? [] : astStarts(text, table, 0, lastDirectiveLine);
  let askedAt = -1;
  for (let k = 0; ; ) {
    const next = own ? ownStart(table, prevEndLine) : k < starts.length ? starts[k] : null;
    if (next && next.line <= prevEndLine) {
      k++; // a phantom instruction inside a heredoc body or continuation
      continue;
    }
    // The lines since the previous instruction: BuildKit's comments for this one, and (dockerfile-ast only) a line
    // it did not start an instruction at that BuildKit does (ownStart never leaves one).
    const scanEnd = next ? next.line : table.lineCount;
    let gap = -1;
    let comments: readonly string[] = NO_COMMENTS;
    for (let l = prevEndLine + 1; l < scanEnd; l++) {
      const at = lineContentAt(table, l);
      if (at < 0) continue;
      if (table.text.charCodeAt(at) !== 35 /* # */) {
        gap = l;
        break;
      }
      if (!next) continue;
      const c = table.lineText(l).trim().slice(1).trim();
      if (c === '') comments = NO_COMMENTS;
      else if (comments === NO_COMMENTS) comments = [c];
      else (comments as string[]).push(c);
    }
    if (gap >= 0) {
      // Asked again from the same line means dockerfile-ast and BuildKit disagree there for good: refuse, never loop.
      if (gap === askedAt) throw new InputError('cannot read this line as an instruction', gap + 1);
      askedAt = gap;
      starts = astStarts(text, table, gap, lastDirectiveLine);
      k = 0;
      if (starts[0]?.line !== gap) throw new InputError('cannot read this line as an instruction', gap + 1);
      continue;
    }
    if (!next) break;
    k++;
    const start = table.offsetAt(next.line, next.character);
    const logical = logicalLine(table, start, escape, next.line);
    const lt = logical.text;
    // The keyword: the leading run of non-white space (none when the text starts with white space).
    RE_WORD.lastIndex = 0;
    const kwEnd = RE_WORD.test(lt) ? RE_WORD.lastIndex : 0;
    RE_SPACE.lastIndex = kwEnd;
    RE_SPACE.test(lt);
    const argsStart = kwEnd > 0 ? RE_SPACE.lastIndex : 0;
    let known = KEYWORDS.get(lt.slice(0, kwEnd));
    if (!known) {
      const w = lt.slice(0, kwEnd);
      known = { written: w, keyword: w.toUpperCase() };
      if (KEYWORDS.size < KEYWORDS_MAX) KEYWORDS.set(w, known);
    }
    const { written, keyword } = known;
    let endLine = logical.endLine;
    // A heredoc needs `<<` in a word of the arguments (heredocMarks): no `<<`, no body to skip.
    if (lt.includes('<<', argsStart) && (HEREDOC_KEYWORDS.has(keyword) || keyword === 'ONBUILD')) {
      let sub = keyword;
      let subArgs = lt.slice(argsStart);
      if (keyword === 'ONBUILD') {
        const o = /^(\S+)\s*/.exec(subArgs);
        if (o) {
          sub = o[1].toUpperCase();
          subArgs = subArgs.slice(o[0].length);
        }
      }
      if (HEREDOC_KEYWORDS.has(sub)) {
        const marks = heredocMarks(subArgs);
        if (marks.length) endLine = heredocBodyEnd(table, logical.endLine, marks);
      }
    }
    prevEndLine = endLine;
    out.push({ keyword, written, start, startLine: next.line, endLine, logical, argsStart, comments });
  }
  return out;
}

function sourceWord(logical: Logical, start: number, end: number): SourceWord {
  const map = new Array<number>(end - start);
  for (let i = start; i < end; i++) map[i - start] = logical.offsetOf(i);
  return { text: logical.text.slice(start, end), map };
}

function parseArg(ins: Instruction, table: LineTable, escape: Escape): ArgDecl[] {
  const { logical } = ins;
  const words = parseWords(logical.text, escape, ins.argsStart);
  if (words.length === 0) throw new InputError('ARG requires at least one argument', ins.startLine + 1);
  return words.map((w) => {
    const eq = w.raw.indexOf('=');
    const name = eq < 0 ? w.raw : w.raw.slice(0, eq);
    const nameStart = logical.offsetOf(w.start);
    if (name === '') {
      const at = table.position(nameStart);
      throw new InputError('ARG names can not be blank', at.line, at.column);
    }
    const nameEnd = logical.offsetOf(w.start + name.length - 1) + 1;
    if (eq < 0) {
      return { name, raw: null, instr: ins, nameStart, nameEnd, valueStart: nameEnd, valueEnd: nameEnd, valueContiguous: true };
    }
    const vs = w.start + eq + 1;
    const valueStart = vs < w.end ? logical.offsetOf(vs) : logical.offsetOf(w.start + eq) + 1;
    const valueEnd = vs < w.end ? logical.offsetOf(w.end - 1) + 1 : valueStart;
    return {
      name,
      raw: w.raw.slice(eq + 1),
      instr: ins,
      nameStart,
      nameEnd,
      valueStart,
      valueEnd,
      valueContiguous: valueEnd - valueStart === w.end - vs,
    };
  });
}

// parseStringsWhitespaceDelimited: a FROM's words are split on plain white space, quotes are not special here.
const RE_FROM_SPACE = /[\t\v\f\r ]*/y;
const RE_FROM_WORD = /[^\t\v\f\r ]+/y;

function fromError(table: LineTable, ins: Instruction, message: string): never {
  const at = table.position(ins.start);
  throw new InputError(message, at.line, at.column);
}

function parseFrom(ins: Instruction, index: number, table: LineTable): FromInstr {
  const { logical } = ins;
  const lt = logical.text;
  let platform: SourceWord | null = null;
  // The arguments start at a character that is not white space: no `--` there, no flags (extractFlags).
  let rest = ins.argsStart;
  if (lt.startsWith('--', rest)) {
    const extracted = extractFlags(lt, rest);
    rest = extracted.rest;
    for (const f of extracted.flags) {
      if (f.name !== 'platform') fromError(table, ins, `unknown flag: --${f.name}`);
      if (f.value === null) fromError(table, ins, 'missing a value on flag: --platform');
      // instructions/bflag.go: a non-list flag given twice is an error.
      if (platform) fromError(table, ins, 'Duplicate flag specified: platform');
      platform = { text: f.value, map: f.valueMap.map((k) => logical.offsetOf(k)) };
    }
  }
  // The words, read in place: how many, and the bounds of the first three.
  let words = 0;
  let s0 = 0;
  let e0 = 0;
  let s1 = 0;
  let e1 = 0;
  let s2 = 0;
  let e2 = 0;
  for (let i = rest; ; ) {
    RE_FROM_SPACE.lastIndex = i;
    RE_FROM_SPACE.test(lt);
    const s = RE_FROM_SPACE.lastIndex;
    RE_FROM_WORD.lastIndex = s;
    if (!RE_FROM_WORD.test(lt)) break;
    i = RE_FROM_WORD.lastIndex;
    if (words === 0) {
      s0 = s;
      e0 = i;
    } else if (words === 1) {
      s1 = s;
      e1 = i;
    } else if (words === 2) {
      s2 = s;
      e2 = i;
    }
    words++;
  }
  if (words !== 1 && words !== 3) fromError(table, ins, 'FROM requires either one or three arguments');
  let stageName: string | null = null;
  if (words === 3) {
    if (lt.slice(s1, e1).toLowerCase() !== 'as') fromError(table, ins, "FROM's second argument must be AS");
    stageName = lt.slice(s2, e2).toLowerCase();
    if (!RE_STAGE_NAME.test(stageName)) {
      fromError(table, ins, `invalid name for build stage: "${stageName}", name can't start with a number or contain symbols`);
    }
  }
  return { instr: ins, index, image: sourceWord(logical, s0, e0), platform, stageName };
}

/**
 * The keyword of the first instruction as written (`FROM`, `arg`, or whatever word a file that is no Dockerfile
 * starts with), read with BuildKit's line rules: after the parser directives, comments and blank lines, with a
 * BOM stripped and continuations joined (`FR\` + `OM` is FROM). Null when there is no instruction. Only its
 * lines are looked at. BuildKit accepts ARG or FROM first: any other instruction before the first FROM is
 * `no build stage in current context` (frontend/dockerfile/instructions/parse.go Parse, commands.go CurrentStage).
 */
export function firstKeyword(table: LineTable): string | null {
  const run = readDirectives(table);
  const start = ownStart(table, run.directives.length ? run.directives[run.directives.length - 1].line : -1);
  if (!start) return null;
  return /^\S*/.exec(logicalLine(table, table.offsetAt(start.line, start.character), run.escape).text)![0];
}

/**
 * Parses a Dockerfile. Instructions are found by dockerfile-ast (the default) or, with 'buildkit', by BuildKit's
 * line rules alone; everything after that is the same code either way. `table` is the text's line table when
 * the caller already has one.
 */
export function parseDockerfile(text: string, segmenter: Segmenter = 'dockerfile-ast', table = new LineTable(text)): DockerfileModel {
  const run = readDirectives(table);
  const lastDirective = run.directives.length ? run.directives[run.directives.length - 1].line : -1;
  const instructions = instructionsOf(text, table, run.escape, lastDirective, segmenter);
  const globalArgs: ArgDecl[] = [];
  const stageArgs: { decl: ArgDecl; stage: number }[] = [];
  const froms: FromInstr[] = [];
  for (let k = 0; k < instructions.length; k++) {
    const ins = instructions[k];
    if (ins.keyword === 'FROM') froms.push(parseFrom(ins, froms.length, table));
    else if (ins.keyword === 'ARG') {
      const decls = parseArg(ins, table, run.escape);
      for (let j = 0; j < decls.length; j++) {
        if (froms.length === 0) globalArgs.push(decls[j]);
        else stageArgs.push({ decl: decls[j], stage: froms.length - 1 });
      }
    }
  }
  return {
    text,
    table,
    shape: textShape(text),
    escape: run.escape,
    directives: run.directives,
    directivesEnd: run.end,
    checkSkip: run.checkSkip,
    instructions,
    globalArgs,
    stageArgs,
    froms,
  };
}
