/**
 * BuildKit-exact word expansion for Dockerfile FROM words and global ARG defaults.
 *
 * This is a behavioural port of moby/buildkit `frontend/dockerfile/shell/lex.go`
 * (`ProcessWordWithMatches` → `process` → `processStopOn` / `processSingleQuote` /
 * `processDoubleQuote` / `processDollar` / `processName`, and the glob helpers
 * `convertShellPatternToRegex` / `trimPrefix` / `trimSuffix` / `reversePattern`).
 * It mirrors the lexer of a `shell.NewLex(escapeToken)` with the default flags
 * (quotes processed, escapes not raw, unset variables expand to '').
 *
 * Differences from the Go code are only in representation:
 * - offsets are JS string (UTF-16) indices into the input word;
 * - every lookup is recorded as a {@link VarUse} with its source position;
 * - errors are returned in {@link ExpandResult.error} instead of thrown.
 *
 * Expansion is single-pass: a value containing `$X` is never re-expanded.
 */

export type Escape = '\\' | '`';

export interface VarUse {
  /** The looked-up name ('' never; special one-char params like '1', '@' included). */
  name: string;
  /** Offset of the '$' in the input word. */
  start: number;
  /** Offset just past the whole expansion ($NAME or ${...}). */
  end: number;
  /** Offset of the name's first char. */
  nameStart: number;
  braced: boolean;
  /**
   * null for $N / ${N}; else ':-' '-' ':+' '+' ':?' '?' '#' '##' '%' '%%' '/' '//'.
   * Taken from the source text. For the lookups BuildKit performs before rejecting
   * a modifier (e.g. `${X:=y}`, `${X:YYY}`) this holds the raw two chars (':=', ':Y').
   */
  modifier: string | null;
  /** The RAW source text of the word after the modifier (for '/' forms: 'pattern/replacement'). */
  word: string | null;
  /** 0 for top level, 1+ when nested inside another expansion's word. */
  depth: number;
}

export interface ExpandResult {
  /** The expanded word (quotes removed, escapes applied); '' on error. */
  value: string;
  /** Every expansion looked up (nested included), in source order of '$'. */
  uses: VarUse[];
  /** Names looked up and not found (deduped, source order). BuildKit's Unmatched. */
  unmatched: string[];
  /** Names looked up and found (deduped, source order). BuildKit's Matched. */
  matched: string[];
  /** BuildKit's error text, e.g. `failed to process "${X:?msg}": X: msg`; null when none. */
  error: string | null;
}

const EOF = -1;
const CH_DOLLAR = 36; // $
const CH_SQUOTE = 39; // '
const CH_DQUOTE = 34; // "
const CH_LBRACE = 123; // {
const CH_RBRACE = 125; // }
const CH_COLON = 58; // :
const CH_SLASH = 47; // /
const CH_BACKSLASH = 92; // \
const CH_STAR = 42; // *
const CH_QMARK = 63; // ?
const CH_HASH = 35; // #
const CH_PERCENT = 37; // %
const CH_PLUS = 43; // +
const CH_MINUS = 45; // -
const CH_UNDERSCORE = 95; // _
const REPLACEMENT_CHAR = '\uFFFD'; // Go's string(rune(-1)) / %c of EOF

class LexError extends Error {}

const EMPTY_ENV: ReadonlyMap<string, string> = new Map();

// ---------------------------------------------------------------------------
// Character classes (Go's unicode.IsLetter / unicode.IsDigit)

const nonAsciiLetter = /^\p{L}$/u;
const nonAsciiDigit = /^\p{Nd}$/u;
const classCache = new Map<number, number>(); // bit 1 = letter, bit 2 = digit

function nonAsciiClass(cp: number): number {
  let c = classCache.get(cp);
  if (c === undefined) {
    const s = String.fromCodePoint(cp);
    c = (nonAsciiLetter.test(s) ? 1 : 0) | (nonAsciiDigit.test(s) ? 2 : 0);
    if (classCache.size < 4096) classCache.set(cp, c);
  }
  return c;
}

function isDigit(cp: number): boolean {
  if (cp < 128) return cp >= 48 && cp <= 57;
  return (nonAsciiClass(cp) & 2) !== 0;
}

function isNameChar(cp: number): boolean {
  if (cp < 128) {
    return (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122) || cp === CH_UNDERSCORE;
  }
  return nonAsciiClass(cp) !== 0;
}

/** Special parameters `@ * # ? - $ ! 0` (lex.go isSpecialParam). */
function isSpecialParam(c: number): boolean {
  return c === 64 || c === CH_STAR || c === CH_HASH || c === CH_QMARK || c === CH_MINUS || c === CH_DOLLAR || c === 33 || c === 48;
}

function cpWidth(cp: number): number {
  return cp > 0xffff ? 2 : 1;
}

// ---------------------------------------------------------------------------
// Go %q (strconv.Quote) for the "failed to process %q" wrapper

const goPrintable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    const w = cpWidth(cp);
    i += w;
    switch (cp) {
      case 0x22: out += '\\"'; continue;
      case 0x5c: out += '\\\\'; continue;
      case 0x07: out += '\\a'; continue;
      case 0x08: out += '\\b'; continue;
      case 0x0c: out += '\\f'; continue;
      case 0x0a: out += '\\n'; continue;
      case 0x0d: out += '\\r'; continue;
      case 0x09: out += '\\t'; continue;
      case 0x0b: out += '\\v'; continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += '\\x' + hex(cp, 2);
    else if (cp < 0x7f) out += String.fromCharCode(cp);
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (goPrintable.test(String.fromCodePoint(cp))) out += String.fromCodePoint(cp);
    else if (cp < 0x10000) out += '\\u' + hex(cp, 4);
    else out += '\\U' + hex(cp, 8);
  }
  return out + '"';
}

// ---------------------------------------------------------------------------
// Glob patterns (convertShellPatternToRegex, trimPrefix, trimSuffix)

/**
 * Glob → JS regex source, same construction as BuildKit's convertShellPatternToRegex.
 * Go's `.` matches any rune but '\n'; JS's `.` also excludes '\r', U+2028, U+2029, so
 * `[^\n]` is used. `\` is always the pattern escape, whatever the Dockerfile escape is.
 * Throws the Go message ("invalid escape '\x'") for a bad escape.
 */
function convertShellPatternToRegex(pattern: string, greedy: boolean, anchored: boolean): string {
  let out = anchored ? '^' : '';
  const star = greedy ? '[^\\n]*' : '[^\\n]*?';
  const n = pattern.length;
  for (let i = 0; i < n; ) {
    const c = pattern.charCodeAt(i);
    switch (c) {
      case CH_STAR:
        out += star;
        i++;
        continue;
      case CH_QMARK:
        out += '[^\\n]';
        i++;
        continue;
      case CH_BACKSLASH: {
        const next = i + 1 < n ? pattern.codePointAt(i + 1)! : EOF;
        // `}` and `/` had to be escaped to be part of ${}; the escape is not part of the pattern
        if (next === CH_RBRACE || next === CH_SLASH) {
          i++;
          continue;
        }
        if (next !== CH_STAR && next !== CH_QMARK && next !== CH_BACKSLASH) {
          const shown = next === EOF ? REPLACEMENT_CHAR : String.fromCodePoint(next);
          throw new LexError(`invalid escape '\\${shown}'`);
        }
        out += '\\' + String.fromCharCode(next);
        i += 2;
        continue;
      }
      case 91: case 93: case CH_LBRACE: case CH_RBRACE: case 46: case CH_PLUS:
      case 40: case 41: case 124: case 94: case CH_DOLLAR:
        // [ ] { } . + ( ) | ^ $
        out += '\\' + String.fromCharCode(c);
        i++;
        continue;
      default:
        out += pattern[i];
        i++;
    }
  }
  return out;
}

const regexCache = new Map<string, RegExp>();

function compile(source: string, global: boolean): RegExp {
  const key = (global ? 'g' : '-') + source;
  let re = regexCache.get(key);
  if (re === undefined) {
    re = new RegExp(source, global ? 'gu' : 'u');
    if (regexCache.size > 512) regexCache.clear();
    regexCache.set(key, re);
  }
  return re;
}

function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  let source: string;
  try {
    source = convertShellPatternToRegex(pattern, greedy, true);
  } catch (e) {
    throw new LexError(`invalid pattern (${pattern}) in substitution: ${(e as Error).message}`);
  }
  const m = compile(source, false).exec(value);
  return m === null ? value : value.slice(m.index + m[0].length);
}

/** Reverse by code points, keeping `\x` pairs in order (a\*c → c\*a). */
function reversePattern(pattern: string): string {
  const cps = Array.from(pattern);
  const last = cps.length - 1;
  const out = new Array<string>(cps.length);
  for (let i = 0; i <= last; ) {
    const tok = cps[i]!;
    const o = last - i;
    if (tok === '\\' && i !== last) {
      out[o - 1] = tok;
      out[o] = cps[i + 1]!;
      i += 2;
    } else {
      out[o] = tok;
      i++;
    }
  }
  return out.join('');
}

function reverseString(s: string): string {
  return Array.from(s).reverse().join('');
}

/** Shortest/longest rightmost match, via reversing pattern and value (as BuildKit does). */
function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  return reverseString(trimPrefix(reversePattern(pattern), reverseString(value), greedy));
}

/** Go regexp.Expand for a regex with no capture groups: `$$` → `$`, `$0`/`${0}` → match. */
function goExpand(template: string, match: string): string {
  let out = '';
  let t = template;
  for (;;) {
    const d = t.indexOf('$');
    if (d < 0) break;
    out += t.slice(0, d);
    t = t.slice(d + 1);
    if (t.charCodeAt(0) === CH_DOLLAR) {
      out += '$';
      t = t.slice(1);
      continue;
    }
    // extract(): name or {name}
    let i = 0;
    let body = t;
    const brace = t.charCodeAt(0) === CH_LBRACE;
    if (brace) body = t.slice(1);
    while (i < body.length) {
      const cp = body.codePointAt(i)!;
      if (!isNameChar(cp)) break;
      i += cpWidth(cp);
    }
    if (i === 0 || (brace && body.charCodeAt(i) !== CH_RBRACE)) {
      out += '$'; // malformed: '$' is raw text
      continue;
    }
    const name = body.slice(0, i);
    t = body.slice(brace ? i + 1 : i);
    // Only group 0 exists; names (and numbers with leading zeros) resolve to nothing.
    if (name === '0') out += match;
  }
  return out + t;
}

/** Go Regexp.ReplaceAllString semantics (no empty match right after a previous match). */
function goReplaceAll(value: string, source: string, replacement: string): string {
  const re = compile(source, true);
  const end = value.length;
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= end) {
    re.lastIndex = searchPos;
    const m = re.exec(value);
    if (m === null) break;
    const a0 = m.index;
    const a1 = a0 + m[0].length;
    out += value.slice(lastMatchEnd, a0);
    if (a1 > lastMatchEnd || a0 === 0) out += goExpand(replacement, m[0]);
    lastMatchEnd = a1;
    const width = searchPos < end ? cpWidth(value.codePointAt(searchPos)!) : 0;
    if (searchPos + width > a1) searchPos += width;
    else if (searchPos + 1 > a1) searchPos++;
    else searchPos = a1;
  }
  return out + value.slice(lastMatchEnd);
}

// ---------------------------------------------------------------------------
// The lexer

interface Lookup {
  use: VarUse;
  found: boolean;
}

class ShellWord {
  pos = 0;
  depth = 0;
  readonly lookups: Lookup[] = [];
  private readonly len: number;
  private readonly esc: number;

  constructor(
    private readonly s: string,
    private readonly env: ReadonlyMap<string, string>,
    escape: Escape,
  ) {
    this.len = s.length;
    this.esc = escape.charCodeAt(0);
    // text/scanner ignores a byte order mark at the very start
    if (s.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  /** getEnv: records the lookup at `slot` so that uses stay in source order of '$'. */
  private getEnv(use: VarUse, slot: number): string | undefined {
    const value = this.env.get(use.name);
    const found = value !== undefined || this.env.has(use.name);
    const entry: Lookup = { use, found };
    if (slot === this.lookups.length) this.lookups.push(entry);
    else this.lookups.splice(slot, 0, entry);
    return found ? (value ?? '') : undefined;
  }

  /** Process until EOF (stop === EOF) or the first unescaped, unquoted `stop` char (consumed). */
  processStopOn(stop: number, rawEscapes: boolean): string {
    const s = this.s;
    const len = this.len;
    const esc = this.esc;
    let out = '';
    while (this.pos < len) {
      const c = s.charCodeAt(this.pos);
      if (c === stop) {
        this.pos++;
        return out;
      }
      if (c === CH_DOLLAR) {
        out += this.processDollar();
        continue;
      }
      if (c === CH_SQUOTE) {
        out += this.processSingleQuote();
        continue;
      }
      if (c === CH_DQUOTE) {
        out += this.processDoubleQuote(rawEscapes);
        continue;
      }
      if (c === esc) {
        this.pos++;
        if (rawEscapes) out += s[this.pos - 1];
        if (this.pos >= len) break; // escape at end of word is dropped
        const w = cpWidth(s.codePointAt(this.pos)!);
        out += s.slice(this.pos, this.pos + w);
        this.pos += w;
        continue;
      }
      // run of ordinary characters
      let j = this.pos + 1;
      while (j < len) {
        const d = s.charCodeAt(j);
        if (d === stop || d === CH_DOLLAR || d === CH_SQUOTE || d === CH_DQUOTE || d === esc) break;
        j++;
      }
      out += s.slice(this.pos, j);
      this.pos = j;
    }
    if (stop !== EOF) {
      throw new LexError(`unexpected end of statement while looking for matching ${String.fromCharCode(stop)}`);
    }
    return out;
  }

  private processSingleQuote(): string {
    const start = this.pos + 1;
    const close = this.s.indexOf("'", start);
    if (close < 0) {
      this.pos = this.len;
      throw new LexError('unexpected end of statement while looking for matching single-quote');
    }
    this.pos = close + 1;
    return this.s.slice(start, close);
  }

  private processDoubleQuote(rawEscapes: boolean): string {
    const s = this.s;
    const len = this.len;
    const esc = this.esc;
    let out = '';
    this.pos++; // opening quote
    for (;;) {
      if (this.pos >= len) {
        throw new LexError('unexpected end of statement while looking for matching double-quote');
      }
      const c = s.charCodeAt(this.pos);
      if (c === CH_DQUOTE) {
        this.pos++;
        return out;
      }
      if (c === CH_DOLLAR) {
        out += this.processDollar();
        continue;
      }
      this.pos++;
      if (c === esc) {
        if (rawEscapes) out += s[this.pos - 1];
        if (this.pos >= len) continue; // ignored; the loop then reports the missing quote
        const n = s.charCodeAt(this.pos);
        if (n === CH_DQUOTE || n === CH_DOLLAR || n === esc) {
          out += s[this.pos];
          this.pos++;
          continue;
        }
        out += s[this.pos - 1]; // other escapes are left as-is
        continue;
      }
      out += s[this.pos - 1];
    }
  }

  /** Reads a name at pos: digits only if it starts with a digit; one special char; else letters/digits/_. */
  private processName(): string {
    const s = this.s;
    const len = this.len;
    const start = this.pos;
    if (start >= len) return '';
    let cp = s.codePointAt(start)!;
    if (isDigit(cp)) {
      while (this.pos < len) {
        cp = s.codePointAt(this.pos)!;
        if (!isDigit(cp)) break;
        this.pos += cpWidth(cp);
      }
      return s.slice(start, this.pos);
    }
    if (isSpecialParam(cp)) {
      this.pos++;
      return s[start]!;
    }
    while (this.pos < len) {
      cp = s.codePointAt(this.pos)!;
      if (!isNameChar(cp)) break;
      this.pos += cpWidth(cp);
    }
    return s.slice(start, this.pos);
  }

  private processDollar(): string {
    const s = this.s;
    const len = this.len;
    const start = this.pos;
    const depth = this.depth;
    const slot = this.lookups.length;
    this.pos++; // '$'

    // $xxx
    if (this.pos >= len || s.charCodeAt(this.pos) !== CH_LBRACE) {
      const nameStart = this.pos;
      const name = this.processName();
      if (name === '') return '$';
      const use: VarUse = { name, start, end: this.pos, nameStart, braced: false, modifier: null, word: null, depth };
      return this.getEnv(use, slot) ?? '';
    }

    this.pos++; // '{'
    if (this.pos >= len) throw new LexError("syntax error: missing '}'");
    const p = s.charCodeAt(this.pos);
    if (p === CH_LBRACE || p === CH_RBRACE || p === CH_COLON) {
      throw new LexError('syntax error: bad substitution');
    }
    const nameStart = this.pos;
    const name = this.processName();

    // ch := Next()
    let ch = EOF;
    let chs = REPLACEMENT_CHAR;
    if (this.pos < len) {
      ch = s.codePointAt(this.pos)!;
      chs = String.fromCodePoint(ch);
      this.pos += chs.length;
    }

    if (ch === CH_RBRACE) {
      const use: VarUse = { name, start, end: this.pos, nameStart, braced: true, modifier: null, word: null, depth };
      return this.getEnv(use, slot) ?? '';
    }

    if (ch === CH_SLASH) {
      const replaceAll = this.pos < len && s.charCodeAt(this.pos) === CH_SLASH;
      if (replaceAll) this.pos++;
      const wordStart = this.pos;
      this.depth++;
      let pattern: string;
      let replacement: string;
      try {
        try {
          pattern = this.processStopOn(CH_SLASH, true);
        } catch (e) {
          if (this.pos >= len) throw new LexError("syntax error: missing '/' in ${}");
          throw e;
        }
        try {
          replacement = this.processStopOn(CH_RBRACE, true);
        } catch (e) {
          if (this.pos >= len) throw new LexError("syntax error: missing '}'");
          throw e;
        }
      } finally {
        this.depth--;
      }
      const use: VarUse = {
        name, start, end: this.pos, nameStart, braced: true,
        modifier: replaceAll ? '//' : '/', word: s.slice(wordStart, this.pos - 1), depth,
      };
      const value = this.getEnv(use, slot) ?? '';
      let source: string;
      try {
        source = convertShellPatternToRegex(pattern, true, false);
      } catch (e) {
        throw new LexError(`invalid pattern (${pattern}) in substitution: ${(e as Error).message}`);
      }
      if (replaceAll) return goReplaceAll(value, source, replacement);
      const m = compile(source, false).exec(value);
      return m === null ? value : value.slice(0, m.index) + replacement + value.slice(m.index + m[0].length);
    }

    let nullIsUnset = false;
    if (ch === CH_COLON) {
      nullIsUnset = true;
      if (this.pos < len) {
        ch = s.codePointAt(this.pos)!;
        const c2 = String.fromCodePoint(ch);
        chs += c2;
        this.pos += c2.length;
      } else {
        ch = EOF;
        chs += REPLACEMENT_CHAR;
      }
    } else if (ch !== CH_PLUS && ch !== CH_MINUS && ch !== CH_QMARK && ch !== CH_HASH && ch !== CH_PERCENT) {
      throw new LexError(`unsupported modifier (${chs}) in substitution`);
    }

    const rawEscapes = ch === CH_HASH || ch === CH_PERCENT;
    if (nullIsUnset && rawEscapes) {
      throw new LexError(`unsupported modifier (${chs}) in substitution`);
    }
    let modifier = chs;
    let wordStart = this.pos;
    if (rawEscapes && wordStart < len && s.charCodeAt(wordStart) === ch) {
      modifier += chs; // '##' / '%%' (source text)
      wordStart++;
    }
    this.depth++;
    let word: string;
    try {
      word = this.processStopOn(CH_RBRACE, rawEscapes);
    } catch (e) {
      if (this.pos >= len) throw new LexError("syntax error: missing '}'");
      throw e;
    } finally {
      this.depth--;
    }
    const use: VarUse = {
      name, start, end: this.pos, nameStart, braced: true, modifier, word: s.slice(wordStart, this.pos - 1), depth,
    };
    const found = this.getEnv(use, slot);
    const set = found !== undefined;
    const value = found ?? '';

    switch (ch) {
      case CH_MINUS:
        return !set || (nullIsUnset && value === '') ? word : value;
      case CH_PLUS:
        return !set || (nullIsUnset && value === '') ? '' : word;
      case CH_QMARK:
        if (!set) throw new LexError(`${name}: ${word !== '' ? word : 'is not allowed to be unset'}`);
        if (nullIsUnset && value === '') {
          throw new LexError(`${name}: ${word !== '' ? word : 'is not allowed to be empty'}`);
        }
        return value;
      case CH_HASH:
      case CH_PERCENT: {
        // greedy is decided on the expanded word, as in BuildKit
        let greedy = false;
        if (word.length > 0 && word.charCodeAt(0) === ch) {
          greedy = true;
          word = word.slice(1);
        }
        return ch === CH_PERCENT ? trimSuffix(word, value, greedy) : trimPrefix(word, value, greedy);
      }
      default:
        throw new LexError(`unsupported modifier (${chs}) in substitution`);
    }
  }
}

function collect(lookups: Lookup[]): Pick<ExpandResult, 'uses' | 'matched' | 'unmatched'> {
  const uses: VarUse[] = [];
  const matched: string[] = [];
  const unmatched: string[] = [];
  let seen: Set<string> | undefined;
  for (const l of lookups) {
    const name = l.use.name;
    if (name !== '') uses.push(l.use);
    if (lookups.length > 1) {
      seen ??= new Set();
      if (seen.has(name)) continue;
      seen.add(name);
    }
    (l.found ? matched : unmatched).push(name);
  }
  return { uses, matched, unmatched };
}

/**
 * Expand `word` like BuildKit's `Lex.ProcessWordWithMatches(word, env)`.
 * A name present in `env` (even with value '') is set; absent is unset.
 * Note: names are collected from every lookup BuildKit makes, so `${+x}`-style
 * forms (empty name) put '' into matched/unmatched (never into uses).
 */
export function expandWord(word: string, env: ReadonlyMap<string, string>, escape: Escape = '\\'): ExpandResult {
  const sw = new ShellWord(word, env, escape);
  let value = '';
  let error: string | null = null;
  try {
    value = sw.processStopOn(EOF, false);
  } catch (e) {
    if (!(e instanceof LexError)) throw e;
    error = `failed to process ${goQuote(word)}: ${e.message}`;
  }
  return { value, error, ...collect(sw.lookups) };
}

/** Only scans (no env): the uses, fast path for collecting names. Agrees with expandWord(word, emptyMap).uses. */
export function scanVariables(word: string, escape: Escape = '\\'): VarUse[] {
  // Fast path: nothing to expand.
  if (word.indexOf('$') < 0) return [];
  const sw = new ShellWord(word, EMPTY_ENV, escape);
  try {
    sw.processStopOn(EOF, false);
  } catch (e) {
    if (!(e instanceof LexError)) throw e;
  }
  return collect(sw.lookups).uses;
}
