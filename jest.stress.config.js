/**
 * `npm run stress`: load, fault, rolling stop, bad input and malformed CSV against the
 * bundled service and the real app, on loopback. Reuses the unit project's transform and setup.
 * Suites are named `*.stress.ts`, not `*.stress.test.ts`: jest.config.js matches every `*.test.ts`
 * under __tests__/, and these must run only here, one at a time.
 */
const { projects } = require('./jest.config.js');

// Jest's own runner, each file in its own module registry, as the integration layer runs: the unit
// layer's runner shares modules between files, which suits pure tests only.
const { displayName: _name, testMatch: _match, slowTestThreshold: _slow, globalSetup: _setup, ...common } = projects.find((p) => p.displayName === 'integration');

module.exports = {
  ...common,
  displayName: 'stress',
  testMatch: ['<rootDir>/__tests__/stress/**/*.stress.ts'],
  // Each suite bounds its own work; this only stops a wedged one.
  testTimeout: 120_000,
  slowTestThreshold: 120,
};
