/** Compose fixtures (`__fixtures__/compose/`): build.args in map and list style, a missing args key, a context string. */
import { ciFixtures } from './support/ci-fixtures.js';

ciFixtures('compose', 3);
