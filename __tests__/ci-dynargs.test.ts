/**
 * Build args that come from a variable (`docker build $EXTRA_ARGS .`, issue 13 item 4): the job's visible
 * assignments are followed in order (both branches of `if`/`case`, `+=`, `export`), and the variable is opaque
 * when any part of it cannot be read (a command substitution, a sourced file, `eval`, `read`, an array, a value
 * the job may start with from outside).
 */
import { describe, expect, test } from '@jest/globals';
import { recognise } from '../src/ci/builders.js';
import { ArgTracker } from '../src/ci/dynargs.js';
import { parseShell, topLevelCommands } from '../src/ci/shell.js';

/** Runs the items through one tracker and reads the dynamic words of the last build command. */
function read(items: string[], vars: Record<string, string> = {}): { passes: string[]; opaque: string | null } {
  const tracker = new ArgTracker((n) => vars[n]);
  let got: { passes: string[]; opaque: string | null } | null = null;
  for (const text of items) {
    const script = parseShell(text);
    expect(script.error).toBeNull();
    for (const call of script.calls) {
      tracker.observe(call, text, () => topLevelCommands(text));
      const cmd = recognise(call, text, new Map());
      if (cmd && cmd.dynamic.length) {
        const r = tracker.read(call, cmd.dynamic);
        got = { passes: [...r.passes].sort(), opaque: r.opaque };
      }
    }
  }
  if (!got) throw new Error('no build command with dynamic words');
  return got;
}

describe('visible assignments', () => {
  test.each<[string, string[], Record<string, string>, string[]]>([
    ['one unconditional assignment', ['EXTRA_ARGS="--build-arg A=$X --label x=y"', 'docker build $EXTRA_ARGS .'], {}, ['A']],
    ['export with a value', ['export EXTRA_ARGS="--build-arg=A=1"', 'docker build $EXTRA_ARGS .'], {}, ['A']],
    ['a conditional append after an unconditional start', ['EXTRA_ARGS="--build-arg A=1"', 'if [ -n "$CI_COMMIT_TAG" ]; then\n  EXTRA_ARGS="$EXTRA_ARGS --build-arg B=$CI_COMMIT_TAG"\nfi', 'docker build $EXTRA_ARGS .'], {}, ['A', 'B']],
    ['both branches of if/else after a start', ['EXTRA_ARGS=""', 'if true; then EXTRA_ARGS="--build-arg A=1"; else EXTRA_ARGS="--build-arg B=1"; fi', 'docker build $EXTRA_ARGS .'], {}, ['A', 'B']],
    ['case branches and +=', ['ARGS=', 'case "$X" in\n  a) ARGS+=" --build-arg A=1" ;;\n  *) ARGS+=" --build-arg B=2" ;;\nesac', 'docker build $ARGS .'], {}, ['A', 'B']],
    ['buildctl --opt build-arg:', ['OPTS="--opt build-arg:A=1 --opt=build-arg:B=2"', 'buildctl build --frontend dockerfile.v0 $OPTS --local context=. --local dockerfile=.'], {}, ['A', 'B']],
    ['another args variable read at a word start', ['BASE_ARGS="--build-arg A=1"', 'EXTRA_ARGS="$BASE_ARGS --build-arg B=2"', 'docker build $EXTRA_ARGS .'], {}, ['A', 'B']],
    ['a job variable', ['docker build $EXTRA_ARGS .'], { EXTRA_ARGS: '--build-arg A=$A' }, ['A']],
    ['a later unconditional assignment replaces an earlier one', ['EXTRA_ARGS="--build-arg A=1"', 'EXTRA_ARGS="--build-arg B=1"', 'docker build $EXTRA_ARGS .'], {}, ['B']],
    ['none passes anything', ['EXTRA_ARGS="--pull --no-cache"', 'docker build $EXTRA_ARGS .'], {}, []],
    ['option values are no context', ['EXTRA_ARGS="-t $IMAGE:$TAG --label org.opencontainers.image.revision=$CI_COMMIT_SHA --platform linux/amd64"', 'docker build $EXTRA_ARGS .'], {}, []],
    ['an unset variable after unset', ['unset EXTRA_ARGS', 'docker build $EXTRA_ARGS .'], {}, []],
    ['a value after = is no flag', ['EXTRA_ARGS="--build-arg A=$OTHER_ARGS"', 'docker build $EXTRA_ARGS .'], {}, ['A']],
    ['an array, started and appended to', ['ARGS=()', 'if [ -n "$X" ]; then ARGS+=(--build-arg "A=${X}"); fi', 'declare -a MORE=(--pull)', 'ARGS+=("${MORE[@]}" --build-arg=B=2)', 'docker buildx build "${ARGS[@]}" .'], {}, ['A', 'B']],
    ['a command substitution in a value', ['EXTRA_ARGS="--build-arg VERSION=$(git describe --tags)"', 'docker build $EXTRA_ARGS .'], {}, ['VERSION']],
  ])('%s', (_, items, vars, passes) => {
    expect(read(items, vars)).toEqual({ passes, opaque: null });
  });
});

describe('opaque', () => {
  test.each<[string, string[], Record<string, string>, string[], string]>([
    ['not set in the job', ['docker build $EXTRA_ARGS .'], {}, [], '$EXTRA_ARGS is not set in the job (it may be a project variable)'],
    ['set only inside an if', ['if true; then EXTRA_ARGS="--build-arg A=1"; fi', 'docker build $EXTRA_ARGS .'], {}, ['A'], '$EXTRA_ARGS may keep a value set outside the job (no assignment replaces it unconditionally)'],
    ['set only on one side of &&', ['[ -n "$X" ] && EXTRA_ARGS="--build-arg A=1"', 'docker build $EXTRA_ARGS .'], {}, ['A'], '$EXTRA_ARGS may keep a value set outside the job (no assignment replaces it unconditionally)'],
    ['a command substitution', ['EXTRA_ARGS="--build-arg A=1 $(cat args.txt)"', 'docker build $EXTRA_ARGS .'], {}, ['A'], 'a command substitution'],
    ['a sourced file', ['EXTRA_ARGS="--build-arg A=1"', 'source ci/env.sh', 'docker build $EXTRA_ARGS .'], {}, ['A'], 'a sourced file (ci/env.sh)'],
    ['a dot-sourced file before any assignment', ['. ./env', 'docker build $EXTRA_ARGS .'], {}, [], 'a sourced file (./env)'],
    ['eval', ['eval "$SETUP"', 'docker build $EXTRA_ARGS .'], {}, [], 'an eval'],
    ['read', ['EXTRA_ARGS=""', 'read -r EXTRA_ARGS < args.txt', 'docker build $EXTRA_ARGS .'], {}, [], 'read, which reads it from input'],
    ['an array filled by a command substitution', ['args=(--build-arg A=1 $(cat more))', 'docker build "${args[@]}" .'], {}, ['A'], 'a command substitution'],
    ['an array only appended to', ['args+=(--build-arg A=1)', 'docker build "${args[@]}" .'], {}, ['A'], '$args may keep a value set outside the job (no assignment replaces it unconditionally)'],
    ["the script's own arguments", ['docker build "$@" .'], {}, [], 'the script\'s own arguments ("$@")'],
    ['a build arg whose name is a variable', ['EXTRA_ARGS="--build-arg $NAME=1"', 'docker build $EXTRA_ARGS .'], {}, [], 'a build arg whose name is a variable'],
    ['--build-arg-file', ['EXTRA_ARGS="--build-arg-file argfile.conf"', 'podman build $EXTRA_ARGS .'], {}, [], 'a --build-arg-file'],
    ['another args variable set outside', ['EXTRA_ARGS="$CUSTOM_ARGS --build-arg A=1"', 'docker build $EXTRA_ARGS .'], {}, ['A'], '$CUSTOM_ARGS, which may be set outside the job'],
    ['a -f: the Dockerfile is not the one the command line names', ['EXTRA_ARGS="--build-arg A=1 -f ci/Dockerfile"', 'docker build $EXTRA_ARGS .'], {}, ['A'], '-f, which changes the Dockerfile or the context'],
    ['a --file=', ['EXTRA_ARGS="--file=ci/Dockerfile"', 'docker build $EXTRA_ARGS .'], {}, [], '--file, which changes the Dockerfile or the context'],
    ['combined short flags ending in f', ['EXTRA_ARGS="-qf ci/Dockerfile"', 'docker build $EXTRA_ARGS .'], {}, [], '-qf, which changes the Dockerfile or the context'],
    ['buildctl --opt filename=', ['OPTS="--opt filename=Dockerfile.ci"', 'buildctl build --frontend dockerfile.v0 $OPTS --local context=. --local dockerfile=.'], {}, [], '--opt filename, which changes the Dockerfile or the context'],
    ['a word that may be the context', ['EXTRA_ARGS="--pull sub"', 'docker build $EXTRA_ARGS'], {}, [], 'the word sub, which may be the build context'],
    ['a variable that may be the context', ['EXTRA_ARGS="--pull $CTX"', 'docker build $EXTRA_ARGS'], {}, [], '$CTX, which may be the build context'],
    ['a build arg value from a variable', ['docker build --build-arg "$BUILD_ARG" .'], {}, [], 'a build arg written as $BUILD_ARG'],
    ['a command substitution word', ['docker build $(cat args) .'], {}, [], 'a command substitution'],
  ])('%s', (_, items, vars, passes, opaque) => {
    expect(read(items, vars)).toEqual({ passes, opaque });
  });
});

describe('topLevelCommands', () => {
  test('only the statements of the script itself, not in a branch, a list, the background or a function', () => {
    const text = 'A=1\nexport B=2; if x; then C=3; fi\nD=4 &\nE=5 && F=6\nf() { G=7; }\n(H=8)\n';
    const calls = parseShell(text).calls.filter((c) => c.assigns.length > 0);
    const top = topLevelCommands(text);
    expect(calls.map((c) => `${c.assigns[0].name}:${top.has(`${c.start}:${c.end}`)}`)).toEqual(['A:true', 'B:true', 'C:false', 'D:false', 'E:false', 'F:false', 'G:false', 'H:false']);
  });
});

describe('a script a step runs', () => {
  test('starts with the state of what it inherits from the caller, and follows its own assignments', () => {
    const caller = new ArgTracker();
    const text = 'export EXTRA_ARGS="--build-arg A=1"\nif x; then EXTRA_ARGS="$EXTRA_ARGS --build-arg B=$(date) $(cat more)"; fi';
    for (const c of parseShell(text).calls) caller.observe(c, text, () => topLevelCommands(text));
    expect(caller.stateOf('EXTRA_ARGS')).toEqual({ outside: false, passes: new Set(['A', 'B']), opaque: 'a command substitution' });
    const script = 'EXTRA_ARGS="$EXTRA_ARGS --build-arg C=1"\ndocker build $EXTRA_ARGS .';
    const child = new ArgTracker((n) => caller.stateOf(n));
    const calls = parseShell(script).calls;
    child.observe(calls[0], script, () => topLevelCommands(script));
    const cmd = recognise(calls[1], script, new Map())!;
    expect(child.read(calls[1], cmd.dynamic)).toEqual({ passes: new Set(['A', 'B', 'C']), opaque: 'a command substitution' });
    // A variable the script does not inherit (not exported by the caller) starts unset: a project variable, maybe.
    const orphan = new ArgTracker(() => undefined);
    const only = 'docker build $EXTRA_ARGS .';
    const c2 = parseShell(only).calls[0];
    expect(orphan.read(c2, recognise(c2, only, new Map())!.dynamic).opaque).toBe('$EXTRA_ARGS is not set in the job (it may be a project variable)');
  });
});
