/** Levenshtein distance, two rows. */
export function distance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

/**
 * BuildKit util/suggest Search(…, caseSensitive=true): the closest key at distance < 3, none for an exact
 * match. BuildKit breaks ties by map order (random); we take the first key in the order given.
 */
export function suggest(name: string, keys: Iterable<string>): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const k of keys) {
    if (k === name) return null;
    if (Math.abs(k.length - name.length) >= bestD) continue;
    const d = distance(name, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}
