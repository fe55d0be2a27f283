/**
 * Two projects: `unit` (everything, no servers) and `db` (`*.db.test.ts`: real PostgreSQL and MariaDB started once per
 * run by the project's globalSetup, which jest only runs when a db test is selected).
 * @type {import('jest').Config}
 */
const transform = {
  '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
};
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform,
  moduleFileExtensions: ['ts', 'js', 'json'],
};
module.exports = {
  testTimeout: 60000,
  maxWorkers: '50%',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['\\.db\\.test\\.ts$'] },
    {
      ...common,
      displayName: 'db',
      testMatch: ['**/*.db.test.ts'],
      globalSetup: '<rootDir>/test/support/db-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/db-global-teardown.ts',
    },
  ],
};
