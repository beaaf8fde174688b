/**
 * Shell words with offsets, from mvdan-sh (mvdan.cc/sh's parser): the commands of one script text, in source
 * order, each word with its span (string indices into the text) and its parts, so a caller can tell a
 * literal from an expansion and evaluate words against known variables.
 */
import sh, { type Assign, type CallExpr, type Comment, type DblQuoted, type DeclClause, type Lit, type Node, type ParamExp, type SglQuoted, type Word } from 'mvdan-sh';

const { syntax } = sh;

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
    switch (syntax.NodeType(n)) {
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

export function parseShell(text: string): ShScript {
  const at = byteMapper(text);
  const parser = syntax.NewParser(syntax.KeepComments(true));
  let file;
  try {
    file = parser.Parse(text, '');
  } catch (e) {
    const m = /^:?(\d+):(\d+): (.*)$/s.exec(String((e as { Error?: () => string }).Error?.() ?? e));
    return {
      calls: [],
      comments: [],
      error: m ? { message: m[3], line: +m[1], column: +m[2] } : { message: String(e), line: 1, column: 1 },
    };
  }
  const calls: ShCall[] = [];
  const comments: ShComment[] = [];
  const assignOf = (a: Assign) => ({ name: a.Name?.Value ?? '', value: a.Value ? wordOf(a.Value, at) : null });
  syntax.Walk(file, (node) => {
    if (!node) return true;
    const type = syntax.NodeType(node);
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
  return { calls, comments, error: null };
}

/** Variables a word may read: value, or null when set but unknown; absent names are unknown too. */
export type Env = ReadonlyMap<string, string | null>;

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
