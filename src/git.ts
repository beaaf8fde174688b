/**
 * git, only for the explicit --git-branch/--git-commit options: arguments as an array (no shell), hooks and
 * fsmonitor switched off, so nothing from the scanned repository runs. Never pushes.
 */
import { execFileSync } from 'node:child_process';
import { InputError } from './errors.js';

function git(root: string, args: string[]): string {
  try {
    return execFileSync('git', ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', '-C', root, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    const why = (err.stderr ?? '').trim().split('\n').pop() || err.message;
    throw new InputError(`git ${args[0]} failed: ${why}`);
  }
}

/** Refuses a repository that is not a git work tree or has uncommitted changes. */
export function assertClean(root: string): void {
  if (git(root, ['rev-parse', '--is-inside-work-tree']).trim() !== 'true') throw new InputError('not a git work tree');
  const status = git(root, ['status', '--porcelain']);
  if (status.trim() !== '') {
    throw new InputError(`the work tree has uncommitted changes (${status.trim().split('\n').length} paths); commit or stash them first`);
  }
}

export function createBranch(root: string, name: string): void {
  git(root, ['check-ref-format', '--branch', name]);
  git(root, ['switch', '-c', name]);
}

export function commit(root: string, paths: string[], message: string): void {
  git(root, ['add', '--', ...paths]);
  git(root, ['commit', '--no-verify', '-q', '-m', message]);
}
