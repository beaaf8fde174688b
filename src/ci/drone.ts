/**
 * Drone (`.drone.yml`) and Woodpecker (`.woodpecker.yml`, `.woodpecker/*.yml|yaml`) pipelines (research ci.md
 * §3.2), parsed with source ranges, every `---` document a pipeline. Steps are a list (`- name: …`) or a map
 * (`name: {…}`, also under Woodpecker's older `pipeline:` key). A step with `commands:` is one shell (a Job whose
 * items are the commands). A step running a docker plugin (`plugins/docker`, `plugins/ecr|gcr|acr`,
 * `woodpeckerci/plugin-docker-buildx`, `woodpecker-plugins/docker-buildx`) is a PluginBuild: its `settings`
 * (`dockerfile` from the workspace, default `Dockerfile`; `build_args`; `build_args_from_env`), merge keys
 * followed. Variables: the predefined ones, pipeline (Drone) and step `environment:`; `when: event:` (and Drone's
 * `trigger: event:`) tells which events the step runs on.
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { addEnvMap, deref, keyOf, mapGet, mapKeys, mergeSources, scalarText } from './jobs.js';
import type { Job, JobVariable, Platform } from './model.js';
import { DRONE, WOODPECKER } from './platform.js';
import { joinPath } from './steps.js';
import { loadCiDocuments, position, type CiFile, type CiProblem } from './yaml.js';

export interface PluginBuild {
  job: Job;
  file: CiFile;
  step: YAMLMap;
  /** The `settings` map (null when the step has none). */
  settings: YAMLMap | null;
  imageKey: Node;
  /** `build_args_from_env` as found (possibly through a merge key), or null. */
  fromEnv: Node | null;
  dockerfile: string | null;
  unresolved?: string;
  passed: { name: string; raw: string | null }[];
  line: number;
  column: number;
  /** The nodes other steps of the document read (commands steps, other plugins), filled while it is read. */
  foreign: ReadonlySet<Node>;
}

export interface DroneCi {
  files: CiFile[];
  jobs: Job[];
  plugins: PluginBuild[];
}

const PLUGIN = /^(?:[\w.-]+\/)*(?:plugins\/(?:docker|ecr|gcr|acr)|woodpeckerci\/plugin-docker-buildx|woodpecker-plugins\/docker-buildx|plugins\/docker-buildx)(?:[:@].*)?$/;
const YAML_NAME = /\.ya?ml$/;

/** The events of a `when:` / `trigger:` (a map, or Woodpecker's list of maps), or null when it does not say. */
function events(file: CiFile, node: Node | null | undefined): string[] | null {
  const n = deref(file, node ?? null);
  const one = (m: Node | null): string[] | null => {
    if (!isMap(m)) return null;
    const e = deref(file, mapGet(file, m, 'event') ?? null);
    if (isScalar(e)) return [scalarText(file, e) ?? ''];
    if (isSeq(e)) return e.items.map((x) => scalarText(file, deref(file, x as Node)) ?? '');
    if (isMap(e)) {
      const inc = deref(file, mapGet(file, e, 'include') ?? null);
      if (isSeq(inc)) return inc.items.map((x) => scalarText(file, deref(file, x as Node)) ?? '');
    }
    return null;
  };
  if (isSeq(n)) {
    const all: string[] = [];
    for (const x of n.items) {
      const got = one(deref(file, x as Node));
      if (got === null) return null;
      all.push(...got);
    }
    return all;
  }
  return one(n);
}

/** `A=1,B=2` or a list of `A=1`: the names and values as written. */
function buildArgs(file: CiFile, node: Node | null | undefined): { name: string; raw: string | null }[] {
  const n = deref(file, node ?? null);
  const entries = isSeq(n) ? n.items.map((x) => scalarText(file, deref(file, x as Node)) ?? '') : isScalar(n) ? (scalarText(file, n) ?? '').split(',') : [];
  const out: { name: string; raw: string | null }[] = [];
  for (const e of entries) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/s.exec(e);
    if (m) out.push({ name: m[1], raw: m[2] === undefined ? null : m[2] });
  }
  return out;
}

export function loadDrone(repo: { list(dir: string): string[]; read(path: string): string | null }, which: { drone: boolean; woodpecker: boolean }, problems: CiProblem[] = []): DroneCi | null {
  const paths: { path: string; platform: Platform }[] = [];
  if (which.drone) for (const n of ['.drone.yml', '.drone.yaml']) if (repo.read(n) !== null) paths.push({ path: n, platform: DRONE });
  if (which.woodpecker) {
    for (const n of ['.woodpecker.yml', '.woodpecker.yaml']) if (repo.read(n) !== null) paths.push({ path: n, platform: WOODPECKER });
    for (const n of repo.list('.woodpecker').sort()) if (YAML_NAME.test(n)) paths.push({ path: `.woodpecker/${n}`, platform: WOODPECKER });
  }
  if (paths.length === 0) return null;
  const out: DroneCi = { files: [], jobs: [], plugins: [] };
  for (const { path, platform } of paths) {
    const text = repo.read(path);
    if (text === null) continue;
    const docs = loadCiDocuments(path, text, problems);
    if (!docs || docs.length === 0) continue;
    out.files.push(docs[0]);
    docs.forEach((file, d) => {
      const foreign = new Set<Node>();
      const root = file.doc.contents;
      if (!isMap(root)) return;
      const pipeline = scalarText(file, mapGet(file, root, 'name') ?? null) ?? (docs.length > 1 ? `pipeline ${d + 1}` : path);
      const vars = new Map<string, JobVariable>();
      addEnvMap(vars, file, mapGet(file, root, 'environment'), 'pipeline environment');
      const pipelineEvents = events(file, mapGet(file, root, 'trigger') ?? mapGet(file, root, 'when'));
      const stepsNode = deref(file, mapGet(file, root, 'steps') ?? mapGet(file, root, 'pipeline') ?? null);
      const steps: { name: string; map: YAMLMap }[] = [];
      if (isSeq(stepsNode)) {
        for (const it of stepsNode.items) {
          const m = deref(file, it as Node);
          if (isMap(m)) steps.push({ name: scalarText(file, mapGet(file, m, 'name') ?? null) ?? `step ${steps.length + 1}`, map: m });
        }
      } else if (isMap(stepsNode)) {
        for (const p of stepsNode.items) {
          const m = deref(file, p.value);
          const k = keyOf(p);
          if (k !== null && isMap(m)) steps.push({ name: k, map: m });
        }
      }
      for (const s of steps) {
        const stepVars = new Map(vars);
        addEnvMap(stepVars, file, mapGet(file, s.map, 'environment'), 'step environment');
        const at = position(file, s.map.range?.[0] ?? 0);
        const job: Job = {
          name: `${pipeline}, step ${s.name}`,
          file,
          line: at.line,
          column: at.column,
          items: [],
          variables: stepVars,
          ifs: [],
          only: events(file, mapGet(file, s.map, 'when')) ?? pipelineEvents ?? [],
          platform,
          cwd: '',
        };
        const commands = deref(file, mapGet(file, s.map, 'commands') ?? null);
        const image = scalarText(file, mapGet(file, s.map, 'image') ?? null);
        // `image` may come from a `<<:` merge source: the report points at it there.
        const imagePair = [...mergeSources(file, s.map)].flatMap((m) => (isMap(m) ? m.items : [])).find((p) => keyOf(p) === 'image');
        if (isSeq(commands) || image === null || !PLUGIN.test(image.trim()) || !imagePair) {
          for (const n of mergeSources(file, mapGet(file, s.map, 'settings'), mergeSources(file, s.map))) foreign.add(n);
        }
        if (isSeq(commands)) {
          for (const c of commands.items) {
            const n = deref(file, c as Node);
            if (isScalar(n)) job.items.push({ file, node: n });
          }
          if (job.items.length) out.jobs.push(job);
          continue;
        }
        if (image === null || !PLUGIN.test(image.trim()) || !imagePair) continue;
        const settings = deref(file, mapGet(file, s.map, 'settings') ?? null);
        const setting = (k: string) => (isMap(settings) ? mapGet(file, settings, k) : undefined);
        const fromEnv = setting('build_args_from_env') ?? null;
        const df = scalarText(file, setting('dockerfile') ?? null) ?? 'Dockerfile';
        const b: PluginBuild = {
          job,
          file,
          step: s.map,
          settings: isMap(settings) ? settings : null,
          imageKey: imagePair.key as Node,
          fromEnv,
          dockerfile: null,
          passed: [...buildArgs(file, setting('build_args')), ...buildArgs(file, fromEnv).map((p) => ({ name: p.name, raw: null }))],
          ...position(file, (imagePair.key as Node).range?.[0] ?? 0),
          foreign,
        };
        if (df.includes('$')) b.unresolved = 'the dockerfile setting is a variable';
        else {
          b.dockerfile = joinPath('', df);
          if (b.dockerfile === null) b.unresolved = 'the Dockerfile is outside the repository';
        }
        out.plugins.push(b);
      }
    });
  }
  return out.files.length ? out : null;
}
