/**
 * Build arguments that come from a variable (`docker build $EXTRA_ARGS .`): the job's visible assignments to it,
 * followed in script order (issue 13 item 4). Every assignment counts, in both branches of an `if`/`case` and in
 * loops (read flat: any of them may be the one that ran), with `+=`, `export`, `declare` and `local`; what their
 * values hold is read as the unquoted expansion reads it (split on blanks), so the build args they can pass are
 * known by name. The variable's content is opaque when a value, or a variable it reads, cannot be known: a
 * command substitution, a sourced file or `eval` (either may set anything), `read`/`mapfile`/`printf -v`, an
 * array, a build arg whose name is itself a variable, or a value the job starts with from outside (a project
 * variable) that no unconditional assignment replaces.
 */
import type { ShCall, ShWord } from './shell.js';
import { literalPrefix, parseShell } from './shell.js';
import { takesNextValue } from './builders.js';

/** Options that name the Dockerfile or the context (docker family, kaniko, buildctl). */
const WHERE_FLAGS = new Set(['-f', '--file', '--dockerfile', '--context', '-c', '--context-sub-path', '--local']);

export interface ArgsFacts {
  /** Build args some visible assignment passes (by name). */
  passes: Set<string>;
  /** Why the words may pass others too (null: every assignment is visible and read). */
  opaque: string | null;
}

export interface VarState {
  /** The job may start with a value from outside (a project variable) that is still part of it. */
  outside: boolean;
  passes: Set<string>;
  opaque: string | null;
}

/** Names that carry arguments when expanded at the start of a word (as builders.ts reads a build command). */
const ARGS_NAME = /ARGS|OPTS|OPTIONS|FLAGS|PARAMS|EXTRA/i;
const NAME = /^["']?([A-Za-z_][A-Za-z0-9_]*)/;
/** A variable's expansion inside the text being split: \u0001 index \u0002. */
const MARK = /\u0001(\d+)\u0002/;

type Piece = { t: 'lit'; v: string } | { t: 'var'; name: string; list: boolean } | { t: 'dyn' };

/**
 * What a value passes once expanded unquoted (word-split): `--build-arg NAME[=…]`, `--build-arg=NAME[=…]`,
 * `--opt build-arg:NAME=…`. `lookup` gives the state of a variable the value expands at the start of a word.
 */
function content(pieces: readonly Piece[], self: string, lookup: (name: string) => VarState | undefined): ArgsFacts & { selfRef: boolean } {
  const vars: Piece[] = [];
  let text = '';
  for (const p of pieces) {
    if (p.t === 'lit') text += p.v;
    else {
      vars.push(p);
      text += `\u0001${vars.length - 1}\u0002`;
    }
  }
  const out = { passes: new Set<string>(), opaque: null as string | null, selfRef: false };
  const fail = (why: string) => void (out.opaque ??= why);
  const tokens = text.split(/[ \t\r\n]+/).filter(Boolean);
  const argName = (t: string | undefined) => {
    if (t === undefined) return;
    if (t.startsWith('\u0001') || /^["']\u0001/.test(t)) return fail('a build arg whose name is a variable');
    const m = NAME.exec(t);
    if (m) out.passes.add(m[1]);
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    /** The word is the value of the option before it (`-t $IMAGE`, `--label x`). */
    const isValue = i > 0 && takesNextValue(tokens[i - 1]);
    // An expansion that starts a word may stand for any words (flags included); one inside a word, after
    // `NAME=`, is a value (a command substitution there could only add words by printing blanks).
    const lead = MARK.exec(t);
    if (lead && lead.index === 0) {
      const v = vars[+lead[1]];
      if (v.t === 'dyn') fail('a command substitution');
      else if (v.t === 'var' && v.name === self) out.selfRef = true;
      else if (v.t === 'var') {
        const st = lookup(v.name);
        if (st) {
          for (const n of st.passes) out.passes.add(n);
          if (st.opaque) fail(st.opaque);
          else if (st.outside) fail(`$${v.name}, which may be set outside the job`);
        } else if (v.list || ARGS_NAME.test(v.name)) fail(`$${v.name}, which may be set outside the job`);
        else if (!isValue) fail(`$${v.name}, which may be the build context`);
      }
      continue;
    }
    // What decides the Dockerfile or the context must be on the command line, where the tool reads it.
    const flag = /^--?[A-Za-z-]+/.exec(t)?.[0];
    if (flag !== undefined && (WHERE_FLAGS.has(flag) || /^-[A-Za-z]*f/.test(flag))) fail(`${flag}, which changes the Dockerfile or the context`);
    else if (t === '--opt' || t.startsWith('--opt=')) {
      const v = t === '--opt' ? tokens[i + 1] : t.slice('--opt='.length);
      if (v !== undefined && /^["']?(filename|context|dockerfile)=/.test(v)) fail(`--opt ${v.replace(/=.*/s, '')}, which changes the Dockerfile or the context`);
    } else if (!t.startsWith('-') && !isValue) fail(`the word ${t}, which may be the build context`);
    if (t === '--build-arg') argName(tokens[++i]);
    else if (t.startsWith('--build-arg=')) argName(t.slice('--build-arg='.length));
    else if (t === '--build-arg-file' || t.startsWith('--build-arg-file=')) fail('a --build-arg-file');
    else if (t === '--opt' || t.startsWith('--opt=')) {
      const v = t === '--opt' ? tokens[++i] : t.slice('--opt='.length);
      if (v !== undefined && /^["']?build-arg:/.test(v)) argName(v.replace(/^["']?build-arg:/, ''));
    }
  }
  return out;
}

/** A word's pieces, as the tracker reads them. */
function pieces(w: ShWord): Piece[] {
  return w.parts.map((p) => (p.t === 'lit' ? p : p.t === 'var' ? { t: 'var', name: p.name, list: p.list } : { t: 'dyn' }));
}

/** A raw `variables:` value as pieces: `$NAME`/`${NAME}` expand (GitLab expands them), the rest is literal. */
function rawPieces(raw: string): Piece[] {
  const out: Piece[] = [];
  let last = 0;
  for (const m of raw.matchAll(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)|\$\(/g)) {
    out.push({ t: 'lit', v: raw.slice(last, m.index) });
    if (m[0] === '$$') out.push({ t: 'lit', v: '$' });
    else if (m[0] === '$(') out.push({ t: 'dyn' });
    else out.push({ t: 'var', name: m[1] ?? m[2], list: false });
    last = m.index + m[0].length;
  }
  out.push({ t: 'lit', v: raw.slice(last) });
  return out;
}

const READERS = new Set(['read', 'mapfile', 'readarray']);

/** Follows one shell session's assignments (a job's script items, or a script file) in order. */
export class ArgTracker {
  private readonly vars = new Map<string, VarState>();
  /** A `source`/`.`/`eval` ran: any variable may hold anything from there on. */
  private blanket: string | null = null;

  /**
   * `initial`: what a variable starts with: the raw value of the job's `variables:` entry, or, for a script a
   * step runs, the caller's state of a variable the script inherits (stateOf); undefined when the session
   * starts without it.
   */
  constructor(private readonly initial: (name: string) => string | VarState | undefined = () => undefined) {}

  /** The variable as the session has it now (undefined: never set, as far as the tool can see). */
  stateOf(name: string): VarState | undefined {
    const st = this.state(name);
    return st && { outside: st.outside, passes: new Set(st.passes), opaque: st.opaque };
  }

  private state(name: string): VarState | undefined {
    let st = this.vars.get(name);
    if (st === undefined) {
      // After a `source` or `eval`, a variable no assignment has set since may hold anything.
      if (this.blanket) {
        st = { outside: true, passes: new Set(), opaque: this.blanket };
        this.vars.set(name, st);
        return st;
      }
      const raw = this.initial(name);
      if (raw === undefined) return undefined;
      if (typeof raw === 'string') {
        const c = content(rawPieces(raw), name, (n) => (n === name ? undefined : this.state(n)));
        st = { outside: false, passes: c.passes, opaque: c.opaque };
      } else st = { outside: raw.outside, passes: new Set(raw.passes), opaque: raw.opaque };
      this.vars.set(name, st);
    }
    return st;
  }

  /**
   * One command of the session, in order. `src`: the text the call's offsets index; `top`: the unconditional
   * commands of that text (shell.ts topLevelCommands), asked for only when the call assigns something.
   */
  observe(call: ShCall, src: string, top: () => ReadonlySet<string>): void {
    if (call.kind === 'call' && call.words.length > 0) {
      const w0 = literalPrefix(call.words[0]);
      if (!w0.complete) return;
      if (w0.text === 'source' || w0.text === '.' || w0.text === 'eval') {
        const why = w0.text === 'eval' ? 'an eval' : `a sourced file (${call.words[1] ? src.slice(call.words[1].start, call.words[1].end) : 'unknown'})`;
        this.blanket ??= why;
        for (const st of this.vars.values()) st.opaque ??= why;
        return;
      }
      const reads = READERS.has(w0.text) || (w0.text === 'printf' && call.words.some((w) => literalPrefix(w).text === '-v'));
      if (reads) {
        // Every plain word may be the name it reads into (`read -r A B`, `mapfile -t A`, `printf -v A …`).
        for (const w of call.words.slice(1)) {
          const n = literalPrefix(w);
          if (!n.complete || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n.text)) continue;
          const prior = this.state(n.text);
          this.vars.set(n.text, { outside: true, passes: new Set(prior?.passes ?? []), opaque: prior?.opaque ?? `${w0.text}, which reads it from input` });
        }
      } else if (w0.text === 'unset' && top().has(`${call.start}:${call.end}`)) {
        for (const w of call.words.slice(1)) {
          const n = literalPrefix(w);
          if (n.complete) this.vars.set(n.text, { outside: false, passes: new Set(), opaque: null });
        }
      }
      return; // `A=1 cmd` sets A for cmd only
    }
    if (call.assigns.length === 0) return;
    const text = src.slice(call.start, call.end);
    const unconditional = top().has(`${call.start}:${call.end}`);
    for (const a of call.assigns) {
      if (!a.name) continue;
      const prior = this.state(a.name) ?? { outside: true, passes: new Set<string>(), opaque: null };
      const esc = a.name.replace(/[^A-Za-z0-9_]/g, '');
      if (a.value === null) {
        // `export A` or `declare A` keeps the value; `A=(…)`, `A+=(…)` is an array.
        const arr = [...text.matchAll(new RegExp(`(^|[\\s;])${esc}(\\+?)=\\(`, 'g'))];
        if (arr.length > 0) {
          // An array: its elements, read as the words of one command (`ARGS+=(--build-arg "A=$X")`).
          const open = arr[0].index + arr[0][0].length;
          const close = text.lastIndexOf(')');
          const inner = arr.length === 1 && close >= open ? parseShell(`: ${text.slice(open, close)}`) : null;
          const head = inner && !inner.error ? inner.calls.find((c) => c.start === 0 && c.kind === 'call') : undefined;
          const words = head ? head.words.slice(1) : null;
          if (words === null) {
            this.vars.set(a.name, { ...prior, passes: new Set(prior.passes), opaque: prior.opaque ?? `the array ${a.name}` });
            continue;
          }
          const els: Piece[] = words.flatMap((w, i) => [...(i ? [{ t: 'lit' as const, v: ' ' }] : []), ...pieces(w)]);
          const c = content(els, a.name, (n) => this.state(n));
          if (unconditional && arr[0][2] !== '+' && !c.selfRef) this.vars.set(a.name, { outside: false, passes: c.passes, opaque: c.opaque });
          else this.vars.set(a.name, { outside: prior.outside, passes: new Set([...prior.passes, ...c.passes]), opaque: prior.opaque ?? c.opaque });
        }
        else if (new RegExp(`(^|[\\s;])${esc}\\+?=`).test(text)) this.vars.set(a.name, unconditional ? { outside: false, passes: new Set(), opaque: null } : prior);
        continue;
      }
      const append = new RegExp(`(^|[\\s;])${esc}\\+=`).test(text);
      const c = content(pieces(a.value), a.name, (n) => this.state(n));
      if (unconditional && !append && !c.selfRef) this.vars.set(a.name, { outside: false, passes: c.passes, opaque: c.opaque });
      else this.vars.set(a.name, { outside: prior.outside, passes: new Set([...prior.passes, ...c.passes]), opaque: prior.opaque ?? c.opaque });
    }
  }

  /**
   * What the dynamic words of a build command (builders.ts BuildCommand.dynamic) pass: the union over every
   * visible assignment, and why they may pass more.
   */
  read(call: ShCall, words: readonly ShWord[]): ArgsFacts {
    const out: ArgsFacts = { passes: new Set(), opaque: null };
    for (const w of words) {
      const i = call.words.indexOf(w);
      const prev = i > 0 ? literalPrefix(call.words[i - 1]) : null;
      const p = w.parts.length === 1 ? w.parts[0] : null;
      const v = p?.t === 'var' && p.name !== '@' && p.name !== '*' ? p.name : null;
      if ((prev?.complete && prev.text === '--build-arg') || literalPrefix(w).text.startsWith('--build-arg=')) {
        out.opaque ??= `a build arg written as ${v ? `$${v}` : 'an expansion'}`;
        continue;
      }
      if (v === null) {
        out.opaque ??= p?.t === 'var' ? `the script's own arguments (${p.name === '@' ? '"$@"' : '$*'})` : w.parts.some((q) => q.t === 'var') ? 'an expansion inside a word' : 'a command substitution';
        continue;
      }
      const st = this.state(v);
      if (!st) {
        out.opaque ??= `$${v} is not set in the job (it may be a project variable)`;
        continue;
      }
      for (const n of st.passes) out.passes.add(n);
      if (st.opaque) out.opaque ??= st.opaque;
      else if (st.outside) out.opaque ??= `$${v} may keep a value set outside the job (no assignment replaces it unconditionally)`;
    }
    return out;
  }
}
