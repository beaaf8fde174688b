/**
 * fast-check generators for Dockerfiles: directives, BOM, CRLF, multi-name global ARGs with quoting, every
 * variable form in FROM (image, tag, digest, --platform), stages, stage ARGs, heredocs (including bodies that
 * read like FROM lines), continuations, comments, keyword casing, final newline or not.
 *
 * Every variable value and literal comes from pools that always form valid references, so that with all
 * defaults supplied every FROM must come out declared and valid.
 */
import fc from 'fast-check';

export const NAMES = ['IMAGE', 'TAG', 'REG', 'BASE_IMAGE', 'CI_REGISTRY_IMAGE', 'CI_COMMIT_SHA', 'VERSION'] as const;
/** Values valid in any reference position (repository component or tag). */
export const VALUES = ['alpine', 'busybox', '3.20', 'latest', 'v1', 'x86'] as const;

export interface GeneratedDockerfile {
  text: string;
  escape: '\\' | '`';
  /** Names that appear in some FROM or global ARG default. */
  names: string[];
}

const kw = (word: string) => fc.constantFrom(word, word.toLowerCase(), word[0] + word.slice(1).toLowerCase());
const name = fc.constantFrom(...NAMES);
const value = fc.constantFrom(...VALUES);

/** A variable reference that yields a VALUES member (or empty when its name is unset). */
const varRef = fc.oneof(
  name.map((n) => ({ text: `$${n}`, names: [n] })),
  name.map((n) => ({ text: `\${${n}}`, names: [n] })),
  fc.tuple(name, value).map(([n, v]) => ({ text: `\${${n}:-${v}}`, names: [n] })),
  fc.tuple(name, value).map(([n, v]) => ({ text: `\${${n}-${v}}`, names: [n] })),
  fc.tuple(name, name, value).map(([a, b, v]) => ({ text: `\${${a}:-\${${b}:-${v}}}`, names: [a, b] })),
);
const part = fc.oneof({ weight: 3, arbitrary: varRef }, { weight: 2, arbitrary: value.map((v) => ({ text: v, names: [] as string[] })) });

const image = fc.oneof(
  part,
  fc.tuple(part, part).map(([a, b]) => ({ text: `${a.text}:${b.text}`, names: [...a.names, ...b.names] })),
  fc.tuple(part, part).map(([a, b]) => ({ text: `registry.example.com/${a.text}:${b.text}`, names: [...a.names, ...b.names] })),
  part.map((a) => ({ text: `${a.text}@sha256:${'a'.repeat(64)}`, names: a.names })),
);

const platform = fc.oneof(
  fc.constant({ text: '', names: [] as string[] }),
  fc.constant({ text: '--platform=$BUILDPLATFORM ', names: [] as string[] }),
  fc.constant({ text: '--platform=${TARGETPLATFORM} ', names: [] as string[] }),
);

const argWord = fc.oneof(
  name.map((n) => ({ text: n, names: [] as string[] })),
  fc.tuple(name, value).map(([n, v]) => ({ text: `${n}=${v}`, names: [] as string[] })),
  fc.tuple(name, value).map(([n, v]) => ({ text: `${n}="${v}"`, names: [] as string[] })),
  fc.tuple(name, value).map(([n, v]) => ({ text: `${n}='${v}'`, names: [] as string[] })),
  fc.tuple(name, varRef).map(([n, r]) => ({ text: `${n}=${r.text}`, names: r.names })),
);

type Piece = { lines: string[]; names: string[] };

const bodyLine = (esc: string): fc.Arbitrary<Piece> =>
  fc.oneof(
    kw('RUN').map((k) => ({ lines: [`${k} echo hello`], names: [] })),
    kw('RUN').map((k) => ({ lines: [`${k} apt-get update ${esc}`, '    && apt-get install -y curl'], names: [] })),
    fc.tuple(kw('RUN'), fc.constantFrom('<<EOF', "<< 'EOF'", '<<"EOF"', '<<-EOF')).map(([k, h]) => ({
      lines: [`${k} ${h}`, h.includes('-') ? '\tFROM $PHANTOM' : 'FROM $PHANTOM', h.includes('-') ? '\tEOF' : 'EOF'],
      names: [],
    })),
    fc.tuple(kw('ARG'), argWord).map(([k, w]) => ({ lines: [`${k} ${w.text}`], names: [] })),
    fc.constant<Piece>({ lines: ['# a comment'], names: [] }),
    fc.constant<Piece>({ lines: [''], names: [] }),
  );

export const dockerfileArb: fc.Arbitrary<GeneratedDockerfile> = fc
  .record({
    bom: fc.boolean(),
    crlf: fc.boolean(),
    finalNewline: fc.boolean(),
    syntax: fc.boolean(),
    escape: fc.constantFrom('\\', '`', null),
    check: fc.constantFrom(null, 'check=error=true'),
    leadingComment: fc.boolean(),
    globals: fc.array(fc.tuple(kw('ARG'), fc.array(argWord, { minLength: 1, maxLength: 3 })), { maxLength: 3 }),
    stages: fc.array(
      fc.record({
        from: kw('FROM'),
        platform,
        image,
        as: fc.boolean(),
        continued: fc.boolean(),
        comment: fc.boolean(),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .chain((r) => {
    const esc = r.escape ?? '\\';
    return fc.array(fc.array(bodyLine(esc), { maxLength: 4 }), { minLength: r.stages.length, maxLength: r.stages.length }).map((bodies) => {
      const lines: string[] = [];
      const names = new Set<string>();
      if (r.syntax) lines.push('# syntax=docker/dockerfile:1');
      if (r.escape) lines.push(`# escape=${r.escape}`);
      if (r.check) lines.push(`# ${r.check}`);
      if (r.leadingComment) lines.push('# built by CI');
      for (const [k, words] of r.globals) {
        lines.push(`${k} ${words.map((w) => w.text).join(' ')}`);
        for (const w of words) w.names.forEach((n) => names.add(n));
      }
      r.stages.forEach((st, i) => {
        if (st.comment) lines.push(`# stage ${i}`);
        st.image.names.forEach((n) => names.add(n));
        const as = st.as ? ` AS s${i}` : '';
        if (st.continued && as) lines.push(`${st.from} ${st.platform.text}${st.image.text} ${esc}`, `  ${as.trim()}`);
        else lines.push(`${st.from} ${st.platform.text}${st.image.text}${as}`);
        for (const b of bodies[i]) lines.push(...b.lines);
      });
      const eol = r.crlf ? '\r\n' : '\n';
      const text = (r.bom ? '\uFEFF' : '') + lines.join(eol) + (r.finalNewline ? eol : '');
      return { text, escape: esc as '\\' | '`', names: [...names] };
    });
  });
