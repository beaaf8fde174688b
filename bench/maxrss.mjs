/**
 * Loaded with `node --import` into a measured child: at exit, writes its resource usage (maxRSS in KiB, CPU
 * times in µs) as JSON to $BENCH_RSS_FILE. Costs nothing while the child runs.
 */
import { writeFileSync } from 'node:fs';

const out = process.env.BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ maxRSS: u.maxRSS, user: u.userCPUTime, system: u.systemCPUTime }));
  });
}
