/** CircleCI fixtures (`__fixtures__/circleci/`): run steps (string or command), reusable commands, working_directory. */
import { ciFixtures } from './support/ci-fixtures.js';

ciFixtures('circleci', 2);
