/**
 * `npm run test:sandbox`: the three stacks applied by real Terraform to the emulated AWS
 * of a moto server the suite starts itself, re-planned, run and torn down; a few minutes, because
 * the AWS provider waits about 60 s after creating a load balancer. The suite is named
 * `*.sandbox.ts`, not `*.test.ts`, so that `npm test` stays fast; CI runs it after `npm test`.
 * Before the suites, scripts/jest-sandbox-setup.ts prepares the machine for Terraform.
 */
const { projects } = require('./jest.config.js');

// Jest's own runner, each file in its own module registry, as the integration layer runs: the unit
// layer's runner shares modules between files, which suits pure tests only.
const { displayName: _name, testMatch: _match, slowTestThreshold: _slow, globalSetup: _setup, ...common } = projects.find((p) => p.displayName === 'integration');

module.exports = {
  ...common,
  displayName: 'sandbox',
  testMatch: ['<rootDir>/__tests__/sandbox/**/*.sandbox.ts'],
  globalSetup: '<rootDir>/scripts/jest-sandbox-setup.ts',
  globalTeardown: '<rootDir>/scripts/jest-sandbox-teardown.ts',
  // Each file starts its own moto and works in its own directory, and most of a file's time is the
  // AWS provider's fixed waits (a load balancer alone about 60 s), not CPU: three at a time. The
  // sequencer keeps the two files that build the service image apart.
  maxWorkers: 3,
  testSequencer: '<rootDir>/scripts/jest-sandbox-sequencer.js',
  // beforeAll deploys three stacks; the teardown test destroys them.
  testTimeout: 15 * 60_000,
  slowTestThreshold: 600,
};
