/** GitLab CI fixtures (`__fixtures__/gitlab-ci/`), run by the shared harness. */
import { ciFixtures } from './support/ci-fixtures.js';

ciFixtures('gitlab-ci', 30);
