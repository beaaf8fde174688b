/**
 * Filesystem layouts for the generated GitLab repositories of ci-arb.ts (issue 10: symbolic links and read-only
 * files). The same logical repository is laid out on disk with `.gitlab-ci.yml` possibly a symbolic link to
 * `ci/pipeline.yml`, one Dockerfile possibly a link to a real file elsewhere in the tree, and one file (through its
 * link, if any) possibly read-only. The oracle is the plain layout's run: every real file must end as the plain run
 * leaves it, or, when a file the plain run changes is read-only, every file must keep its bytes (all or nothing).
 */
import fc from 'fast-check';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { repoArb, type GenRepo } from './ci-arb.js';

export interface FsLayout {
  repo: GenRepo;
  /** `.gitlab-ci.yml` is a symbolic link to `ci/pipeline.yml`. */
  linkCi: boolean;
  /** This Dockerfile (index into repo.dockerfiles) is a symbolic link to a real file under `zz-real/`. */
  linkDockerfile: number | null;
  /** This file (a logical path of repo.files) is read-only (0444), at its real path. */
  readOnly: string | null;
}

export const CI_TARGET = 'ci/pipeline.yml';

export const fsRepoArb: fc.Arbitrary<FsLayout> = repoArb.chain((repo) =>
  fc
    .record({
      linkCi: fc.boolean(),
      linkDockerfile: fc.option(fc.nat({ max: repo.dockerfiles.length - 1 }), { nil: null }),
      readOnly: fc.option(fc.constantFrom(...Object.keys(repo.files).sort()), { nil: null, freq: 2 }),
    })
    .map((l) => ({ repo, ...l })),
);

/** Where a logical file really lives in the layout. */
export function realPath(l: FsLayout, logical: string): string {
  if (logical === '.gitlab-ci.yml' && l.linkCi) return CI_TARGET;
  if (l.linkDockerfile !== null && l.repo.dockerfiles[l.linkDockerfile].path === logical) return `zz-real/${logical.split('/').join('_')}.Dockerfile`;
  return logical;
}

/** The symbolic links of the layout: [link, target as written in the link]. */
export function links(l: FsLayout): [string, string][] {
  const out: [string, string][] = [];
  for (const logical of Object.keys(l.repo.files)) {
    const real = realPath(l, logical);
    if (real !== logical) out.push([logical, posix.relative(posix.dirname(logical), real)]);
  }
  return out;
}

/** Writes the layout into `dir` (real files, then links, then the read-only mode). */
export function materialize(dir: string, l: FsLayout): void {
  for (const [logical, text] of Object.entries(l.repo.files)) {
    const abs = join(dir, realPath(l, logical));
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
  for (const [link, target] of links(l)) {
    mkdirSync(dirname(join(dir, link)), { recursive: true });
    symlinkSync(target, join(dir, link));
  }
  if (l.readOnly !== null) chmodSync(join(dir, realPath(l, l.readOnly)), 0o444);
}
