/**
 * GitHub substitutes `${{ … }}` into a `run:` script before the shell sees it; the shell parser would reject it.
 * Each expression becomes an unknown variable of the same length (`$___…`), so offsets stay aligned and its
 * value counts as unknown.
 */
export function maskExpressions(text: string): string {
  return text.replace(/\$\{\{[\s\S]*?\}\}/g, (m) => `$${'_'.repeat(m.length - 1)}`);
}
