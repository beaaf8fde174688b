/**
 * Where text may be inserted into a YAML file without changing any value it already holds (issue 10, "YAML
 * edits that keep every value"). Offsets come from the `yaml` parser's node ranges, never from re-reading the
 * text as YAML by hand:
 *
 * - a block scalar's range ends after its last line of content, kept (`|+`, `>+`) blank lines included, and
 *   before the comment lines that follow it; text inserted inside that range, or before its kept blank lines,
 *   would change the value;
 * - a comment ends the line it is on: a new line after a value goes after the comment, and a new word inside a
 *   one-line value goes before it;
 * - a block scalar's content indentation is that of its first line of content less the spaces the value keeps
 *   on it (an explicit indentation indicator, `|2`, lets content lines start with spaces).
 */
import { isMap, isScalar, isSeq, visit, type Node, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { TextEdit } from '../../src/edits.js';
import { position, type CiFile } from '../../src/ci/yaml.js';

export function lineStart(text: string, off: number): number {
  return text.lastIndexOf('\n', off - 1) + 1;
}

/** End of the line holding `off`, before its `\r\n` or `\n`. */
export function lineEnd(text: string, off: number): number {
  const n = text.indexOf('\n', off);
  const e = n < 0 ? text.length : n;
  return e > 0 && text[e - 1] === '\r' ? e - 1 : e;
}

export const eolOf = (text: string) => (text.includes('\r\n') ? '\r\n' : '\n');

/** The spaces before the column where `node` starts (a sibling entry's indentation). */
export const indentAt = (file: CiFile, node: Node) => ' '.repeat(position(file, node.range![0]).column - 1);

export const isBlock = (n: unknown): n is Scalar => isScalar(n) && (n.type === 'BLOCK_LITERAL' || n.type === 'BLOCK_FOLDED');

/** Column (0-based) where a node starts. */
export const columnOf = (file: CiFile, node: Node) => position(file, node.range![0]).column - 1;

/**
 * The content indentation of a block scalar (YAML 1.2 §8.1.1.1): the leading spaces of its first line with
 * content, less those the value keeps at the start of its first line that is not blank. Null when the block
 * has no content line.
 */
export function blockIndent(file: CiFile, node: Scalar): number | null {
  const text = file.text;
  const end = node.range![1];
  for (let ls = text.indexOf('\n', node.range![0]) + 1; ls > 0 && ls < end; ls = text.indexOf('\n', ls) + 1) {
    const line = text.slice(ls, lineEnd(text, ls));
    if (!/\S/.test(line)) continue;
    const value = String(node.value).replace(/^([ \t]*\n)+/, '');
    const kept = /^ */.exec(value)![0].length;
    return /^ */.exec(line)![0].length - kept;
  }
  return null;
}

/** The last line of a block scalar that holds content (not blank), as [start, end) offsets; null when none. */
export function lastContentLine(file: CiFile, node: Scalar): { start: number; end: number } | null {
  const text = file.text;
  const body = text.indexOf('\n', node.range![0]) + 1;
  let e = node.range![1];
  while (e > body && /\s/.test(text[e - 1])) e--;
  if (e <= body) return null;
  return { start: lineStart(text, e), end: lineEnd(text, e) };
}

/** The node holding the last bytes of a block collection's content: its last entry, followed into nested block collections. */
function lastLeaf(node: Node): Node {
  let n: Node = node;
  for (let k = 0; k < 100; k++) {
    if ((isMap(n) || isSeq(n)) && !n.flow && n.items.length) {
      const last = n.items[n.items.length - 1] as unknown;
      const next = isMap(n) ? (((last as YAMLMap['items'][number]).value ?? (last as YAMLMap['items'][number]).key) as Node | null) : (last as Node | null);
      if (!next || !next.range) return n;
      n = next;
    } else return n;
  }
  return n;
}

/**
 * An insertion of new lines (each given with its indentation, without a line break) after the last entry of a
 * block collection: after its last value's line (a comment on it included), and after the whole of a block
 * scalar that ends it, kept blank lines included. Null when that cannot be done without changing a value (a
 * block scalar that is not stripped (`-`) ending the file without a line break would gain one).
 */
export function afterLastEntry(file: CiFile, coll: YAMLMap | YAMLSeq, lines: readonly string[]): TextEdit | null {
  const text = file.text;
  const eol = eolOf(text);
  const leaf = lastLeaf(coll);
  if (isBlock(leaf)) {
    const end = leaf.range![1];
    if (text[end - 1] === '\n') return { start: end, end, text: lines.map((l) => `${l}${eol}`).join('') };
    // At the end of the file without a line break: only a stripped block reads the same with one after it.
    if (!/^[|>][1-9+-]*/.exec(text.slice(leaf.range![0]))![0].includes('-')) return null;
    return { start: end, end, text: lines.map((l) => `${eol}${l}`).join('') };
  }
  let end = leaf.range![1];
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  const at = lineEnd(text, end);
  return { start: at, end: at, text: lines.map((l) => `${eol}${l}`).join('') };
}

interface FlowSpans {
  /** [start, end) of every flow collection in the document. */
  spans: [number, number][];
}
const flowCache = new WeakMap<CiFile['doc'], FlowSpans>();

/** True when `offset` lies inside a flow collection (`[…]`, `{…}`), where `,[]{}` end a plain scalar. */
export function inFlow(file: CiFile, offset: number): boolean {
  let f = flowCache.get(file.doc);
  if (!f) {
    const spans: [number, number][] = [];
    visit(file.doc, {
      Map: (_k, m) => void (m.flow && m.range && spans.push([m.range[0], m.range[1]])),
      Seq: (_k, s) => void (s.flow && s.range && spans.push([s.range[0], s.range[1]])),
    });
    f = { spans };
    flowCache.set(file.doc, f);
  }
  return f.spans.some(([s, e]) => s < offset && offset < e);
}

/** Characters a plain scalar cannot hold inside a flow collection (YAML 1.2 c-flow-indicator). */
export const FLOW_INDICATOR = /[,[\]{}]/;

/**
 * A one-line plain scalar written as a quoted one by inserting quotes around it, when that reads the same:
 * single quotes when neither the value nor what will be added holds a `'` (nothing is an escape there), else
 * double quotes when the value holds no `"` or `\`. `added` is the text that will be inserted into it; the
 * result says how to write it (`escape`). Null when neither reads the same, or the scalar spans lines.
 */
export function quotePlain(file: CiFile, node: Scalar, added: string): { open: TextEdit; close: TextEdit; escape: (s: string) => string } | null {
  const [start, end] = node.range!;
  const src = file.text.slice(start, end);
  if (node.type !== 'PLAIN' || src.includes('\n') || typeof node.value !== 'string') return null;
  if (!src.includes("'") && !added.includes("'")) {
    return { open: { start, end: start, text: "'" }, close: { start: end, end, text: "'" }, escape: (s) => s };
  }
  if (!/["\\]/.test(src)) {
    return { open: { start, end: start, text: '"' }, close: { start: end, end, text: '"' }, escape: (s) => s.replace(/[\\"]/g, '\\$&') };
  }
  return null;
}
