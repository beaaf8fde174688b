/**
 * HCL as Bake reads it. docker/buildx parses Bake HCL files with hashicorp/hcl v2; `hcl2-parser` is that parser
 * compiled to JavaScript (GopherJS build of tmccombs/hcl2json), synchronous and without dependencies. It gives
 * the file as JSON (blocks by type and label, each a list of bodies; an expression or template as its source
 * text in `${…}`), without source positions and without an error message. So the Bake reader takes the file's
 * meaning from this parser only; where an edit goes is found by a small scanner (transforms/bake.ts), and every
 * edited file is parsed again to prove that it means exactly what was planned.
 *
 * Evaluated and not taken: @cdktf/hcl2json (the same Go code as WebAssembly, asynchronous), tree-sitter-hcl with
 * web-tree-sitter (byte positions, but asynchronous WebAssembly, and the grammar package runs node-gyp-build on
 * install), hcl-to-json / js-hcl-parser (HCL 1), codemirror-lang-hcl (an editor grammar, not Bake's parser).
 * Loaded on first use: only a repository with a Bake HCL file pays for it.
 */
import { createRequire } from 'node:module';

type Parser = { parseToObject(input: string): [unknown, unknown] };
let parser: Parser | null = null;

/** A Bake HCL body as the parser gives it: attributes by name, blocks by type then label, a list of bodies each. */
export type HclBody = Record<string, unknown>;

/** The file's top-level body, or null when the HCL parser rejects it. */
export function parseHcl(text: string): HclBody | null {
  parser ??= createRequire(import.meta.url)('hcl2-parser') as Parser;
  const [value, error] = parser.parseToObject(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (error !== null && error !== undefined) return null;
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as HclBody) : null;
}

/** `value` with object keys sorted, as text: two parsed files mean the same exactly when these are equal. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
