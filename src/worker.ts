/** A worker thread that plans repositories (src/repo.ts) for the pool in src/pool.ts. */
import { parentPort } from 'node:worker_threads';
import type { Discovered } from './discover.js';
import type { ListingData } from './listing.js';
import { planRepo, type PlanOptions } from './repo.js';

interface Job {
  id: number;
  root: string;
  files: Discovered[];
  listing?: ListingData;
  opts: PlanOptions;
}

parentPort!.on('message', (job: Job) => {
  planRepo(job.root, job.files, job.opts, job.listing).then(
    (plan) => parentPort!.postMessage({ id: job.id, plan }),
    (err: unknown) => parentPort!.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
