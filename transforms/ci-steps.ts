/**
 * CI transform for shell steps (GitLab `script:`, GitHub `run:`): pass the FROM variables into every step that
 * builds an analysed Dockerfile. Pure: the build steps and the Dockerfiles' facts in; insertions + findings out.
 *
 * Policy (research ci.md §5): which args and findings come from planArgs (R1, R2, R5); the flag follows the
 * tool and the command's spelling (R3, R4); flags go before a last-word context, else after the command,
 * one line per flag in multi-line block and plain scalars (R6); shared nodes are edited once (R8).
 */
import { stepPosition, type BuildStep, type CiSteps, type ScriptFileBuild } from '../src/ci/steps.js';
import { position, type CiFile } from '../src/ci/yaml.js';
import type { TextEdit } from '../src/edits.js';
import { finding, type Finding } from '../src/findings.js';
import { addedFinding, flagFor, jobsText, missingAnywhere, planArgs, type DockerfileFacts, type PlannedArg } from './ci-args.js';

export type { DockerfileFacts } from './ci-args.js';

export interface StepsTransformInput {
  steps: CiSteps;
  dockerfiles: ReadonlyMap<string, DockerfileFacts>;
}

export interface CiTransformResult {
  /** Edits per CI file path. */
  edits: Map<string, TextEdit[]>;
  /** Findings with `file` set to a repository-relative path. */
  findings: Finding[];
  /** Dockerfiles some step builds (all of them when a step's Dockerfile is unknown). */
  built: Set<string>;
}

function lineStart(text: string, off: number): number {
  return text.lastIndexOf('\n', off - 1) + 1;
}
function lineEnd(text: string, off: number): number {
  const n = text.indexOf('\n', off);
  const e = n < 0 ? text.length : n;
  return e > 0 && text[e - 1] === '\r' ? e - 1 : e;
}
const leading = (text: string, ls: number) => /^[ \t]*/.exec(text.slice(ls))![0];

interface Group {
  steps: BuildStep[];
  facts: DockerfileFacts;
}

export function shellStepsTransform(input: StepsTransformInput): CiTransformResult {
  const { steps, dockerfiles } = input;
  const edits = new Map<string, TextEdit[]>();
  const findings: Finding[] = [];
  const at = (file: CiFile, off: number) => position(file, off);
  const push = (f: Finding, file: string) => findings.push({ ...f, file });
  const built = new Set<string>();

  // One edit per command as written: jobs sharing an anchor, a hidden job or a !reference share it.
  const groups = new Map<string, Map<string, Group>>();
  for (const step of steps.steps) {
    const pos = stepPosition(step);
    const file = step.item.file.path;
    if (step.dockerfile === null) {
      // Silent unless a Dockerfile it may build needs a variable the command does not pass.
      const missing = missingAnywhere(step.command.passed, dockerfiles);
      if (missing.length === 0) continue;
      push(
        finding('CiDynamicDockerfile', pos, `${step.command.label} in job '${step.job.name}': ${step.unresolved}; not edited`, {
          fix: `if it builds ${missing.map((m) => m.path).join(' or ')}, pass ${[...new Set(missing.flatMap((m) => m.names))].join(', ')} yourself, or use a literal -f/context path`,
        }),
        file,
      );
      continue;
    }
    const facts = dockerfiles.get(step.dockerfile);
    if (!facts) continue;
    built.add(step.dockerfile);
    // One command as written may build different Dockerfiles in different jobs (a shared anchor with a
    // job variable in -f): those are sub-groups whose build args are merged into one insertion.
    const key = `${file}\0${step.item.node.range?.[0]}\0${step.command.call.start}`;
    const byDockerfile = groups.get(key) ?? new Map<string, Group>();
    groups.set(key, byDockerfile);
    const g = byDockerfile.get(step.dockerfile);
    if (g) g.steps.push(step);
    else byDockerfile.set(step.dockerfile, { steps: [step], facts });
  }

  for (const byDockerfile of groups.values()) {
    const merged: PlannedArg[] = [];
    for (const g of byDockerfile.values()) {
      for (const a of plan(g)) {
        const seen = merged.find((m) => m.name === a.name);
        if (!seen) merged.push(a);
        else seen.bare ||= a.bare;
      }
    }
    const first = byDockerfile.values().next().value!;
    place(first.steps[0], merged, [...byDockerfile.values()].flatMap((g) => g.steps), first.facts);
  }

  /** Findings for one command and one Dockerfile, and the build args it should get. */
  function plan({ steps: group, facts }: Group): PlannedArg[] {
    const step = group[0];
    const cmd = step.command;
    const file = step.item.file;
    for (const w of cmd.foreignBuildArg) {
      push(finding('CiBuildctlBuildArg', at(file, step.map ? step.map[w.start] : 0), 'buildctl has no --build-arg flag; use --opt build-arg:NAME=VALUE'), file.path);
    }
    return planArgs(
      { label: cmd.label, file: file.path, pos: stepPosition(step), jobs: group.map((s) => s.job), passed: cmd.passed, bareKeepsDefault: cmd.bareKeepsDefault },
      facts,
      (f) => push(f, file.path),
    );
  }

  /** The insertion for one command (R6), unless its arguments or position cannot be known. */
  function place(step: BuildStep, toAdd: PlannedArg[], group: BuildStep[], facts: DockerfileFacts): void {
    if (toAdd.length === 0) return;
    const cmd = step.command;
    const file = step.item.file;
    const pos = stepPosition(step);
    const text = jobsText(group.map((s) => s.job));
    if (cmd.dynamic.length) {
      const src = step.item.node.value as string;
      const names = cmd.dynamic.map((w) => src.slice(w.start, w.end)).join(', ');
      push(
        finding('CiDynamicArgs', pos, `${cmd.label} in ${text} takes arguments from ${names}, which may already pass ${toAdd.map((a) => a.name).join(', ')}; not edited`, {
          fix: `check that ${names} passes ${toAdd.map((a) => `--build-arg ${a.name}`).join(' ')}`,
        }),
        file.path,
      );
      return;
    }
    if (!step.map) {
      push(finding('CiDynamicDockerfile', pos, `cannot locate ${cmd.label} in the YAML source; not edited`), file.path);
      return;
    }
    const e = placeFlags(step, toAdd);
    if (e.comment) {
      push(
        finding('CiShellCommentInBlock', at(file, e.comment), `a shell '#' in this block scalar turns the rest of the joined line into a comment; the new flags are placed before it`, {
          fix: 'move the comment out of the command',
        }),
        file.path,
      );
    }
    const list = edits.get(file.path) ?? [];
    list.push(...e.edits);
    edits.set(file.path, list);
    push(addedFinding({ label: cmd.label, pos }, text, e.flags, facts, toAdd), file.path);
  }

  // One finding per build command in a script, however many steps call it, and only where a Dockerfile it may
  // build needs a variable the command does not pass; the finding names the flags.
  const scriptSites = new Map<string, ScriptFileBuild[]>();
  for (const s of steps.scriptFiles) {
    if (s.dockerfile) built.add(s.dockerfile);
    else for (const d of dockerfiles.keys()) built.add(d);
    const key = `${s.script}:${s.line}:${s.label}`;
    scriptSites.set(key, [...(scriptSites.get(key) ?? []), s]);
  }
  for (const callers of scriptSites.values()) {
    const s = callers[0];
    const jobs = jobsText(callers.map((c) => c.job));
    const facts = s.dockerfile === null ? null : dockerfiles.get(s.dockerfile);
    if (s.dockerfile !== null && !facts) continue;
    const missing = facts ? [{ path: facts.path, names: facts.needs.filter((n) => !s.command.passed.some((p) => p.name === n)) }].filter((m) => m.names.length) : missingAnywhere(s.command.passed, dockerfiles);
    if (missing.length === 0) continue;
    const flags = [...new Set(missing.flatMap((m) => m.names))].map((n) => flagFor(s.command, n)).join(' ');
    const what = facts ? `${facts.path} without passing ${missing[0].names.join(', ')}` : `an image whose Dockerfile cannot be resolved (it may be ${missing.map((m) => m.path).join(' or ')})`;
    push(
      finding('CiBuildInScriptFile', at(s.item.file, s.offset), `${s.script}:${s.line} (${s.label}), run by ${jobs}, builds ${what}; script files are not edited: add ${flags}`, {
        fix: `add ${flags} to the command in ${s.script}:${s.line}`,
      }),
      s.item.file.path,
    );
  }
  for (const s of steps.steps) if (s.dockerfile === null) for (const d of dockerfiles.keys()) built.add(d); // unknown: do not claim "no build"
  return { edits, findings, built };
}

/** Insertion(s) for the new flags (R6). */
function placeFlags(step: BuildStep, toAdd: PlannedArg[]): { edits: TextEdit[]; comment: number | null; flags: string[] } {
  const flags = flagTexts(step, toAdd);
  return { ...placeFlagsAt(step, flags), flags };
}

/** The flags as the command writes them: its `--build-arg=` style, its `${}` braces, the job shell's values. */
function flagTexts(step: BuildStep, toAdd: PlannedArg[]): string[] {
  const cmd = step.command;
  const vars = cmd.call.words.flatMap((w) => w.parts.filter((p) => p.t === 'var'));
  const braced = vars.length > 0 && vars.every((p) => p.t === 'var' && p.braced);
  return toAdd.map(({ name, bare }) => {
    const val = bare ? '' : `=${step.job.platform.shellValue(step.job, name, braced)}`;
    if (cmd.tool === 'buildctl') return `--opt build-arg:${name}${val}`;
    return cmd.eqStyle ? `--build-arg=${name}${val}` : `--build-arg ${name}${val}`;
  });
}

function placeFlagsAt(step: BuildStep, flags: string[]): { edits: TextEdit[]; comment: number | null } {
  const cmd = step.command;
  const map = step.map!;
  const file = step.item.file;
  const text = file.text;
  const node = step.item.node;
  const words = cmd.call.words;
  const value = node.value as string;
  const last = words[words.length - 1];
  const srcStart = (i: number) => map[words[i].start];
  const srcEnd = (i: number) => map[words[i].end - 1] + 1;
  const contextLast = cmd.contextIndex === words.length - 1;
  const firstLine = lineStart(text, srcStart(0));
  const lastLine = lineStart(text, srcEnd(words.length - 1) - 1);
  const eol = text.slice(lineEnd(text, srcEnd(words.length - 1)), lineEnd(text, srcEnd(words.length - 1)) + 2).startsWith('\r\n') ? '\r\n' : '\n';
  // A shell comment right after the command on the same value line.
  const nl = value.indexOf('\n', last.end);
  const comment = step.script.comments.find((c) => c.start >= last.end && (nl < 0 || c.start < nl));
  const inline = (): TextEdit[] =>
    contextLast
      ? [{ start: srcStart(words.length - 1), end: srcStart(words.length - 1), text: `${flags.join(' ')} ` }]
      : [{ start: srcEnd(words.length - 1), end: srcEnd(words.length - 1), text: ` ${flags.join(' ')}` }];
  const block = node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL';
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
    const target = contextLast ? lineStart(text, srcStart(words.length - 1)) : lastLine;
    if (opensLine(target)) {
      const ind = leading(text, target);
      return { edits: [{ start: target, end: target, text: flags.map((f) => `${ind}${f} \\${eol}`).join('') }], comment: null };
    }
    // After the last word, continuing the command (its last line holds nothing else).
    if (contextLast || !restBlank) return { edits: inline(), comment: null };
    const ind = leading(text, lastLine);
    return { edits: [{ start: end, end, text: flags.map((f) => ` \\${eol}${ind}${f}`).join('') }], comment: null };
  }
  // Folded or plain multi-line: one line per flag at the block's base (or the neighbour's) indentation.
  const baseIndent = (ls: number) => (node.type === 'BLOCK_FOLDED' ? leading(text, text.indexOf('\n', node.range![0]) + 1) : leading(text, ls));
  if (contextLast) {
    const target = lineStart(text, srcStart(words.length - 1));
    if (!opensLine(target)) return { edits: inline(), comment: null };
    const ind = baseIndent(target);
    return { edits: [{ start: target, end: target, text: flags.map((f) => `${ind}${f}${eol}`).join('') }], comment: null };
  }
  if (!restBlank) return { edits: inline(), comment: null };
  const ind = baseIndent(lastLine);
  return { edits: [{ start: end, end, text: flags.map((f) => `${eol}${ind}${f}`).join('') }], comment: null };
}

