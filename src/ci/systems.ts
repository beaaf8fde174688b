/** The CI systems `--ci` can choose from (only the ones the tool patches or reports). Kept free of imports so
 * the CLI can validate --ci without loading the CI side. */
export const CI_SYSTEMS = ['gitlab', 'github', 'compose', 'bake', 'jenkins', 'shell', 'bitbucket', 'azure', 'circleci', 'drone', 'woodpecker'] as const;
export type CiSystem = (typeof CI_SYSTEMS)[number];
