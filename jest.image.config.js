/**
 * `npm run test:image`: the service image built for real on the project's own Docker engine
 * (scripts/docker-engine.ts) and run as the synthesized task definition says: health check, limits,
 * DynamoDB, the page in Chromium, a stop under load, a push and a pull through a local registry.
 * Suites are named `*.image.ts`, not `*.test.ts`, so `npm test` never needs the engine; CI runs
 * this after the sandbox suite. The global setup starts the engine and builds the image once.
 */
const { projects } = require('./jest.config.js');

// Jest's own runner, each file in its own module registry, as the integration layer runs: the unit
// layer's runner shares modules between files, which suits pure tests only.
const { displayName: _name, testMatch: _match, slowTestThreshold: _slow, globalSetup: _setup, ...common } = projects.find((p) => p.displayName === 'integration');

module.exports = {
  ...common,
  displayName: 'image',
  testMatch: ['<rootDir>/__tests__/image/**/*.image.ts'],
  globalSetup: '<rootDir>/__tests__/support/image-suite-setup.ts',
  globalTeardown: '<rootDir>/__tests__/support/image-suite-teardown.ts',
  // A cold push and pull of the image with its base, or a health check interval, each take seconds.
  testTimeout: 120_000,
  slowTestThreshold: 60,
};
