/**
 * Shell words with offsets, from mvdan-sh (mvdan.cc/sh's parser): the commands of one script text, in source
 * order, each word with its span (string indices into the text) and its parts, so a caller can tell a
 * literal from an expansion and evaluate words against known variables.
 */
import { createRequire } from 'node:module';
import type sh from 'mvdan-sh';
import type { Assign, CallExpr, Comment, DblQuoted, DeclClause, File, Lit, Node, ParamExp, Parser, SglQuoted, Syntax, Word } from 'mvdan-sh';

let loaded: Syntax | null = null;
/**
 * mvdan-sh's syntax package, loaded on first use with require(): its 1.5 MB CommonJS bundle costs ~100 ms more
 * per thread through an ESM import (export detection), and a run that parses no shell does not load it.
 */
function syntax(): Syntax {
  return (loaded ??= (createRequire(import.meta.url)('mvdan-sh') as typeof sh).syntax);
}

export type Part =
  | { t: 'lit'; v: string }
  /** `$NAME` / `${NAME}`; `plain` when it has no operator; `quoted` when inside double quotes. */
  | { t: 'var'; name: string; plain: boolean; braced: boolean; quoted: boolean; list: boolean }
  /** Command substitution, arithmetic, globs we do not follow. */
  | { t: 'dyn' };

export interface ShWord {
  start: number;
  end: number;
  parts: Part[];
}

export interface ShCall {
  kind: 'call' | 'decl';
  /** For `decl`: export, declare, local, readonly… */
  variant?: string;
  words: ShWord[];
  assigns: { name: string; value: ShWord | null }[];
  start: number;
  end: number;
}

export interface ShComment {
  /** Index of the '#'. */
  start: number;
}

export interface ShScript {
  calls: ShCall[];
  comments: ShComment[];
  error: { message: string; line: number; column: number } | null;
}

/** UTF-8 byte offset → string index. */
function byteMapper(text: string): (b: number) => number {
  if (!/[^\x00-\x7f]/.test(text)) return (b) => b;
  const map: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let k = 0; k < n; k++) map.push(i);
    if (cp >= 0x10000) i++;
  }
  return (b) => (b >= map.length ? text.length : map[b]);
}

const unescapeBare = (s: string) => s.replace(/\\\n/g, '').replace(/\\(.)/gs, '$1');
const unescapeDq = (s: string) => s.replace(/\\\n/g, '').replace(/\\([$`"\\])/g, '$1');

function partsOf(nodes: Node[], quoted: boolean, out: Part[]): void {
  for (const n of nodes) {
    switch (syntax().NodeType(n)) {
      case 'Lit':
        out.push({ t: 'lit', v: quoted ? unescapeDq((n as Lit).Value) : unescapeBare((n as Lit).Value) });
        break;
      case 'SglQuoted':
        out.push((n as SglQuoted).Dollar ? { t: 'dyn' } : { t: 'lit', v: (n as SglQuoted).Value });
        break;
      case 'DblQuoted':
        partsOf((n as DblQuoted).Parts, true, out);
        break;
      case 'ParamExp': {
        const p = n as ParamExp;
        const plain = !p.Exp && !p.Index && !p.Length && !p.Excl && !p.Slice && !p.Repl;
        out.push({
          t: 'var',
          name: p.Param.Value,
          plain,
          braced: !p.Short,
          quoted,
          list: !!p.Index || p.Param.Value === '@' || p.Param.Value === '*',
        });
        break;
      }
      default:
        out.push({ t: 'dyn' });
    }
  }
}

function wordOf(w: Word, at: (b: number) => number): ShWord {
  const parts: Part[] = [];
  partsOf(w.Parts, false, parts);
  return { start: at(w.Pos().Offset()), end: at(w.End().Offset()), parts };
}

/** A parse error as the CLI reports it. */
function parseError(e: unknown): ShScript {
  const m = /^:?(\d+):(\d+): (.*)$/s.exec(String((e as { Error?: () => string }).Error?.() ?? e));
  return {
    calls: [],
    comments: [],
    error: m ? { message: m[3], line: +m[1], column: +m[2] } : { message: String(e), line: 1, column: 1 },
  };
}

/**
 * The reference reading of a parsed file: `syntax.Walk` over mvdan-sh's JavaScript wrappers. Every node the
 * callback sees, and every `.Args`/`.Parts` read, is converted from the GopherJS value again, so this is slow
 * (~2 ms for a one-command script); the fast reader below gives the same result from the GopherJS values.
 */
function readWrapped(file: File, at: (b: number) => number): Pick<ShScript, 'calls' | 'comments'> {
  const calls: ShCall[] = [];
  const comments: ShComment[] = [];
  const assignOf = (a: Assign) => ({ name: a.Name?.Value ?? '', value: a.Value ? wordOf(a.Value, at) : null });
  syntax().Walk(file, (node) => {
    if (!node) return true;
    const type = syntax().NodeType(node);
    if (type === 'CallExpr') {
      const c = node as CallExpr;
      calls.push({
        kind: 'call',
        words: c.Args.map((w) => wordOf(w, at)),
        assigns: c.Assigns.map(assignOf),
        start: at(c.Pos().Offset()),
        end: at(c.End().Offset()),
      });
    } else if (type === 'DeclClause') {
      const d = node as DeclClause;
      calls.push({
        kind: 'decl',
        variant: d.Variant.Value,
        words: [],
        assigns: d.Args.filter((a) => a.Name).map(assignOf),
        start: at(d.Pos().Offset()),
        end: at(d.End().Offset()),
      });
    } else if (type === 'Comment') {
      comments.push({ start: at((node as Comment).Pos().Offset()) });
    }
    return true;
  });
  return { calls, comments };
}

// ------------------------------------------------------------------------------------------------------------
// Fast reader: the GopherJS values behind the wrappers (`__internal_object__`), read directly. It follows
// mvdan-sh 0.10.1's compiled syntax.Walk case by case (the order calls are found in, which comments it visits),
// so its result equals readWrapped's; a one-time self-check on a known script (selfCheck) and the
// differential tests (__tests__/ci-perf-shell.test.ts) hold it to that. Layout: a pointer is the struct object
// (`x.constructor.string` names its type, a nil pointer is `x.constructor.nil`), a nil interface has no
// `constructor.string`, a slice is { $array, $offset, $length }, a string holds UTF-8 bytes, a Pos is { offs }.
// Anything unexpected throws Unexpected, and the wrapped reader is used instead.

/** A GopherJS value (struct, pointer, slice or interface) of mvdan-sh's syntax package. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Go = any;

class Unexpected extends Error {}

function isNil(x: Go): boolean {
  if (x === undefined || x === null) throw new Unexpected('missing field');
  return typeof x.constructor?.string !== 'string' || x === x.constructor.nil;
}

function each(slice: Go, fn: (x: Go) => void): void {
  if (slice == null || typeof slice.$length !== 'number') throw new Unexpected('not a slice');
  const arr = slice.$array;
  for (let i = 0, o = slice.$offset; i < slice.$length; i++) fn(arr[o + i]);
}

function offs(pos: Go): number {
  const o = pos?.offs;
  if (typeof o !== 'number') throw new Unexpected('not a Pos');
  return o >>> 0;
}

/** UTF-8 bytes (a GopherJS string) → string. */
function decodeUtf8(s: string): string {
  return /^[\x00-\x7f]*$/.test(s) ? s : Buffer.from(s, 'latin1').toString('utf8');
}

function readFast(file: Go, at: (b: number) => number, ascii: boolean): Pick<ShScript, 'calls' | 'comments'> {
  const str = (s: unknown): string => {
    if (typeof s !== 'string') throw new Unexpected('not a string');
    return ascii ? s : decodeUtf8(s);
  };
  const calls: ShCall[] = [];
  const comments: ShComment[] = [];

  const parts = (slice: Go, quoted: boolean, out: Part[]): void =>
    each(slice, (n) => {
      switch (n.constructor.string) {
        case '*syntax.Lit':
          out.push({ t: 'lit', v: quoted ? unescapeDq(str(n.Value)) : unescapeBare(str(n.Value)) });
          break;
        case '*syntax.SglQuoted':
          out.push(n.Dollar ? { t: 'dyn' } : { t: 'lit', v: str(n.Value) });
          break;
        case '*syntax.DblQuoted':
          parts(n.Parts, true, out);
          break;
        case '*syntax.ParamExp': {
          const name = str(n.Param.Value);
          const index = !isNil(n.Index);
          out.push({
            t: 'var',
            name,
            plain: isNil(n.Exp) && !index && !n.Length && !n.Excl && isNil(n.Slice) && isNil(n.Repl),
            braced: !n.Short,
            quoted,
            list: index || name === '@' || name === '*',
          });
          break;
        }
        default:
          if (typeof n?.constructor?.string !== 'string') throw new Unexpected('not a word part');
          out.push({ t: 'dyn' });
      }
    });
  const word = (w: Go): ShWord => {
    const out: Part[] = [];
    parts(w.Parts, false, out);
    return { start: at(offs(w.Pos())), end: at(offs(w.End())), parts: out };
  };
  const assign = (a: Go) => ({ name: isNil(a.Name) ? '' : str(a.Name.Value), value: isNil(a.Value) ? null : word(a.Value) });

  const comment = (c: Go) => comments.push({ start: at(offs(c.Hash)) });
  const stmts = (list: Go, last: Go) => {
    each(list, walk);
    each(last, comment);
  };
  const words = (list: Go) => each(list, walk);
  const opt = (x: Go) => {
    if (!isNil(x)) walk(x);
  };
  /** Comments of a Stmt, CaseItem or ArrayElem: Walk visits them up to the first that `later` says comes after, which it visits last. */
  const leading = (list: Go, later: (c: Go) => boolean): Go | null => {
    let deferred: Go | null = null;
    each(list, (c) => {
      if (deferred !== null) return;
      if (later(c)) deferred = c;
      else comment(c);
    });
    return deferred;
  };

  function walk(x: Go): void {
    if (isNil(x)) return;
    let deferred: Go | null = null;
    switch (x.constructor.string) {
      case '*syntax.File':
      case '*syntax.Subshell':
      case '*syntax.Block':
      case '*syntax.CmdSubst':
      case '*syntax.ProcSubst':
        stmts(x.Stmts, x.Last);
        break;
      case '*syntax.Comment':
        comment(x);
        break;
      case '*syntax.Stmt': {
        const end = offs(x.End());
        deferred = leading(x.Comments, (c) => !(end > offs(c.Hash)));
        opt(x.Cmd);
        each(x.Redirs, walk);
        break;
      }
      case '*syntax.Assign':
        opt(x.Name);
        opt(x.Value);
        opt(x.Index);
        opt(x.Array);
        break;
      case '*syntax.Redirect':
        opt(x.N);
        walk(x.Word);
        opt(x.Hdoc);
        break;
      case '*syntax.CallExpr':
        calls.push({ kind: 'call', words: mapSlice(x.Args, word), assigns: mapSlice(x.Assigns, assign), start: at(offs(x.Pos())), end: at(offs(x.End())) });
        each(x.Assigns, walk);
        words(x.Args);
        break;
      case '*syntax.IfClause':
        stmts(x.Cond, x.CondLast);
        stmts(x.Then, x.ThenLast);
        opt(x.Else);
        break;
      case '*syntax.WhileClause':
        stmts(x.Cond, x.CondLast);
        stmts(x.Do, x.DoLast);
        break;
      case '*syntax.ForClause':
        walk(x.Loop);
        stmts(x.Do, x.DoLast);
        break;
      case '*syntax.WordIter':
        walk(x.Name);
        words(x.Items);
        break;
      case '*syntax.CStyleLoop':
        opt(x.Init);
        opt(x.Cond);
        opt(x.Post);
        break;
      case '*syntax.BinaryCmd':
      case '*syntax.BinaryArithm':
      case '*syntax.BinaryTest':
        walk(x.X);
        walk(x.Y);
        break;
      case '*syntax.FuncDecl':
        walk(x.Name);
        walk(x.Body);
        break;
      case '*syntax.Word':
      case '*syntax.DblQuoted':
        each(x.Parts, walk);
        break;
      case '*syntax.Lit':
      case '*syntax.SglQuoted':
        break;
      case '*syntax.ParamExp':
        walk(x.Param);
        opt(x.Index);
        if (!isNil(x.Repl)) {
          opt(x.Repl.Orig);
          opt(x.Repl.With);
        }
        if (!isNil(x.Exp)) opt(x.Exp.Word);
        break;
      case '*syntax.ArithmExp':
      case '*syntax.ArithmCmd':
      case '*syntax.UnaryArithm':
      case '*syntax.UnaryTest':
      case '*syntax.ParenArithm':
      case '*syntax.ParenTest':
      case '*syntax.TestClause':
        walk(x.X);
        break;
      case '*syntax.CaseClause':
        walk(x.Word);
        each(x.Items, walk);
        each(x.Last, comment);
        break;
      case '*syntax.CaseItem': {
        const pos = offs(x.Pos());
        deferred = leading(x.Comments, (c) => offs(c.Hash) > pos);
        words(x.Patterns);
        stmts(x.Stmts, x.Last);
        break;
      }
      case '*syntax.DeclClause': {
        const args: Go[] = [];
        each(x.Args, (a) => {
          if (!isNil(a.Name)) args.push(a);
        });
        calls.push({ kind: 'decl', variant: str(x.Variant.Value), words: [], assigns: args.map(assign), start: at(offs(x.Pos())), end: at(offs(x.End())) });
        each(x.Args, walk);
        break;
      }
      case '*syntax.ArrayExpr':
        each(x.Elems, walk);
        each(x.Last, comment);
        break;
      case '*syntax.ArrayElem': {
        const pos = offs(x.Pos());
        deferred = leading(x.Comments, (c) => offs(c.Hash) > pos);
        opt(x.Index);
        opt(x.Value);
        break;
      }
      case '*syntax.ExtGlob':
        walk(x.Pattern);
        break;
      case '*syntax.TimeClause':
        opt(x.Stmt);
        break;
      case '*syntax.CoprocClause':
        opt(x.Name);
        walk(x.Stmt);
        break;
      case '*syntax.LetClause':
        each(x.Exprs, walk);
        break;
      case '*syntax.TestDecl':
        walk(x.Description);
        walk(x.Body);
        break;
      default:
        throw new Unexpected(`node type ${String(x.constructor.string)}`);
    }
    if (deferred !== null) comment(deferred);
  }

  walk(file);
  return { calls, comments };
}

function mapSlice<T>(slice: Go, fn: (x: Go) => T): T[] {
  const out: T[] = [];
  each(slice, (x) => out.push(fn(x)));
  return out;
}

let parser: Parser | null = null;
/** null until the first parse; then whether the fast reader read SELF_CHECK right (selfCheck). */
let fastOk: boolean | null = null;

/** One script using every node type the fast reader handles, with comments where Walk treats them specially. */
export const SELF_CHECK = [
  '#!/bin/sh',
  '# lead',
  'A=1 B="x$Y" docker build -t "é${T:-x}" --build-arg X=${A[@]} . # tail',
  'export C=2 D; local E; declare -a F=(1 2 # in array',
  '  3)',
  'if [ -n "$X" ]; then cd "$(dirname "$0")"; elif true; then :; else pushd /x >/dev/null 2>&1 <<EOF',
  'body $(echo in heredoc)',
  'EOF',
  'fi # after if',
  'while read -r l; do echo "$l" | tr a b || break; done < <(ls $(pwd))',
  'for i in 1 2 $(seq 3); do (cd x && make) & done',
  'for ((i = 0; i < 3; i++)); do let "j = i * 2" k++; done',
  'case "$1" in',
  '  # before item',
  '  a | b) echo a ;; # after item',
  '  *) { echo other; } ;;',
  '  # case last',
  'esac',
  'f() { [[ -f x && ! -d y || ( z == w ) ]] && echo $(( (1 + 2) * -3 )) ${#x} ${x/a/b} ${x:1:2} ${!p} $\'q\' "${@}"; }',
  'time { coproc cat; }',
  'echo @(a|b) ~/x `echo bq` $((1)) {a,b}',
  '# the end',
  '',
].join('\n');

function read(file: File, text: string): Pick<ShScript, 'calls' | 'comments'> {
  const at = byteMapper(text);
  if (fastOk !== false) {
    const internal = (file as unknown as { __internal_object__?: Go }).__internal_object__;
    try {
      if (internal?.constructor?.string !== '*syntax.File') throw new Unexpected('no GopherJS File');
      return readFast(internal, at, !/[^\x00-\x7f]/.test(text));
    } catch (e) {
      if (!(e instanceof Unexpected) && !(e instanceof TypeError)) throw e;
      fastOk = false;
    }
  }
  return readWrapped(file, at);
}

/**
 * Texts up to this length share one parser. mvdan-sh 0.10.1's Parser.reset leaves some state behind: after an
 * error (anything), and after a line longer than 16383 bytes or more than 2^18 lines (the line/column overflow
 * flags, which change the positions in later error messages). So longer texts, which could overflow (4 UTF-8
 * bytes a character at most), get a parser of their own, and the shared one is dropped after an error.
 */
const SHARED_PARSER_MAX = 4000;

function parseOnce(text: string): ShScript {
  if (fastOk === null) selfCheck();
  const shared = text.length <= SHARED_PARSER_MAX;
  const p = shared ? (parser ??= syntax().NewParser(syntax().KeepComments(true))) : syntax().NewParser(syntax().KeepComments(true));
  let file: File;
  try {
    file = p.Parse(text, '');
  } catch (e) {
    if (shared) parser = null;
    return parseError(e);
  }
  return { ...read(file, text), error: null };
}

/** FNV-1a (32 bits) of a result's JSON: what the self-check compares. */
export function shellFingerprint(script: Pick<ShScript, 'calls' | 'comments'>): string {
  const json = JSON.stringify({ calls: script.calls, comments: script.comments });
  let h = 0x811c9dc5;
  for (let i = 0; i < json.length; i++) h = Math.imul(h ^ json.charCodeAt(i), 0x01000193);
  return `${json.length}:${(h >>> 0).toString(16)}`;
}

/**
 * parseShellReference(SELF_CHECK)'s fingerprint with mvdan-sh 0.10.1 (__tests__/ci-perf-shell.test.ts checks it):
 * the fast reader must give it, else the wrapped reader is used.
 */
export const SELF_CHECK_FINGERPRINT = '6047:33be6d4c';

/** The first time: the fast reader must read SELF_CHECK as the reference reader does, else it is not used. */
function selfCheck(): void {
  fastOk = false;
  try {
    const internal = (syntax().NewParser(syntax().KeepComments(true)).Parse(SELF_CHECK, '') as unknown as { __internal_object__?: Go }).__internal_object__;
    fastOk = shellFingerprint(readFast(internal, byteMapper(SELF_CHECK), false)) === SELF_CHECK_FINGERPRINT;
  } catch {
    fastOk = false;
  }
}

/** Which reader parseShell uses (for tests and the bench): 'fast' unless mvdan-sh's layout is not the expected one. */
export function shellReader(): 'fast' | 'wrapped' {
  if (fastOk === null) selfCheck();
  return fastOk ? 'fast' : 'wrapped';
}

/** The fast reader alone (a fresh parser, no self-check, no fallback, no cache), for tests. */
export function parseShellFast(text: string): ShScript {
  let file: File;
  try {
    file = syntax().NewParser(syntax().KeepComments(true)).Parse(text, '');
  } catch (e) {
    return parseError(e);
  }
  const internal = (file as unknown as { __internal_object__?: Go }).__internal_object__;
  return { ...readFast(internal, byteMapper(text), !/[^\x00-\x7f]/.test(text)), error: null };
}

/** The reference implementation (a fresh parser, syntax.Walk over the wrappers, no cache), for tests. */
export function parseShellReference(text: string): ShScript {
  const p = syntax().NewParser(syntax().KeepComments(true));
  let file: File;
  try {
    file = p.Parse(text, '');
  } catch (e) {
    return parseError(e);
  }
  return { ...readWrapped(file, byteMapper(text)), error: null };
}

function deepFreeze<T>(x: T): T {
  if (x !== null && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

/** Parsed scripts by text, most recently used last. Results are frozen: callers share them. */
const cache = new Map<string, ShScript>();
const CACHE_ENTRIES = 4096;
/** Longer texts (script files) are parsed each time rather than kept. */
const CACHE_TEXT_MAX = 64 * 1024;
/** The cached texts' total length is kept under this (a few MB). */
const CACHE_CHARS = 2 * 1024 * 1024;
let cachedChars = 0;

/**
 * The commands, declarations and comments of a script (in syntax.Walk's order), or its parse error. Results are
 * cached by text for the process (LRU, bounded in entries and text) and frozen: never modify one.
 */
export function parseShell(text: string): ShScript {
  const hit = cache.get(text);
  if (hit) {
    cache.delete(text);
    cache.set(text, hit);
    return hit;
  }
  const script = deepFreeze(parseOnce(text));
  if (text.length <= CACHE_TEXT_MAX) {
    while (cache.size > 0 && (cache.size >= CACHE_ENTRIES || cachedChars + text.length > CACHE_CHARS)) {
      const oldest: string = cache.keys().next().value!;
      cache.delete(oldest);
      cachedChars -= oldest.length;
    }
    cache.set(text, script);
    cachedChars += text.length;
  }
  return script;
}

const topCache = new Map<string, ReadonlySet<string>>();

/**
 * The simple commands and declarations that are statements of the script itself (`start:end` of each), run
 * unconditionally in the script's own shell: not inside `if`/`case`/loops/functions/subshells, not one side of
 * `&&`/`||`/`|`, not in the background. A text that does not parse has none. Read with syntax.Walk's wrappers
 * (only scripts that assign a variable a build command expands are asked), cached by text.
 */
export function topLevelCommands(text: string): ReadonlySet<string> {
  let hit = topCache.get(text);
  if (hit) return hit;
  const out = new Set<string>();
  try {
    const file = syntax().NewParser().Parse(text, '');
    const at = byteMapper(text);
    for (const s of file.Stmts) {
      if (!s.Cmd || s.Background || s.Coprocess) continue;
      const t = syntax().NodeType(s.Cmd);
      if (t === 'CallExpr' || t === 'DeclClause') out.add(`${at(s.Cmd.Pos().Offset())}:${at(s.Cmd.End().Offset())}`);
    }
  } catch {
    /* not parsed: nothing is unconditional */
  }
  hit = out;
  if (topCache.size > 256) topCache.clear();
  topCache.set(text, hit);
  return hit;
}

/** Variables a word may read: value, or null when set but unknown; absent names are unknown too. */
export type Env = Pick<ReadonlyMap<string, string | null>, 'get'>;

/** The word's value when every part is known, else null. */
export function evalWord(w: ShWord, env: Env): string | null {
  let s = '';
  for (const p of w.parts) {
    if (p.t === 'lit') s += p.v;
    else if (p.t === 'var' && p.plain) {
      const v = env.get(p.name);
      if (v === undefined || v === null) return null;
      s += v;
    } else return null;
  }
  return s;
}

/** The literal prefix of a word (up to its first expansion), and whether the whole word is literal. */
export function literalPrefix(w: ShWord): { text: string; complete: boolean } {
  let s = '';
  for (const p of w.parts) {
    if (p.t !== 'lit') return { text: s, complete: false };
    s += p.v;
  }
  return { text: s, complete: true };
}

/** An unquoted expansion (`$EXTRA_ARGS`) or a list expansion (`"${args[@]}"`): may stand for several words. */
export function isSplatting(w: ShWord): boolean {
  return w.parts.some((p) => (p.t === 'var' && (!p.quoted || p.list)) || (p.t === 'dyn' && !w.parts.some((q) => q.t === 'lit')));
}
