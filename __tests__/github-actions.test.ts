/** GitHub Actions fixtures (`__fixtures__/github-actions/`): workflows, composite actions, build-push-action and run: steps. */
import { ciFixtures } from './support/ci-fixtures.js';

ciFixtures('github-actions', 12);
