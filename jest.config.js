// Tests are transpiled into build/ first (scripts/test.mjs), then run as native ES modules.
export default {
  rootDir: 'build',
  testMatch: ['<rootDir>/tests/**/*.test.js'],
  transform: {},
  testEnvironment: 'node',
  testTimeout: 60000,
  maxWorkers: 2,
};
