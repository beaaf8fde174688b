/**
 * Templates are not CI files: a cookiecutter or copier project directory (`{{ cookiecutter.service }}/`), a
 * file with a template extension (`docker-compose.yml.j2`, `docker-compose.tpl.yml`), or a file whose content is
 * a Jinja template (`{% set … %}` on its first line, `{{ cookiecutter.service }}:` as a key) is rendered into a
 * CI file later; reading it as one gives parse errors or nonsense. Loaders skip them with a note. The path
 * rule is discovery's (src/discover.ts isTemplatePath), so Dockerfiles and CI files are passed over alike.
 */
import { isMap, isPair, visit, type Document } from 'yaml';
import { isTemplatePath } from '../discover.js';

/** The template marker in a repository-relative, `/`-separated path (discovery's isTemplatePath), or null. */
export function templateInPath(rel: string): string | null {
  if (!isTemplatePath(rel)) return null;
  const segs = rel.split('/');
  for (const seg of segs) if (seg.includes('{{') || seg.includes('{%')) return `path segment '${seg}'`;
  const parts = segs[segs.length - 1].split('.');
  const ext = parts.slice(1).reverse().find((p) => isTemplatePath(`x.${p}`)) ?? parts[parts.length - 1];
  return `extension .${ext}`;
}

/** A Jinja statement or comment opening a line (after indentation and a `- `): never YAML (`%` is reserved). */
const STATEMENT = /^[ \t]*(?:-[ \t]+)?\{[%#]/;
/** A mapping key that is a Jinja expression: `{{ cookiecutter.service }}:`. */
const EXPRESSION_KEY = /^[ \t]*(?:-[ \t]+)?\{\{[^\n]*\}\}[ \t]*:(?:[ \t]|\r?$)/;

function lineOf(text: string, re: RegExp, first: boolean): number | null {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (first && (/^\s*$/.test(l) || /^\s*#/.test(l))) continue;
    if (re.test(l)) return i + 1;
    if (first) return null;
  }
  return null;
}

/**
 * Before parsing: the text is a Jinja template when its first line that is not blank or a comment opens with a
 * statement (`{% … %}`, `{# … #}`). Returns the reason, or null.
 */
export function templateByFirstLine(text: string): string | null {
  const n = lineOf(text, STATEMENT, true);
  return n === null ? null : `a Jinja template ('${text.split('\n')[n - 1].trim().slice(0, 2)}' on line ${n})`;
}

/**
 * After a failed parse: the text is a Jinja template when a line opens with a statement or is a `{{ … }}:` key.
 * (Only asked when the YAML is invalid, so a block scalar holding such a line cannot make a valid file a template.)
 */
export function templateByMarkers(text: string): string | null {
  const s = lineOf(text, STATEMENT, false);
  const k = lineOf(text, EXPRESSION_KEY, false);
  if (s === null && k === null) return null;
  if (k !== null && (s === null || k < s)) return `a Jinja template ('{{ … }}:' as a key on line ${k})`;
  return `a Jinja template ('${text.split('\n')[s! - 1].trim().replace(/^-\s+/, '').slice(0, 2)}' on line ${s})`;
}

/**
 * After a successful parse: the document is a Jinja template when one of its mapping keys is written `{{ … }}`
 * (YAML reads that as a flow mapping inside a flow mapping, which no CI file uses as a key).
 */
export function templateByKeys(text: string, doc: Document.Parsed, linePos: (offset: number) => { line: number }): string | null {
  if (lineOf(text, EXPRESSION_KEY, false) === null) return null;
  let found: number | null = null;
  visit(doc, {
    Pair: (_k, pair) => {
      if (!isPair(pair) || !isMap(pair.key)) return undefined;
      const start = pair.key.range?.[0];
      if (start !== undefined && text.startsWith('{{', start)) {
        found = start;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found === null ? null : `a Jinja template ('{{ … }}:' as a key on line ${linePos(found).line})`;
}
