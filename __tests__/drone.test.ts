/** Drone and Woodpecker fixtures (`__fixtures__/drone/`): docker plugin settings.build_args_from_env, commands steps, anchors, several documents. */
import { ciFixtures } from './support/ci-fixtures.js';

ciFixtures('drone', 3);
