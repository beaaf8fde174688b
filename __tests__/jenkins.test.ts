/** Jenkinsfile fixtures (`__fixtures__/jenkins/`): sh steps and docker.build() calls, reported only. */
import { ciFixtures } from './support/ci-fixtures.js';

ciFixtures('jenkins', 3);
