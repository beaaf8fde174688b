/**
 * CI transform for Bake targets (research ci.md §5 R3): for every FROM variable a target does not pass yet,
 * `"NAME": "${NAME}"` in the target's `args` and, unless the file declares it, `"NAME": {"default": null}` in
 * `variable` (`"default": null` added to a declared variable without one): Bake fills the variable from the
 * environment variable of the same name, and a null one leaves the arg out so the Dockerfile default applies
 * ("If you assign a null value, Buildx uses the default value from the Dockerfile instead", docker/buildx
 * docs/bake-reference.md "Variable"); a variable without a default is "" when the environment has none
 * (bake/hclparser resolveValue), and one whose default is "" is never passed. JSON files are edited by
 * insertion; HCL files are reported with the exact text to add.
 */
import { isMap, type Node, type YAMLMap } from 'yaml';
import type { BakeTarget } from '../src/ci/bake.js';
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
    if (!t.node || !t.root) {
      const unmade = stillMissing(facts, names);
      if (unmade.length) {
        const vars = [...undeclared.filter((n) => unmade.includes(n)).map((n) => `variable "${n}" { default = null }`), ...noDefault.filter((n) => unmade.includes(n)).map((n) => `default = null to variable "${n}"`)].join('; ');
        push(
          finding('CiBakeHcl', pos, `bake target '${t.name}' builds ${facts.path} without passing ${unmade.join(', ')}; HCL files are not edited`, {
            fix: `${vars ? `add ${vars}, and ` : 'add '}${unmade.map((n) => `${n} = ${n}`).join(', ')} to the args of target "${t.name}"`,
          }),
        );
      }
      for (const n of undeclared) declared.add(n);
      continue;
    }
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
  return { edits, findings, built };
}
