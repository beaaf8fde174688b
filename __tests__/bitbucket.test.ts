/** Bitbucket Pipelines fixtures (`__fixtures__/bitbucket/`): script steps through parallel, stage, anchors and custom variables. */
import { ciFixtures } from './support/ci-fixtures.js';

ciFixtures('bitbucket', 3);
