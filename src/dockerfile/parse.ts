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
  comments: string[];
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

const isBlankOrComment = (line: string) => /^\s*(#|$)/.test(line);

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
  return DockerfileParser.parse(src)
    .getInstructions()
    .map((i) => i.getRange().start)
    .filter((p) => p.line >= fromLine);
}

/**
 * Where instructions start, read with BuildKit's rules only (the first line after the previous instruction,
 * continuations and heredoc bodies included, that is not blank or a comment). Used to verify our own output
 * independently of dockerfile-ast, and cheaply.
 */
function ownStart(table: LineTable, after: number): { line: number; character: number } | null {
  for (let l = after + 1; l < table.lineCount; l++) {
    const t = table.lineText(l);
    if (!isBlankOrComment(t)) return { line: l, character: /^[\s\uFEFF]*/.exec(t)![0].length };
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
    const gapEnd = own ? prevEndLine + 1 : next ? next.line : table.lineCount;
    let gap = -1;
    for (let l = prevEndLine + 1; l < gapEnd && gap < 0; l++) if (!isBlankOrComment(table.lineText(l))) gap = l;
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
    const logical = logicalLine(table, start, escape);
    const m = /^(\S+)\s*/.exec(logical.text);
    const written = m ? m[1] : '';
    const keyword = written.toUpperCase();
    const argsStart = m ? m[0].length : 0;
    let endLine = logical.endLine;
    let sub = keyword;
    let subArgs = logical.text.slice(argsStart);
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
    const comments: string[] = [];
    for (let l = prevEndLine + 1; l < next.line; l++) {
      const t = table.lineText(l).trim();
      if (t.startsWith('#')) {
        const c = t.slice(1).trim();
        if (c === '') comments.length = 0;
        else comments.push(c);
      }
    }
    prevEndLine = endLine;
    out.push({ keyword, written, start, startLine: next.line, endLine, logical, argsStart, comments });
  }
  return out;
}

function sourceWord(logical: Logical, start: number, end: number): SourceWord {
  return { text: logical.text.slice(start, end), map: logical.map.slice(start, end) };
}

function parseArg(ins: Instruction, table: LineTable, escape: Escape): ArgDecl[] {
  const { logical } = ins;
  const words = parseWords(logical.text, escape, ins.argsStart);
  if (words.length === 0) throw new InputError('ARG requires at least one argument', ins.startLine + 1);
  return words.map((w) => {
    const eq = w.raw.indexOf('=');
    const name = eq < 0 ? w.raw : w.raw.slice(0, eq);
    const at = table.position(logical.map[w.start]);
    if (name === '') throw new InputError('ARG names can not be blank', at.line, at.column);
    const nameStart = logical.map[w.start];
    const nameEnd = logical.map[w.start + name.length - 1] + 1;
    if (eq < 0) {
      return { name, raw: null, instr: ins, nameStart, nameEnd, valueStart: nameEnd, valueEnd: nameEnd, valueContiguous: true };
    }
    const vs = w.start + eq + 1;
    const valueStart = vs < w.end ? logical.map[vs] : logical.map[w.start + eq] + 1;
    const valueEnd = vs < w.end ? logical.map[w.end - 1] + 1 : valueStart;
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

function parseFrom(ins: Instruction, index: number, table: LineTable): FromInstr {
  const { logical } = ins;
  const { flags, rest } = extractFlags(logical.text, ins.argsStart);
  const at = table.position(ins.start);
  let platform: SourceWord | null = null;
  for (const f of flags) {
    if (f.name !== 'platform') throw new InputError(`unknown flag: --${f.name}`, at.line, at.column);
    if (f.value === null) throw new InputError('missing a value on flag: --platform', at.line, at.column);
    // instructions/bflag.go: a non-list flag given twice is an error.
    if (platform) throw new InputError('Duplicate flag specified: platform', at.line, at.column);
    platform = { text: f.value, map: f.valueMap.map((k) => logical.map[k]) };
  }
  // parseStringsWhitespaceDelimited: plain whitespace split, quotes are not special here.
  const words: { s: number; e: number }[] = [];
  const re = /[^\t\v\f\r ]+/g;
  re.lastIndex = rest;
  for (let m = re.exec(logical.text); m; m = re.exec(logical.text)) words.push({ s: m.index, e: m.index + m[0].length });
  if (words.length !== 1 && words.length !== 3) {
    throw new InputError('FROM requires either one or three arguments', at.line, at.column);
  }
  let stageName: string | null = null;
  if (words.length === 3) {
    if (logical.text.slice(words[1].s, words[1].e).toLowerCase() !== 'as') {
      throw new InputError("FROM's second argument must be AS", at.line, at.column);
    }
    stageName = logical.text.slice(words[2].s, words[2].e).toLowerCase();
    if (!RE_STAGE_NAME.test(stageName)) {
      throw new InputError(
        `invalid name for build stage: "${stageName}", name can't start with a number or contain symbols`,
        at.line,
        at.column,
      );
    }
  }
  return { instr: ins, index, image: sourceWord(logical, words[0].s, words[0].e), platform, stageName };
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
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') froms.push(parseFrom(ins, froms.length, table));
    else if (ins.keyword === 'ARG') {
      const decls = parseArg(ins, table, run.escape);
      if (froms.length === 0) globalArgs.push(...decls);
      else for (const decl of decls) stageArgs.push({ decl, stage: froms.length - 1 });
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
