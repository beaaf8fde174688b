/** Azure Pipelines fixtures (`__fixtures__/azure/`): script/bash steps, Docker@2 build arguments, the buildAndPush trap. */
import { ciFixtures } from './support/ci-fixtures.js';

ciFixtures('azure', 3);
