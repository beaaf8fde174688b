/** Bake fixtures (`__fixtures__/bake/`): JSON targets patched (args, variable), an HCL target reported with the text to add. */
import { ciFixtures } from './support/ci-fixtures.js';

ciFixtures('bake', 3);
