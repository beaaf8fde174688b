/**
 * Dockerfile transform: declare every variable a FROM uses as a global ARG (before the first FROM), with a
 * default that keeps the reference valid when no --build-arg is passed. Pure: model in, edits + findings out.
 *
 * BuildKit facts this relies on (shared/research/buildkit.md): FROM sees only the global scope (§1);
 * the 11 platform built-ins are always declared (§2); `${V:-x}` credits validity but not declaration (§3);
 * defaults expand in file order, so a hoisted ARG must sit above every ARG whose default uses it (§1);
 * InvalidDefaultArgInFrom parses the substituted image word with distribution/reference (§4).
 */
import {
  BUILTIN_ARGS,
  builtinEnv,
  checkFrom,
  checkFroms,
  evalGlobals,
  fromUses,
  fromVars,
  globalsNamed,
  isBuiltin,
  isDeclarableName,
  isPlatform,
  namesUnder,
  type FromCheck,
  type GlobalEntry,
} from '../src/dockerfile/analyze.js';
import type { ArgDecl, DockerfileModel, Instruction } from '../src/dockerfile/parse.js';
import { expandWord, type Escape } from '../src/dockerfile/shell.js';
import { suggest } from '../src/dockerfile/suggest.js';
import { parseCheckSkip } from '../src/dockerfile/syntax.js';
import type { TextEdit } from '../src/edits.js';
import { finding, unknownRule, type Finding, type RuleName } from '../src/findings.js';

export interface SuppliedDefault {
  value: string;
  /** Where the value came from, for the report: `--default`, `.dockerfile-argfix.yaml`, … */
  source: string;
}

export interface HoistOptions {
  defaults?: ReadonlyMap<string, SuppliedDefault>;
  /** Rules suppressed everywhere (config `ignore:`, --ignore). */
  ignore?: ReadonlySet<string>;
  /**
   * false (--no-inline-config): the file's `# dockerfile-argfix ignore…` pragmas are not read. BuildKit's own
   * `# check=skip=` still is: it is the file's directive to BuildKit, which skips those checks on every build.
   */
  inlineConfig?: boolean;
}

export interface Hoisted {
  name: string;
  /** The default as written into the file, or null for a bare `ARG NAME`. */
  default: string | null;
  source: string;
  /** Why it is hoisted: used by a FROM, or by a global ARG default. */
  reason: 'from' | 'global-default';
}

export interface HoistResult {
  edits: TextEdit[];
  findings: Finding[];
  hoisted: Hoisted[];
}

/** How to supply defaults for `names`. */
const supplyHint = (names: readonly string[]) =>
  `supply ${names.length === 1 ? 'one' : 'them'}: ${names.map((n) => `--default ${n}=VALUE`).join(' ')}, or "defaults: {${names.map((n) => `${n}: VALUE`).join(', ')}}" in .dockerfile-argfix.yaml`;

/** An ARG default as BuildKit reads it back to exactly `value`. */
export function formatArgValue(value: string, escape: Escape): string {
  if (/^[A-Za-z0-9_.\/:@+,%=-]*$/.test(value)) return value;
  if (!value.includes("'")) return `'${value}'`; // single quotes: nothing inside expands (lex.go)
  // Inside double quotes the escape character escapes only '"', '$' and itself (lex.go processDoubleQuote).
  const special = escape === '\\' ? /[\\"$]/g : /[`"$]/g;
  return `"${value.replace(special, (c) => escape + c)}"`;
}

interface Need {
  name: string;
  order: number;
  reason: Hoisted['reason'];
  /** Index into model.globalArgs of the first global ARG whose default uses the name. */
  anchor: number | null;
  inline: { text: string; line: number } | null;
  findings: Finding[];
}

const OWN_IGNORE = /^dockerfile-argfix\s+ignore(?:\s*=\s*(.*))?$/;
const OWN_GLOBAL_IGNORE = /^dockerfile-argfix\s+global\s+ignore(?:\s*=\s*(.*))?$/;
const CHECK_COMMENT = /^check\s*=\s*(.*)$/;

function ruleList(spec: string | undefined): Set<string> | 'all' {
  if (spec === undefined || spec.trim() === '') return 'all';
  return new Set(spec.split(',').map((s) => s.trim()).filter(Boolean));
}
const covers = (set: Set<string> | 'all', rule: string) => set === 'all' || set.has(rule);

/** Suppressions: BuildKit's `# check=skip=` (file, and per FROM for UndefinedArgInFrom) and our pragma. */
function suppressor(model: DockerfileModel, ignore: ReadonlySet<string> | undefined, inline: boolean) {
  const global: (Set<string> | 'all')[] = [model.checkSkip, new Set(ignore)];
  // Indexed loops over instructions and FROMs here and below: once per file, they need not allocate per element.
  for (let k = 0; inline && k < model.instructions.length; k++) {
    const { comments } = model.instructions[k];
    for (let j = 0; j < comments.length; j++) {
      const m = OWN_GLOBAL_IGNORE.exec(comments[j]);
      if (m) global.push(ruleList(m[1]));
    }
  }
  return (rule: RuleName, ins: Instruction | null): boolean => {
    if (global.some((s) => covers(s, rule))) return true;
    if (!ins) return false;
    for (const c of ins.comments) {
      const own = inline ? OWN_IGNORE.exec(c) : null;
      if (own && covers(ruleList(own[1]), rule)) return true;
      // linter.go: a `# check=skip=` comment right above an instruction (Dockerfile >= 1.21); convert.go:399
      // merges it for FROM only into UndefinedArgInFrom.
      const chk = CHECK_COMMENT.exec(c);
      if (chk && rule === 'UndefinedArgInFrom' && covers(parseCheckSkip(chk[1]), rule)) return true;
    }
    return false;
  };
}

const isOwnComment = (c: string) => c.startsWith('dockerfile-argfix');

/**
 * UnknownRuleInPragma for each name in a `# dockerfile-argfix [global] ignore=…` pragma that is not one of our
 * rules (such a name suppresses nothing, usually a misspelling). Only our own pragma: a `# check=skip=` name is
 * BuildKit's, and BuildKit has many rules this tool never reports.
 */
function pragmaFindings(model: DockerfileModel): Finding[] {
  const out: Finding[] = [];
  let from = 0;
  for (let k = 0; k < model.instructions.length; k++) {
    const ins = model.instructions[k];
    if (ins.comments.length > 0 && ins.comments.some(isOwnComment)) {
      for (let l = from; l < ins.startLine; l++) {
        const line = model.table.lineText(l);
        const m = /^(\s*#\s*)(dockerfile-argfix\s+(?:global\s+)?ignore\s*=\s*)(.*)$/.exec(line);
        if (!m) continue;
        const re = /[^,\s]+/g;
        for (let w = re.exec(m[3]); w; w = re.exec(m[3])) {
          const unknown = unknownRule(w[0]);
          if (unknown === null) continue;
          const column = m[1].length + m[2].length + w.index + 1;
          out.push(
            finding('UnknownRuleInPragma', { line: l + 1, column }, `${unknown} in a # dockerfile-argfix pragma`, {
              fix: 'use the rule names the findings show (README, Findings); for all rules write the pragma without =…',
            }),
          );
        }
      }
    }
    from = ins.endLine + 1;
  }
  return out;
}

function keywordCase(model: DockerfileModel): string {
  const written = model.globalArgs[0]?.instr.written ?? model.froms[0]?.instr.written ?? 'ARG';
  if (written === written.toLowerCase()) return 'arg';
  if (written[0] === written[0].toUpperCase() && written.slice(1) === written.slice(1).toLowerCase()) return 'Arg';
  return 'ARG';
}

/** Offset where a line can be inserted above `ins` (after the previous instruction, or the directive run). */
function offsetAbove(model: DockerfileModel, ins: Instruction): number {
  const k = model.instructions.indexOf(ins);
  const prev = k > 0 ? model.instructions[k - 1] : null;
  return prev ? model.table.lineEndWithBreak(prev.endLine) : model.directivesEnd;
}

export function hoistFromArgs(model: DockerfileModel, options: HoistOptions = {}): HoistResult {
  const findings: Finding[] = [];
  if (model.froms.length === 0) return { edits: [], findings, hoisted: [] };
  const supplied = options.defaults ?? new Map<string, SuppliedDefault>();
  const { table, escape, globalArgs } = model;
  const builtins = builtinEnv(model);
  const inline = options.inlineConfig !== false;
  const isSuppressed = suppressor(model, options.ignore, inline);
  if (inline) {
    for (const f of pragmaFindings(model)) {
      if (isSuppressed('UnknownRuleInPragma', null)) f.suppressed = true;
      findings.push(f);
    }
  }
  const readEntries: GlobalEntry[] = globalArgs.map((a) => ({ name: a.name, raw: a.raw }));
  const read = evalGlobals(readEntries, builtins, escape);
  const globalNames = [...new Set(globalArgs.map((a) => a.name))];
  const suggestKeys = [...BUILTIN_ARGS, ...globalNames];

  const needs = new Map<string, Need>();
  const need = (name: string, reason: Need['reason']): Need => {
    let n = needs.get(name);
    if (!n) {
      n = { name, order: needs.size, reason, anchor: null, inline: null, findings: [] };
      needs.set(name, n);
    }
    return n;
  };

  // 1. Names used by a FROM (image and --platform) that the global scope does not declare.
  const reported = new Set<string>();
  for (const u of fromUses(model, read.env)) {
    const { name } = u.use;
    if (read.declared.has(name)) continue;
    // validations.go reportUnusedFromArgs: one warning per name per expanded word (Unmatched is a set).
    const key = `${u.from.index}:${u.part}:${name}`;
    if (reported.has(key)) continue;
    reported.add(key);
    const at = table.position(u.offset);
    const sug = suggest(name, suggestKeys);
    const message = `FROM argument '${name}' is not declared${sug ? ` (did you mean ${sug}?)` : ''}`;
    const f = finding('UndefinedArgInFrom', at, message, { name });
    findings.push(f);
    if (isSuppressed('UndefinedArgInFrom', u.from.instr)) {
      f.suppressed = true;
      continue;
    }
    if (!isDeclarableName(name)) {
      f.fix = `'$${name}' reads the special parameter '${name}', which ARG cannot declare: use \${NAME} to end a name`;
      continue;
    }
    if (sug && isBuiltin(sug)) {
      f.fix = `not hoisted: looks like a misspelling of the built-in ${sug}`;
      continue;
    }
    const n = need(name, 'from');
    n.findings.push(f);
    if (!n.inline && (u.use.modifier === ':-' || u.use.modifier === '-')) {
      n.inline = { text: u.word.text.slice(u.use.start, u.use.end), line: at.line };
    }
  }

  // Where each name is first declared among the global ARGs: "declared above the i-th" without a walk over them.
  const firstGlobal = new Map<string, number>();
  globalArgs.forEach((a, i) => {
    if (!firstGlobal.has(a.name)) firstGlobal.set(a.name, i);
  });
  const declaredAbove = (name: string, i: number) => (firstGlobal.get(name) ?? Infinity) < i;

  // 2. Names used inside global ARG defaults (BuildKit's checks never look there: buildkit.md surprise 6).
  globalArgs.forEach((decl, i) => {
    if (decl.raw === null || !decl.raw.includes('$')) return;
    for (const use of expandWord(decl.raw, new Map(), escape).uses) {
      const { name } = use;
      if (isBuiltin(name) || name === decl.name || declaredAbove(name, i)) continue;
      const at = table.position(decl.valueContiguous ? decl.valueStart + use.start : decl.valueStart);
      if (firstGlobal.has(name)) {
        const f = finding(
          'GlobalArgUsedBeforeDeclared',
          at,
          `ARG ${decl.name} uses '${name}', which is declared only further down, so it expands to empty here`,
          { name, fix: `move ARG ${name} above line ${at.line}` },
        );
        f.suppressed = isSuppressed('GlobalArgUsedBeforeDeclared', decl.instr) || undefined;
        findings.push(f);
        continue;
      }
      if (!isDeclarableName(name)) continue;
      const f = finding(
        'UndefinedArgInGlobalDefault',
        at,
        `ARG ${decl.name} uses '${name}', which is not declared before it, so --build-arg ${name} never reaches it`,
        { name },
      );
      findings.push(f);
      if (isSuppressed('UndefinedArgInGlobalDefault', decl.instr)) {
        f.suppressed = true;
        continue;
      }
      const n = need(name, needs.get(name)?.reason ?? 'global-default');
      n.findings.push(f);
      if (n.anchor === null || i < n.anchor) n.anchor = i;
    }
  });

  // The stage ARGs by name, once per file: the first with a default, and those without one (in file order).
  const stageDefault = new Map<string, DockerfileModel['stageArgs'][number]>();
  const stageBare = new Map<string, ArgDecl[]>();
  for (let k = 0; k < model.stageArgs.length; k++) {
    const sa = model.stageArgs[k];
    const { name } = sa.decl;
    if (sa.decl.raw !== null) {
      if (!stageDefault.has(name)) stageDefault.set(name, sa);
    } else {
      const list = stageBare.get(name);
      if (list) list.push(sa.decl);
      else stageBare.set(name, [sa.decl]);
    }
  }

  // 3. A default for each name: supplied value, the same name's ARG default elsewhere, inline ${NAME:-x}.
  const plan = [...needs.values()].map((n) => {
    const limit = n.anchor ?? globalArgs.length; // globals visible above the insertion point
    const s = supplied.get(n.name);
    if (s) return { n, raw: formatArgValue(s.value, escape), source: s.source };
    const stage = stageDefault.get(n.name);
    if (stage) {
      const uses = expandWord(stage.decl.raw!, new Map(), escape).uses;
      if (uses.every((u) => isBuiltin(u.name) || declaredAbove(u.name, limit))) {
        const line = table.position(stage.decl.nameStart).line;
        return { n, raw: stage.decl.raw, source: `ARG ${n.name} at line ${line} (stage ${stage.stage + 1})` };
      }
    }
    if (n.inline) return { n, raw: null, source: `inline default ${n.inline.text} at line ${n.inline.line}` };
    return { n, raw: null, source: 'none' };
  });

  // 4. The global scope after the edits, and the FROM checks before and after.
  // The planned ARGs by insertion point (the global ARG they go above, or null: after the last), in plan order.
  const planAt = new Map<number | null, typeof plan>();
  for (const p of plan) {
    const list = planAt.get(p.n.anchor);
    if (list) list.push(p);
    else planAt.set(p.n.anchor, [p]);
  }
  const planEntries = (rewrites: ReadonlyMap<ArgDecl, string>): GlobalEntry[] => {
    const out: GlobalEntry[] = [];
    const add = (at: number | null) => planAt.get(at)?.forEach((p) => out.push({ name: p.n.name, raw: p.raw }));
    globalArgs.forEach((a, i) => {
      if (i === 0 || globalArgs[i - 1].instr !== a.instr) {
        for (let j = i; j < globalArgs.length && globalArgs[j].instr === a.instr; j++) add(j);
      }
      out.push({ name: a.name, raw: rewrites.has(a) ? rewrites.get(a)! : a.raw });
    });
    add(null);
    return out;
  };
  const readChecks = checkFroms(model, read.env);
  const rewrites = new Map<ArgDecl, string>();
  let plannedEnv = evalGlobals(planEntries(rewrites), builtins, escape).env;
  let planned = checkFroms(model, plannedEnv);

  // Names a FROM depends on, through global defaults too.
  const dependsOn = (word: string): Set<string> => namesUnder(model, word);
  const invalidSuppressed = (c: FromCheck) => isSuppressed('InvalidDefaultArgInFrom', c.from.instr);

  // 5. An existing global default that gives an invalid reference is replaced only by a supplied value, and
  // only where that is what fixes it: with every candidate replaced the FROM must become valid, and each
  // replacement kept must be needed (a supplied TAG does not displace `ARG TAG=3.12` when IMAGE is the fault).
  const checkWith = (r: ReadonlyMap<ArgDecl, string>, c: FromCheck) => checkFrom(model, c.from, evalGlobals(planEntries(r), builtins, escape).env);
  const valid = (c: FromCheck | undefined) => !!c && c.error === null && c.invalid === null;
  for (const c of planned) {
    if (!c.invalid || invalidSuppressed(c)) continue;
    const candidates = new Map<ArgDecl, string>();
    for (const name of dependsOn(c.from.image.text)) {
      const s = supplied.get(name);
      const decl = globalsNamed(model, name).at(-1);
      if (!s || !decl || rewrites.has(decl)) continue;
      if (decl.raw !== null && !decl.valueContiguous) continue;
      const raw = formatArgValue(s.value, escape);
      if (decl.raw !== null && (decl.raw === raw || expandWord(decl.raw, new Map(), escape).value === s.value)) continue;
      candidates.set(decl, raw);
    }
    if (candidates.size === 0) continue;
    const trial = new Map([...rewrites, ...candidates]);
    if (!valid(checkWith(trial, c))) continue;
    for (const decl of candidates.keys()) {
      const without = new Map(trial);
      without.delete(decl);
      if (valid(checkWith(without, c))) trial.delete(decl);
    }
    for (const [decl, raw] of trial) rewrites.set(decl, raw);
  }
  if (rewrites.size) {
    plannedEnv = evalGlobals(planEntries(rewrites), builtins, escape).env;
    planned = checkFroms(model, plannedEnv);
  }

  // 6. Findings about the references, in the file as read, with whether the edits fix them.
  let firstStage: Map<string, number> | undefined;
  const firstStageNamed = (name: string) => {
    if (!firstStage) {
      firstStage = new Map();
      for (let k = 0; k < model.froms.length; k++) {
        const o = model.froms[k];
        if (o.stageName !== null && !firstStage.has(o.stageName)) firstStage.set(o.stageName, o.index);
      }
    }
    return firstStage.get(name);
  };
  const hoistedNames = new Map(plan.map((p) => [p.n.name, p]));
  const needsDefaultSeen = new Set<string>();
  let blamed: Set<string> | undefined;
  readChecks.forEach((c, k) => {
    const after = planned[k];
    // Valid as read and after the edits (or its finding suppressed): nothing to report.
    if (c.error === null && c.invalid === null && (!after.invalid || invalidSuppressed(after))) return;
    const at = table.position(c.from.image.map[0]);
    if (c.error) {
      findings.push(
        finding('InvalidFromExpansion', at, `cannot expand ${c.from.image.text}: ${c.error}`, {
          fixed: after.error === null,
          suppressed: isSuppressed('InvalidFromExpansion', c.from.instr) || undefined,
        }),
      );
      if (after.error) needsDefault(dependsOn(c.from.image.text), at, `FROM ${c.from.image.text} cannot be expanded`, c.from.instr, null);
      return;
    }
    let invalid: Finding | null = null;
    if (c.invalid) {
      const got = c.value === '' ? 'an empty name' : `"${c.value}"`;
      const f = finding(
        'InvalidDefaultArgInFrom',
        at,
        `Default value for ARG ${c.from.image.text} results in empty or invalid base image name (${got}: ${c.invalid})`,
        { fixed: after.error === null && after.invalid === null },
      );
      if (invalidSuppressed(c)) f.suppressed = true;
      else if (f.fixed && after.value !== null) f.fix = `with the new defaults it is "${after.value}"`;
      else if (c.value !== null && (firstStageNamed(c.value) ?? Infinity) < c.from.index) {
        f.fix = `"${c.value}" names an earlier stage, which builds; BuildKit still reports it (it parses every base name as a reference): rename the stage`;
      }
      findings.push(f);
      invalid = f;
    }
    if (!after.invalid || invalidSuppressed(after)) return;
    needsDefault(dependsOn(c.from.image.text), at, `FROM ${c.from.image.text} is still invalid`, c.from.instr, invalid);
  });
  // convert.go:428-452: an empty --platform fails the build ("empty platform value from expression"), and so
  // does one containerd cannot parse ("failed to parse platform", e.g. `linux/` from an empty variable).
  for (let k = 0; k < model.froms.length; k++) {
    const from = model.froms[k];
    if (!from.platform) continue;
    const value = expandWord(from.platform.text, plannedEnv, escape).value;
    if (isPlatform(value)) continue;
    const at = table.position(from.platform.map[0]);
    needsDefault(dependsOn(from.platform.text), at, `--platform=${from.platform.text} is ${value === '' ? 'empty' : `"${value}", not a platform`}`, from.instr, null);
  }
  /**
   * NeedsDefault for each ARG this run hoists without a default that the FROM still needs. An ARG the file
   * already declares without a default is not repeated: its FROM's InvalidDefaultArgInFrom carries the hint.
   */
  function needsDefault(names: Set<string>, at: { line: number; column: number }, what: string, instr: Instruction, invalid: Finding | null) {
    const bare: string[] = [];
    // Only the variables the FROM fails without (the need rule): `${DEBUG:+-debug}` is no reason to ask for DEBUG.
    blamed ??= new Set(fromVars(model).needs.map((n) => n.name));
    for (const name of names) {
      if (needsDefaultSeen.has(name) || supplied.has(name) || isBuiltin(name) || !blamed.has(name)) continue;
      const hoisted = hoistedNames.get(name);
      if (hoisted && hoisted.raw === null && !hoisted.n.inline) {
        needsDefaultSeen.add(name);
        const f = finding('NeedsDefault', at, `ARG ${name} has no default, so ${what} without --build-arg ${name}=…`, { name, fix: supplyHint([name]) });
        if (isSuppressed('NeedsDefault', instr)) f.suppressed = true;
        findings.push(f);
      } else if (!hoisted && globalsNamed(model, name).length > 0 && globalsNamed(model, name).every((a) => a.raw === null)) bare.push(name);
    }
    if (bare.length && invalid && !invalid.fixed && !invalid.suppressed && invalid.fix === undefined) {
      // The file declares it on purpose: every build may pass it (a compose file, a Makefile). BuildKit warns on each
      // build all the same; its own skip directive is the other way out (buildkit.md §5, check directive).
      invalid.fix = `ARG ${bare.join(', ')} ${bare.length === 1 ? 'has' : 'have'} no default: ${supplyHint(bare)}; or, if every build passes ${bare.length === 1 ? 'it' : 'them'}, add "# check=skip=InvalidDefaultArgInFrom" at the top of the file (BuildKit warns on each build too)`;
    }
  }

  // 7. Edits.
  const kw = keywordCase(model);
  const { eol } = model.shape;
  const edits: TextEdit[] = [];
  const lastGlobal = globalArgs[globalArgs.length - 1];
  const endOffset = lastGlobal ? table.lineEndWithBreak(lastGlobal.instr.endLine) : model.directivesEnd;
  const hoisted: Hoisted[] = [];
  const offsetOf = (p: (typeof plan)[number]) =>
    p.n.anchor === null ? endOffset : offsetAbove(model, globalArgs[p.n.anchor].instr);
  // In file order: by insertion point, then in the order the names were first used.
  for (const p of [...plan].sort((a, b) => offsetOf(a) - offsetOf(b) || a.n.order - b.n.order)) {
    const offset = offsetOf(p);
    const lead = offset === model.text.length && offset > 0 && !model.text.endsWith('\n') ? eol : '';
    edits.push({ start: offset, end: offset, text: `${lead}${kw} ${p.n.name}${p.raw === null ? '' : `=${p.raw}`}${eol}` });
    hoisted.push({ name: p.n.name, default: p.raw, source: p.source, reason: p.n.reason });
    for (const f of p.n.findings) {
      f.fixed = true;
      f.fix = `hoisted ${kw} ${p.n.name}${p.raw === null ? '' : `=${p.raw}`} (default: ${p.source})`;
    }
    if (p.raw !== null) {
      for (const decl of stageBare.get(p.n.name) ?? []) {
        findings.push(
          finding(
            'HoistChangesStageArg',
            table.position(decl.nameStart),
            `ARG ${decl.name} in this stage now inherits the global default ${p.raw} (it was empty)`,
            { name: decl.name, fixed: true },
          ),
        );
      }
    }
  }
  for (const [decl, raw] of rewrites) {
    edits.push(
      decl.raw === null
        ? { start: decl.nameEnd, end: decl.nameEnd, text: `=${raw}` }
        : { start: decl.valueStart, end: decl.valueEnd, text: raw },
    );
    const s = supplied.get(decl.name)!;
    findings.push(
      finding('DefaultRewritten', table.position(decl.nameStart), `ARG ${decl.name} default set to ${raw} (from ${s.source})`, {
        name: decl.name,
        fixed: true,
      }),
    );
  }
  findings.sort((a, b) => a.line - b.line || a.column - b.column);
  return { edits, findings, hoisted };
}
