/**
 * CI transform for Azure Pipelines `Docker@2` tasks (research ci.md §3.2). With `command: build`, the missing
 * build args are appended to the `arguments` input as `--build-arg NAME=$(Macro)` (a new `arguments:` key after
 * the last input when there is none): macros are expanded before the task runs, and there is no shell to read
 * an environment variable. With `command: buildAndPush` (also the default) the task ignores `arguments`, so
 * nothing can be added there: CiAzureBuildAndPush names the flags and the fix (split the task into `build` and
 * `push`), and the file is not edited. A task whose `Dockerfile` is a `strategy.matrix` variable's macro
 * (`$(dockerfile)`) is one task for every Dockerfile its legs build: their args are merged into its one edit,
 * made only when it changes no leg that works as it is (support/ci-args.ts matrixConflict), else
 * CiDynamicDockerfile names why. `script:`/`bash:` steps go through the shell-step transform.
 */
import { isMap, type Node } from 'yaml';
import type { AzureDockerTask } from '../src/ci/azure.js';
import { recognise } from '../src/ci/builders.js';
import { mergeSources } from '../src/ci/jobs.js';
import { afterLastEntry, blockIndent, eolOf, FLOW_INDICATOR, indentAt, inFlow, lastContentLine, quotePlain } from './support/yaml-edit.js';
import { AZURE, azureMacro } from '../src/ci/platform.js';
import { parseShell } from '../src/ci/shell.js';
import type { TextEdit } from '../src/edits.js';
import { finding, type Finding } from '../src/findings.js';
import { addedFinding, decideArgs, dynamicHint, matrixArgs, matrixFinding, missingAnywhere, reportArgs, stillMissing, unseen, type ArgSite, type CiTransformResult, type DockerfileFacts, type MatrixArgs, type PlannedArg } from './support/ci-args.js';
import { verdict, type Site } from './support/shared-nodes.js';

/**
 * Build args an `arguments` value passes (read as the words of a `docker build` command), whether it may pass
 * more, and whether it ends the options (`--`), after which an appended flag would be an operand.
 */
function argumentsPassed(value: string): { passed: { name: string; raw: string | null }[]; dynamic: boolean; endsOptions: boolean } {
  const src = `docker build ${value}`;
  const script = parseShell(AZURE.mask!(src));
  const call = script.error ? undefined : script.calls.find((c) => c.kind === 'call');
  const cmd = call ? recognise(call, src, new Map()) : null;
  if (!cmd) return { passed: [...value.matchAll(/--build-arg[= ]+["']?([A-Za-z_]\w*)/g)].map((m) => ({ name: m[1], raw: null })), dynamic: true, endsOptions: false };
  return { passed: cmd.passed.map((p) => ({ name: p.name, raw: p.raw })), dynamic: cmd.dynamic.length > 0, endsOptions: cmd.endOfOptions !== null };
}

export function azureTransform(tasks: readonly AzureDockerTask[], dockerfiles: ReadonlyMap<string, DockerfileFacts>): CiTransformResult {
  const edits = new Map<string, TextEdit[]>();
  const findings: Finding[] = [];
  const built = new Set<string>();
  // First what each task needs (its findings as it goes), then the edits: tasks sharing `inputs` through an alias
  // or a `<<:` merge get one edit there when they need the same flags, else a report (transforms/support/shared-nodes.ts).
  const planned: { t: AzureDockerTask; site: Site; argSite: ArgSite; flags: string; facts: DockerfileFacts; toAdd: PlannedArg[]; endsOptions: boolean; group?: MatrixGroup; own: DockerfileFacts }[] = [];
  const sites: Site[] = [];
  const groups = new Map<object, MatrixGroup>();
  const followers: { argSite: ArgSite; facts: DockerfileFacts; group: MatrixGroup; push: (f: Finding) => void }[] = [];
  for (const t of tasks) {
    const command = t.command.toLowerCase();
    const inputsSources = t.inputs ? mergeSources(t.file, t.inputs) : new Set<Node>();
    const site: Site = {
      name: t.job.name,
      want: null,
      target: t.args ?? t.inputs,
      affectedBy: (n) => (t.args ? n === t.args : inputsSources.has(n)),
      reads: [...(t.args ? [t.args] : []), ...inputsSources],
      foreign: t.foreign,
    };
    if (!t.matrix || tasks.find((x) => x.matrix === t.matrix) === t) sites.push(site);
    if (command !== 'build' && command !== 'buildandpush') continue;
    const label = `Docker@2 ${t.command}`;
    const push = (f: Finding) => findings.push({ ...f, file: t.file.path });
    const pos = { line: t.line, column: t.column };
    if (t.dockerfile === null) {
      for (const d of dockerfiles.keys()) built.add(d);
      const missing = missingAnywhere(command === 'build' && t.args && typeof t.args.value === 'string' ? argumentsPassed(t.args.value).passed : [], dockerfiles);
      if (missing.length) push(finding('CiDynamicDockerfile', pos, `${label} in ${t.job.name}: ${t.unresolved}; not edited`, { fix: dynamicHint(missing, 'in arguments yourself (command: build)'), ...unseen(missing) }));
      continue;
    }
    const facts = dockerfiles.get(t.dockerfile);
    if (!facts) continue;
    built.add(t.dockerfile);
    const value = t.args && typeof t.args.value === 'string' ? t.args.value : '';
    // buildAndPush ignores `arguments`: nothing there is passed.
    const given = command === 'build' ? argumentsPassed(value) : { passed: [], dynamic: false, endsOptions: false };
    const argSite: ArgSite = { label, file: t.file.path, pos, jobs: [t.job], passed: given.passed, bareKeepsDefault: false };
    // A task whose Dockerfile is a matrix variable: one task, one AzureDockerTask per Dockerfile its legs build,
    // one edit for them all, made only when it changes no leg that works as it is (matrixConflict).
    let group: MatrixGroup | undefined;
    if (t.matrix && command === 'build') {
      group = groups.get(t.matrix);
      if (!group) {
        group = matrixGroup(tasks.filter((x) => x.matrix === t.matrix && x.dockerfile !== null), dockerfiles, given.passed);
        groups.set(t.matrix, group);
        if (group.finding) push(group.finding);
      }
      argSite.declaredElsewhere = (n) => group!.declared.has(n);
      if (group.leader !== t) {
        // What the leader's one edit gives it, once that edit is known.
        followers.push({ argSite, facts, group, push });
        continue;
      }
    }
    const toAdd = group ? (group.conflict ? [] : group.toAdd) : decideArgs(argSite, facts);
    const flags = toAdd.map(({ name }) => `--build-arg ${name}=$(${azureMacro(t.job, name)})`).join(' ');
    // What a finding about an edit that cannot be made names: what is still missing on a second run.
    const unmade = toAdd.filter((a) => stillMissing(facts, [a.name]).length > 0);
    const unmadeFlags = unmade.map(({ name }) => `--build-arg ${name}=$(${azureMacro(t.job, name)})`).join(' ');
    if (command === 'buildandpush' || (toAdd.length && given.dynamic) || toAdd.length === 0) reportArgs(argSite, facts, [], push);
    if (command === 'buildandpush') {
      if (unmade.length) {
        push(
          finding('CiAzureBuildAndPush', pos, `${label} in ${t.job.name} builds ${t.dockerfile}, but buildAndPush ignores arguments, so ${unmade.map((a) => a.name).join(', ')} cannot be passed; not edited`, {
            fix: `split it into a Docker@2 task with command: build and arguments: ${unmadeFlags}, and one with command: push`,
          }),
        );
      }
      continue;
    }
    if (toAdd.length && given.dynamic) {
      if (unmade.length) push(finding('CiDynamicArgs', pos, `${label} in ${t.job.name} takes arguments from a variable, which may already pass ${unmade.map((a) => a.name).join(', ')}; not edited`, { fix: `check that its arguments pass ${unmadeFlags}`, ...unseen([{ path: facts.path, names: unmade.map((a) => a.name), facts }]) }));
      continue;
    }
    site.want = toAdd.length ? [flags] : [];
    if (toAdd.length) planned.push({ t, site, argSite, flags, facts: group ? { ...facts, path: group.needing } : facts, toAdd, endsOptions: given.endsOptions, group, own: facts });
  }
  for (const { t, site, argSite, flags, facts, toAdd, endsOptions, group, own } of planned) {
    const label = `Docker@2 ${t.command}`;
    const push = (f: Finding) => findings.push({ ...f, file: t.file.path });
    const pos = { line: t.line, column: t.column };
    const v = site.target ? verdict(site, sites) : { edit: true };
    const edit = 'shared' in v ? `inputs: ${v.shared}` : endsOptions ? 'arguments holds `--`, after which an appended flag is not a flag' : place(t, flags);
    // The findings on the task as it is left (a second run reads that), then those about the edit.
    reportArgs(argSite, own, typeof edit === 'string' ? [] : toAdd, push);
    if (typeof edit === 'string') {
      const unmade = toAdd.filter((a) => stillMissing(facts, [a.name]).length > 0);
      const unmadeFlags = unmade.map(({ name }) => `--build-arg ${name}=$(${azureMacro(t.job, name)})`).join(' ');
      if (unmade.length) push(finding('CiBuildArgsShape', pos, `${label} in ${t.job.name}: ${edit}; not edited`, { fix: `add ${unmadeFlags} to its ${'shared' in v ? 'own ' : ''}arguments${endsOptions ? ', before the `--`' : ''}` }));
      continue;
    }
    if ('edit' in v && v.edit) edits.set(t.file.path, [...(edits.get(t.file.path) ?? []), ...edit]);
    if (group) group.placed = true;
    push(addedFinding({ label, pos }, t.job.name, [flags], facts, toAdd));
  }
  for (const { argSite, facts, group, push } of followers) reportArgs(argSite, facts, group.placed ? group.toAdd : [], push);
  return { edits, findings, built };
}

/** A Docker@2 task whose `Dockerfile` is a matrix variable: its Dockerfiles' args, merged (as for build-push-action). */
interface MatrixGroup extends MatrixArgs {
  leader: AzureDockerTask;
  finding: Finding | null;
  placed: boolean;
}

function matrixGroup(clones: readonly AzureDockerTask[], dockerfiles: ReadonlyMap<string, DockerfileFacts>, passed: ArgSite['passed']): MatrixGroup {
  const leader = clones[0];
  const merged = matrixArgs(clones, dockerfiles, (c) => ({ label: `Docker@2 ${c.command}`, file: c.file.path, pos: { line: c.line, column: c.column }, jobs: [c.job], passed, bareKeepsDefault: false }));
  const { via, candidates } = leader.matrix!;
  const finding = merged.conflict
    ? matrixFinding(`Docker@2 ${leader.command}`, leader.job.name, { line: leader.line, column: leader.column }, via, candidates, merged.conflict, merged.missing, (n) => `--build-arg ${n}=$(${azureMacro(leader.job, n)})`)
    : null;
  return { ...merged, leader, finding, placed: false };
}

function place(t: AzureDockerTask, flags: string): TextEdit[] | string {
  const file = t.file;
  const text = file.text;
  const eol = eolOf(text);
  const a = t.args;
  if (a) {
    const [start, end] = a.range!;
    const oneLine = !text.slice(start, end).replace(/\r?\n$/, '').includes('\n');
    if (a.type === 'PLAIN' && oneLine) {
      let e = end;
      while (e > start && /\s/.test(text[e - 1])) e--;
      // Inside a flow collection a plain value cannot hold `,[]{}`: quoted there, when that reads the same.
      if (inFlow(file, start) && FLOW_INDICATOR.test(flags)) {
        const q = quotePlain(file, a, flags);
        if (!q) return 'arguments is a plain value in a flow collection that cannot be quoted';
        return [q.open, { start: e, end: e, text: q.escape(` ${flags}`) }, q.close];
      }
      return [{ start: e, end: e, text: ` ${flags}` }];
    }
    if (a.type === 'QUOTE_DOUBLE' && oneLine) return [{ start: end - 1, end: end - 1, text: ` ${flags.replace(/["\\]/g, '\\$&')}` }];
    if (a.type === 'QUOTE_SINGLE' && oneLine) return [{ start: end - 1, end: end - 1, text: ` ${flags.replace(/'/g, "''")}` }];
    if (a.type === 'BLOCK_FOLDED') {
      const last = lastContentLine(file, a);
      const n = blockIndent(file, a);
      if (!last || n === null) return 'arguments is an empty block';
      // A new line at the content indentation folds into a space between lines that fold: a value that keeps a
      // line break (a blank or more indented line) is not one command line to extend.
      if (String(a.value).replace(/\n+$/, '').includes('\n')) return 'arguments is a folded (>) block that keeps a line break (a blank or more indented line)';
      return [{ start: last.end, end: last.end, text: `${eol}${' '.repeat(n)}${flags}` }];
    }
    return `arguments is a ${a.type === 'BLOCK_LITERAL' ? 'literal (|) block, whose line breaks the task would keep' : 'multi-line scalar'}`;
  }
  if (!t.inputs || t.inputs.items.length === 0) return 'the task has no inputs';
  if (t.inputs.flow) return 'inputs is a flow mapping';
  if (!isMap(t.inputs)) return 'inputs is not a mapping';
  const ind = indentAt(t.file, t.inputs.items[0].key as never);
  const e = afterLastEntry(file, t.inputs, [`${ind}arguments: ${flags}`]);
  return e ? [e] : 'the last input is a block scalar ending the file without a line break';
}
