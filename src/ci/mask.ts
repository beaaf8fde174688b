/**
 * GitHub substitutes `${{ … }}` into a `run:` script before the shell sees it; the shell parser would reject it.
 * Each expression becomes an unknown variable of the same length (`$___…`), so offsets stay aligned and its
 * value counts as unknown.
 */
export function maskExpressions(text: string): string {
  return text.replace(/\$\{\{[\s\S]*?\}\}/g, (m) => `$${'_'.repeat(m.length - 1)}`);
}

const MATRIX_PREFIX = '__M_';
const norm = (key: string) => key.replace(/[-.]/g, '_').replace(/_+$/, '');

/**
 * As maskExpressions, but `${{ matrix.KEY }}` becomes a variable of the same length whose name tells the key
 * (`$__M_KEY___`, see matrixKeyOf), so a matrix job's value can be looked up (src/ci/steps.ts); unknown otherwise.
 */
export function maskGithub(text: string): string {
  return maskExpressions(
    text.replace(/\$\{\{\s*matrix\.([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\s*\}\}/g, (m, key: string) => {
      const name = `${MATRIX_PREFIX}${key.replace(/[-.]/g, '_')}`;
      return `$${name}${'_'.repeat(m.length - 1 - name.length)}`;
    }),
  );
}

/** The matrix key among `keys` a masked variable name stands for; undefined when it is no matrix mask, null when unknown or ambiguous. */
export function matrixKeyOf(name: string, keys: Iterable<string>): string | null | undefined {
  if (!name.startsWith(MATRIX_PREFIX)) return undefined;
  const want = norm(name.slice(MATRIX_PREFIX.length));
  const hits = [...keys].filter((k) => norm(k) === want);
  return hits.length === 1 ? hits[0] : null;
}
