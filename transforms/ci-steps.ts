/**
 * CI transform for shell steps (GitLab `script:`, GitHub `run:`): pass the FROM variables into every step that
 * builds an analysed Dockerfile. Pure: the build steps and the Dockerfiles' facts in; insertions + findings out.
 *
 * Policy (research ci.md §5): which args and findings come from planArgs (R1, R2, R5); the flag follows the
 * tool, the command's spelling and the step's shell (R3, R4: `$V`, PowerShell `"V=$env:V"`, cmd.exe `V=%V%`);
 * flags go before `--` or a last-word context, else after the command, one line per flag in multi-line block and plain
 * scalars, continued with the shell's own continuation character (R6); shared nodes are edited once (R8). A
 * command whose shell cannot be decided (a matrix over Windows and Linux runners, an unknown shell, a shared
 * definition run by jobs of different shells) is reported with the flags for each shell, not edited. Arguments
 * from a variable (`$EXTRA_ARGS`) are read through the job's visible assignments (src/ci/dynargs.ts): what they
 * pass counts as passed, the rest is added explicitly, and an unreadable one is reported (CiDynamicArgs). Builds in
 * the scripts a step runs go to support/script-files.ts.
 */
import { CONTINUATION, DIALECT_NAME, flagText, type Dialect } from '../src/ci/dialect.js';
import { dialectOf } from '../src/ci/platform.js';
import { stepPosition, type BuildStep, type CiSteps } from '../src/ci/steps.js';
import { scriptFilesTransform } from './support/script-files.js';
import { blockIndent, FLOW_INDICATOR, inFlow, lineEnd, lineStart, quotePlain } from './support/yaml-edit.js';
import { position, type CiFile } from '../src/ci/yaml.js';
import type { TextEdit } from '../src/edits.js';
import { finding, type Finding } from '../src/findings.js';
import { addedFinding, decideArgs, flagFor, jobsText, matrixConflict, matrixFinding, missingAnywhere, reportArgs, stillMissing, unseen, type ArgSite, type CiTransformResult, type DockerfileFacts, type PlannedArg } from './support/ci-args.js';
import type { Job } from '../src/ci/model.js';

export interface StepsTransformInput {
  steps: CiSteps;
  dockerfiles: ReadonlyMap<string, DockerfileFacts>;
}

const leading = (text: string, ls: number) => /^[ \t]*/.exec(text.slice(ls))![0];

/** How to make a step run in one shell, per CI system (CiShellUndecided). */
const ONE_SHELL: Partial<Record<string, string>> = {
  github: 'set shell: bash on the step (Git for Windows\' bash on Windows runners)',
  gitlab: 'split the job so that each runs on one kind of runner',
  azure: 'make it a bash: step (Bash on every agent)',
  circleci: 'set the step\'s shell:',
};

interface Group {
  steps: BuildStep[];
  facts: DockerfileFacts;
}

/**
 * The command as written that a step runs (its file, scalar and offset): the steps of one command are planned
 * together. A command's edits are planned from the steps that run it (in their order) and the Dockerfiles' facts
 * alone, and are edits of its own file (the CI verification, src/ci-pass.ts, relies on both).
 */
export const commandKey = (step: BuildStep) => `${step.item.file.path}\0${step.item.node.range?.[0]}\0${step.command.call.start}`;

export function shellStepsTransform(input: StepsTransformInput): CiTransformResult {
  const { steps, dockerfiles } = input;
  const edits = new Map<string, TextEdit[]>();
  const findings: Finding[] = [];
  const at = (file: CiFile, off: number) => position(file, off);
  const push = (f: Finding, file: string) => findings.push({ ...f, file });
  const built = new Set<string>();

  // One edit per command as written: jobs sharing an anchor, a hidden job or a !reference share it.
  const groups = new Map<string, Map<string, Group>>();
  /** Steps whose Dockerfile is not known: reported once the command's own edit (from its other jobs) is known. */
  const dynamic: BuildStep[] = [];
  for (const step of steps.steps) {
    if (step.dockerfile === null) {
      dynamic.push(step);
      continue;
    }
    const facts = dockerfiles.get(step.dockerfile);
    if (!facts) continue;
    built.add(step.dockerfile);
    // One command as written may build different Dockerfiles in different jobs (a shared anchor with a
    // job variable in -f): those are sub-groups whose build args are merged into one insertion.
    const key = commandKey(step);
    const byDockerfile = groups.get(key) ?? new Map<string, Group>();
    groups.set(key, byDockerfile);
    const g = byDockerfile.get(step.dockerfile);
    if (g) g.steps.push(step);
    else byDockerfile.set(step.dockerfile, { steps: [step], facts });
  }

  /** The build args each command got (by commandKey). */
  const addedTo = new Map<string, string[]>();
  /** What each command's dynamic words pass, over every job that runs it (by commandKey). */
  const dynamicOf = new Map<string, DynamicFacts | null>();
  for (const step of steps.steps) {
    const key = commandKey(step);
    dynamicOf.set(key, mergeDynamic(dynamicOf.get(key), step));
  }
  /** The build args a command passes through its dynamic words, as passed args that need no finding. */
  const viaDynamic = (step: BuildStep) => {
    const d = dynamicOf.get(commandKey(step));
    return d ? [...d.passes].map((name) => ({ name, raw: null, via: d.words })) : [];
  };
  for (const byDockerfile of groups.values()) {
    const all = [...byDockerfile.values()];
    // The flag reaches every job that runs the command: for each Dockerfile, the jobs building the others that
    // declare the variable must be fine with how it is passed too.
    const sites = all.map((g) => ({
      ...site(g, (name) => all.filter((o) => o !== g && o.facts.declared.has(name)).flatMap((o) => o.steps.map((s) => s.job))),
      declaredElsewhere: (name: string) => all.some((o) => o !== g && o.facts.declared.has(name)),
    }));
    const merged: PlannedArg[] = [];
    all.forEach((g, k) => {
      for (const a of decideArgs(sites[k], g.facts)) {
        const seen = merged.find((m) => m.name === a.name);
        if (!seen) merged.push({ ...a });
        else {
          seen.bare ||= a.bare;
          seen.needed ||= a.needed;
        }
      }
    });
    const first = all[0];
    const late: [Finding, string][] = [];
    // A command whose Dockerfile path is a matrix value: one edit reaches every job of the matrix, so it is made
    // only when no job's working build would change (transforms/support/ci-args.ts matrixConflict).
    const matrixSteps = all.flatMap((g) => g.steps).filter((s) => s.matrix);
    const candidates = [...new Set(matrixSteps.flatMap((s) => s.matrix!.candidates))];
    const conflict = matrixSteps.length && merged.length ? matrixConflict(candidates, dockerfiles, merged.map((a) => a.name)) : null;
    if (conflict) {
      const step = first.steps[0];
      const names = merged.map((a) => a.name);
      const f = matrixFinding(step.command.label, jobsText(all.flatMap((g) => g.steps.map((s) => s.job))), stepPosition(step), [...new Set(matrixSteps.map((s) => s.matrix!.via))].join(', '), candidates, conflict,
        all.map((g) => ({ path: g.facts.path, names: stillMissing(g.facts, names).filter((n) => g.facts.uses.includes(n)), facts: g.facts })),
        (n) => flagsFor(step, merged.filter((a) => a.name === n), dialectOf(step.job) ?? 'posix')[0]);
      if (f) late.push([f, step.item.file.path]);
    }
    const placed = !conflict && place(first.steps[0], merged, all.flatMap((g) => g.steps), first.facts, late);
    // The findings, on the command as it is left (a second run reads that), then those about the edit.
    all.forEach((g, k) => reportArgs(sites[k], g.facts, placed ? merged : [], (f) => push(f, g.steps[0].item.file.path)));
    for (const [f, file] of late) push(f, file);
    if (placed) addedTo.set(commandKey(first.steps[0]), merged.map((a) => a.name));
  }

  for (const step of dynamic) {
    // Silent unless a Dockerfile it may build needs a variable the command does not pass (as it is left: its
    // edit for the jobs whose Dockerfile is known reaches this job too).
    const passed = [...step.command.passed, ...viaDynamic(step), ...(addedTo.get(commandKey(step)) ?? []).map((name) => ({ name }))];
    const missing = missingAnywhere(passed, dockerfiles);
    if (missing.length === 0) continue;
    push(
      finding('CiDynamicDockerfile', stepPosition(step), `${step.command.label} in job '${step.job.name}': ${step.unresolved}; not edited`, {
        ...unseen(missing),
        fix: `if it builds ${missing.map((m) => m.path).join(' or ')}, pass ${[...new Set(missing.flatMap((m) => m.names))].join(', ')} yourself, or use a literal -f/context path`,
      }),
      step.item.file.path,
    );
  }

  /** The site of one command and one Dockerfile (the jobs that build it there). */
  function site({ steps: group }: Group, coJobs: (name: string) => readonly Job[]): ArgSite {
    const step = group[0];
    const cmd = step.command;
    const file = step.item.file;
    for (const w of cmd.foreignBuildArg) {
      push(finding('CiBuildctlBuildArg', at(file, step.map ? step.map[w.start] : 0), 'buildctl has no --build-arg flag; use --opt build-arg:NAME=VALUE'), file.path);
    }
    return { label: cmd.label, file: file.path, pos: stepPosition(step), jobs: group.map((s) => s.job), passed: [...cmd.passed, ...viaDynamic(step)], bareKeepsDefault: cmd.bareKeepsDefault, coJobs };
  }

  /** The insertion for one command (R6), unless its arguments or position cannot be known; true when made. */
  function place(step: BuildStep, toAdd: PlannedArg[], group: BuildStep[], facts: DockerfileFacts, late: [Finding, string][]): boolean {
    if (toAdd.length === 0) return false;
    // What a finding about an edit that cannot be made names: what is still missing on a second run.
    const unmade = toAdd.filter((a) => stillMissing(facts, [a.name]).length > 0);
    const cmd = step.command;
    const file = step.item.file;
    const pos = stepPosition(step);
    const text = jobsText(group.map((s) => s.job));
    // The shells the command may run in: one edit must be right in each (Azure macros are, in every shell).
    const dialects = new Set<Dialect>();
    let unknown = false;
    for (const s of group) {
      const d = dialectOf(s.job);
      if (d !== null) dialects.add(d);
      else if (s.job.shell?.candidates?.length) for (const c of s.job.shell.candidates) dialects.add(c.dialect);
      else unknown = true;
    }
    if (unknown) {
      if (unmade.length) undecided(step, unmade, group, text);
      return false;
    }
    // Arguments from a variable (`$EXTRA_ARGS`): the names its visible assignments pass are passed already
    // (decideArgs left them out); the others are added explicitly, unless some assignment cannot be read.
    const dyn = dynamicOf.get(commandKey(step));
    if (dyn?.opaque) {
      if (unmade.length === 0) return false;
      const flags = flagsFor(step, unmade, [...dialects][0]).join(' ');
      push(
        finding('CiDynamicArgs', pos, `${cmd.label} in ${text} takes arguments from ${dyn.words}, which the tool cannot read in full (${dyn.opaque}), so it may already pass ${unmade.map((a) => a.name).join(', ')}; not edited`, {
          fix: `add ${flags} to the command unless ${dyn.words} passes ${unmade.length === 1 ? 'it' : 'them'}`,
          ...unseen([{ path: facts.path, names: unmade.map((a) => a.name), facts }]),
        }),
        file.path,
      );
      return false;
    }
    if (!step.map) {
      if (unmade.length) push(finding('CiDynamicDockerfile', pos, `cannot locate ${cmd.label} in the YAML source; not edited`), file.path);
      return false;
    }
    const plans = [...dialects].map((d) => placeFlags(step, toAdd, d));
    const e = plans[0];
    if (plans.some((p) => JSON.stringify(p) !== JSON.stringify(e))) {
      if (unmade.length) undecided(step, unmade, group, text);
      return false;
    }
    if (e.refused) {
      if (unmade.length) push(finding('CiBuildArgsShape', pos, `${cmd.label} in ${text}: ${e.refused}; not edited`, { fix: `add ${flagsFor(step, unmade, [...dialects][0]).join(' ')} (quote the command first)` }), file.path);
      return false;
    }
    if (e.comment) {
      late.push([
        finding('CiShellCommentInBlock', at(file, e.comment), `a shell '#' in this block scalar turns the rest of the joined line into a comment; the new flags are placed before it`, {
          fix: 'move the comment out of the command',
        }),
        file.path,
      ]);
    }
    const list = edits.get(file.path) ?? [];
    list.push(...e.edits);
    edits.set(file.path, list);
    late.push([addedFinding({ label: cmd.label, pos }, text, flagsFor(step, toAdd, [...dialects][0]), facts, toAdd), file.path]);
    return true;
  }

  /** CiShellUndecided: the step's shell is not known, so neither spelling of a variable can be written. */
  function undecided(step: BuildStep, toAdd: PlannedArg[], group: BuildStep[], text: string): void {
    const why: string[] = [];
    const options = new Map<Dialect, string[]>();
    for (const s of group) {
      const d = dialectOf(s.job);
      const sh = s.job.shell;
      if (d !== null) options.set(d, [...(options.get(d) ?? []), jobsText([s.job])]);
      else for (const c of sh?.candidates ?? []) options.set(c.dialect, [...(options.get(c.dialect) ?? []), c.where]);
      const reason = d === null ? sh!.why : `${jobsText([s.job])} runs ${DIALECT_NAME[d]}${sh ? ` (${sh.why})` : ''}`;
      if (!why.includes(reason)) why.push(reason);
    }
    if (options.size === 0) for (const d of ['posix', 'pwsh', 'cmd'] as const) options.set(d, []);
    const fixes = [...options].map(([d, where]) => `${flagsFor(step, toAdd, d).join(' ')} in ${DIALECT_NAME[d]}${where.length ? ` (${[...new Set(where)].join(', ')})` : ''}`);
    push(
      finding('CiShellUndecided', stepPosition(step), `${step.command.label} in ${text} needs ${toAdd.map((a) => a.name).join(', ')}, but the shell that runs it cannot be decided: ${why.join('; ')}; not edited`, {
        fix: `pass ${fixes.join(', or ')}; or ${new Set(group.map((s) => s.job)).size > 1 && options.size > 1 ? 'give each shell its own copy of the command' : (ONE_SHELL[step.job.platform.id] ?? 'run the step in one shell')}`,
      }),
      step.item.file.path,
    );
  }

  // Builds in scripts the steps run: patched in the script where safe, else reported with the flags.
  const scripts = scriptFilesTransform(steps.scriptFiles, dockerfiles);
  for (const [path, list] of scripts.edits) edits.set(path, [...(edits.get(path) ?? []), ...list]);
  findings.push(...scripts.findings);
  for (const d of scripts.built) built.add(d);
  for (const s of steps.steps) if (s.dockerfile === null) for (const d of dockerfiles.keys()) built.add(d); // unknown: do not claim "no build"
  return { edits, findings, built };
}

/** What a command's dynamic words pass, over the jobs that run it (src/ci/dynargs.ts). */
interface DynamicFacts {
  /** The words as written (`$EXTRA_ARGS`). */
  words: string;
  passes: Set<string>;
  opaque: string | null;
}

/** Adds one job's reading of a command's dynamic words: jobs that disagree make them opaque. */
function mergeDynamic(prior: DynamicFacts | null | undefined, step: BuildStep): DynamicFacts | null {
  const d = step.dynamicArgs;
  if (!d) return null;
  const src = step.item.node.value as string;
  const words = [...new Set(step.command.dynamic.map((w) => src.slice(w.start, w.end)))].join(', ');
  if (!prior) return { words, passes: new Set(d.passes), opaque: d.opaque };
  const same = prior.passes.size === d.passes.size && [...d.passes].every((n) => prior.passes.has(n));
  return { words: prior.words, passes: new Set([...prior.passes, ...d.passes]), opaque: prior.opaque ?? d.opaque ?? (same ? null : `the jobs that run it set ${words} differently`) };
}

/** The flags passing `toAdd` to the step's command in `dialect` (R3, R4). */
function flagsFor(step: BuildStep, toAdd: PlannedArg[], dialect: Dialect): string[] {
  const cmd = step.command;
  const vars = cmd.call.words.flatMap((w) => w.parts.filter((p) => p.t === 'var'));
  const braced = vars.length > 0 && vars.every((p) => p.t === 'var' && p.braced);
  return toAdd.map(({ name, bare }) =>
    flagText(dialect, cmd.tool, cmd.eqStyle, name, bare ? null : step.job.platform.shellValue(step.job, name, braced, dialect)),
  );
}

/** Insertion(s) for the new flags (R6), written for the step's shell. */
function placeFlags(step: BuildStep, toAdd: PlannedArg[], dialect: Dialect): { edits: TextEdit[]; comment: number | null; refused?: string } {
  const cmd = step.command;
  const map = step.map!;
  const file = step.item.file;
  const text = file.text;
  const node = step.item.node;
  const words = cmd.call.words;
  const value = node.value as string;
  // Inside a double-quoted YAML scalar a `"` (PowerShell's quoting) or `\` is written escaped.
  const yamlText = (f: string) => (node.type === 'QUOTE_DOUBLE' ? f.replace(/[\\"]/g, '\\$&') : f);
  const flags = flagsFor(step, toAdd, dialect).map(yamlText);
  const cont = CONTINUATION[dialect];
  const last = words[words.length - 1];
  const srcStart = (i: number) => map[words[i].start];
  const srcEnd = (i: number) => map[words[i].end - 1] + 1;
  // The word the new flags are written in front of: `--` (the words after it are operands, so a flag there is
  // not a flag), else a last-word context; null: after the last word.
  const anchor = cmd.endOfOptions ?? (cmd.contextIndex === words.length - 1 ? words.length - 1 : null);
  const firstLine = lineStart(text, srcStart(0));
  const lastLine = lineStart(text, srcEnd(words.length - 1) - 1);
  const eol = text.slice(lineEnd(text, srcEnd(words.length - 1)), lineEnd(text, srcEnd(words.length - 1)) + 2).startsWith('\r\n') ? '\r\n' : '\n';
  // A shell comment right after the command on the same value line.
  const nl = value.indexOf('\n', last.end);
  const comment = step.script.comments.find((c) => c.start >= last.end && (nl < 0 || c.start < nl));
  const inline = (): TextEdit[] =>
    anchor !== null
      ? [{ start: srcStart(anchor), end: srcStart(anchor), text: `${flags.join(' ')} ` }]
      : [{ start: srcEnd(words.length - 1), end: srcEnd(words.length - 1), text: ` ${flags.join(' ')}` }];
  const block = node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL';
  // Inside a flow collection (`[…]`, `{…}`) a plain value ends at `,[]{}` (a `${{ }}` expression, `${NAME}`): the
  // value is quoted around the new flags, when that reads the same, else the command is reported.
  if (node.type === 'PLAIN' && inFlow(file, node.range![0]) && flags.some((f) => FLOW_INDICATOR.test(f))) {
    const q = quotePlain(file, node, flags.join(' '));
    if (!q) return { edits: [], comment: null, refused: 'the command is a plain value inside a flow collection, where the flags cannot be written unquoted, and quoting it would change it' };
    return { edits: [q.open, ...inline().map((e) => ({ ...e, text: q.escape(e.text) })), q.close], comment: null };
  }
  if (firstLine === lastLine || (node.type !== 'PLAIN' && !block)) return { edits: inline(), comment: null };
  if (comment && node.type !== 'BLOCK_LITERAL') return { edits: inline(), comment: map[comment.start] };
  /**
   * Whether new lines may go at the start of the source line `ls`: the command's first word on it opens that
   * line and may have an option written in front of it (cmd.starts). Not so for an option's value on a line of
   * its own (`--tag \` / `$IMAGE`) or a subcommand (`docker \` / `build`): the flags would change their meaning.
   */
  const opensLine = (ls: number): boolean => {
    if (ls === firstLine) return false;
    const i = words.findIndex((_, k) => srcStart(k) >= ls);
    return i >= 0 && /^[ \t]*$/.test(text.slice(ls, srcStart(i))) && cmd.starts.includes(i);
  };
  const end = srcEnd(words.length - 1);
  const restBlank = text.slice(end, lineEnd(text, end)).trim() === '';
  if (node.type === 'BLOCK_LITERAL') {
    const target = anchor !== null ? lineStart(text, srcStart(anchor)) : lastLine;
    if (opensLine(target)) {
      const ind = leading(text, target);
      return { edits: [{ start: target, end: target, text: flags.map((f) => `${ind}${f} ${cont}${eol}`).join('') }], comment: null };
    }
    // After the last word, continuing the command (its last line holds nothing else).
    if (anchor !== null || !restBlank) return { edits: inline(), comment: null };
    const ind = leading(text, lastLine);
    return { edits: [{ start: end, end, text: flags.map((f) => ` ${cont}${eol}${ind}${f}`).join('') }], comment: null };
  }
  // Folded or plain multi-line: one line per flag at the block's content indentation (or the neighbour's). In a
  // folded block a line break folds into a space only between lines at exactly that indentation (a more
  // indented line keeps its line breaks), so new lines go only between such lines.
  const n = node.type === 'BLOCK_FOLDED' ? blockIndent(file, node) : null;
  const baseIndent = (ls: number) => (n !== null ? ' '.repeat(n) : leading(text, ls));
  const folds = (ls: number) => n === null || /^ */.exec(text.slice(ls))![0].length === n;
  if (anchor !== null) {
    const target = lineStart(text, srcStart(anchor));
    if (!opensLine(target) || !folds(target) || !folds(lineStart(text, target - 1))) return { edits: inline(), comment: null };
    const ind = baseIndent(target);
    return { edits: [{ start: target, end: target, text: flags.map((f) => `${ind}${f}${eol}`).join('') }], comment: null };
  }
  if (!restBlank || !folds(lastLine)) return { edits: inline(), comment: null };
  const ind = baseIndent(lastLine);
  return { edits: [{ start: end, end, text: flags.map((f) => `${eol}${ind}${f}`).join('') }], comment: null };
}

