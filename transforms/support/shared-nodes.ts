/**
 * Build sites that share the YAML node an edit would go to (issue 10 item 8: an alias `b: *a`, `with: *w`, a
 * settings anchor, a `<<:` merge source). The edit lands where the node is written, so it changes every site
 * that reads it: it is made once, when every such site needs exactly the same text, and reported otherwise
 * (with the text each site needs), never duplicated and never given to a site that needs something else.
 */
import type { Node } from 'yaml';

export interface Site {
  /** How the report names it ("job 'build, step 2'", "service 'api'"). */
  name: string;
  /**
   * What it needs added at `target` (lines, names; order kept), [] when nothing, null when that is not known
   * (its Dockerfile cannot be resolved or read).
   */
  want: readonly string[] | null;
  /** The node its edit would go to (or null when it needs no edit). */
  target: Node | null;
  /** Whether an edit at `node` changes what this site's build gets (only asked for nodes in `reads`). */
  affectedBy(node: Node): boolean;
  /** Every node an edit that affects it may go to (its target, the mappings its inputs are merged from). */
  reads: Iterable<Node>;
  /** Nodes also read by something that is not a build site of this kind (another action's step, a plugin). */
  foreign: ReadonlySet<Node>;
}

export type Verdict = { edit: boolean } | { shared: string };

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join('\0') === [...b].sort().join('\0');

/** Sites by the nodes they read, per list of sites: each verdict looks only at the sites reading its node. */
const indexes = new WeakMap<readonly Site[], Map<Node, Site[]>>();
function readers(sites: readonly Site[], node: Node): Site[] {
  let index = indexes.get(sites);
  if (!index) {
    index = new Map();
    for (const s of sites) {
      for (const n of new Set(s.reads)) {
        const list = index.get(n);
        if (list) list.push(s);
        else index.set(n, [s]);
      }
    }
    indexes.set(sites, index);
  }
  return index.get(node) ?? [];
}

/**
 * For a site that needs something at its target: `{edit: true}` for the first of the sites whose own edit goes
 * there (it writes the edit, once), `{edit: false}` for the others it serves, or `{shared: why}` when the node is
 * read by a site that needs something else, or by something that is not a build site.
 */
export function verdict(site: Site, sites: readonly Site[], depth = 0): Verdict {
  const t = site.target!;
  if (site.foreign.has(t)) return { shared: 'it is shared (an alias or a `<<:` merge) with a step that is not such a build, which would get it too' };
  // A site that reads `t` through a `<<:` merge but gets its own edit at its own node (which wins over the merge)
  // is not affected by an edit at `t`.
  const shadowed = (s: Site) => s !== site && s.target !== null && s.target !== t && !!s.want?.length && depth < 8 && 'edit' in verdict(s, sites, depth + 1);
  const members = readers(sites, t).filter((s) => s.affectedBy(t) && !shadowed(s));
  const others = members.filter((s) => s !== site && (s.want === null || !same(s.want, site.want!)));
  if (others.length) {
    const what = (s: Site) => (s.want === null ? 'cannot be read' : s.want.length ? `needs ${s.want.join(', ')}` : 'needs nothing');
    return { shared: `it is shared (an alias or a \`<<:\` merge) with ${others.map((s) => `${s.name}, which ${what(s)}`).join('; ')}` };
  }
  // The first site whose own edit goes there writes it (one reading `t` through a merge does not).
  return { edit: members.find((s) => s.target === t) === site };
}
