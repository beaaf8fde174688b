/**
 * CI transform for `docker/build-push-action` steps (research ci.md §3.1, §5 R3): a new `NAME=${{ expr }}`
 * line at the end of the `build-args` block (`github.sha`-style context properties for default variables,
 * `env.`/`matrix.`/`inputs.` for declared ones), or a new `build-args: |` key after the last key of `with:`
 * (or a new `with:` after the step's last key). Pure: the action steps and the Dockerfiles' facts in.
 */
import { isMap, type Node, type YAMLMap } from 'yaml';
import type { ActionBuild } from '../src/ci/github.js';
import { githubExpression } from '../src/ci/platform.js';
import { position, type CiFile } from '../src/ci/yaml.js';
import type { TextEdit } from '../src/edits.js';
import { finding, type Finding } from '../src/findings.js';
import { addedFinding, decideArgs, dynamicHint, missingAnywhere, reportArgs, stillMissing, unseen, type DockerfileFacts } from './ci-args.js';
import type { CiTransformResult } from './ci-steps.js';

const LABEL = 'docker/build-push-action';

function lineStart(text: string, off: number): number {
  return text.lastIndexOf('\n', off - 1) + 1;
}
function lineEnd(text: string, off: number): number {
  const n = text.indexOf('\n', off);
  const e = n < 0 ? text.length : n;
  return e > 0 && text[e - 1] === '\r' ? e - 1 : e;
}
export const eolOf = (text: string) => (text.includes('\r\n') ? '\r\n' : '\n');
export const indentAt = (file: CiFile, node: Node) => ' '.repeat(position(file, node.range![0]).column - 1);

/** End of the last line holding a map's content (its last value, with a trailing comment on that line). */
export function mapContentEnd(file: CiFile, map: YAMLMap): number {
  const last = map.items[map.items.length - 1];
  const node = (last.value ?? last.key) as Node;
  let end = node.range![1];
  while (end > 0 && /\s/.test(file.text[end - 1])) end--;
  return lineEnd(file.text, end);
}

export function githubActionsTransform(actions: readonly ActionBuild[], dockerfiles: ReadonlyMap<string, DockerfileFacts>): CiTransformResult {
  const edits = new Map<string, TextEdit[]>();
  const findings: Finding[] = [];
  const built = new Set<string>();
  for (const a of actions) {
    const push = (f: Finding) => findings.push({ ...f, file: a.file.path });
    const pos = { line: a.line, column: a.column };
    if (a.dockerfile === null) {
      for (const d of dockerfiles.keys()) built.add(d);
      const missing = missingAnywhere(a.passed, dockerfiles);
      if (missing.length) push(finding('CiDynamicDockerfile', pos, `${LABEL} in job '${a.job.name}': ${a.unresolved}; not edited`, { fix: dynamicHint(missing, 'in build-args yourself'), ...unseen(missing) }));
      continue;
    }
    const facts = dockerfiles.get(a.dockerfile);
    if (!facts) continue;
    built.add(a.dockerfile);
    const site = { label: LABEL, file: a.file.path, pos, jobs: [a.job], passed: a.passed, bareKeepsDefault: false };
    const toAdd = decideArgs(site, facts).filter(({ name }) => githubExpression(a.job, name));
    const lines = toAdd.map(({ name }) => `${name}=${githubExpression(a.job, name)}`);
    const planned = lines.length === 0 ? [] : place(a, lines);
    reportArgs(site, facts, typeof planned === 'string' ? [] : toAdd, push);
    if (lines.length === 0) continue;
    if (typeof planned === 'string') {
      const unmade = toAdd.flatMap((t, i) => (stillMissing(facts, [t.name]).length ? [lines[i]] : []));
      if (unmade.length) {
        push(
          finding('CiBuildArgsShape', pos, `${LABEL} in job '${a.job.name}': ${planned}; not edited`, {
            fix: `add these build-args lines: ${unmade.join(', ')}`,
          }),
        );
      }
      continue;
    }
    const list = edits.get(a.file.path) ?? [];
    list.push(...planned);
    edits.set(a.file.path, list);
    push(addedFinding({ label: LABEL, pos }, `job '${a.job.name}'`, lines.map((l) => `build-args ${l}`), facts, toAdd));
  }
  return { edits, findings, built };
}

/** The insertion of `lines` into the step, or why it cannot be made by inserting text. */
function place(a: ActionBuild, lines: string[]): TextEdit[] | string {
  const file = a.file;
  const text = file.text;
  const eol = eolOf(text);
  if (a.buildArgsOther) return 'build-args is not a string (the action takes one NAME=VALUE per line)';
  const ba = a.buildArgs;
  if (ba) {
    const [start, valueEnd] = ba.range!;
    if (ba.type === 'BLOCK_LITERAL') {
      // After the block's last content line, at the indentation of its first one.
      const bodyStart = text.indexOf('\n', start) + 1;
      let end = valueEnd;
      while (end > bodyStart && /\s/.test(text[end - 1])) end--;
      if (end <= bodyStart) return 'build-args is an empty block';
      const ind = /^[ ]*/.exec(text.slice(bodyStart))![0];
      const at = lineEnd(text, end);
      return [{ start: at, end: at, text: lines.map((l) => `${eol}${ind}${l}`).join('') }];
    }
    const oneLine = !text.slice(start, valueEnd).includes('\n');
    if (ba.type === 'PLAIN' && oneLine) {
      // `build-args: A=1` becomes a literal block by insertion: `|`, a newline and indentation before the value.
      const ind = indentAt(file, (a.with as YAMLMap).items[0].key as Node) + '  ';
      return [
        { start, end: start, text: `|${eol}${ind}` },
        { start: valueEnd, end: valueEnd, text: lines.map((l) => `${eol}${ind}${l}`).join('') },
      ];
    }
    if (ba.type === 'QUOTE_DOUBLE' && oneLine) {
      return [{ start: valueEnd - 1, end: valueEnd - 1, text: lines.map((l) => `\\n${l.replace(/["\\]/g, '\\$&')}`).join('') }];
    }
    return `build-args is a ${ba.type === 'BLOCK_FOLDED' ? 'folded (>) block, which joins lines' : 'multi-line or single-quoted scalar'}`;
  }
  if (a.with && !isMap(a.with)) return 'with: is not a mapping';
  if (isMap(a.with) && a.with.items.length > 0) {
    if (a.with.flow) return 'with: is a flow mapping';
    const first = a.with.items[0].key as Node;
    const ind = indentAt(file, first);
    const at = mapContentEnd(file, a.with);
    return [{ start: at, end: at, text: `${eol}${ind}build-args: |${lines.map((l) => `${eol}${ind}  ${l}`).join('')}` }];
  }
  if (a.with) return 'with: is empty';
  if (a.step.flow) return 'the step is a flow mapping';
  const ind = indentAt(file, a.usesKey);
  const at = mapContentEnd(file, a.step);
  return [{ start: at, end: at, text: `${eol}${ind}with:${eol}${ind}  build-args: |${lines.map((l) => `${eol}${ind}    ${l}`).join('')}` }];
}

