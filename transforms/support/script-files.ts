/**
 * Builds in shell scripts a CI step runs (`./build.sh`, `bash ci/build.sh`, `cd docker; ./build_image.sh`; issue 13
 * item 5). A script a CI step of this repository runs is part of its CI: its build commands are read from the
 * caller's working directory and environment (src/ci/steps.ts) and, where that is safe, patched in the script
 * itself, by insertion, with the one spelling that is right both in CI and on a laptop: the bare
 * `--build-arg NAME`, which takes the value from the environment when NAME is set and leaves the Dockerfile
 * default when it is not. Builders documented so:
 *  - docker / buildx: docs.docker.com "docker buildx build --build-arg": "You may also use the --build-arg flag
 *    without a value, in which case the daemon propagates the value from the local environment"; unset: the arg
 *    stays unset (docker/cli opts.ValidateEnv, buildx listToMap);
 *  - podman, buildah: podman docs options/build-arg.md, buildah-build(1) `--build-arg`: "If a value is not
 *    provided, the value is taken from the environment"; unset: deleted (buildah pkg/cli/build.go readBuildArg);
 *  - nerdctl: unset is ignored "to avoid masking default" (containerd/nerdctl#1417).
 * Not so for kaniko (a bare arg becomes `NAME=` + the environment's value, empty when unset:
 * GoogleContainerTools/kaniko cmd/executor/cmd/root.go resolveEnvironmentBuildArgs, which would override the
 * Dockerfile default) and buildctl (`--opt build-arg:NAME` needs a value: moby/buildkit cmd/buildctl/build/opt.go
 * "invalid value"): those are reported with the exact flags (CiBuildInScriptFile), as is every build the tool
 * cannot patch safely — a script that is not sh/bash, callers that resolve the command differently, arguments
 * from a variable it cannot read, a variable a bare arg would pass empty in some caller.
 *
 * Only a script's build command is edited, once however many steps run it; the edit is verified by parsing the
 * edited script again (shell.ts) and reading the command back.
 */
import { recognise } from '../../src/ci/builders.js';
import { parseShell } from '../../src/ci/shell.js';
import type { ScriptFileBuild } from '../../src/ci/steps.js';
import { position } from '../../src/ci/yaml.js';
import type { TextEdit } from '../../src/edits.js';
import { finding, type Finding } from '../../src/findings.js';
import { addedFinding, bareEverywhere, decideArgs, flagFor, jobsText, missingAnywhere, reportArgs, unseen, type ArgSite, type CiTransformResult, type DockerfileFacts, type Missing, type PlannedArg } from './ci-args.js';

const NO_BARE = {
  kaniko: 'kaniko turns a bare --build-arg into an empty value where the variable is unset, which overrides the Dockerfile default',
  buildctl: 'buildctl has no bare build arg (--opt build-arg:NAME needs a value)',
} as const;

/**
 * The file names the command's Dockerfile can have, when the -f value ends in a literal name or there is no -f
 * (the builder's default names, ci.md §1.1); null when not known (kaniko, buildctl, a -f ending in a variable).
 */
function fileNames(cmd: ScriptFileBuild['command'], text: string): string[] | null {
  if (cmd.tool === 'kaniko' || cmd.tool === 'buildctl') return null;
  const words = cmd.call.words;
  for (let i = cmd.first; i < words.length && (cmd.endOfOptions === null || i < cmd.endOfOptions); i++) {
    const raw = text.slice(words[i].start, words[i].end);
    const m = /^(?:--file|-f)(?:=(.*))?$/s.exec(raw);
    if (!m) continue;
    const value = m[1] ?? (words[i + 1] ? text.slice(words[i + 1].start, words[i + 1].end) : '');
    // The name after the last `/`, or the whole (quoted) value: literal characters only.
    const name = /(?:\/|^["']?)([A-Za-z0-9._-]+)["']?$/.exec(value);
    return name ? [name[1]] : null;
  }
  return cmd.tool === 'docker' ? ['Dockerfile', 'dockerfile'] : ['Containerfile', 'Dockerfile'];
}

const REMOTE = /^([a-z][a-z0-9+.-]*:\/\/|git@)|\.git(#|$)/;

function lineCol(text: string, off: number): { line: number; column: number } {
  const before = text.slice(0, off);
  return { line: before.split('\n').length, column: off - before.lastIndexOf('\n') };
}

/** The insertion of bare `--build-arg NAME` flags into the command (before `--` or a last-word context, else after the last word). */
export function scriptInsertion(s: Pick<ScriptFileBuild, 'command'>, names: readonly string[]): TextEdit {
  const cmd = s.command;
  const words = cmd.call.words;
  const flags = names.map((n) => (cmd.eqStyle ? `--build-arg=${n}` : `--build-arg ${n}`)).join(' ');
  const anchor = cmd.endOfOptions ?? (cmd.contextIndex === words.length - 1 ? words.length - 1 : null);
  if (anchor !== null) return { start: words[anchor].start, end: words[anchor].start, text: `${flags} ` };
  const end = words[words.length - 1].end;
  return { start: end, end, text: ` ${flags}` };
}

/** The edited script parses, and the command read back passes `names` and builds what it built. */
function verified(s: ScriptFileBuild, edit: TextEdit, names: readonly string[]): boolean {
  const next = s.text.slice(0, edit.start) + edit.text + s.text.slice(edit.end);
  const script = parseShell(next);
  if (script.error) return false;
  const call = script.calls.find((c) => c.start === s.start && c.kind === 'call');
  const env = new Map<string, string | null>();
  const before = recognise(s.command.call, s.text, env);
  const after = call ? recognise(call, next, env) : null;
  if (!before || !after) return false;
  const passed = new Set(after.passed.map((p) => p.name));
  return names.every((n) => passed.has(n)) && after.file === before.file && after.context === before.context && after.label === before.label && after.dynamic.length === before.dynamic.length;
}

export function scriptFilesTransform(scriptFiles: readonly ScriptFileBuild[], dockerfiles: ReadonlyMap<string, DockerfileFacts>): CiTransformResult {
  const edits = new Map<string, TextEdit[]>();
  const findings: Finding[] = [];
  const built = new Set<string>();
  const sites = new Map<string, ScriptFileBuild[]>();
  for (const s of scriptFiles) {
    // A remote context (a Git repository, a tarball URL) builds a Dockerfile from outside the repository
    // (docs.docker.com/build/concepts/context: "Git repositories", "Remote tarballs"): never one of its own.
    if (s.dockerfile === null && s.command.context && REMOTE.test(s.command.context)) continue;
    if (s.dockerfile) built.add(s.dockerfile);
    else for (const d of dockerfiles.keys()) built.add(d);
    const key = `${s.script}\0${s.start}`;
    sites.set(key, [...(sites.get(key) ?? []), s]);
  }
  for (const callers of sites.values()) site(callers);
  return { edits, findings, built };

  function site(callers: ScriptFileBuild[]): void {
    const s = callers[0];
    const cmd = s.command;
    const jobs = callers.map((c) => c.job);
    const where = jobsText(jobs);
    const targets = new Set(callers.map((c) => c.dockerfile));
    // What the command's arguments from a variable pass, in every caller (callers that disagree: unreadable).
    const dyn = callers.map((c) => c.dynamicArgs);
    const viaPasses = new Set(dyn.flatMap((d) => [...(d?.passes ?? [])]));
    const dynWords = [...new Set(cmd.dynamic.map((w) => s.text.slice(w.start, w.end)))].join(', ');
    const same = dyn.every((d) => (d?.passes.size ?? 0) === viaPasses.size);
    const dynOpaque = dyn.find((d) => d?.opaque)?.opaque ?? (same ? null : `the steps that run it set ${dynWords} differently`);
    const passed = [...cmd.passed, ...[...viaPasses].map((name) => ({ name, raw: null, via: dynWords }))];
    const facts = targets.size === 1 && s.dockerfile !== null ? dockerfiles.get(s.dockerfile) : undefined;
    if (targets.size === 1 && s.dockerfile !== null && !facts) return;

    /** CiBuildInScriptFile on the calling step: the command is not edited, and `missing` says what it lacks. */
    const report = (missing: Missing[], why: string) => {
      if (missing.length === 0) return;
      const flags = [...new Set(missing.flatMap((m) => m.names))].map((n) => flagFor(cmd, n)).join(' ');
      const what = facts
        ? `${facts.path} without passing ${missing[0].names.join(', ')}`
        : targets.has(null)
          ? `an image whose Dockerfile cannot be resolved (it may be ${missing.map((m) => m.path).join(' or ')})`
          : missing.map((m) => `${m.path} without passing ${m.names.join(', ')}`).join(' or ');
      findings.push({
        ...finding('CiBuildInScriptFile', position(s.item.file, s.offset), `${s.script}:${s.line} (${s.label}), run by ${where}, builds ${what}; not edited (${why}): add ${flags}`, {
          fix: `add ${flags} to the command in ${s.script}:${s.line}`,
          ...unseen(missing),
        }),
        file: s.item.file.path,
      });
    };

    if (!facts) {
      const why = targets.size > 1 ? `the steps that run it build different Dockerfiles with it: ${[...targets].map((t) => t ?? 'one not known').join(', ')}` : (s.unresolved ?? 'its Dockerfile cannot be resolved');
      const known = [...targets].filter((t): t is string => t !== null);
      // A Dockerfile not resolved may still be known by its file name (`-f "$HERE/Dockerfile.sign"`, or the
      // builder's default name in an unknown context): only the repository's Dockerfiles of that name are candidates.
      const names = targets.has(null) ? fileNames(cmd, s.text) : null;
      const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
      const among = new Map([...dockerfiles].filter(([k]) => (targets.has(null) ? names === null || names.includes(base(k)) : known.includes(k))));
      report(missingAnywhere(passed, among), why);
      return;
    }
    const pos = lineCol(s.text, s.start);
    const argSite: ArgSite = { label: cmd.label, file: s.script, pos, jobs, passed, bareKeepsDefault: cmd.bareKeepsDefault };
    const missingNow = (extra: readonly string[] = []): Missing[] => {
      const given = new Set([...passed.map((p) => p.name), ...extra]);
      const names = facts.after.needs.filter((n) => !given.has(n));
      return names.length ? [{ path: facts.path, names, facts }] : [];
    };
    const planned = decideArgs(argSite, facts);
    const notBare = planned.filter((a) => !bareEverywhere(argSite, a.name));
    const why =
      s.notEditable ??
      (cmd.tool === 'kaniko' || cmd.tool === 'buildctl' ? NO_BARE[cmd.tool] : null) ??
      (dynOpaque ? `it takes arguments from ${dynWords}, which the tool cannot read in full (${dynOpaque})` : null) ??
      (notBare.length ? `a bare --build-arg ${notBare.map((a) => a.name).join(', ')} would pass an empty value in some of the jobs that run it` : null);
    if (why !== null || planned.length === 0) {
      facts.sites?.push(new Set(passed.map((p) => p.name)));
      report(missingNow(), why ?? 'the CI of the jobs that run it does not define it');
      return;
    }
    const toAdd: PlannedArg[] = planned.map((a) => ({ ...a, bare: true }));
    const names = toAdd.map((a) => a.name);
    const edit = scriptInsertion(s, names);
    if (!verified(s, edit, names)) {
      facts.sites?.push(new Set(passed.map((p) => p.name)));
      report(missingNow(), 'the edited script would not read back as the same command');
      return;
    }
    edits.set(s.script, [...(edits.get(s.script) ?? []), edit]);
    reportArgs(argSite, facts, toAdd, (f) => findings.push({ ...f, file: s.script }));
    findings.push({ ...addedFinding({ label: cmd.label, pos }, `${s.script} (run by ${where})`, names.map((n) => (cmd.eqStyle ? `--build-arg=${n}` : `--build-arg ${n}`)), facts, toAdd), file: s.script });
  }
}
