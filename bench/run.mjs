#!/usr/bin/env node
/**
 * `npm run bench` — throughput, scaling, start-up and memory of dockerfile-argfix on two generated fleets: one
 * shaped like real repositories (bench/gen-real.mjs: most Dockerfiles use `$` in RUN/ENV and need nothing; GitLab,
 * GitHub and compose CI; a few need fixes) and the synthetic one (bench/gen.mjs: 40% use a variable in FROM).
 * A benchmark, not a test: it prints figures next to targets and exits 0 whether or not the targets are met
 * (exit 2 only when it cannot measure: build failure, CLI internal error…; `--strict` also exits 1 on a miss).
 *
 *   npm run bench [-- --quick] [--keep] [--no-build] [--strict] [--seed S] [--rounds N] [--profile] [--profile-dir DIR] [--cli-args='...']
 *
 *   --quick      CI-sized: small fleet, one round, fewer repeats (< 1 minute)
 *   --keep       keep the generated fleet and print its path
 *   --no-build   do not run `npm run build` (dist/ must exist)
 *   --rounds N   rounds of (a)(b)(c) (default: 3, fewer if a round is slow; --quick: 1)
 *   --profile    also write CPU profiles (node --cpu-prof) of one (a) run and of the 500-stage case and print
 *                their top self-time functions; kept in --profile-dir DIR (default: $TMPDIR/argfix-bench-profiles)
 *   --cli-args='--jobs 1'   extra arguments for the CLI in (a) (and its profile), e.g. to compare thread counts
 *
 * Measured sequentially (2-core machine), each figure a median over rounds:
 *   (r) on the real-shaped fleet: the CLI dry run (with CI, and --no-ci), dockerfile-ast parse and dockerfile-utils
 *       validate() of the same Dockerfiles, as (a), (b), (c) below
 *   (a) the CLI dry run over the synthetic fleet: `node dist/src/bin.js -q FLEET`, stdout to a file — wall time,
 *       and its peak RSS (the child is started with `--import bench/maxrss.mjs`)
 *   (b) bare dockerfile-ast parse of the same Dockerfiles (bench/child.mjs parse) — child wall time
 *   (c) dockerfile-utils validate() of the same Dockerfiles (bench/child.mjs validate) — child wall time
 *   (d) one Dockerfile with 50 / 500 / 5,000 stages through dist/src/engine.js fixDockerfile(), in-process
 *   (e) scaling, in-process (bench/scaling.mjs): 2,000 → 8,000 stages each with its own FROM variable (fix and
 *       diff), and 2,000 → 8,000 GitLab jobs merging one anchor (parse and job model); 4x is linear
 *   cold start of `node dist/src/bin.js --version` against `node -e 0`
 * The last stdout line is one JSON object with the figures; its ratios (real_vs_parse, real_vs_dockerfile_utils,
 * synthetic_vs_parse, synthetic_vs_dockerfile_utils, no_ci_vs_parse, stages_500_vs_parse, stages_5000_over_500,
 * cold_start_ratio) are each measured within this run, so a busy machine slows both sides of a ratio alike.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DockerfileParser } from 'dockerfile-ast';
import { generateFleet, SIZES, stagesDockerfile } from './gen.mjs';
import { generateRealFleet, REAL_SIZES } from './gen-real.mjs';
import { loadEngine, measureStages, median } from './stages.mjs';
import { measureScaling } from './scaling.mjs';
import { loadProfiles, summarise } from './profile-summary.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const bin = join(repo, 'dist', 'src', 'bin.js');
const engine = join(repo, 'dist', 'src', 'engine.js');
const node = process.execPath;

// ---------------------------------------------------------------------------------------------- options
let parsed;
try {
  parsed = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      seed: { type: 'string' },
      rounds: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'profile-dir': { type: 'string' },
      'cli-args': { type: 'string', default: '' },
    },
    strict: true,
  }).values;
} catch (e) {
  fail(e.message);
}
for (const k of ['rounds']) if (parsed[k] !== undefined && !/^\d+$/.test(parsed[k])) fail(`--${k} takes a whole number`);
const QUICK = parsed.quick;
/** Extra CLI arguments for (a), e.g. --cli-args='--jobs 1' (the targets are for the default: none). */
const CLI_ARGS = parsed['cli-args'].split(/\s+/).filter(Boolean);
const KEEP = parsed.keep;
const PROFILE = parsed.profile || parsed['profile-dir'] ? (parsed['profile-dir'] ?? join(tmpdir(), 'argfix-bench-profiles')) : null;
const size = { ...(QUICK ? SIZES.quick : SIZES.full), seed: parsed.seed ?? 'dockerfile-argfix-bench-1' };
const plan = QUICK
  ? {
      rounds: Number(parsed.rounds ?? 1),
      roundBudgetS: 0,
      stages: [
        { stages: 50, runs: 10, warmup: 5 },
        { stages: 500, runs: 7, warmup: 3 },
        { stages: 5000, runs: 2, warmup: 1 },
      ],
      cold: 5,
    }
  : {
      rounds: Number(parsed.rounds ?? 3),
      roundBudgetS: 240,
      stages: [
        { stages: 50, runs: 30, warmup: 20 },
        { stages: 500, runs: 15, warmup: 5 },
        { stages: 5000, runs: 5, warmup: 1 },
      ],
      cold: 10,
    };

function fail(msg) {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(2);
}
const log = (s) => process.stderr.write(`bench: ${s}\n`);

// ---------------------------------------------------------------------------------------------- build
if (!parsed['no-build']) {
  log('npm run build');
  const npm = process.env.npm_execpath ? [node, [process.env.npm_execpath, 'run', 'build']] : ['npm', ['run', 'build']];
  const r = spawnSync(npm[0], npm[1], { cwd: repo, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) fail(`npm run build failed (exit ${r.status ?? r.signal}); fix the build or pass --no-build to use the existing dist/`);
}
for (const f of [bin, engine]) {
  if (!existsSync(f)) fail(`${relative(repo, f)} is missing: run \`npm run build\` first`);
}

// ---------------------------------------------------------------------------------------------- fleet
const tmp = mkdtempSync(join(tmpdir(), 'argfix-bench-'));
const fleetDir = join(tmp, 'fleet');
const work = join(tmp, 'work');
mkdirSync(work);
let cleaned = false;
const cleanup = () => {
  if (cleaned) return;
  cleaned = true;
  if (KEEP) process.stderr.write(`bench: fleet kept at ${fleetDir}\n`);
  else rmSync(tmp, { recursive: true, force: true });
};
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}

log(`generating the ${QUICK ? 'quick' : 'full'} fleet in ${fleetDir}`);
let t0 = performance.now();
const fleet = generateFleet(fleetDir, size);
const genS = (performance.now() - t0) / 1000;
const listFile = join(work, 'dockerfiles.txt');
writeFileSync(listFile, fleet.dockerfiles.join('\n') + '\n');
log(
  `${fleet.repos.length} repos, ${fleet.dockerfiles.length} Dockerfiles (${fleet.withFromVar} with a FROM variable), ` +
    `${fleet.ciFiles.length} CI files, ${(fleet.bytes / 1e6).toFixed(1)} MB, in ${genS.toFixed(1)} s`,
);
const realDir = join(tmp, 'real');
const realSize = { ...(QUICK ? REAL_SIZES.quick : REAL_SIZES.full), seed: `${size.seed}-real` };
const real = generateRealFleet(realDir, realSize);
const realList = join(work, 'real-dockerfiles.txt');
writeFileSync(realList, real.dockerfiles.join('\n') + '\n');
log(`real-shaped fleet: ${real.repos.length} repos, ${real.dockerfiles.length} Dockerfiles ${JSON.stringify(real.kinds)}, ${real.ciFiles.length} CI files`);
// The CLI must see exactly the Dockerfiles (b) and (c) parse.
{
  const { discover } = await import(pathToFileURL(join(repo, 'dist', 'src', 'discover.js')).href);
  for (const [dir, f] of [[fleetDir, fleet], [realDir, real]]) {
    const found = discover([dir]).files.length;
    if (found !== f.dockerfiles.length) log(`WARNING: the CLI discovers ${found} Dockerfiles in ${dir}, the generator wrote ${f.dockerfiles.length}`);
  }
}

// ---------------------------------------------------------------------------------------------- children
/** Runs node with args; returns wall ms, exit status and the child's resource usage (from bench/maxrss.mjs). */
function timed(args, { stdout = 'ignore', stderr = 'pipe', env = {} } = {}) {
  const rss = join(work, `rss-${process.hrtime.bigint()}.json`);
  const outFd = stdout === 'ignore' || stdout === 'pipe' ? stdout : openSync(stdout, 'w');
  const errFd = stderr === 'pipe' ? 'pipe' : openSync(stderr, 'w');
  const start = performance.now();
  const r = spawnSync(node, ['--import', pathToFileURL(join(here, 'maxrss.mjs')).href, ...args], {
    cwd: tmp,
    stdio: ['ignore', outFd, errFd],
    env: { ...process.env, ...env, BENCH_RSS_FILE: rss, NO_COLOR: '1' },
    maxBuffer: 1 << 26,
  });
  const ms = performance.now() - start;
  if (typeof outFd === 'number') closeSync(outFd);
  if (typeof errFd === 'number') closeSync(errFd);
  let usage = null;
  try {
    usage = JSON.parse(readFileSync(rss, 'utf8'));
  } catch {
    /* the child died before exit */
  }
  return { ms, status: r.status, signal: r.signal, stdout: r.stdout?.toString() ?? '', stderr: r.stderr?.toString() ?? '', usage };
}

const runs = { a: [], b: [], c: [], ra: [], rn: [], rb: [], rc: [] };
/** A CLI dry run that must not fail (exit 0 or 1). */
function cliRun(label, args) {
  const r = timed([bin, '-q', ...args], { stdout: diffFile, stderr: errFile });
  if (r.status !== 0 && r.status !== 1) fail(`${label} exited ${r.status ?? r.signal}: ${readFileSync(errFile, 'utf8').split('\n')[0]}`);
  return r;
}
function childRun(label, mode, list) {
  const r = timed([join(here, 'child.mjs'), mode, list], { stdout: 'pipe' });
  if (r.status !== 0) fail(`${label} failed: ${r.stderr}`);
  r.inner = JSON.parse(r.stdout);
  return r;
}
let realChanged = 0;
const diffFile = join(work, 'a.diff');
const errFile = join(work, 'a.stderr');
let aStatus = null;
let aErrors = 0;
let changed = 0;
let rounds = plan.rounds;
for (let round = 0; round < rounds; round++) {
  const rs = performance.now();
  log(`round ${round + 1}/${rounds}: (r) real-shaped fleet: CLI dry run, --no-ci, parse, validate`);
  runs.ra.push(cliRun('(r) CLI dry run', [...CLI_ARGS, realDir]));
  if (round === 0) realChanged = (readFileSync(diffFile, 'utf8').match(/^\+\+\+ /gm) ?? []).length;
  runs.rn.push(cliRun('(r) CLI --no-ci', ['--no-ci', ...CLI_ARGS, realDir]));
  runs.rb.push(childRun('(r) parse', 'parse', realList));
  runs.rc.push(childRun('(r) validate', 'validate', realList));
  log(`  ${[runs.ra, runs.rn, runs.rb, runs.rc].map((x) => (x.at(-1).ms / 1000).toFixed(2)).join(' / ')} s`);
  log(`round ${round + 1}/${rounds}: (a) CLI dry run`);
  const a = timed([bin, '-q', ...CLI_ARGS, fleetDir], { stdout: diffFile, stderr: errFile });
  if (a.status !== 0 && a.status !== 1) {
    const err = readFileSync(errFile, 'utf8');
    aErrors = err.split('\n').filter((l) => l.startsWith('dockerfile-argfix:')).length;
    log(`(a) exited ${a.status ?? a.signal}; ${aErrors} error line(s), first: ${err.split('\n')[0]}`);
    if (a.status !== 2 || /internal error/.test(err)) fail('the CLI run failed; not measuring further');
  }
  aStatus = a.status;
  if (round === 0) changed = (readFileSync(diffFile, 'utf8').match(/^\+\+\+ /gm) ?? []).length;
  runs.a.push(a);
  log(`  ${(a.ms / 1000).toFixed(2)} s`);
  log(`round ${round + 1}/${rounds}: (b) dockerfile-ast parse`);
  const b = timed([join(here, 'child.mjs'), 'parse', listFile], { stdout: 'pipe' });
  if (b.status !== 0) fail(`(b) failed: ${b.stderr}`);
  b.inner = JSON.parse(b.stdout);
  runs.b.push(b);
  log(`  ${(b.ms / 1000).toFixed(2)} s`);
  log(`round ${round + 1}/${rounds}: (c) dockerfile-utils validate`);
  const c = timed([join(here, 'child.mjs'), 'validate', listFile], { stdout: 'pipe' });
  if (c.status !== 0) fail(`(c) failed: ${c.stderr}`);
  c.inner = JSON.parse(c.stdout);
  runs.c.push(c);
  log(`  ${(c.ms / 1000).toFixed(2)} s`);
  if (round === 0 && plan.roundBudgetS && parsed.rounds === undefined) {
    const roundS = (performance.now() - rs) / 1000;
    const fit = Math.max(1, Math.floor(plan.roundBudgetS / roundS));
    if (fit < rounds) {
      log(`a round takes ${roundS.toFixed(0)} s: ${fit} round(s) instead of ${rounds}`);
      rounds = fit;
    }
  }
}
const med = (xs, f) => median(xs.map(f));
const aMs = med(runs.a, (r) => r.ms);
const bMs = med(runs.b, (r) => r.ms);
const cMs = med(runs.c, (r) => r.ms);
const raMs = med(runs.ra, (r) => r.ms);
const rnMs = med(runs.rn, (r) => r.ms);
const rbMs = med(runs.rb, (r) => r.ms);
const rcMs = med(runs.rc, (r) => r.ms);
const raPeakKiB = Math.max(...runs.ra.map((r) => r.usage?.maxRSS ?? NaN));
const aCpuMs = med(runs.a, (r) => ((r.usage?.user ?? 0) + (r.usage?.system ?? 0)) / 1000);
const peakKiB = Math.max(...runs.a.map((r) => r.usage?.maxRSS ?? NaN));
const bRssKiB = Math.max(...runs.b.map((r) => r.usage?.maxRSS ?? NaN));
const cRssKiB = Math.max(...runs.c.map((r) => r.usage?.maxRSS ?? NaN));

// ---------------------------------------------------------------------------------------------- (d) stages
log('(d) stages: 50 / 500 / 5,000 through fixDockerfile, in-process');
const fixDockerfile = await loadEngine();
const stageRes = measureStages(fixDockerfile, plan.stages, QUICK ? 8_000 : 30_000);
// Floor for comparison: bare dockerfile-ast parse of the same text (fixDockerfile parses twice: once, then to verify).
for (const s of stageRes) {
  const text = stagesDockerfile(s.stages);
  for (let i = 0; i < Math.max(2, plan.stages.find((p) => p.stages === s.stages).warmup); i++) DockerfileParser.parse(text).getInstructions();
  const t = [];
  for (let i = 0; i < Math.min(s.runs, 7); i++) {
    const st = performance.now();
    DockerfileParser.parse(text).getInstructions();
    t.push(performance.now() - st);
  }
  s.parse_ms = median(t);
}
const st = Object.fromEntries(stageRes.map((s) => [s.stages, s]));

// ---------------------------------------------------------------------------------------------- (e) scaling
log('(e) scaling: 2,000 -> 8,000 FROM variables (fix + diff) and GitLab jobs merging one anchor (job model)');
const scaling = await measureScaling(QUICK ? 1000 : 2000, QUICK ? 1 : 3);

// ---------------------------------------------------------------------------------------------- cold start
log(`cold start: node -e 0 vs dockerfile-argfix --version, ${plan.cold} each, interleaved`);
const coldBare = [];
const coldCli = [];
let version = '';
for (let i = 0; i < plan.cold; i++) {
  let s = performance.now();
  spawnSync(node, ['-e', '0'], { stdio: 'ignore' });
  coldBare.push(performance.now() - s);
  s = performance.now();
  const r = spawnSync(node, [bin, '--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
  coldCli.push(performance.now() - s);
  version = r.stdout.toString().trim();
}
const bareMs = median(coldBare);
const cliMs = median(coldCli);

// ---------------------------------------------------------------------------------------------- profiles
let profileText = '';
if (PROFILE) {
  mkdirSync(PROFILE, { recursive: true });
  const aDir = join(PROFILE, 'cli');
  const sDir = join(PROFILE, 'stages-500');
  for (const d of [aDir, sDir]) rmSync(d, { recursive: true, force: true });
  log(`profiling (a) and the 500-stage case into ${PROFILE}`);
  timed(['--cpu-prof', '--cpu-prof-dir', aDir, bin, '-q', ...CLI_ARGS, fleetDir], { stdout: 'ignore', stderr: 'pipe' });
  spawnSync(node, ['--cpu-prof', '--cpu-prof-dir', sDir, join(here, 'stages.mjs'), '500', '--runs', QUICK ? '20' : '60', '--warmup', '5'], { stdio: 'ignore' });
  for (const [label, d] of [['(a) CLI dry run over the fleet', aDir], ['(d) 500 stages, fixDockerfile', sDir]]) {
    if (!existsSync(d) || !readdirSync(d).some((f) => f.endsWith('.cpuprofile'))) continue;
    profileText += `\n== CPU profile: ${label} — ${d}\n${summarise(loadProfiles([d]), { top: 15 })}`;
  }
}

// ---------------------------------------------------------------------------------------------- report
const files = fleet.dockerfiles.length;
const s500 = st[500].median_ms;
const s5000over500 = st[5000].median_ms / s500;
const coldRatio = cliMs / bareMs;
const peakMb = peakKiB / 1024;
const ratios = {
  real_vs_parse: raMs / rbMs,
  real_vs_dockerfile_utils: raMs / rcMs,
  synthetic_vs_parse: aMs / bMs,
  synthetic_vs_dockerfile_utils: aMs / cMs,
  no_ci_vs_parse: rnMs / rbMs,
  stages_500_vs_parse: s500 / st[500].parse_ms,
  stages_5000_over_500: s5000over500,
  cold_start_ratio: coldRatio,
};
// The same ratios on CPU time (user + system of each child): steadier than wall time on a shared machine, and what
// a run costs; wall time is what the targets are set on.
const cpuMs = (xs) => med(xs, (r) => ((r.usage?.user ?? 0) + (r.usage?.system ?? 0)) / 1000);
const cpuRatios = {
  real_vs_parse: cpuMs(runs.ra) / cpuMs(runs.rb),
  real_vs_dockerfile_utils: cpuMs(runs.ra) / cpuMs(runs.rc),
  synthetic_vs_parse: cpuMs(runs.a) / cpuMs(runs.b),
  synthetic_vs_dockerfile_utils: cpuMs(runs.a) / cpuMs(runs.c),
  no_ci_vs_parse: cpuMs(runs.rn) / cpuMs(runs.rb),
};
const want = {
  real_vs_parse: 0.5,
  real_vs_dockerfile_utils: 0.25,
  synthetic_vs_parse: 1.5,
  synthetic_vs_dockerfile_utils: 1.0,
  no_ci_vs_parse: 0.8,
  stages_500_vs_parse: 1.3,
  stages_5000_over_500: 11,
  cold_start_ratio: 3,
};
const targets = {
  ...Object.fromEntries(Object.entries(want).map(([k, w]) => [k, { ok: ratios[k] <= w, want: `<= ${w}x` }])),
  scaling_from_vars: { ok: scaling.from_vars.ratio <= 6, want: '<= 6x (linear: 4x)' },
  scaling_anchor_jobs: { ok: scaling.anchor_jobs.ratio <= 6, want: '<= 6x (linear: 4x)' },
  peak_rss_mb: { ok: peakMb <= 200, want: '<= 200 MB' },
};
const mark = (k) => (targets[k].ok ? 'PASS' : 'FAIL');
const n = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const sec = (ms) => `${n(ms / 1000, 2)} s`;
const cpu = cpus();
const machine = {
  cpu_model: cpu[0]?.model ?? 'unknown',
  cpus: cpu.length,
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  loadavg_1m: Number(loadavg()[0].toFixed(2)),
};
const roundsNote = `median of ${runs.a.length} round${runs.a.length === 1 ? '' : 's'}`;
const rfiles = real.dockerfiles.length;
const ratioRow = (label, k) => [label, `${n(ratios[k], 2)}x${k in cpuRatios ? `  (CPU time: ${n(cpuRatios[k], 2)}x)` : ''}`, targets[k].want, mark(k)];
const rows = [
  ['real-shaped fleet', `${real.repos.length} repos, ${n(rfiles)} Dockerfiles (${Object.entries(real.kinds).map(([k, v]) => `${v} ${k}`).join(', ')}), ${n(real.ciFiles.length)} CI files`, '', ''],
  [`(r) CLI dry run${CLI_ARGS.length ? ` ${CLI_ARGS.join(' ')}` : ''}, wall`, `${sec(raMs)}  (CPU ${sec(med(runs.ra, (r) => ((r.usage?.user ?? 0) + (r.usage?.system ?? 0)) / 1000))}, ${realChanged} files in the diff, peak RSS ${n(raPeakKiB / 1024, 0)} MB)`, '', ''],
  ['(r) CLI dry run --no-ci, wall', sec(rnMs), '', ''],
  ['(r) dockerfile-ast parse, wall', sec(rbMs), '', ''],
  ['(r) dockerfile-utils validate, wall', sec(rcMs), '', ''],
  ratioRow('(r) CLI / parse', 'real_vs_parse'),
  ratioRow('(r) CLI / validate', 'real_vs_dockerfile_utils'),
  ratioRow('(r) CLI --no-ci / parse', 'no_ci_vs_parse'),
  ['synthetic fleet', `${fleet.repos.length} repos, ${n(files)} Dockerfiles (${n(fleet.withFromVar)} with a FROM variable, ${n(fleet.lines)} lines), ${n(fleet.ciFiles.length)} CI files, ${n(fleet.bytes / 1e6, 1)} MB`, '', ''],
  [`(a) CLI dry run${CLI_ARGS.length ? ` ${CLI_ARGS.join(' ')}` : ''}, wall`, `${sec(aMs)}  ${n(files / (aMs / 1000))} Dockerfiles/s  (CPU ${sec(aCpuMs)}, exit ${aStatus}, ${changed} files in the diff${aErrors ? `, ${aErrors} errors` : ''})`, '', ''],
  ['(b) dockerfile-ast parse, wall', `${sec(bMs)}  ${n(files / (bMs / 1000))} files/s  (inner ${sec(med(runs.b, (r) => r.inner.inner_ms))})`, '', ''],
  ['(c) dockerfile-utils validate, wall', `${sec(cMs)}  ${n(files / (cMs / 1000))} files/s  (inner ${sec(med(runs.c, (r) => r.inner.inner_ms))})`, '', ''],
  ratioRow('(a) / (b)', 'synthetic_vs_parse'),
  ratioRow('(a) / (c)', 'synthetic_vs_dockerfile_utils'),
  ...stageRes.map((s) => [
    `(d) ${n(s.stages)} stages (${n(s.lines)} lines)`,
    `${n(s.median_ms, 2)} ms  (min ${n(s.min_ms, 2)}, ${s.runs} runs; bare parse ${n(s.parse_ms, 2)} ms)`,
    '',
    '',
  ]),
  ratioRow('(d) 500 stages / bare parse', 'stages_500_vs_parse'),
  ratioRow('(d) 5,000 / 500 stages', 'stages_5000_over_500'),
  ['(d) bare parse 5,000 / 500 stages', `${n(st[5000].parse_ms / st[500].parse_ms, 2)}x`, '', ''],
  ...[
    ['from_vars', 'FROM variables (fix + diff)'],
    ['anchor_jobs', 'GitLab jobs on one anchor (model)'],
  ].map(([k, label]) => {
    const r = scaling[k];
    return [`(e) ${n(r.n)} -> ${n(4 * r.n)} ${label}`, `${n(r.small_ms, 1)} ms -> ${n(r.large_ms, 1)} ms = ${n(r.ratio, 2)}x`, targets[`scaling_${k}`].want, mark(`scaling_${k}`)];
  }),
  ['cold: node -e 0', `${n(bareMs, 1)} ms  (median of ${coldBare.length})`, '', ''],
  [`cold: bin.js --version (${version})`, `${n(cliMs, 1)} ms`, '', ''],
  ratioRow('cold start ratio', 'cold_start_ratio'),
  ['peak RSS of (a)', `${n(peakMb, 1)} MB  (b: ${n(bRssKiB / 1024, 0)} MB, c: ${n(cRssKiB / 1024, 0)} MB)`, targets.peak_rss_mb.want, mark('peak_rss_mb')],
];
const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), ['measure', 'figure', 'target', ''][i].length));
const line = (r) => `| ${r.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
let out = `\ndockerfile-argfix benchmark (${QUICK ? 'quick' : 'full'}, ${roundsNote}; ${machine.cpus}x ${machine.cpu_model}, node ${machine.node}, load ${machine.loadavg_1m})\n`;
out += `${line(['measure', 'figure', 'target', ''])}\n|${w.map((x) => '-'.repeat(x + 2)).join('|')}|\n`;
for (const r of rows) out += `${line(r)}\n`;
const missed = Object.keys(targets).filter((k) => !targets[k].ok);
out += missed.length ? `targets missed: ${missed.join(', ')}\n` : 'all targets met\n';
if (profileText) out += profileText;
if (KEEP) out += `fleet kept at ${fleetDir}\n`;
const round = (x, d = 3) => Number(x.toFixed(d));
const json = {
  quick: QUICK,
  seed: size.seed,
  rounds: runs.a.length,
  cli_args: CLI_ARGS,
  repos: fleet.repos.length,
  files,
  ci_files: fleet.ciFiles.length,
  real_repos: real.repos.length,
  real_files: rfiles,
  real_ci_files: real.ciFiles.length,
  pipeline_files_per_s: round(files / (aMs / 1000), 1),
  stages_50_ms: round(st[50].median_ms),
  stages_500_ms: round(s500),
  stages_5000_ms: round(st[5000].median_ms),
  scaling_from_vars: round(scaling.from_vars.ratio),
  scaling_anchor_jobs: round(scaling.anchor_jobs.ratio),
  cold_node_ms: round(bareMs, 1),
  cold_version_ms: round(cliMs, 1),
  a_ms: round(aMs, 0),
  a_cpu_ms: round(aCpuMs, 0),
  b_ms: round(bMs, 0),
  c_ms: round(cMs, 0),
  real_ms: round(raMs, 0),
  real_no_ci_ms: round(rnMs, 0),
  real_parse_ms: round(rbMs, 0),
  real_validate_ms: round(rcMs, 0),
  a_exit: aStatus,
  changed_files: changed,
  real_changed_files: realChanged,
  targets_missed: missed,
  machine,
  cpu_ratios: Object.fromEntries(Object.entries(cpuRatios).map(([k, v]) => [k, round(v)])),
  ...Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, round(v)])),
  peak_rss_mb: round(peakMb, 1),
};
if (KEEP) json.fleet = fleetDir;
process.stdout.write(out + JSON.stringify(json) + '\n');
cleanup();
if (parsed.strict && missed.length) process.exitCode = 1;
