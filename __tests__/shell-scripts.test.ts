/** Stand-alone shell script fixtures (`__fixtures__/shell-scripts/`), reported only. */
import { ciFixtures } from './support/ci-fixtures.js';

ciFixtures('shell-scripts', 3);
