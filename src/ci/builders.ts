/**
 * Image builders' command lines (research ci.md §1.1–1.3): which commands build a Dockerfile, which flag
 * names the Dockerfile and context, how build args are spelled, and what an unset bare `--build-arg NAME`
 * does. Each tool's flag table lists the options that take a value, so positional words (the context) are
 * told apart from option values.
 */
import { evalWord, literalPrefix, type Env, type ShCall, type ShWord } from './shell.js';

export type Tool = 'docker' | 'podman' | 'buildah' | 'kaniko' | 'buildctl' | 'nerdctl';

export interface PassedArg {
  name: string;
  /** Value as written in the source (after `NAME=`), or null for a bare `NAME`. */
  raw: string | null;
  word: ShWord;
}

export interface BuildCommand {
  tool: Tool;
  /** As the user typed it, e.g. `docker buildx build`. */
  label: string;
  call: ShCall;
  /** Index of the first word after the subcommand. */
  first: number;
  /** Value of -f/--file/--dockerfile (or buildctl's dockerfile dir + filename), evaluated; undefined: absent. */
  file: string | null | undefined;
  /** buildctl: `--local dockerfile=DIR`. */
  fileDir: string | null | undefined;
  context: string | null | undefined;
  /** Index of the positional context word, when there is exactly one. */
  contextIndex: number | null;
  passed: PassedArg[];
  /** `--build-arg=` seen. */
  eqStyle: boolean;
  /** Words that may expand to more flags ($EXTRA_ARGS, "${args[@]}"). */
  dynamic: ShWord[];
  /** buildctl given `--build-arg`, which it does not have. */
  foreignBuildArg: ShWord[];
  /** A bare `--build-arg NAME` keeps the Dockerfile default when NAME is unset. */
  bareKeepsDefault: boolean;
  /**
   * Indices of the words a new option may be written in front of: each word from `first` on that begins an
   * argument (not an option's separate value, not after `--`). Writing flags anywhere else would make them an
   * option's value or a word of the subcommand.
   */
  starts: number[];
  /**
   * Index of the `--` word that ends the options (every builder parses its flags with pflag/cobra or Go's
   * `flag`, which stop there), or null. The words after it are operands, never flags: a new flag goes before it.
   */
  endOfOptions: number | null;
}

const DOCKER_VALUE = new Set(
  ('add-host allow annotation attest build-arg build-context builder cache-from cache-to call cgroup-parent cpu-period ' +
    'cpu-quota cpu-shares cpuset-cpus cpuset-mems file iidfile isolation label memory memory-swap metadata-file network ' +
    'no-cache-filter output platform progress provenance sbom secret security-opt shm-size ssh tag target ulimit ' +
    // podman / buildah
    'authfile cert-dir creds format jobs manifest os arch variant runtime sign-by timestamp volume env from ' +
    'decryption-key hooks-dir build-arg-file userns userns-uid-map userns-gid-map ipc pid uts cap-add cap-drop device ' +
    'dns dns-option dns-search logfile retry retry-delay signature-policy tls-verify unsetenv unsetlabel layer-label ' +
    'cache-ttl os-feature os-version rusage-logfile skip-unused-stages cw compat-volumes inherit-labels identity-label ' +
    'cpp-flag group-add hostname http-proxy mount network-alias runtime-flag')
    .split(' '),
);
const DOCKER_SHORT_VALUE = new Set(['t', 'f', 'o', 'c', 'm', 'v']);
const KANIKO_VALUE = new Set(
  ('context dockerfile destination build-arg cache-repo cache-dir cache-ttl context-sub-path digest-file ' +
    'image-name-with-digest-file image-name-tag-with-digest-file label oci-layout-path registry-mirror ' +
    'registry-certificate registry-map snapshot-mode tar-path target verbosity custom-platform insecure-registry ' +
    'skip-tls-verify-registry ignore-path kaniko-dir image-fs-extract-retry push-retry git log-format log-timestamp ' +
    'compression compression-level')
    .split(' '),
);
const KANIKO_SHORT_VALUE = new Set(['c', 'f', 'd']);
const BUILDCTL_VALUE = new Set(
  'build-arg frontend opt local output export-cache import-cache secret ssh progress trace metadata-file ref-file registry-auth-tls allow source-policy-file'.split(' '),
);
const DOCKER_GLOBAL_VALUE = new Set(['context', 'c', 'host', 'H', 'config', 'log-level', 'l', 'tlscacert', 'tlscert', 'tlskey']);

/**
 * Whether an option word, as some builder reads it, takes the next word as its value (`--tag`, `-t`, `-qt`,
 * `--dockerfile`, `--opt`): the union of the builders' tables, for words whose builder is not known (the content
 * of an args variable, src/ci/dynargs.ts).
 */
export function takesNextValue(word: string): boolean {
  if (word.includes('=')) return false;
  if (word.startsWith('--')) {
    const f = word.slice(2);
    return DOCKER_VALUE.has(f) || KANIKO_VALUE.has(f) || BUILDCTL_VALUE.has(f);
  }
  return word.length > 1 && (DOCKER_SHORT_VALUE.has(word[word.length - 1]) || KANIKO_SHORT_VALUE.has(word[word.length - 1]));
}

const WRAPPERS = new Set(['sudo', 'time', 'exec', 'command', 'nice', 'env']);

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

interface Head {
  tool: Tool;
  label: string;
  first: number;
}

/** Recognises the builder and its subcommand; null for any other command. */
function head(words: readonly ShWord[]): Head | null {
  let i = 0;
  const lit = (k: number) => (k < words.length ? literalPrefix(words[k]) : { text: '', complete: false });
  const word = (k: number) => {
    const l = lit(k);
    return l.complete ? l.text : null;
  };
  while (i < words.length) {
    const w = word(i);
    if (w === null) return null;
    if (WRAPPERS.has(w) || (i > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) || (i > 0 && w.startsWith('-') && WRAPPERS.has(word(0) ?? ''))) {
      i++;
      continue;
    }
    break;
  }
  const prog = word(i);
  if (prog === null) return null;
  const name = basename(prog);
  if (name === 'docker' || name === 'nerdctl') {
    let k = i + 1;
    while (k < words.length) {
      const w = word(k);
      if (w === null || !w.startsWith('-')) break;
      const flag = w.replace(/^--?/, '');
      k += DOCKER_GLOBAL_VALUE.has(flag) && !w.includes('=') ? 2 : 1;
    }
    const sub = word(k);
    const next = word(k + 1);
    const tool: Tool = name === 'docker' ? 'docker' : 'nerdctl';
    if (sub === 'build') return { tool, label: `${name} build`, first: k + 1 };
    if ((sub === 'image' || sub === 'builder') && next === 'build') return { tool, label: `${name} ${sub} build`, first: k + 2 };
    if (sub === 'buildx' && (next === 'build' || next === 'b')) return { tool, label: `${name} buildx ${next}`, first: k + 2 };
    return null;
  }
  if (name === 'podman') {
    const sub = word(i + 1);
    if (sub === 'build') return { tool: 'podman', label: 'podman build', first: i + 2 };
    if (sub === 'buildx' && word(i + 2) === 'build') return { tool: 'podman', label: 'podman buildx build', first: i + 3 };
    if (sub === 'image' && word(i + 2) === 'build') return { tool: 'podman', label: 'podman image build', first: i + 3 };
    return null;
  }
  if (name === 'buildah') {
    const sub = word(i + 1);
    if (sub === 'bud' || sub === 'build' || sub === 'build-using-dockerfile') return { tool: 'buildah', label: `buildah ${sub}`, first: i + 2 };
    return null;
  }
  if (name === 'buildctl' || name === 'buildctl-daemonless.sh') {
    let k = i + 1;
    while (k < words.length && (word(k) ?? '').startsWith('-')) k += (word(k) ?? '').includes('=') ? 1 : 2;
    if (word(k) === 'build') return { tool: 'buildctl', label: `${name} build`, first: k + 1 };
    return null;
  }
  if (prog === '/kaniko/executor' || name === 'executor') return { tool: 'kaniko', label: prog, first: i + 1 };
  return null;
}

const ARGS_NAME = /ARGS|OPTS|OPTIONS|FLAGS|PARAMS|EXTRA/i;

/** A standalone word that may expand to several flags. */
function splats(w: ShWord): boolean {
  if (w.parts.length !== 1) return false;
  const p = w.parts[0];
  if (p.t === 'var') return p.list || (!p.quoted && ARGS_NAME.test(p.name));
  return p.t === 'dyn';
}

/** Splits `NAME=value` as written in the source. */
function passedArg(src: string, w: ShWord, valueStart: number): PassedArg | null {
  let text = src.slice(valueStart, w.end);
  if (/^["']/.test(text) && text.endsWith(text[0])) text = text.slice(1, -1);
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(=(.*))?$/s.exec(text);
  if (!m) return null;
  return { name: m[1], raw: m[2] === undefined ? null : m[3], word: w };
}

/** Parses one call: a build command with its facts, or null. `src` is the text the word offsets index. */
export function recognise(call: ShCall, src: string, env: Env): BuildCommand | null {
  if (call.kind !== 'call') return null;
  const h = head(call.words);
  if (!h) return null;
  const { tool } = h;
  const words = call.words;
  const cmd: BuildCommand = {
    tool,
    label: h.label,
    call,
    first: h.first,
    file: undefined,
    fileDir: undefined,
    context: undefined,
    contextIndex: null,
    passed: [],
    eqStyle: false,
    dynamic: [],
    foreignBuildArg: [],
    bareKeepsDefault: tool !== 'kaniko' && tool !== 'buildctl',
    starts: [],
    endOfOptions: null,
  };
  const valueLong = tool === 'kaniko' ? KANIKO_VALUE : tool === 'buildctl' ? BUILDCTL_VALUE : DOCKER_VALUE;
  const valueShort = tool === 'kaniko' ? KANIKO_SHORT_VALUE : tool === 'buildctl' ? new Set(['o']) : DOCKER_SHORT_VALUE;
  const positional: number[] = [];
  const evalSlice = (w: ShWord, from: number): string | null => {
    const v = evalWord(w, env);
    if (v === null) return null;
    return v.slice(from);
  };
  for (let i = h.first; i < words.length; i++) {
    const w = words[i];
    const pre = literalPrefix(w);
    // After `--` every word is an operand (`-t`, `--build-arg` included), and a list splat expands to operands.
    if (cmd.endOfOptions !== null) {
      positional.push(i);
      continue;
    }
    cmd.starts.push(i);
    if (pre.complete && pre.text === '--') {
      cmd.endOfOptions = i;
      continue;
    }
    if (!pre.text.startsWith('-') || pre.text === '-') {
      if (splats(w)) cmd.dynamic.push(w);
      else positional.push(i);
      continue;
    }
    let flag: string;
    let valueWord: ShWord | null = null;
    let valueOffset = 0; // offset of the value inside the word's evaluated text
    let valueSrc = 0; // source index where the value starts
    const eq = pre.text.indexOf('=');
    if (pre.text.startsWith('--')) {
      if (eq > 0) {
        flag = pre.text.slice(2, eq);
        valueWord = w;
        valueOffset = eq + 1;
        valueSrc = src.indexOf('=', w.start) + 1;
      } else {
        if (!pre.complete) continue;
        flag = pre.text.slice(2);
        if (valueLong.has(flag) && i + 1 < words.length) {
          valueWord = words[++i];
          valueSrc = valueWord.start;
        }
      }
    } else {
      // Short flags combine as in cobra/pflag (`-qt x`, `-qtx`, `-qf=x`): flags without a value, then at most one
      // that takes the rest of the word (after an optional `=`) or, when nothing is left, the next word.
      let k = 1;
      while (k < pre.text.length && !valueShort.has(pre.text[k])) k++;
      if (k >= pre.text.length) continue;
      flag = pre.text[k];
      if (pre.text.length > k + 1 || !pre.complete) {
        valueWord = w;
        valueOffset = pre.text[k + 1] === '=' ? k + 2 : k + 1;
        valueSrc = w.start + valueOffset;
      } else if (i + 1 < words.length) {
        valueWord = words[++i];
        valueSrc = valueWord.start;
      }
    }
    if (!valueWord) continue;
    const value = () => evalSlice(valueWord!, valueOffset);
    if (tool === 'buildctl') {
      if (flag === 'opt') {
        const v = src.slice(valueSrc, valueWord.end).replace(/^["']/, '');
        if (v.startsWith('build-arg:')) {
          const p = passedArg(src, valueWord, src.indexOf('build-arg:', valueSrc) + 'build-arg:'.length);
          if (p) cmd.passed.push(p);
        } else if (v.startsWith('filename=')) {
          const full = value();
          cmd.file = full === null ? null : full.replace(/^filename=/, '');
        }
      } else if (flag === 'local') {
        const full = value();
        const m = full === null ? null : /^(context|dockerfile)=(.*)$/.exec(full);
        if (m) {
          if (m[1] === 'context') cmd.context = m[2];
          else cmd.fileDir = m[2];
        } else if (full === null) {
          const raw = src.slice(valueSrc, valueWord.end);
          if (/^["']?context=/.test(raw)) cmd.context = null;
          if (/^["']?dockerfile=/.test(raw)) cmd.fileDir = null;
        }
      } else if (flag === 'build-arg') cmd.foreignBuildArg.push(valueWord);
      continue;
    }
    if (flag === 'build-arg') {
      if (valueWord === w) cmd.eqStyle = true;
      const p = passedArg(src, valueWord, valueSrc);
      if (p) cmd.passed.push(p);
      else if (splats(valueWord) || evalWord(valueWord, env) === null) cmd.dynamic.push(valueWord);
    } else if (flag === 'file' || flag === 'f' || (tool === 'kaniko' && flag === 'dockerfile')) {
      cmd.file = value();
    } else if (tool === 'kaniko' && (flag === 'context' || flag === 'c')) {
      const v = value();
      cmd.context = v === null ? null : v.replace(/^dir:\/\//, '');
    }
  }
  if (tool !== 'kaniko' && tool !== 'buildctl') {
    if (positional.length === 1) {
      cmd.contextIndex = positional[0];
      cmd.context = evalWord(words[positional[0]], env);
    } else if (positional.length > 1) cmd.context = null;
  }
  return cmd;
}
