/**
 * docs/rules/<Rule>.md: one page per rule of our own (BuildKit's rules link to BuildKit's pages), with the
 * sections every page has, and examples that are real: each `### Before`/`### After` section's files are written
 * to a temporary repository, its console command is run through the built CLI, and the output and exit code must
 * be exactly what the page shows. UPDATE_FIXTURES=1 rewrites the outputs and exit codes in the pages (review the
 * diff before committing).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isBuildkitRule, PROJECT_URL, RULES, ruleUrl, type RuleInfo, type RuleName } from '../src/findings.js';

const bin = fileURLToPath(new URL('../dist/src/bin.js', import.meta.url));
const pagesDir = fileURLToPath(new URL('../docs/rules/', import.meta.url));
const update = process.env.UPDATE_FIXTURES === '1';
const ownRules = (Object.keys(RULES) as RuleName[]).filter((r) => !isBuildkitRule(r));
const pages = readdirSync(pagesDir)
  .filter((f) => f.endsWith('.md'))
  .map((f) => f.slice(0, -3))
  .sort();

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

const SECTIONS = ['## What it means', '## Why it matters', '## Example', '### Before', '### After', '## How to fix it', '## How to suppress it'];

interface Example {
  files: Map<string, string>;
  args: string[];
  /** The console block (command line, then output) and the exit code line, as they are in the page. */
  block: string;
  output: string;
  exitLine: string;
}

/** The example of one `### Before`/`### After` section: `path`: followed by a fenced block, then a console block. */
function parseExample(section: string): Example {
  const files = new Map<string, string>();
  const fileRe = /^`([^`]+)`:\n\n```[a-z]*\n([\s\S]*?)^```\n/gm;
  for (const m of section.matchAll(fileRe)) files.set(m[1], m[2]);
  const consoleMatch = /^```console\n\$ dockerfile-argfix((?: [^\n]*)?)\n([\s\S]*?)^```\n\nExit code (\d+)\.\n/m.exec(section);
  if (!consoleMatch) throw new Error('no console block with an exit code');
  return {
    files,
    args: consoleMatch[1].trim().split(/\s+/).filter(Boolean),
    block: consoleMatch[0],
    output: consoleMatch[2],
    exitLine: consoleMatch[3],
  };
}

function runExample(ex: Example): { output: string; code: number } {
  const dir = mkdtempSync(join(tmpdir(), 'argfix-rule-'));
  temps.push(dir);
  mkdirSync(join(dir, '.git'));
  for (const [path, text] of ex.files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const r = spawnSync(process.execPath, [bin, ...ex.args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { output: r.stdout + r.stderr, code: r.status ?? -1 };
}

test('every rule of our own has a page, and every page is one of our rules', () => {
  expect(pages).toEqual([...ownRules].sort());
});

test('BuildKit rules link to BuildKit, ours to their page', () => {
  for (const rule of Object.keys(RULES) as RuleName[]) {
    expect(ruleUrl(rule)).toBe(isBuildkitRule(rule) ? (RULES[rule] as RuleInfo).url : `${PROJECT_URL}/blob/main/docs/rules/${rule}.md`);
  }
  expect(PROJECT_URL).toBe('https://github.com/dockerfile-argfix/dockerfile-argfix');
});

describe.each(pages)('docs/rules/%s.md', (rule) => {
  const path = join(pagesDir, `${rule}.md`);
  const text = readFileSync(path, 'utf8');
  test('has the title, severity, description and every section, in order', () => {
    const info = RULES[rule as RuleName];
    expect(text.startsWith(`# ${rule}\n\nSeverity: **${info.severity}**.`)).toBe(true);
    expect(text).toContain(`> ${info.description}.\n`);
    const at = SECTIONS.map((s) => text.indexOf(`\n${s}\n`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });
  for (const which of ['Before', 'After'] as const) {
    test(`the ${which} example prints what the page shows`, () => {
      const start = text.indexOf(`\n### ${which}\n`);
      const end = text.indexOf('\n##', start + 5);
      const ex = parseExample(text.slice(start, end));
      expect(ex.files.size).toBeGreaterThan(0);
      const { output, code } = runExample(ex);
      if (update) {
        const block = ex.block.replace(`${ex.output}\`\`\`\n\nExit code ${ex.exitLine}.`, `${output}\`\`\`\n\nExit code ${code}.`);
        writeFileSync(path, readFileSync(path, 'utf8').replace(ex.block, block));
        return;
      }
      expect({ output, code }).toEqual({ output: ex.output, code: Number(ex.exitLine) });
    });
  }
  test('its rule appears in the Before example', () => {
    const start = text.indexOf('\n### Before\n');
    const before = parseExample(text.slice(start, text.indexOf('\n### After\n')));
    expect(before.output).toMatch(new RegExp(`: (error|warning|info) ${rule}: `));
  });
});
