/**
 * `npm run stress` (issue 7): load, fault, rolling stop, bad input and malformed CSV against the
 * bundled service and the real app, on loopback. Reuses the unit project's transform and setup;
 * jest.config.js does not match `*.stress.test.ts`, so `npm test` never runs these.
 */
const { projects } = require('./jest.config.js');

const { displayName: _name, testMatch: _match, testPathIgnorePatterns: _ignore, ...common } = projects[0];

module.exports = {
  ...common,
  displayName: 'stress',
  testMatch: ['<rootDir>/__tests__/stress/**/*.stress.test.ts'],
  // Each suite bounds its own work; this only stops a wedged one.
  testTimeout: 120_000,
  slowTestThreshold: 120,
};
