/**
 * CI transform for Bake targets (research ci.md §5 R3): for every FROM variable a target does not pass yet,
 * `"NAME": "${NAME}"` in the target's `args` and, unless the file declares it, `"NAME": {"default": null}` in
 * `variable` (`"default": null` added to a declared variable without one): Bake fills the variable from the
 * environment variable of the same name, and a null one leaves the arg out so the Dockerfile default applies
 * ("If you assign a null value, Buildx uses the default value from the Dockerfile instead", docker/buildx
 * docs/bake-reference.md "Variable"); a variable without a default is "" when the environment has none
 * (bake/hclparser resolveValue), and one whose default is "" is never passed. JSON files are edited by
 * insertion; HCL files get `NAME = NAME` and `variable "NAME" { default = null }` by insertion too, each edited
 * file proven by parsing it again (hclEdits), else reported with the exact text to add.
 */
import { isMap, type Node, type YAMLMap } from 'yaml';
import type { BakeTarget, HclFile, HclSite } from '../src/ci/bake.js';
import { canonical, parseHcl, type HclBody } from '../src/ci/hcl.js';
import { applyEdits } from '../src/edits.js';
import type { CiFile } from '../src/ci/yaml.js';
import type { TextEdit } from '../src/edits.js';
import { finding, type Finding } from '../src/findings.js';
import { addedFinding, dynamicHint, missingAnywhere, stillMissing, unseen, type CiTransformResult, type DockerfileFacts } from './support/ci-args.js';
import { eolOf } from './support/yaml-edit.js';

const leading = (text: string, off: number) => /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', off - 1) + 1))![0];
/** The file's indentation unit (its first indented line's leading whitespace). */
const unitOf = (text: string) => /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';

/** Insertion of `pairs` (`"K": V` texts) at the end of a JSON object, in its layout (one per line, or inline). */
function addPairs(file: CiFile, obj: YAMLMap, pairs: string[]): TextEdit {
  const text = file.text;
  const [start, end] = obj.range!;
  const close = text.lastIndexOf('}', end - 1);
  if (obj.items.length === 0) return { start: start + 1, end: start + 1, text: pairs.join(', ') };
  const last = obj.items[obj.items.length - 1];
  const after = ((last.value ?? last.key) as Node).range![1];
  if (!text.slice(start, close).includes('\n')) return { start: after, end: after, text: pairs.map((p) => `, ${p}`).join('') };
  const ind = leading(text, (last.key as Node).range![0]);
  const eol = eolOf(text);
  return { start: after, end: after, text: pairs.map((p) => `,${eol}${ind}${p}`).join('') };
}

/** A new `"key": { pairs }` member for `obj`, laid out one pair per line one level deeper. */
function addObject(file: CiFile, obj: YAMLMap, key: string, pairs: string[]): TextEdit {
  const text = file.text;
  const eol = eolOf(text);
  const unit = unitOf(text);
  const ind = obj.items.length ? leading(text, (obj.items[0].key as Node).range![0]) : unit;
  return addPairs(file, obj, [`"${key}": {${pairs.map((p) => `${eol}${ind}${unit}${p}`).join(',')}${eol}${ind}}`]);
}

export function bakeTransform(targets: readonly BakeTarget[], dockerfiles: ReadonlyMap<string, DockerfileFacts>): CiTransformResult {
  const edits = new Map<string, TextEdit[]>();
  const findings: Finding[] = [];
  const built = new Set<string>();
  /** Variables added per file in this run (several targets may need the same one). */
  const declaredNow = new Map<string, Set<string>>();
  const newVars = new Map<string, { file: CiFile; root: YAMLMap; names: string[] }>();
  /** Declared variables given `"default": null` in this run (several targets may pass the same one). */
  const nulled = new Set<string>();
  /** HCL targets' wanted names, by file and target (a matrix target may build several Dockerfiles). */
  const hclWanted = new Map<string, HclRequest>();
  for (const t of targets) {
    const push = (f: Finding) => findings.push({ ...f, file: t.file.path });
    const pos = { line: t.line, column: t.column };
    if (t.dockerfile === null) {
      for (const d of dockerfiles.keys()) built.add(d);
      const missing = missingAnywhere(t.passed.map((name) => ({ name })), dockerfiles);
      if (missing.length) push(finding('CiDynamicDockerfile', pos, `bake target '${t.name}': ${t.unresolved}; not edited`, { fix: dynamicHint(missing, 'in its args yourself'), ...unseen(missing) }));
      continue;
    }
    const facts = dockerfiles.get(t.dockerfile);
    if (!facts) continue;
    built.add(t.dockerfile);
    const wanted = facts.needs.filter((n) => !t.passed.includes(n));
    if (wanted.length === 0) continue;
    const declared = declaredNow.get(t.file.path) ?? new Set(t.variables);
    declaredNow.set(t.file.path, declared);
    // A variable whose default is "" passes an empty value where the environment has none, which overrides the
    // Dockerfile default: not passed (the file's default is the user's to change, to null).
    const empty = wanted.filter((n) => t.defaults.get(n)?.kind === 'empty');
    const names = wanted.filter((n) => !empty.includes(n));
    const stillEmpty = stillMissing(facts, empty);
    if (stillEmpty.length) {
      push(
        finding('CiEmptyVariable', pos, `bake target '${t.name}' builds ${facts.path}, which needs ${stillEmpty.join(', ')}, but the file's variable ${stillEmpty.join(', ')} default${stillEmpty.length === 1 ? 's' : ''} to "": passing it would override the Dockerfile default with an empty value where the environment has none; not passed`, {
          ...(stillEmpty.length === 1 ? { name: stillEmpty[0] } : {}),
          fix: `declare ${stillEmpty.map((n) => `variable "${n}" with default = null`).join(', ')} and pass ${stillEmpty.map((n) => `${n} = ${n}`).join(', ')} in the args of target "${t.name}"`,
        }),
      );
    }
    if (names.length === 0) continue;
    const undeclared = names.filter((n) => !declared.has(n));
    /** Declared without a default: "" where the environment has none, so it gets `default = null`. */
    const noDefault = names.filter((n) => declared.has(n) && t.defaults.get(n)?.kind === 'none');
    if (t.hcl) {
      const key = `${t.hcl.file.file.path}\0${t.name}`;
      const req = hclWanted.get(key) ?? { t, site: t.hcl, names: [], facts: [] };
      for (const n of names) if (!req.names.includes(n)) req.names.push(n);
      req.facts.push(facts);
      hclWanted.set(key, req);
      continue;
    }
    // JSON targets always carry their object and the file root.
    if (!t.node || !t.root) continue;
    const file = t.file;
    const list = edits.get(file.path) ?? [];
    edits.set(file.path, list);
    const args = t.node.items.find((p) => (p.key as { value?: unknown }).value === 'args')?.value;
    const pairs = names.map((n) => `"${n}": "\${${n}}"`);
    if (isMap(args)) list.push(addPairs(file, args, pairs));
    else if (args === undefined) list.push(addObject(file, t.node, 'args', pairs));
    else {
      const unmade = stillMissing(facts, names);
      if (unmade.length) push(finding('CiBuildArgsShape', pos, `bake target '${t.name}': args is not an object; not edited`, { fix: `add ${unmade.map((n) => `"${n}": "\${${n}}"`).join(', ')} to its args` }));
      continue;
    }
    const nulls = noDefault.filter((n) => !nulled.has(`${file.path}\0${n}`));
    for (const n of nulls) {
      nulled.add(`${file.path}\0${n}`);
      list.push(addPairs(file, t.defaults.get(n)!.node!, ['"default": null']));
    }
    push(
      addedFinding(
        { label: 'bake target', pos },
        `'${t.name}'`,
        [...pairs.map((p) => `args ${p}`), ...nulls.map((n) => `variable ${n} "default": null`)],
        facts,
        names.map((name) => ({ name, bare: false, needed: true })),
      ),
    );
    if (undeclared.length) {
      const nv = newVars.get(file.path) ?? { file, root: t.root, names: [] };
      nv.names.push(...undeclared);
      newVars.set(file.path, nv);
      for (const n of undeclared) declared.add(n);
    }
  }
  for (const { file, root, names } of newVars.values()) {
    const pairs = names.map((n) => `"${n}": {"default": null}`);
    const vars = root.items.find((p) => (p.key as { value?: unknown }).value === 'variable')?.value;
    const list = edits.get(file.path)!;
    if (isMap(vars)) list.push(addPairs(file, vars, pairs));
    else list.push(addObject(file, root, 'variable', pairs));
  }
  hclEdits([...hclWanted.values()], edits, findings);
  return { edits, findings, built };
}

interface HclRequest {
  t: BakeTarget;
  site: HclSite;
  names: string[];
  /** The Dockerfiles the target builds that want them. */
  facts: DockerfileFacts[];
}

/**
 * The index of the `}` closing the block whose `{` is at `open`, skipping strings and comments; -1 when unbalanced
 * or a heredoc comes first. With `at`: the brace depth at `at` instead (1 inside the block's own body), -1 when
 * `at` is inside a string or comment.
 */
function closing(text: string, open: number, at?: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (i === at) return depth;
    if (at !== undefined && i > at) return -1;
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      i = text.indexOf('\n', i);
      if (i < 0) return -1;
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2);
      if (i < 0) return -1;
      i++;
    } else if (c === '<' && text[i + 1] === '<') return -1; // a heredoc: not scanned, the edit is refused
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** The `{` of the only top-level block `type "label" {` in `text`, or -1. */
function blockOpen(text: string, type: string, label: string): number {
  const re = new RegExp(`^([ \\t]*)${type}[ \\t]+"${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[ \\t]*\\{`, 'gm');
  const all = [...text.matchAll(re)];
  return all.length === 1 && all[0][1] === '' ? all[0].index! + all[0][0].length - 1 : -1;
}

const lineStart = (text: string, off: number) => text.lastIndexOf('\n', off - 1) + 1;
/** The text before `off` on its line, when it is only blanks (then `off` starts its line's content). */
const ownLine = (text: string, off: number) => /^[ \t]*$/.test(text.slice(lineStart(text, off), off));

/**
 * Insertion before the `}` at `close` of a block (`open` its `{`) of `lines` (each a whole attribute): on their
 * own lines in the block's indentation when the block spans lines and the `}` starts its line; inside an empty
 * `{}`; else null (a one-line block with content is not rewritten).
 */
function intoBlock(text: string, open: number, close: number, lines: string[], inner: string): TextEdit | null {
  const eol = eolOf(text);
  const body = text.slice(open + 1, close);
  if (body.includes('\n')) {
    if (!ownLine(text, close)) return null;
    const first = /\n([ \t]*)\S/.exec(body);
    const ind = first && first.index + 1 + first[1].length < body.length ? first[1] : leading(text, close) + inner;
    const at = lineStart(text, close);
    return { start: at, end: at, text: lines.map((l) => `${ind}${l.split('\n').join(`${eol}${ind}`)}${eol}`).join('') };
  }
  if (body.trim() !== '') return null;
  const outer = leading(text, open);
  return { start: open + 1, end: open + 1, text: `${eol}${lines.map((l) => `${outer}${inner}${l.split('\n').join(`${eol}${outer}${inner}`)}${eol}`).join('')}${outer}` };
}

/** A value's object key (the args key a name becomes in the parsed file). */
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/**
 * The HCL edits (ci.md R3): `V = V` in the target's args (its own block, in the first file defining it: an
 * inherited target may be inherited by targets that build other Dockerfiles), `variable "V" { default = null }`
 * for an undeclared V (after the file's last variable block, else before its first block), and `default = null`
 * in a declared variable without a default (one block only). Every edited file is parsed again with Bake's parser
 * and must read exactly as the planned change of what it read; otherwise nothing is edited and the text to add
 * is reported (CiBakeHcl).
 */
function hclEdits(requests: HclRequest[], edits: Map<string, TextEdit[]>, findings: Finding[]): void {
  if (requests.length === 0) return;
  const byFile = new Map<HclFile, TextEdit[]>();
  const expected = new Map<HclFile, HclBody>();
  const editsOf = (f: HclFile) => {
    if (!byFile.has(f)) {
      byFile.set(f, []);
      expected.set(f, clone(f.parsed));
    }
    return byFile.get(f)!;
  };
  const failed = new Map<HclRequest, string>();
  const declared = new Set(requests[0].site.declaredIn.keys());
  const newVars = new Map<HclFile, string[]>();
  const nulls = new Set<string>();
  const flags = new Map<HclRequest, string[]>();
  // A target that inherits from a target getting the same names in this run gets them from there (args merge
  // through `inherits`): it is not edited itself.
  const through = new Map<HclRequest, Map<string, string>>();
  for (const r of requests) {
    for (const p of requests) {
      if (p === r || !r.site.parents.includes(p.site.target)) continue;
      for (const n of p.names) if (r.names.includes(n) && !through.get(r)?.has(n)) through.set(r, (through.get(r) ?? new Map()).set(n, p.site.target));
    }
  }
  // Only from a parent that is itself edited (not one that gets the names through its own parent).
  for (const [r, m] of through) for (const [n, from] of m) if (through.get(requests.find((x) => x.site.target === from)!)?.has(n)) m.set(n, through.get(requests.find((x) => x.site.target === from)!)!.get(n)!);
  const inheritedFlags = (r: HclRequest) => [...(through.get(r) ?? [])].map(([n, from]) => `args ${n} = ${n} (through the inherited target '${from}')`);
  for (const r of requests) {
    /** The names its own block gets. */
    const names = r.names.filter((n) => !through.get(r)?.has(n));
    if (names.length === 0) {
      flags.set(r, inheritedFlags(r));
      continue;
    }
    const { site } = r;
    const f = site.file;
    const text = f.file.text;
    const unit = unitOf(text);
    const fail = (why: string) => failed.set(r, why);
    if (site.args === 'expression') {
      fail('its args are not an object');
      continue;
    }
    if (!names.every((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n))) {
      fail('a name is not an HCL identifier');
      continue;
    }
    const open = blockOpen(text, 'target', site.target);
    const close = open < 0 ? -1 : closing(text, open);
    if (close < 0) {
      fail(`the block of target "${site.target}" could not be located`);
      continue;
    }
    const pairs = names.map((n) => `${n} = ${n}`);
    let edit: TextEdit | null = null;
    if (site.args === 'object') {
      // The block's own `args = {`, at the block's top level (the first at the start of a line after its `{`).
      // The block's own `args = {`: at the start of a line, at the block's top level.
      let aOpen = -1;
      for (const x of text.slice(0, close).matchAll(/\n[ \t]*args[ \t]*=[ \t]*\{/g)) {
        if (x.index > open && closing(text, open, x.index + 1) === 1) {
          aOpen = x.index + x[0].length - 1;
          break;
        }
      }
      const aClose = aOpen < 0 ? -1 : closing(text, aOpen);
      if (aClose < 0 || aClose > close) {
        fail('its args could not be located');
        continue;
      }
      const body = text.slice(aOpen + 1, aClose);
      if (body.includes('\n')) edit = intoBlock(text, aOpen, aClose, pairs, unit);
      else {
        const trimmed = body.trimEnd();
        const after = aOpen + 1 + trimmed.length;
        edit = trimmed.trim() === '' ? { start: aOpen + 1, end: aOpen + 1, text: ` ${pairs.join(', ')} ` } : { start: after, end: after, text: `${trimmed.endsWith(',') ? '' : ','} ${pairs.join(', ')}` };
      }
    } else edit = intoBlock(text, open, close, [`args = {\n${pairs.map((p) => `${unit}${p}`).join('\n')}\n}`], unit);
    if (!edit) {
      fail('its block is written on one line');
      continue;
    }
    editsOf(f).push(edit);
    const exp = expected.get(f)!;
    const t = ((exp.target as Record<string, Record<string, unknown>[]>)[site.target][0] ??= {});
    t.args = { ...((t.args as Record<string, unknown>) ?? {}), ...Object.fromEntries(names.map((n) => [n, `\${${n}}`])) };
    const fl = pairs.map((p) => `args ${p}`);
    for (const n of names) {
      if (!declared.has(n)) {
        declared.add(n);
        newVars.set(f, [...(newVars.get(f) ?? []), n]);
        fl.push(`variable "${n}" { default = null }`);
      } else if (r.t.defaults.get(n)?.kind === 'none' && !nulls.has(n)) {
        nulls.add(n);
        const where = site.declaredIn.get(n)!;
        if (where.length !== 1) {
          fail(`variable "${n}" is declared more than once`);
          continue;
        }
        const vf = where[0];
        const vOpen = blockOpen(vf.file.text, 'variable', n);
        const vClose = vOpen < 0 ? -1 : closing(vf.file.text, vOpen);
        const e = vClose < 0 ? null : intoBlock(vf.file.text, vOpen, vClose, ['default = null'], unitOf(vf.file.text));
        if (!e) {
          fail(`the block of variable "${n}" could not be extended`);
          continue;
        }
        editsOf(vf).push(e);
        ((expected.get(vf)!.variable as Record<string, Record<string, unknown>[]>)[n][0] ??= {}).default = null;
        fl.push(`variable ${n} default = null`);
      }
    }
    flags.set(r, [...fl, ...inheritedFlags(r)]);
  }
  for (const [f, names] of newVars) {
    const text = f.file.text;
    const eol = eolOf(text);
    const unit = unitOf(text);
    const blocks = names.map((n) => `variable "${n}" {${eol}${unit}default = null${eol}}`);
    // After the last top-level variable block, else before the first top-level block (and the comments on it).
    const vars = [...text.matchAll(/^variable[ 	]+"[^"]*"[ 	]*\{/gm)];
    const lastVar = vars.at(-1);
    const lastClose = lastVar ? closing(text, lastVar.index! + lastVar[0].length - 1) : -1;
    let edit: TextEdit | null = null;
    if (lastVar && lastClose >= 0) edit = { start: lastClose + 1, end: lastClose + 1, text: blocks.map((b) => `${eol}${eol}${b}`).join('') };
    else if (!lastVar) {
      const first = /^[A-Za-z_][\w-]*[ 	]+("[^"]*"[ 	]*)*\{/m.exec(text);
      let at = first ? first.index : text.length;
      while (at > 0) {
        const prev = lineStart(text, at - 1);
        if (!/^[ 	]*(#|\/\/)/.test(text.slice(prev, at))) break;
        at = prev;
      }
      const sep = at === text.length && text.length > 0 && !text.endsWith('\n') ? eol : '';
      edit = { start: at, end: at, text: `${sep}${blocks.map((b) => `${b}${eol}${eol}`).join('')}` };
    }
    if (!edit) {
      for (const r of requests) if (r.site.file === f) failed.set(r, 'its variable blocks could not be located');
      continue;
    }
    editsOf(f).push(edit);
    const exp = expected.get(f)!;
    const v = ((exp.variable ??= {}) as Record<string, unknown[]>);
    for (const n of names) v[n] = [{ default: null }];
  }
  // The proof: each edited file, parsed again, reads exactly as planned.
  const unproven = new Set<HclFile>();
  for (const [f, list] of byFile) {
    const after = parseHcl(applyEdits(f.file.text, list));
    if (after === null || canonical(after) !== canonical(expected.get(f))) unproven.add(f);
  }
  const ok = failed.size === 0 && unproven.size === 0;
  for (const r of requests) {
    const pos = { line: r.t.line, column: r.t.column };
    if (ok) {
      for (const facts of r.facts) {
        const mine = r.names.filter((n) => facts.needs.includes(n));
        if (mine.length) findings.push({ ...addedFinding({ label: 'bake target', pos }, `'${r.t.name}'`, flags.get(r)!, facts, mine.map((name) => ({ name, bare: false, needed: true }))), file: r.site.file.file.path });
      }
      continue;
    }
    const why = failed.get(r) ?? (unproven.size ? `parsing the edited ${[...unproven].map((f) => f.file.path).join(', ')} again did not give the planned args` : 'another HCL edit could not be made');
    for (const facts of r.facts) {
      const unmade = stillMissing(facts, r.names.filter((n) => facts.needs.includes(n)));
      if (!unmade.length) continue;
      const undeclared = unmade.filter((n) => !r.site.declaredIn.has(n));
      const noDefault = unmade.filter((n) => r.site.declaredIn.has(n) && r.t.defaults.get(n)?.kind === 'none');
      const vars = [...undeclared.map((n) => `variable "${n}" { default = null }`), ...noDefault.map((n) => `default = null to variable "${n}"`)].join('; ');
      findings.push({
        ...finding('CiBakeHcl', pos, `bake target '${r.t.name}' builds ${facts.path} without passing ${unmade.join(', ')}; not edited: ${why}`, {
          fix: `${vars ? `add ${vars}, and ` : 'add '}${unmade.map((n) => `${n} = ${n}`).join(', ')} to the args of target "${r.t.name}"`,
        }),
        file: r.site.file.file.path,
      });
    }
  }
  if (!ok) return;
  for (const [f, list] of byFile) edits.set(f.file.path, [...(edits.get(f.file.path) ?? []), ...list]);
}
