/**
 * Which scripts a CI step runs may be patched (issue 13 item 5): sh or bash by the `#!` line, or, without one, by a
 * `.sh`/`.bash` name. Anything else is only read and its builds reported.
 */
import { describe, expect, test } from '@jest/globals';
import { shellScriptKind } from '../src/ci/steps.js';

describe('shellScriptKind', () => {
  test.each([
    ['ci/build.sh', '#!/bin/sh\ndocker build .\n'],
    ['ci/build.sh', '#!/bin/bash -eu\n'],
    ['ci/build', '#!/usr/bin/env bash\n'],
    ['ci/build', '#! /usr/bin/env sh\n'],
    ['ci/build', '\uFEFF#!/bin/sh\n'],
    ['ci/build.sh', 'docker build .\n'],
    ['ci/build.bash', 'docker build .\n'],
  ])('%s %j is a sh/bash script', (path, text) => {
    expect(shellScriptKind(path, text)).toBeNull();
  });

  test.each([
    ['ci/build.sh', '#!/bin/zsh\n', 'ci/build.sh is run by /bin/zsh, not sh or bash'],
    ['ci/build', '#!/usr/bin/env python3\n', 'ci/build is run by python3, not sh or bash'],
    ['ci/build', 'docker build .\n', 'ci/build has no #! line naming sh or bash, nor a .sh name'],
    ['ci/build.py', 'import os\n', 'ci/build.py has no #! line naming sh or bash, nor a .sh name'],
  ])('%s %j is not', (path, text, why) => {
    expect(shellScriptKind(path, text)).toBe(why);
  });
});
